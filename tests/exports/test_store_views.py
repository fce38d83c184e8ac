"""The store as a database people open: plain SELECTs on the ``active`` views give what ``ccassure export``
gives, the DuckDB command line of the package registry opens the file, reference imports have their own
columns, times carry their zone and summaries are JSON. Synthetic sample data only."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ccassure.cli import cli
from ccassure.contracts import load_contracts
from ccassure.store import Store
from tests.conftest import REPO

SAMPLE = REPO / "sample_data"
CONTRACTS = load_contracts(REPO / "data_contracts")
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")


def _edited(folder: Path, tmp: Path, name: str, old: str, new: str) -> Path:
    target = tmp / name
    shutil.copytree(folder, target)
    path = target / "sessions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("views")
    store = Store(tmp / "store.duckdb", contracts=CONTRACTS)
    first = SAMPLE / "provider_return"
    store.submit(first, provider="PRV-SLM-TRUST", period="2016Q4")
    store.submit(_edited(first, tmp, "again", "Stay and play", "Stay & play"), provider="PRV-SLM-TRUST",
                 period="2016Q4")                                          # a resubmission supersedes the first
    store.submit(_edited(first, tmp, "earlier", "Messy play", "Messy Play"), provider="PRV-SLM-TRUST",
                 period="2016Q3")                                          # an earlier quarter stays active
    store.import_reference_tables(SAMPLE / "reference")
    return store


def select(store: Store, sql: str) -> list[tuple]:
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_views_give_the_totals_export_gives_and_raw_tables_keep_the_history(store: Store, tmp_path: Path) -> None:
    store.export(tmp_path / "parquet")
    store.export(tmp_path / "csv", format="csv")
    exported = pq.read_table(tmp_path / "parquet" / "sessions.parquet")
    total = sum(exported.column("attendances").to_pylist())
    assert select(store, "SELECT sum(attendances) FROM active.sessions") == [(total,)]
    assert select(store, "SELECT sum(attendances) FROM sessions")[0][0] == 3 * total / 2  # all three returns
    with (tmp_path / "csv" / "sessions.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert sum(int(row["attendances"]) for row in csv.DictReader(handle)) == total
    for contract in CONTRACTS:
        rows = pq.read_metadata(tmp_path / "parquet" / f"{contract.table}.parquet").num_rows
        assert select(store, f'SELECT count(*) FROM active."{contract.table}"') == [(rows,)], contract.table


def test_snapshot_tables_come_from_the_latest_quarter_only(store: Store) -> None:
    (centres,) = select(store, "SELECT count(*) FROM active.centres")[0]
    (in_sample,) = select(store, "SELECT count(*) FROM centres WHERE submission_id = (SELECT submission_id FROM "
                                 "active.submissions WHERE period = '2016Q4')")[0]
    assert centres == in_sample


def test_reference_imports_have_their_own_columns(store: Store) -> None:
    rows = select(store, "SELECT reference_table, edition FROM active.reference_imports ORDER BY 1")
    assert any(table == "deprivation" and edition for table, edition in rows)
    assert all(":" not in table for table, _ in rows)
    assert select(store, "SELECT count(*) FROM active.submissions WHERE dataset = 'reference'") == [(0,)]


def test_times_are_utc_with_their_zone_and_summaries_are_json(store: Store) -> None:
    types = select(store, "SELECT typeof(submitted_at), typeof(validation), typeof(row_counts) FROM active.submissions "
                          "LIMIT 1")
    assert types == [("TIMESTAMP WITH TIME ZONE", "JSON", "JSON")]
    assert select(store, "SELECT count(*) FROM returns_history WHERE status = 'superseded'") == [(1,)]
    assert select(store, "SELECT validation->>'$.counts.errors' FROM active.submissions LIMIT 1") == [("0",)]


def test_the_duckdb_command_line_of_the_registry_opens_the_store(store: Store) -> None:
    if not DUCKDB_CLI.exists():
        pytest.skip("duckdb-cli (a test dependency) is not installed")
    ran = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(store.path), "-c",
                          "SELECT sum(attendances) FROM active.sessions"], capture_output=True, text=True, timeout=120,
                         check=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["sum(attendances)", str(select(store, "SELECT sum(attendances) FROM active.sessions")
                                                          [0][0])]


def test_export_format_csv_from_the_command_line(store: Store, tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["export", "--output", str(tmp_path), "--format", "csv", "--store", str(store.path)],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "sessions.csv").exists() and (tmp_path / "submissions.csv").exists()
    assert "submissions.csv" in done.output
