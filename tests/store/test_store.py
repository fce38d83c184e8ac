"""The store API: submit, supersede, history, as-at reads, filters, duplicates, export."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import PANDAS_DTYPES
from ccassure.store import DuplicateSubmission, Store, StoreError, SubmissionRefused
from tests.store.conftest import return_rows, typed_tables, write_return


def test_submit_file_validates_and_stores(tmp_path: Path, store_path: Path):
    folder = write_return(tmp_path / "ret", return_rows())
    store = Store(store_path)
    sub = store.submit(folder, provider="PRV-A", period="2016Q4", submitter="tester")
    assert sub.dataset == "provider_return"
    assert sub.row_counts["sessions"] == 3 and sub.row_counts["centres"] == 2
    assert len(sub.content_sha256) == 64 and sub.submitter == "tester"
    history = store.history()
    assert list(history["submission_id"]) == [sub.submission_id]
    assert history.loc[0, "status"] == "active" and history.loc[0, "file_name"] == "ret"
    assert store.get(sub.submission_id).validation["valid"] is True
    tables = store.read_tables()
    assert sorted(tables["sessions"]["session_id"]) == ["S-0", "S-1", "S-2"]


def test_read_back_is_typed_per_contract(store_path: Path):
    store = Store(store_path)
    store.store_tables(typed_tables(return_rows()), dataset="provider_return", provider="PRV-A", period="2016Q4")
    contracts = load_contracts()
    tables = store.read_tables()
    assert set(tables) == set(contracts.tables)
    for name, frame in tables.items():
        for spec in contracts[name].columns:
            assert str(frame[spec.name].dtype) == str(pd.Series(dtype=PANDAS_DTYPES[spec.type]).dtype), (name, spec.name)
        assert list(frame.columns)[-1] == "submission_id"
    sessions = tables["sessions"].sort_values("session_id")
    assert sessions["attendances"].tolist() == [10, 11, 12]
    assert sessions["on_site"].tolist() == [True, True, True]
    assert sessions["date"].iloc[0] == pd.Timestamp("2016-10-03")


def test_errors_and_unaccepted_warnings_are_refused(tmp_path: Path, store_path: Path):
    store = Store(store_path)
    rows = return_rows()
    rows["sessions"][0]["attendances"] = "many"
    bad = write_return(tmp_path / "bad", rows)
    with pytest.raises(SubmissionRefused, match="error"):
        store.submit(bad, provider="PRV-A", period="2016Q4")
    warned = write_return(tmp_path / "warn", return_rows())
    (warned / "sessions.csv").write_text((warned / "sessions.csv").read_text().replace("attendances", "attendances,extra")
                                         .replace("\n", ",x\n").replace("attendances,extra,x", "attendances,extra"))
    with pytest.raises(SubmissionRefused, match="warning"):
        store.submit(warned, provider="PRV-A", period="2016Q4")
    assert store.history().empty
    sub = store.submit(warned, provider="PRV-A", period="2016Q4", accept_warnings=True)
    assert store.get(sub.submission_id).validation["counts"]["warnings"] >= 1


def test_resubmission_supersedes_and_as_at_reads_the_past(store_path: Path):
    store = Store(store_path)
    first = store.store_tables(typed_tables(return_rows(sessions=3)), dataset="provider_return", provider="PRV-A",
                               period="2016Q4")
    time.sleep(0.01)
    between = pd.Timestamp.now("UTC").tz_localize(None).to_pydatetime()
    time.sleep(0.01)
    second = store.store_tables(typed_tables(return_rows(sessions=5)), dataset="provider_return", provider="PRV-A",
                                period="2016q4")   # same period, written differently
    assert second.superseded == (first.submission_id,)
    history = store.history().set_index("submission_id")
    assert history.loc[first.submission_id, "status"] == "superseded"
    assert history.loc[first.submission_id, "superseded_by"] == second.submission_id
    assert history.loc[second.submission_id, "status"] == "active"
    assert len(store.read_tables(tables=["sessions"])["sessions"]) == 5
    assert len(store.read_tables(as_at=between, tables=["sessions"])["sessions"]) == 3
    assert store.data_versions(as_at=between, tables=["sessions"]) == {"sessions": [first.submission_id]}
    assert len(store.read_tables(as_at="2000-01-01", tables=["sessions"])["sessions"]) == 0
    # nothing was deleted
    assert sorted(store.history()["rows"]) == sorted([first.rows, second.rows])


def test_authority_and_period_filters(store_path: Path):
    store = Store(store_path)
    store.store_tables(typed_tables(return_rows("E10000016", "KNT", 4, "2016-09-19")), dataset="provider_return",
                       provider="PRV-A", period="2016Q4")
    store.store_tables(typed_tables(return_rows("E06000023", "BRS", 2, "2016-10-10")), dataset="provider_return",
                       provider="PRV-B", period="2016Q4")
    store.store_tables(typed_tables(return_rows("E10000016", "KNT", 2, "2017-01-09")), dataset="provider_return",
                       provider="PRV-A", period="2017Q1")
    kent_q4 = store.read_tables(authority="E10000016", period="2016Q4")
    assert set(kent_q4["centres"]["authority_code"]) == {"E10000016"}
    dates = kent_q4["sessions"]["date"]
    assert dates.between("2016-10-01", "2016-12-31").all() and len(dates) == 2  # 19 and 26 Sept dropped
    assert set(kent_q4["sessions"]["centre_id"]).issubset({"KNT-CC-001", "KNT-CC-002"})
    assert len(store.read_tables(authority="E06000023", period="2016Q4")["sessions"]) == 2
    fy = store.read_tables(authority="E10000016", period="2016-17", tables=["sessions", "centres"])
    assert len(fy["sessions"]) == 6  # Sept 2016 .. Jan 2017, both quarters' returns
    assert len(fy["centres"]) == 2   # snapshot from the latest quarter only
    versions = store.data_versions(authority="E10000016", period="2016-17", tables=["sessions", "centres"])
    assert len(versions["sessions"]) == 2 and len(versions["centres"]) == 1
    with pytest.raises(StoreError, match="not a period"):
        store.read_tables(period="2016Q5")


def test_authority_records_are_keyed_by_authority(store_path: Path):
    store = Store(store_path)
    frames = {"providers": pd.DataFrame({"provider_id": ["PRV-A"], "provider_name": ["A"],
                                         "authority_code": ["E10000016"]})}
    contracts = load_contracts()
    from ccassure.contracts.dtypes import conform

    sub = store.store_tables({k: conform(v, contracts[k]) for k, v in frames.items()}, dataset="authority_records",
                             provider="E10000016", period="2016-17")
    assert store.read_tables(authority="E10000016", tables=["providers"])["providers"]["provider_id"].tolist() == [
        "PRV-A"]
    assert store.read_tables(authority="E06000023", tables=["providers"])["providers"].empty
    assert store.data_versions(authority="E10000016", period="2016Q4", tables=["providers"]) == {
        "providers": [sub.submission_id]}
    tables = {k: conform(v, contracts[k]) for k, v in frames.items()}
    with pytest.raises(StoreError, match="ONS code"):
        store.store_tables(tables, dataset="authority_records", provider="KENT", period="2017-18")
    with pytest.raises(StoreError, match="has rows for E10000016"):
        store.store_tables(tables, dataset="authority_records", provider="E06000023", period="2017-18")


def test_same_content_twice_is_detected_by_hash(tmp_path: Path, store_path: Path):
    folder = write_return(tmp_path / "ret", return_rows())
    store = Store(store_path)
    first = store.submit(folder, provider="PRV-A", period="2016Q4")
    with pytest.raises(DuplicateSubmission, match=first.submission_id) as info:
        store.submit(folder, provider="PRV-A", period="2016Q4")
    assert info.value.existing_id == first.submission_id
    with pytest.raises(DuplicateSubmission, match="cannot stand for"):
        store.submit(folder, provider="PRV-A", period="2017Q1")
    assert len(store.history()) == 1
    # a changed file is a new submission
    (folder / "sessions.csv").write_text((folder / "sessions.csv").read_text().replace(",10\n", ",11\n"))
    assert store.submit(folder, provider="PRV-A", period="2016Q4").superseded == (first.submission_id,)


def test_bad_provider_period_and_tables_are_refused(store_path: Path):
    store = Store(store_path)
    tables = typed_tables(return_rows())
    with pytest.raises(StoreError, match="not a period"):
        store.store_tables(tables, dataset="provider_return", provider="PRV-A", period="Q4 2016")
    with pytest.raises(StoreError, match="provider"):
        store.store_tables(tables, dataset="provider_return", provider="bad provider; drop", period="2016Q4")
    with pytest.raises(StoreError, match="belongs to"):
        store.store_tables(tables, dataset="authority_records", provider="E10000016", period="2016Q4")
    with pytest.raises(StoreError, match="no contract"):
        store.read_tables(tables=["nope"])
    assert store.history().empty


def test_empty_store_reads_empty(store_path: Path):
    store = Store(store_path)
    assert store.history().empty
    assert all(frame.empty for frame in store.read_tables().values())
    assert not store_path.exists()


def test_export_writes_parquet(tmp_path: Path, store_path: Path):
    store = Store(store_path)
    sub = store.store_tables(typed_tables(return_rows()), dataset="provider_return", provider="PRV-A",
                             period="2016Q4")
    written = store.export(tmp_path / "out", period="2016Q4")
    sessions = pq.read_table(written["sessions"]).to_pandas()
    assert sorted(sessions["session_id"]) == ["S-0", "S-1", "S-2"]
    assert set(sessions["submission_id"]) == {sub.submission_id}
    assert len(pq.read_table(written["submissions"])) == 1
    manifest = json.loads(written["manifest"].read_text())
    assert manifest["data_versions"]["sessions"] == [sub.submission_id]
    assert pq.read_table(written["postcodes"]).num_rows == 0


def test_reference_import_is_versioned_and_points_are_derived(tmp_path: Path, store_path: Path):
    store = Store(store_path)
    header = "pcd7,pcds,doterm,lad25cd,cty25cd,lsoa21cd,east1m,north1m\n"
    postcodes = tmp_path / "nspl.csv"
    postcodes.write_text(header + "\n".join([
        '"ME1 1AA","ME1 1AA","","E07000110","E10000016","E01024354","575000","155000"',
        '"ME1 1AB","ME1 1AB","","E07000110","E10000016","E01024354","575010","155020"',
        '"ME1 1AD","ME1 1AD","202001","E07000110","E10000016","E01024354","999999","999999"',
        '"BS1 1AA","BS1 1AA","","E06000023","E99999999","E01014540","358000","173000"']) + "\n")
    population = tmp_path / "sape_mid2022.csv"
    population.write_text("Mid-2022 population\n\n\nLAD 2023 Code,LSOA 2021 Code,Total,F0,F1,F2,F3,F4,M0,M1,M2,M3,M4\n"
                          "E07000110,E01024354,1500,1,2,3,4,5,6,7,8,9,10\n"
                          "E06000023,E01014540,1200,1,1,1,1,1,1,1,1,1,1\n")
    assert store.import_reference("population", population) == 2
    assert store.import_reference("postcodes", postcodes) == 4
    pop = store.read_tables(tables=["lsoa_population"])["lsoa_population"].set_index("lsoa_code")
    assert pop.loc["E01024354", "under5"] == 55
    assert (pop.loc["E01024354", "easting"], pop.loc["E01024354", "northing"]) == (575005, 155010)  # live only
    kent = store.read_tables(authority="E10000016", tables=["postcodes", "lsoa_population"])
    assert set(kent["postcodes"]["authority_code"]) == {"E10000016"}
    assert kent["lsoa_population"]["lsoa_code"].tolist() == ["E01024354"]
    before = pd.Timestamp.now("UTC").tz_localize(None).to_pydatetime()
    time.sleep(0.01)
    postcodes.write_text(header + '"ME1 1AA","ME1 1AA","","E07000110","E10000016","E01024354","575100","155100"\n')
    assert store.import_reference("postcodes", postcodes) == 1
    assert len(store.read_tables(tables=["postcodes"])["postcodes"]) == 1
    assert len(store.read_tables(tables=["postcodes"], as_at=before)["postcodes"]) == 4
    assert (store.history(dataset="reference")["status"] == "superseded").sum() == 1
    with pytest.raises(DuplicateSubmission):
        store.import_reference("postcodes", postcodes)


def test_contract_gaining_a_column_is_added_to_the_store(store_path: Path):
    from dataclasses import replace

    from ccassure.contracts import ColumnSpec, ContractSet

    contracts = load_contracts()
    old = Store(store_path, contracts=contracts)
    first = old.store_tables(typed_tables(return_rows()), dataset="provider_return", provider="PRV-A",
                             period="2016Q4")
    sessions = contracts["sessions"]
    grown = dict(contracts.contracts)
    grown["sessions"] = replace(sessions, columns=sessions.columns + (ColumnSpec("venue_type", "string"),))
    new = Store(store_path, contracts=ContractSet(grown))
    read = new.read_tables(tables=["sessions"])["sessions"]          # before any write: column read as missing
    assert "venue_type" in read.columns and read["venue_type"].isna().all()
    frames = typed_tables(return_rows(sessions=2))
    frames["sessions"]["venue_type"] = "library"
    new.store_tables(frames, dataset="provider_return", provider="PRV-A", period="2016Q4")
    after = new.read_tables(tables=["sessions"])["sessions"]
    assert after["venue_type"].tolist() == ["library", "library"]
    past = new.read_tables(tables=["sessions"], as_at=first.submitted_at)["sessions"]
    assert len(past) == 3 and past["venue_type"].isna().all()


def test_oversized_submission_is_refused(tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch):
    from ccassure.store import submission

    monkeypatch.setattr(submission, "MAX_SUBMISSION_BYTES", 100)
    folder = write_return(tmp_path / "ret", return_rows())
    with pytest.raises(StoreError, match="over the"):
        Store(store_path).submit(folder, provider="PRV-A", period="2016Q4")
    with pytest.raises(StoreError, match="does not exist"):
        Store(store_path).submit(tmp_path / "nope.xlsx", provider="PRV-A", period="2016Q4")
    assert Store(store_path).history().empty
