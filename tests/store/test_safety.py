"""Safety, with real processes: kill -9 mid-submission, concurrent submissions, schema versions."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ccassure.contracts import load_contracts
from ccassure.store import SCHEMA_VERSION, Store, StoreSchemaError
from ccassure.store import schema as store_schema
from tests.conftest import REPO
from tests.store.conftest import return_rows, typed_tables

pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _worker(store: Path, provider: str, period: str, sessions: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.store.worker", str(store), provider, period, str(sessions)],
                            cwd=REPO, env=_env(**env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(marker: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"worker ended early: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("worker never reached the pause inside the transaction")
        time.sleep(0.05)


def _state(store: Store) -> tuple:
    """Everything a reader can see: history and every table's rows."""
    history = store.history().drop(columns=["row_counts"]).to_csv(index=False)
    tables = {name: frame.sort_values(list(frame.columns[:2])).to_csv(index=False)
              for name, frame in store.read_tables().items()}
    return history, tables


def test_kill_9_mid_submission_leaves_store_as_before(tmp_path: Path, store_path: Path):
    store = Store(store_path)
    store.store_tables(typed_tables(return_rows(sessions=4)), dataset="provider_return", provider="PRV-A",
                       period="2016Q4")
    before = _state(store)
    marker = tmp_path / "paused"
    # a resubmission (it must also undo the 'superseded' mark) big enough to spill row groups to disk
    worker = _worker(store_path, "PRV-A", "2016Q4", 130_000, CCASSURE_STORE_TEST_PAUSE=str(marker))
    _wait_for(marker, worker)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert _state(store) == before
    assert (store.history()["status"] == "active").all()
    # and the store still works
    after = store.store_tables(typed_tables(return_rows(sessions=6)), dataset="provider_return", provider="PRV-A",
                               period="2016Q4")
    assert len(store.read_tables(tables=["sessions"])["sessions"]) == 6
    assert store.history().set_index("submission_id").loc[after.submission_id, "status"] == "active"


def test_second_submission_waits_for_the_first(tmp_path: Path, store_path: Path):
    Store(store_path).migrate()
    marker = tmp_path / "paused"
    first = _worker(store_path, "PRV-A", "2016Q4", 5, CCASSURE_STORE_TEST_PAUSE=str(marker))
    _wait_for(marker, first)
    second = _worker(store_path, "PRV-B", "2016Q4", 7, CCASSURE_STORE_WAIT="120")
    assert second.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    assert second.poll() is None          # queued behind the first, not failed
    marker.unlink()                       # let the first commit
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    history = Store(store_path).history()
    assert list(history["submission_id"]) == [out1.split()[-1], out2.strip()]
    assert (history["status"] == "active").all()
    assert len(Store(store_path).read_tables(tables=["sessions"])["sessions"]) == 12


def test_second_submission_fails_clearly_when_wait_runs_out(tmp_path: Path, store_path: Path):
    Store(store_path).migrate()
    marker = tmp_path / "paused"
    first = _worker(store_path, "PRV-A", "2016Q4", 5, CCASSURE_STORE_TEST_PAUSE=str(marker))
    _wait_for(marker, first)
    second = _worker(store_path, "PRV-B", "2016Q4", 3, CCASSURE_STORE_WAIT="0.3")
    reader = subprocess.run([sys.executable, "-m", "ccassure", "history", "--store", str(store_path)],
                            cwd=REPO, env=_env(CCASSURE_STORE_WAIT="0.3"), stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert second.returncode == 3, err2
    assert "busy" in err2 and "try again" in err2.lower()
    assert reader.returncode == 3 and "busy" in reader.stderr and "Traceback" not in reader.stderr
    marker.unlink()
    first.communicate(timeout=60)
    assert first.returncode == 0
    history = Store(store_path).history()
    assert history["provider"].tolist() == ["PRV-A"]


def test_simultaneous_submissions_both_land(store_path: Path):
    workers = [_worker(store_path, f"PRV-{i}", "2016Q4", 3 + i) for i in range(2)]
    results = [w.communicate(timeout=120) + (w.returncode,) for w in workers]
    for _out, err, code in results:
        assert code == 0, err
    history = Store(store_path).history()
    assert sorted(history["provider"]) == ["PRV-0", "PRV-1"]
    assert sorted(history["submission_id"]) == sorted(out.split()[-1] for out, _, _ in results)
    assert len(Store(store_path).read_tables(tables=["sessions"])["sessions"]) == 7


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_schema_is_refused_and_untouched(store_path: Path):
    store = Store(store_path)
    store.store_tables(typed_tables(return_rows()), dataset="provider_return", provider="PRV-A", period="2016Q4")
    con = duckdb.connect(str(store_path))
    con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    digest = _sha(store_path)
    with pytest.raises(StoreSchemaError, match="newer ccassure"):
        store.history()
    with pytest.raises(StoreSchemaError, match="newer ccassure"):
        store.store_tables(typed_tables(return_rows(sessions=1)), dataset="provider_return", provider="PRV-B",
                           period="2016Q4")
    assert _sha(store_path) == digest
    result = subprocess.run([sys.executable, "-m", "ccassure", "history", "--store", str(store_path)], cwd=REPO,
                            env=_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "newer ccassure" in result.stderr and "Traceback" not in result.stderr


def test_version_1_store_is_migrated(store_path: Path):
    store_path.parent.mkdir(parents=True)
    con = duckdb.connect(str(store_path))
    store_schema.create_v1(con, load_contracts())
    con.execute("INSERT INTO submissions VALUES ('S1', 'PRV-A', '2016Q4', 'provider_return', 'old.xlsx', 'abc', "
                "TIMESTAMP '2017-01-10 09:00:00', 'alice', 'active', NULL, NULL, NULL)")
    con.execute("INSERT INTO centres (centre_id, centre_name, authority_code, provider_id, designation, status, "
                "submission_id) VALUES ('C1', 'Old centre', 'E10000016', 'PRV-A', 'childrens_centre', 'open', 'S1')")
    con.execute("INSERT INTO sessions (session_id, centre_id, date, activity, on_site, attendances, submission_id) "
                "VALUES ('S-1', 'C1', DATE '2016-11-02', 'Stay and play', true, 9, 'S1'), "
                "('S-2', 'C1', DATE '2016-11-09', 'Stay and play', true, 4, 'S1')")
    con.execute("INSERT INTO submissions VALUES ('R1', 'reference', 'postcodes', 'reference', 'nspl.csv', 'def', "
                "TIMESTAMP '2017-01-09 09:00:00', 'alice', 'active', NULL, NULL, NULL), "
                "('R2', 'reference', 'lsoa_population:2016', 'reference', 'sape.xlsx', 'ghi', "
                "TIMESTAMP '2017-01-09 09:30:00', 'alice', 'active', NULL, NULL, NULL)")
    con.execute("INSERT INTO postcodes VALUES ('ME1 1AA', 'E01024354', 'E10000016', 575000, 155000, false, 'R1'), "
                "('ME1 1AB', 'E01024354', 'E10000016', 575010, 155010, false, 'R1'), "
                "('ME1 1AD', 'E01024354', 'E10000016', 580000, 160000, true, 'R1')")
    # A version 1 store predates the ward columns; the migration must add them.
    con.execute("ALTER TABLE lsoa_population DROP COLUMN ward_code")
    con.execute("ALTER TABLE lsoa_population DROP COLUMN ward_name")
    con.execute("INSERT INTO lsoa_population (lsoa_code, year, authority_code, under5, easting, northing, "
                "submission_id) VALUES ('E01024354', 2016, 'E07000110', 55, NULL, NULL, 'R2')")
    con.close()
    store = Store(store_path)
    assert store.schema_version() == 1
    history = store.history()                      # migrates on first open
    assert store.schema_version() == SCHEMA_VERSION
    assert history.set_index("submission_id").loc["S1", "row_counts"] == {"centres": 1, "sessions": 2}
    assert history.set_index("submission_id").loc["S1", "rows"] == 3
    population = store.read_tables(tables=["lsoa_population"])["lsoa_population"]
    assert (population.loc[0, "easting"], population.loc[0, "northing"]) == (575005, 155005)  # points back-filled
    assert {"ward_code", "ward_name"} <= set(population.columns)
    assert population["ward_code"].isna().all()
    assert store.read_tables(authority="E10000016", period="2016Q4", tables=["sessions"])["sessions"][
        "attendances"].sum() == 13
    new = store.store_tables(typed_tables(return_rows()), dataset="provider_return", provider="PRV-A",
                             period="2016Q4")
    assert new.superseded == ("S1",)


def test_not_a_store_is_refused_and_untouched(store_path: Path):
    store_path.parent.mkdir(parents=True)
    store_path.write_text("this is not a DuckDB file\n")
    digest = _sha(store_path)
    with pytest.raises(StoreSchemaError, match="cannot be opened as a ccassure store"):
        Store(store_path).history()
    with pytest.raises(StoreSchemaError):
        Store(store_path).store_tables(typed_tables(return_rows()), dataset="provider_return", provider="PRV-A",
                                       period="2016Q4")
    assert _sha(store_path) == digest
