"""The store's schema: bookkeeping tables, one table per contract table, versions and migrations.

``store_meta`` holds ``schema_version`` (and a fingerprint of the contracts the tables were synchronised
with). A store written by a newer ccassure is refused untouched; an older one is migrated in one
transaction when first opened (a read of an older store migrates it first, under the write lock).

Version history:
  1  submissions without ``row_counts`` / ``file_bytes``; no ``lsoa_points``.
  2  ``submissions.row_counts`` (JSON: table -> rows stored) and ``submissions.file_bytes``, back-filled by
     counting each submission's rows; ``lsoa_points`` (representative point of each LSOA per postcode
     import: the mean easting/northing of its live postcodes), back-filled from stored postcodes.
"""

from __future__ import annotations

import json

import duckdb

from ccassure.contracts import Contract, ContractSet
from ccassure.contracts.dtypes import DUCKDB_TYPES

SCHEMA_VERSION = 2

SUBMISSIONS_V1 = """
CREATE TABLE submissions (
    submission_id  VARCHAR NOT NULL,
    provider       VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    dataset        VARCHAR NOT NULL,
    file_name      VARCHAR,
    content_sha256 VARCHAR NOT NULL,
    submitted_at   TIMESTAMP NOT NULL,
    submitter      VARCHAR,
    status         VARCHAR NOT NULL,
    superseded_by  VARCHAR,
    superseded_at  TIMESTAMP,
    validation     VARCHAR
)"""

META = "CREATE TABLE store_meta (key VARCHAR NOT NULL, value VARCHAR)"

LSOA_POINTS = ("CREATE TABLE lsoa_points (lsoa_code VARCHAR NOT NULL, easting BIGINT, northing BIGINT, "
               "submission_id VARCHAR NOT NULL)")


def points_insert_sql() -> str:
    """Derive the LSOA points of one postcode import (parameter: its submission id)."""
    return ("INSERT INTO lsoa_points SELECT lsoa_code, CAST(round(avg(easting)) AS BIGINT), "
            "CAST(round(avg(northing)) AS BIGINT), submission_id FROM postcodes WHERE submission_id = ? "
            "AND NOT coalesce(terminated, false) AND easting IS NOT NULL AND northing IS NOT NULL "
            "AND lsoa_code IS NOT NULL GROUP BY lsoa_code, submission_id")


def points_select_sql() -> str:
    """The LSOA points of the postcode imports given (parameter: their submission ids), as e and n: what a
    population import fills its missing points from, and what a read fills any still missing from."""
    return ("SELECT lsoa_code, easting AS e, northing AS n FROM lsoa_points "
            "WHERE submission_id IN (SELECT unnest(?::VARCHAR[]))")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_ddl(contract: Contract) -> str:
    columns = [f"{quote(spec.name)} {DUCKDB_TYPES[spec.type]}" for spec in contract.columns]
    columns.append("submission_id VARCHAR NOT NULL")
    return f"CREATE TABLE {quote(contract.table)} ({', '.join(columns)})"


def create_v1(con: duckdb.DuckDBPyConnection, contracts: ContractSet) -> None:
    """The version 1 layout (kept so the migration can be tested against a real version 1 file)."""
    con.execute(SUBMISSIONS_V1)
    con.execute(META)
    con.execute("INSERT INTO store_meta VALUES ('schema_version', '1')")
    for contract in contracts:
        con.execute(table_ddl(contract))


def create_current(con: duckdb.DuckDBPyConnection, contracts: ContractSet) -> None:
    create_v1(con, contracts)
    for version in range(1, SCHEMA_VERSION):
        MIGRATIONS[version](con)
        set_version(con, version + 1)


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """store_meta as a dict; None for an empty file; {} for a DuckDB file that is not a ccassure store."""
    try:
        return {key: value for key, value in con.execute("SELECT key, value FROM store_meta").fetchall()}
    except duckdb.CatalogException:
        tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
        return None if tables[0][0] == 0 else {}


def version_of(meta: dict[str, str] | None) -> int | None:
    """The schema version, None for an empty file, -1 when the file is not a ccassure store."""
    if meta is None:
        return None
    try:
        return int(meta["schema_version"])
    except (KeyError, ValueError):
        return -1


def read_version(con: duckdb.DuckDBPyConnection) -> int | None:
    return version_of(read_meta(con))


def contracts_fingerprint(contracts: ContractSet) -> str:
    """Identifies the contract tables and columns a store was last synchronised with."""
    import hashlib

    text = "|".join(f"{c.table}:" + ",".join(f"{s.name}={s.type}" for s in c.columns)
                    for c in sorted(contracts, key=lambda c: c.table))
    return hashlib.sha256(text.encode()).hexdigest()


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("DELETE FROM store_meta WHERE key = ?", [key])
    con.execute("INSERT INTO store_meta VALUES (?, ?)", [key, value])


def set_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [str(version)])


def _migrate_1_to_2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE submissions ADD COLUMN row_counts VARCHAR")
    con.execute("ALTER TABLE submissions ADD COLUMN file_bytes BIGINT")
    tables = [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND column_name = 'submission_id' AND table_name <> 'submissions'").fetchall()]
    counts: dict[str, dict[str, int]] = {}
    for table in tables:
        for submission_id, n in con.execute(
                f"SELECT submission_id, count(*) FROM {quote(table)} GROUP BY submission_id").fetchall():
            counts.setdefault(submission_id, {})[table] = int(n)
    for submission_id, per_table in counts.items():
        con.execute("UPDATE submissions SET row_counts = ? WHERE submission_id = ?",
                    [json.dumps(dict(sorted(per_table.items()))), submission_id])
    con.execute("UPDATE submissions SET row_counts = '{}' WHERE row_counts IS NULL")
    con.execute(LSOA_POINTS)
    for (submission_id,) in con.execute("SELECT DISTINCT submission_id FROM postcodes").fetchall():
        con.execute(points_insert_sql(), [submission_id])


MIGRATIONS = {1: _migrate_1_to_2}


def sync_contract_tables(con: duckdb.DuckDBPyConnection, contracts: ContractSet) -> None:
    """Create tables for new contracts and add columns that contracts gained (a contract may grow; stored
    rows keep their values and read the new column as blank)."""
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'").fetchall():
        existing.setdefault(table, set()).add(column)
    for contract in contracts:
        if contract.table not in existing:
            con.execute(table_ddl(contract))
            continue
        for spec in contract.columns:
            if spec.name not in existing[contract.table]:
                con.execute(f"ALTER TABLE {quote(contract.table)} ADD COLUMN {quote(spec.name)} "
                            f"{DUCKDB_TYPES[spec.type]}")
