"""Each closed extension point is one list: the CLI's choices, its --help and the docs are read from it.

For each registry a test adds one entry (in the test only) and shows the command line offers it, its help
describes it and it works; and the docs' generated block matches the registry as it stands.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccassure import docblocks
from ccassure.reference.registry import importer

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(docblocks.BLOCKS))
def test_the_docs_list_what_the_registry_holds(name: str) -> None:
    assert docblocks.current(name, REPO) == docblocks.expected(name), (
        f"{docblocks.BLOCKS[name][0]} is out of date: run `python scripts/registry_docs.py`")


def _command_with(monkeypatch: pytest.MonkeyPatch, module: str, *entries):
    """The command module re-read with extra registry entries (dict, key, value), and re-read again after."""
    for registry, key, value in entries:
        monkeypatch.setitem(registry, key, value)
    command = importlib.import_module(module)
    yield importlib.reload(command)
    monkeypatch.undo()
    importlib.reload(command)


# ------------------------------------------------------------------------------ validation output formats


@pytest.fixture
def extra_format(monkeypatch: pytest.MonkeyPatch):
    """A 'tsv' format registered for one test, and validate_cmd re-read so that its options see it."""
    from ccassure.validation import outputs

    def tsv(result, limit):
        return "".join(f"{p.sheet}\t{p.message}\n" for p in result.problems)

    spec = outputs.OutputFormat("tsv", (".tsv",), "the problems as tab-separated lines", False, text=tsv)
    yield from _command_with(monkeypatch, "ccassure.cli.validate_cmd", (outputs.OUTPUTS, "tsv", spec))


def test_the_validate_command_offers_every_registered_format() -> None:
    from ccassure.cli.validate_cmd import validate
    from ccassure.validation.outputs import OUTPUTS

    option = next(p for p in validate.params if p.name == "fmt")
    assert tuple(option.type.choices) == tuple(OUTPUTS)
    for name, spec in OUTPUTS.items():
        assert f"{name}: {spec.summary}" in option.help


def test_a_new_format_is_one_registry_entry(extra_format, tmp_path: Path) -> None:
    help_text = CliRunner().invoke(extra_format.validate, ["--help"]).output
    assert "tsv" in help_text and "tab-separated" in " ".join(help_text.split())
    out = tmp_path / "problems.tsv"  # guessed from the extension, as for the built-in formats
    done = CliRunner().invoke(extra_format.validate, [str(REPO / "sample_data" / "provider_return"), "-o", str(out)])
    assert done.exit_code in (0, 1), done.output
    assert out.is_file() and "Full list of" in done.output
    assert "tsv" in docblocks.expected("validation-formats")


def test_the_extension_names_the_format() -> None:
    from ccassure.validation.outputs import format_for

    assert format_for(Path("page.htm")) == "html"
    assert format_for(Path("problems.XLSX")) == "xlsx"
    assert format_for(Path("notes.unknown")) == "text"
    assert format_for(None) == "text"


# ------------------------------------------------------------------------------------ report documents


def test_render_only_lists_every_document_the_project_declares() -> None:
    from ccassure.cli.render_cmd import render
    from ccassure.render.documents import documents

    help_text = " ".join(CliRunner().invoke(render, ["--help"]).output.split())
    for kind, document in documents(REPO / "reports").items():
        assert f"{kind} ({document.mode.words})" in help_text


def _project_with_extra_document(tmp_path: Path) -> Path:
    import shutil

    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(REPO / "reports", project / "reports", ignore=shutil.ignore_patterns("*_files", "__pycache__"))
    for name in ("ccassure.yml", "_quarto.yml"):
        shutil.copy2(REPO / name, project / name)
    for name in ("rules", "data_contracts", "checks"):
        (project / name).symlink_to(REPO / name)
    (project / "reports" / "summary.qmd").write_text(
        '---\ntitle: "One-page summary"\nsubtitle: "The authority on one page"\n'
        'ccassure: {render: per-authority, title: "Summary: {name}", order: 3}\n---\n\n'
        '```{python}\n#| tags: [parameters]\nresults_dir = "../_output/results"\nauthority = None\n```\n\n'
        '```{python}\nfrom IPython.display import Markdown, display\nimport ccassure.reports as cr\n'
        'results = cr.load_results(results_dir)\n'
        'display(Markdown(f"## {cr.text(results.authority_name(authority))} on one page"))\n```\n', encoding="utf-8")
    return project


def test_a_new_document_is_one_qmd_file_for_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import subprocess
    import sys

    from tests.render.synthetic_results import make_results

    project = _project_with_extra_document(tmp_path)
    monkeypatch.setenv("CCASSURE_PROJECT", str(project))
    from ccassure.cli.render_cmd import render

    assert "summary (one per authority)" in " ".join(CliRunner().invoke(render, ["--help"]).output.split())
    results = make_results(project / "_output" / "results", authorities=2, centres_per_authority=1)
    out = tmp_path / "out"
    env = {**os.environ, "CI": "true", "CCASSURE_PROJECT": str(project)}
    done = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--output-dir",
                           str(out), "--to", "html", "--only", "index,summary"], cwd=project, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = sorted(p.name for p in out.glob("summary-*.html"))
    assert pages == ["summary-E90000000.html", "summary-E90000001.html"], pages
    assert "on one page" in (out / pages[0]).read_text(encoding="utf-8")
    wrong = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--only", "summry"],
                           cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert wrong.returncode == 2 and "summary" in wrong.stderr and "Traceback" not in wrong.stderr


# ------------------------------------------------------------------------------ reference importer kinds


def _read_codes(csv):
    """A test importer: a two-column CSV of authority codes and names (the shared preamble is importer()'s)."""
    import pandas as pd

    code, name = csv.column("code"), csv.column("name")
    raw = csv.read(code, name)
    return pd.DataFrame({"authority_code": raw[code].str.strip(), "authority_name": raw[name].str.strip(),
                         "dfe_code": None, "authority_type": "county"})


read_codes = importer("codes")(_read_codes)  # what an importer module writes; its kind is registered below


@pytest.fixture
def extra_importer(monkeypatch: pytest.MonkeyPatch):
    """A 'codes' kind registered for one test, and import_cmd re-read so that its choices and help see it."""
    from ccassure.reference import registry

    spec = registry.Importer("codes", "authorities", "tests.cli.test_registries:read_codes",
                             "a CSV of authority codes and names (test only)")
    yield from _command_with(monkeypatch, "ccassure.cli.import_cmd", (registry.IMPORTERS, "codes", spec),
                             (registry.FILE_KINDS, "codes", spec))


def test_the_import_command_offers_every_registered_kind() -> None:
    from ccassure.cli.import_cmd import import_reference
    from ccassure.reference.registry import IMPORTERS

    kind = next(p for p in import_reference.params if p.name == "kind")
    assert tuple(kind.type.choices) == tuple(IMPORTERS)
    assert "comparators-eyfsp" in kind.type.choices  # once listed by hand and missing from the command
    help_text = CliRunner().invoke(import_reference, ["--help"]).output
    for name, spec in IMPORTERS.items():
        assert f"{name}: {spec.file.replace('`', '')}" in help_text


def test_a_new_importer_is_one_registry_entry(extra_importer, tmp_path: Path) -> None:
    assert "codes: a CSV of authority codes and names" in CliRunner().invoke(extra_importer.import_reference,
                                                                             ["--help"]).output
    path = tmp_path / "codes.csv"
    path.write_text("code,name\nE10000901,Wexcombe\nE06000901,Testshire\n", encoding="utf-8")
    done = CliRunner().invoke(extra_importer.import_reference, ["codes", str(path)])
    assert done.exit_code == 0, done.output
    assert "Imported 2 rows of codes" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nE10000901,Wexcombe\nE10000901,Again\n", encoding="utf-8")
    refused = CliRunner().invoke(extra_importer.import_reference, ["codes", str(bad)])
    assert refused.exit_code == 2 and "bad.csv" in refused.output and "more than one row" in refused.output
    assert "`codes`" in docblocks.expected("reference-importers")


def test_every_doc_with_a_registry_block_is_named_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for doc, _ in docblocks.BLOCKS.values():
        assert f"`{doc}`" in readme, doc
