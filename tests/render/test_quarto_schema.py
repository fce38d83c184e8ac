"""Our _quarto.yml, front matter and cell options use only names Quarto itself defines, so that
`quarto render` works on the same sources."""

import functools
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from ccassure.render.qmd import read_qmd

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path("/work/shared/reference/quarto/schema")
DOCUMENTS = sorted((ROOT / "reports").glob("*.qmd"))


@functools.cache
def names(pattern: str) -> set[str]:
    found: set[str] = set()
    for path in SCHEMA.glob(pattern):
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or []
        if isinstance(data, list):
            found |= {item["name"] for item in data if isinstance(item, dict) and "name" in item}
    return found


pytestmark = pytest.mark.skipif(not SCHEMA.is_dir(), reason="Quarto schema reference not available")


def test_documents_exist():
    assert {p.stem for p in DOCUMENTS} >= {"index", "authority", "centre", "validation", "rules"}


def test_quarto_yml_uses_known_options():
    config = YAML(typ="safe", pure=True).load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    document_options = names("document-*.yml")
    project_options = {"type", "output-dir", "render", "pre-render", "post-render", "execute-dir", "title",
                       "lib-dir", "resources", "preview"}
    project_text = (SCHEMA / "project.yml").read_text(encoding="utf-8")
    for key in config["project"]:
        assert key in project_options and re.search(rf"\b{re.escape(key)}\b", project_text), key
    for key in config["execute"]:
        assert key in names("document-execute.yml") | names("cell-*.yml"), key
    for fmt, options in config["format"].items():
        assert fmt in {"html", "typst", "pdf"}
        for key in options:
            assert key in document_options, f"format.{fmt}.{key}"
    for key in set(config) - {"project", "execute", "format"}:
        assert key in document_options, key
    for item in config["project"]["render"]:
        assert list(ROOT.glob(item)), item  # a file, or a pattern such as reports/*.qmd that matches files


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_front_matter_and_cell_options_are_quarto_names(path):
    doc = read_qmd(path)
    document_options = names("document-*.yml")
    for key in doc.front_matter:
        # `ccassure:` is the project's own metadata (how the plan renders the document); Quarto passes it through
        assert key in document_options or key == "ccassure", f"{path.name}: front matter {key}"
    cell_options = names("cell-*.yml")
    code = [c for c in doc.notebook.cells if c.cell_type == "code"]
    assert code and "parameters" in code[0].metadata["tags"], "first chunk must be the parameters cell"
    for c in code:
        for key in c.metadata["quarto"]:
            assert key in cell_options, f"{path.name}: cell option {key}"
