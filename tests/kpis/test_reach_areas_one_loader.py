"""Reach areas reach the KPIs only as the validated ``reach_areas`` table of the authority records, through the
one loader ``ccassure check`` uses: the same data give the same KPI results whether they come from the
sample folder, from ``--data`` or from the store, and a reach_areas.csv lying outside the records is not read.
All data are the synthetic sample (generated once per session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ccassure.assessment import SAMPLE_FOLDERS
from ccassure.cli import cli

REPO = Path(__file__).resolve().parents[2]
KEY = ["framework", "kpi_id", "subject_type", "subject_id", "period", "window"]
ANSWERS = ["numerator", "denominator", "value", "rag"]
AUTHORITY = "E06000903"  # Saltmere, the sample's one authority
PROVIDER = "PRV-SLM-TRUST"


def kpis_run(*args: str) -> tuple[str, pd.DataFrame]:
    out = Path(args[args.index("--output") + 1])
    result = CliRunner().invoke(cli, ["kpis", "run", "--period", "2016Q4", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out / "kpi_results.parquet")[KEY + ANSWERS]
    return result.output, frame.sort_values(KEY).reset_index(drop=True)


def data_args(folder: Path, names=SAMPLE_FOLDERS) -> list[str]:
    return [arg for name in names for arg in ("--data", str(folder / name))]


def centre_reach(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["kpi_id"] == "CORE-REG-U5") & (frame["subject_type"] == "centre")]


@pytest.fixture
def project(generated_sample, tmp_path, monkeypatch) -> Path:
    """A project with the repository's contracts and rules, the generated sample as its sample_data/ and no
    store, so `kpis run` with no --data reads the sample folder."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "ccassure.yml", root / "ccassure.yml")
    for name in ("data_contracts", "rules", "checks"):
        (root / name).symlink_to(REPO / name)
    shutil.copytree(generated_sample, root / "sample_data")
    monkeypatch.setenv("CCASSURE_PROJECT", str(root))
    monkeypatch.delenv("CCASSURE_STORE")
    return root


def test_the_same_data_give_the_same_kpis_from_the_sample_folder_data_and_the_store(project, tmp_path, monkeypatch):
    from ccassure.store import Store

    sample = project / "sample_data"
    said, from_sample = kpis_run("--output", str(tmp_path / "sample"))
    assert "Data: the sample data" in said
    _, from_data = kpis_run("--output", str(tmp_path / "data"), *data_args(sample))

    store = Store(tmp_path / "store.duckdb")
    store.submit(sample / "provider_return", provider=PROVIDER, period="2016Q4", submitter="test", accept_warnings=True)
    store.submit(sample / "authority_records", provider=AUTHORITY, period="2016Q4", submitter="test",
                 accept_warnings=True)
    store.import_reference_tables(sample / "reference", submitter="test")
    monkeypatch.setenv("CCASSURE_STORE", str(tmp_path / "store.duckdb"))
    said, from_store = kpis_run("--output", str(tmp_path / "store"))
    assert "Data: the store" in said
    # as at today the store is read by the same SQL path as `ccassure check`: the same answers
    today = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")
    said, as_at_today = kpis_run("--output", str(tmp_path / "today"), "--as-at", today)
    assert "Data: the store" in said and "no reach_areas table" not in said

    assert centre_reach(from_sample)["rag"].ne("not_evaluable").all()  # the reach areas were read
    pd.testing.assert_frame_equal(from_data, from_sample)
    pd.testing.assert_frame_equal(from_store, from_sample)
    pd.testing.assert_frame_equal(as_at_today, from_sample)


def test_kpis_as_at_a_date_before_any_submission_see_no_data(project, tmp_path, monkeypatch):
    from ccassure.store import Store

    sample = project / "sample_data"
    store = Store(tmp_path / "store.duckdb")
    store.submit(sample / "provider_return", provider=PROVIDER, period="2016Q4", submitter="test", accept_warnings=True)
    monkeypatch.setenv("CCASSURE_STORE", str(tmp_path / "store.duckdb"))
    _, now = kpis_run("--output", str(tmp_path / "now"))
    _, before = kpis_run("--output", str(tmp_path / "before"), "--as-at", "2000-01-01")
    assert now["denominator"].fillna(0).gt(0).any()
    assert before["denominator"].fillna(0).eq(0).all()  # nothing had been submitted then


def test_a_reach_areas_csv_outside_the_records_is_not_read(project, tmp_path):
    sample = project / "sample_data"
    shutil.move(sample / "authority_records" / "reach_areas.csv", sample / "reach_areas.csv")  # one folder up
    said, without = kpis_run("--output", str(tmp_path / "without"), *data_args(sample))
    assert "the data hold no reach_areas table" in said
    assert set(centre_reach(without)["rag"]) == {"not_evaluable"}

    # given as data of its own, the same file is validated and read as the reach_areas table
    said, given = kpis_run("--output", str(tmp_path / "given"), *data_args(sample), "--data",
                           str(sample / "reach_areas.csv"))
    assert "no reach_areas table" not in said
    assert centre_reach(given)["rag"].ne("not_evaluable").all()


def test_there_is_no_side_door_option_for_reach_areas(project, tmp_path):
    reach = project / "sample_data" / "authority_records" / "reach_areas.csv"
    result = CliRunner().invoke(cli, ["kpis", "run", "--reach-areas", str(reach), "--output", str(tmp_path)])
    assert result.exit_code == 2 and "No such option" in result.output


def test_reach_areas_that_break_their_contract_are_reported_by_file_row_and_column(project, tmp_path):
    sample = project / "sample_data"
    bad = tmp_path / "bad" / "reach_areas.csv"
    bad.parent.mkdir()
    bad.write_text("reach_area_id,centre_id,lsoa_code,authority_code\n"
                   f"RA-1,SLM-CC-01,NOT-AN-LSOA,{AUTHORITY}\n", encoding="utf-8")
    said, _ = kpis_run("--output", str(tmp_path / "out"), *data_args(sample, ("provider_return", "reference")),
                       "--data", str(bad))
    assert "reach_areas.csv: 1 validation error(s)" in said

    checked = CliRunner().invoke(cli, ["validate", str(bad)], catch_exceptions=False)
    assert checked.exit_code == 1
    assert "reach_areas.csv row 2 · column lsoa_code · value 'NOT-AN-LSOA'" in checked.output
