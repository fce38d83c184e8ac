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

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(docblocks.BLOCKS))
def test_the_docs_list_what_the_registry_holds(name: str) -> None:
    assert docblocks.current(name, REPO) == docblocks.expected(name), (
        f"{docblocks.BLOCKS[name][0]} is out of date: run `python scripts/registry_docs.py`")


# ------------------------------------------------------------------------------ validation output formats


@pytest.fixture
def extra_format(monkeypatch: pytest.MonkeyPatch):
    """A 'tsv' format registered for one test, and validate_cmd re-read so that its options see it."""
    from ccassure.validation import outputs

    def tsv(result, limit):
        return "".join(f"{p.sheet}\t{p.message}\n" for p in result.problems)

    monkeypatch.setitem(outputs.OUTPUTS, "tsv", outputs.OutputFormat(
        "tsv", (".tsv",), "the problems as tab-separated lines", False, text=tsv))
    import ccassure.cli.validate_cmd as validate_cmd

    yield importlib.reload(validate_cmd)
    monkeypatch.undo()
    importlib.reload(validate_cmd)


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
