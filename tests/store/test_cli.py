"""The command line a newcomer uses: import, submit, resubmit, history, export."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ccassure.cli import cli
from tests.reference.conftest import REALDATA
from tests.store.conftest import return_rows, write_return


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_submit_resubmit_history_export(tmp_path: Path, store_path: Path):
    store = ["--store", str(store_path)]
    first = write_return(tmp_path / "q4", return_rows(sessions=3))
    result = run("submit", str(first), "--provider", "PRV-A", "--period", "2016Q4", "--submitter", "dana", *store)
    assert result.exit_code == 0, result.output
    assert "Stored S" in result.output and "sessions" in result.output
    again = run("submit", str(first), "--provider", "PRV-A", "--period", "2016Q4", *store)
    assert again.exit_code == 2 and "identical (same SHA-256)" in again.output
    second = write_return(tmp_path / "q4b", return_rows(sessions=4))
    result = run("submit", str(second), "--provider", "PRV-A", "--period", "2016Q4", *store)
    assert result.exit_code == 0 and "superseding" in result.output
    history = run("history", *store)
    assert history.exit_code == 0
    assert "superseded by" in history.output and history.output.count("active") == 1
    as_json = json.loads(run("history", "--format", "json", *store).output)
    assert [row["status"] for row in as_json] == ["superseded", "active"]
    assert as_json[0]["submitter"] == "dana"
    out = tmp_path / "export"
    result = run("export", "--output", str(out), "--period", "2016Q4", "--authority", "E10000016", *store)
    assert result.exit_code == 0, result.output
    assert pq.read_table(out / "sessions.parquet").num_rows == 4
    as_at = as_json[1]["submitted_at"][:10]
    result = run("export", "--output", str(tmp_path / "old"), "--as-at", "2000-01-01", *store)
    assert result.exit_code == 0 and pq.read_table(tmp_path / "old" / "sessions.parquet").num_rows == 0
    result = run("export", "--output", str(tmp_path / "now"), "--as-at", as_at, "--table", "sessions", *store)
    assert pq.read_table(tmp_path / "now" / "sessions.parquet").num_rows == 4


def test_submit_refusals_exit_codes(tmp_path: Path, store_path: Path):
    store = ["--store", str(store_path)]
    rows = return_rows()
    rows["sessions"][1]["date"] = "31/31/2016"
    bad = write_return(tmp_path / "bad", rows)
    result = run("submit", str(bad), "--provider", "PRV-A", "--period", "2016Q4", *store)
    assert result.exit_code == 1 and "error" in result.output and "nothing was stored" in result.output
    assert "Sessions" in result.output or "sessions" in result.output
    result = run("submit", str(tmp_path / "missing.xlsx"), "--provider", "PRV-A", "--period", "2016Q4", *store)
    assert result.exit_code == 2 and "missing.xlsx" in result.output
    good = write_return(tmp_path / "good", return_rows())
    result = run("submit", str(good), "--provider", "PRV-A", "--period", "Q4", *store)
    assert result.exit_code == 2 and "not a period" in result.output
    assert "Traceback" not in result.output
    assert "No submissions" in run("history", *store).output


@pytest.fixture
def real() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"the real public samples are not here ({REALDATA} is absent)")
    return REALDATA


@pytest.mark.parametrize("kind, file, rows", [
    ("eyfsp", "eyfsp_headline_measures_202425_sample.csv", 8),
    ("postcodes", "nspl_2025_format_sample.csv", 3),
    ("authorities", "la_codes_target.csv", 12),
    ("gias", "gias_edubasealldata_2021_sample.csv", 2),
])
def test_import_real_samples(real: Path, store_path: Path, kind: str, file: str, rows: int):
    result = run("import", kind, str(real / file), "--store", str(store_path))
    assert result.exit_code == 0, result.output
    assert f"Imported {rows:,} rows of {kind}" in result.output
    again = run("import", kind, str(real / file), "--store", str(store_path))
    assert again.exit_code == 0 and "identical" in again.output


def test_import_bad_file_exit_2_and_store_untouched(real: Path, store_path: Path):
    store = ["--store", str(store_path)]
    assert run("import", "postcodes", str(real / "nspl_2025_format_sample.csv"), *store).exit_code == 0
    before = run("history", "--format", "csv", *store).output
    result = run("import", "gias", str(real / "gias_links_edubasealldata20250422_sample.csv"), *store)
    assert result.exit_code == 2
    assert "gias_links_edubasealldata20250422_sample.csv" in result.output and "Traceback" not in result.output
    result = run("import", "iod", str(real / "headers" / "iod2019_file7_header.csv"), *store)
    assert result.exit_code == 2 and "no data rows" in result.output
    assert run("history", "--format", "csv", *store).output == before


def test_realdata_folder_is_where_tests_expect():
    # tests read the samples through ../shared/reference/realdata relative to the repository
    assert REALDATA.parts[-3:] == ("shared", "reference", "realdata")
