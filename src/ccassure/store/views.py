"""Views that make the store a database people can open (DuckDB CLI, DBeaver, R, a notebook) and query.

The raw tables keep every row ever stored, superseded returns included (the history). The views in schema
``active`` hold what ``ccassure export`` (and ``Store.read_tables`` with no period or authority) reads,
so ``SELECT sum(attendances) FROM active.sessions`` counts each session once after a resubmission:

- event tables (sessions, contacts, board meetings): the rows of every active provider return;
- the other provider tables: each provider's latest active return (latest period, then latest submitted);
- authority records: each authority's latest active submission;
- reference tables: the active imports of the table, one row per key (the newest import wins), with
  LSOA points filled in from the current postcode import as ``read_tables`` does.

``returns_history`` and ``reference_imports`` describe every submission and every reference import with
their own columns (a reference import has a table and an edition, not a provider and a period), times as
``TIMESTAMP WITH TIME ZONE`` in UTC and the validation summary and row counts as ``JSON``.

New store files are created in DuckDB 1.5's storage format (``STORAGE_COMPATIBILITY``), which the DuckDB
command line of the package registries opens. The views are (re)created whenever the store is prepared for writing (a new store, a migration, contracts
that changed, or views from an older ccassure): ``VIEWS_VERSION`` is kept in ``store_meta``.
"""

from __future__ import annotations

import duckdb

from ccassure.contracts import Contract, ContractSet
from ccassure.store.schema import quote, set_meta

VIEWS_VERSION = "1"
# New stores are written in the storage format of DuckDB 1.5, so the DuckDB command line of the package
# registries (duckdb-cli 1.5.6 on PyPI, @duckdb/node-api 1.5.6 on npm) opens them; DuckDB 2 reads it too.
STORAGE_COMPATIBILITY = "v1.5.0"
SCHEMA = "active"

# The last day of a period label: 2016Q4 -> 2016-12-31, 2016-17 -> 2017-03-31 (NULL for anything else).
PERIOD_END = ("CASE WHEN regexp_full_match(period, '[0-9]{4}Q[1-4]') "
              "THEN last_day(make_date(CAST(period[1:4] AS INTEGER), CAST(period[6:6] AS INTEGER) * 3, 1)) "
              "WHEN regexp_full_match(period, '[0-9]{4}-[0-9]{2}') "
              "THEN make_date(CAST(period[1:4] AS INTEGER) + 1, 3, 31) END")
UTC = "timezone('UTC', {column})"


def _history_sql() -> str:
    return (f"SELECT submission_id, dataset, provider, period, {PERIOD_END} AS period_end, file_name, content_sha256, "
            f"{UTC.format(column='submitted_at')} AS submitted_at, submitter, status, superseded_by, "
            f"{UTC.format(column='superseded_at')} AS superseded_at, TRY_CAST(validation AS JSON) AS validation, "
            "TRY_CAST(row_counts AS JSON) AS row_counts, file_bytes "
            "FROM main.submissions WHERE dataset <> 'reference'")


def _imports_sql() -> str:
    return ("SELECT submission_id, split_part(period, ':', 1) AS reference_table, "
            "NULLIF(split_part(period, ':', 2), '') AS edition, file_name, content_sha256, "
            f"{UTC.format(column='submitted_at')} AS imported_at, submitter, status, superseded_by, "
            f"{UTC.format(column='superseded_at')} AS superseded_at, TRY_CAST(validation AS JSON) AS validation, "
            "TRY_CAST(row_counts AS JSON) AS row_counts, file_bytes "
            "FROM main.submissions WHERE dataset = 'reference'")


def _columns(contract: Contract) -> str:
    return ", ".join(quote(spec.name) for spec in contract.columns) + ", submission_id"


def _table_sql(contract: Contract) -> str:
    table, columns = quote(contract.table), _columns(contract)
    if contract.dataset == "provider_return" and contract.role == "event":  # the contract says so (role: event)
        return (f"SELECT {columns} FROM main.{table} WHERE submission_id IN "
                f"(SELECT submission_id FROM {SCHEMA}.submissions WHERE dataset = 'provider_return')")
    if contract.dataset != "reference":
        return (f"SELECT {columns} FROM main.{table} WHERE submission_id IN "
                f"(SELECT submission_id FROM {SCHEMA}.latest_returns WHERE dataset = '{contract.dataset}')")
    imports = (f"SELECT submission_id, imported_at FROM {SCHEMA}.reference_imports "
               f"WHERE reference_table = '{contract.table}'")
    sql = f"SELECT t.* FROM main.{table} AS t JOIN ({imports}) AS i USING (submission_id)"
    if contract.primary_key:
        keys = ", ".join(f"t.{quote(k)}" for k in contract.primary_key)
        sql += f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY i.imported_at DESC) = 1"
    sql = f"SELECT {columns} FROM ({sql})"
    if contract.table == "lsoa_population":
        points = (f"SELECT lsoa_code, easting AS e, northing AS n FROM main.lsoa_points WHERE submission_id IN "
                  f"(SELECT submission_id FROM {SCHEMA}.reference_imports WHERE reference_table = 'postcodes')")
        sql = (f"SELECT p.* REPLACE (coalesce(p.easting, pt.e) AS easting, coalesce(p.northing, pt.n) AS northing) "
               f"FROM ({sql}) AS p LEFT JOIN ({points}) AS pt ON p.lsoa_code = pt.lsoa_code")
    return sql


def create_views(con: duckdb.DuckDBPyConnection, contracts: ContractSet) -> None:
    """(Re)create every view, inside the caller's transaction."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"CREATE OR REPLACE VIEW main.returns_history AS {_history_sql()}")
    con.execute(f"CREATE OR REPLACE VIEW main.reference_imports AS {_imports_sql()}")
    con.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.submissions AS SELECT * FROM main.returns_history "
                "WHERE status = 'active'")
    con.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.reference_imports AS SELECT * FROM main.reference_imports "
                "WHERE status = 'active'")
    con.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.latest_returns AS SELECT submission_id, dataset, provider "
                f"FROM {SCHEMA}.submissions QUALIFY row_number() OVER (PARTITION BY dataset, provider "
                "ORDER BY period_end DESC NULLS LAST, submitted_at DESC) = 1")
    for contract in contracts:
        con.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.{quote(contract.table)} AS {_table_sql(contract)}")
    set_meta(con, "views", VIEWS_VERSION)


def views_current(meta: dict[str, str] | None) -> bool:
    return bool(meta) and meta.get("views") == VIEWS_VERSION
