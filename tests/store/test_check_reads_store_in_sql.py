"""A check reads the store inside its own DuckDB connection (issue #12, item 1).

The store's tables are copied into the check's connection by SQL from the file attached read-only: no
pandas frame is made of them on the way, and the answers are those of the same data handed over as frames
or given as ``--data`` files. The data are the project's synthetic sample_data/.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ccassure.assessment import (
    SAMPLE_FOLDERS,
    CheckData,
    StoreRead,
    check_store_periods,
    load_engine,
    run_check,
)
from ccassure.periods import parse_period
from ccassure.project import current_project
from ccassure.store import Store
from ccassure.store.for_check import checked_tables, load_for_check
from ccassure.validation import validate

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
PERIOD = "2016Q4"
ANSWER = ["rule_id", "subject_type", "subject_id", "period", "status", "observed", "threshold", "evidence"]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Store:
    """The sample data submitted to a fresh store for PERIOD (authority records per authority)."""
    store = Store(tmp_path_factory.mktemp("sql-store") / "store.duckdb")
    store.import_reference_tables(SAMPLE / "reference")
    provider = validate(SAMPLE / "provider_return")
    store.store_tables(provider.tables, dataset="provider_return", provider="PRV-SAMPLE", period=PERIOD)
    records = validate(SAMPLE / "authority_records").tables
    codes = sorted({str(v) for f in records.values() if "authority_code" in f for v in f["authority_code"].dropna()})
    for code in codes:
        part = {t: (f[f["authority_code"] == code] if "authority_code" in f else f) for t, f in records.items()}
        store.store_tables(part, dataset="authority_records", provider=code, period=PERIOD)
    return store


@pytest.fixture(scope="module")
def engine():
    return load_engine(current_project())


def _answers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].astype("string").sort_values(columns).reset_index(drop=True)


def test_a_store_check_makes_no_pandas_frame_of_the_store_tables(sample_store, engine, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the check read the store into pandas frames")

    monkeypatch.setattr(Store, "read_tables", refuse)
    monkeypatch.setattr("ccassure.store.selection.read_tables", refuse)
    runs, failures = check_store_periods(sample_store, [PERIOD], project=current_project(), engine=engine)
    assert failures == []
    assert len(runs[0].findings.to_frame()) > 0 and len(runs[0].kpis.frame) > 0


def test_the_store_path_answers_as_the_same_store_read_as_frames(sample_store, engine):
    period = parse_period(PERIOD)
    tables, versions = checked_tables(sample_store, authority=None, period=PERIOD)
    as_frames = run_check(data=CheckData(tables, "store", "the store", versions, store=sample_store),
                          period=period, engine=engine)
    in_sql = run_check(data=StoreRead(sample_store, period), period=period, engine=engine)
    pd.testing.assert_frame_equal(as_frames.findings.to_frame(), in_sql.findings.to_frame())
    pd.testing.assert_frame_equal(as_frames.kpis.frame, in_sql.kpis.frame)
    pd.testing.assert_frame_equal(as_frames.kpis.findings, in_sql.kpis.findings)
    assert as_frames.data.data_versions == in_sql.data.data_versions
    assert as_frames.data.notes == in_sql.data.notes


def test_the_store_path_answers_as_the_data_path(sample_store, engine):
    period = parse_period(PERIOD)
    from_data = run_check(data=[SAMPLE / name for name in SAMPLE_FOLDERS], period=period, engine=engine)
    from_store = run_check(data=StoreRead(sample_store, period), period=period, engine=engine)
    pd.testing.assert_frame_equal(_answers(from_data.findings.to_frame(), ANSWER),
                                  _answers(from_store.findings.to_frame(), ANSWER))
    kpi = ["kpi_id", "subject_type", "subject_id", "period", "window", "numerator", "denominator", "value", "rag"]
    pd.testing.assert_frame_equal(_answers(from_data.kpis.frame, kpi), _answers(from_store.kpis.frame, kpi))


def test_a_table_nobody_supplied_is_absent_and_an_empty_one_present(tmp_path, engine):
    store = Store(tmp_path / "store.duckdb")
    provider = validate(SAMPLE / "provider_return").tables
    store.store_tables({"centres": provider["centres"], "sessions": provider["sessions"].iloc[:0]},
                       dataset="provider_return", provider="PRV-SAMPLE", period=PERIOD)
    con = duckdb.connect()
    try:
        made = load_for_check(con, store, authority=None, period=PERIOD)
        assert "sessions" in made.tables and "contacts" not in made.tables
        assert con.execute("SELECT count(*) FROM sessions").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'contacts'"
                           ).fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM duckdb_databases() WHERE NOT internal").fetchall()[0][0] == 1
    finally:
        con.close()


def test_periods_checked_in_parallel_answer_as_one_process_and_a_bad_period_fails_alone(sample_store, engine):
    periods = ["2016Q3", PERIOD, "2016Q9", "2017Q1"]
    parallel, parallel_failures = check_store_periods(sample_store, periods, project=current_project(),
                                                      engine=engine, workers=2)
    serial, serial_failures = check_store_periods(sample_store, periods, project=current_project(), engine=engine,
                                                  workers=1)
    assert [f[0] for f in parallel_failures] == ["2016Q9"] and parallel_failures == serial_failures
    assert [str(r.period) for r in parallel] == ["2016Q3", PERIOD, "2017Q1"] == [str(r.period) for r in serial]
    for mine, theirs in zip(parallel, serial, strict=True):
        pd.testing.assert_frame_equal(mine.findings.to_frame(), theirs.findings.to_frame())
        pd.testing.assert_frame_equal(mine.kpis.frame, theirs.kpis.frame)
        assert mine.data.data_versions == theirs.data.data_versions and mine.data.store is sample_store
    assert any(len(r.findings) for r in parallel)
