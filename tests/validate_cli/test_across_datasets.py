"""A service change naming a centre that no provider return lists is a validation error across datasets:
`ccassure validate RECORDS --against RETURN` reports it located to file, sheet, row and column, and
`store submit` checks it against the centres the store holds for that authority and stores nothing of
that return. All data here is synthetic (the sample Saltmere authority)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ccassure import validate
from ccassure.cli import cli
from ccassure.store import Store
from ccassure.store.errors import SubmissionRefused
from ccassure.validation.across_datasets import Known

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
PROVIDER_RETURN = SAMPLE / "provider_return"
AUTHORITY = "E06000903"


def _records(tmp_path: Path, centre: str = "SLM-CC-99") -> Path:
    """The sample authority records, their one service change naming ``centre``."""
    folder = tmp_path / "records"
    shutil.copytree(SAMPLE / "authority_records", folder)
    changes = folder / "service_changes.csv"
    changes.write_text(changes.read_text(encoding="utf-8").replace(",SLM-CC-04,", f",{centre},"), encoding="utf-8")
    assert centre in changes.read_text(encoding="utf-8")
    return folder


def _cli(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _unknown(problems) -> list:
    return [p for p in problems if p.code == "unknown-across-datasets"]


def test_validate_against_the_provider_return_reports_the_unknown_centre_located(tmp_path: Path) -> None:
    result = _cli("validate", str(_records(tmp_path)), "--against", str(PROVIDER_RETURN), "--format", "json")
    assert result.exit_code == 1, result.output
    found = [p for p in json.loads(result.output)["problems"] if p["code"] == "unknown-across-datasets"]
    assert len(found) == 1
    problem = found[0]
    assert problem["severity"] == "error"
    # a folder of CSV files: the file is the sheet, and row 2 its first line after the header
    assert (problem["sheet"], problem["row"], problem["column"]) == ("service_changes.csv", 2, "centre_id")
    assert problem["file"].endswith("service_changes.csv")
    assert "SLM-CC-99" in problem["message"] and "Centres sheet in provider_return" in problem["message"]


def test_the_text_report_names_sheet_row_and_column(tmp_path: Path) -> None:
    result = _cli("validate", str(_records(tmp_path)), "--against", str(PROVIDER_RETURN))
    assert result.exit_code == 1
    assert "service_changes.csv" in result.output and "row 2" in result.output
    assert "centre_id 'SLM-CC-99' does not match any" in result.output


def test_a_known_centre_passes_and_without_against_nothing_is_claimed(tmp_path: Path) -> None:
    known = _cli("validate", str(_records(tmp_path / "a", "SLM-CC-04")), "--against", str(PROVIDER_RETURN))
    assert known.exit_code == 0, known.output
    alone = _cli("validate", str(_records(tmp_path / "b")))  # no centres at hand: cannot be checked here
    assert alone.exit_code == 0, alone.output


def test_an_against_path_that_cannot_be_read_exits_2(tmp_path: Path) -> None:
    result = _cli("validate", str(_records(tmp_path)), "--against", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert "given with --against" in result.output


def test_validate_takes_the_other_dataset_as_frames_too(tmp_path: Path) -> None:
    centres = pd.read_csv(PROVIDER_RETURN / "centres.csv", dtype=str)[["centre_id"]]
    found = _unknown(validate(_records(tmp_path), against=Known({"centres": centres}, "in the test")).problems)
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("service_changes", 2, "centre_id", "SLM-CC-99")]


def test_every_table_that_names_a_centre_is_checked(tmp_path: Path) -> None:
    """Reach areas, targets, inspections ... name centres too: each is checked, not only service changes."""
    centres = pd.DataFrame({"centre_id": ["SLM-CC-04"]})
    found = _unknown(validate(SAMPLE / "authority_records", against=Known({"centres": centres}, "here")).problems)
    assert "service_changes" not in {p.table for p in found} and len({p.table for p in found}) >= 2


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store" / "store.duckdb")
    store.submit(PROVIDER_RETURN, provider="PRV-SLM-TRUST", period="2016Q4", accept_warnings=True)
    return store


def test_store_submit_refuses_a_change_naming_a_centre_it_does_not_hold(tmp_path: Path, store: Store) -> None:
    with pytest.raises(SubmissionRefused) as refused:
        store.submit(_records(tmp_path), provider=AUTHORITY, period="2016Q4", accept_warnings=True)
    assert "nothing was stored" in str(refused.value)
    (problem,) = _unknown(refused.value.result.problems)
    assert (problem.sheet, problem.row, problem.column) == ("service_changes.csv", 2, "centre_id")
    assert f"any provider return stored for {AUTHORITY}" in problem.message
    assert list(store.history()["dataset"]) == ["provider_return"]  # nothing of the records stored


def test_store_submit_on_the_command_line_says_why_and_exits_1(tmp_path: Path, store: Store) -> None:
    result = _cli("submit", str(_records(tmp_path)), "--provider", AUTHORITY, "--period", "2016Q4",
                  "--accept-warnings", "--store", str(store.path))
    assert result.exit_code == 1, result.output
    assert "nothing was stored" in result.output
    assert "service_changes.csv, row 2" in result.output
    assert "centre_id 'SLM-CC-99' does not match any centre_id on the Centres sheet" in result.output
    assert list(store.history()["dataset"]) == ["provider_return"]


def test_store_submit_stores_a_change_naming_a_stored_centre(tmp_path: Path, store: Store) -> None:
    stored = store.submit(_records(tmp_path, "SLM-CC-04"), provider=AUTHORITY, period="2016Q4", accept_warnings=True)
    assert stored.dataset == "authority_records"


def test_a_centre_of_another_authority_is_unknown_to_this_one(tmp_path: Path, store: Store) -> None:
    """The store's centres are read for the submitting authority only: Saltmere's SLM-CC-04 is not a centre
    of E06000904, whose own provider (centres OTH-...) has returned too."""
    def moved(folder: Path, replace: dict[str, str]) -> Path:
        for csv_file in folder.glob("*.csv"):
            text = csv_file.read_text(encoding="utf-8")
            for old, new in replace.items():
                text = text.replace(old, new)
            csv_file.write_text(text, encoding="utf-8")
        return folder

    other_return = moved(Path(shutil.copytree(PROVIDER_RETURN, tmp_path / "other")),
                         {AUTHORITY: "E06000904", "SLM-": "OTH-"})
    store.submit(other_return, provider="PRV-OTH", period="2016Q4", accept_warnings=True)
    records = moved(_records(tmp_path, "SLM-CC-04"), {AUTHORITY: "E06000904"})
    with pytest.raises(SubmissionRefused) as refused:
        store.submit(records, provider="E06000904", period="2016Q4", accept_warnings=True)
    assert any(p.table == "service_changes" and p.value == "SLM-CC-04" for p in _unknown(refused.value.result.problems))


def test_with_no_centres_stored_for_the_authority_nothing_can_be_checked_yet(tmp_path: Path) -> None:
    """An authority may record its changes before its providers' first returns; `check` still notes them."""
    empty = Store(tmp_path / "empty" / "store.duckdb")
    records = _records(tmp_path)
    with pytest.raises(SubmissionRefused) as refused:  # a warning: the person submitting is told, and decides
        empty.submit(records, provider=AUTHORITY, period="2016Q4")
    unchecked = [p for p in refused.value.result.problems if p.code == "unchecked-across-datasets"]
    assert unchecked and unchecked[0].severity == "warning" and unchecked[0].column == "centre_id"
    assert f"could not be checked: the store holds no provider return for {AUTHORITY} yet" in unchecked[0].message
    stored = empty.submit(records, provider=AUTHORITY, period="2016Q4", accept_warnings=True)
    assert stored.dataset == "authority_records"
    assert "unchecked-across-datasets" in json.dumps(stored.validation)
