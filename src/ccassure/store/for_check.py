"""The tables a check of one period needs: the state as at that period, and the history of events.

Rules and KPIs apply their own windows ("sessions in the quarter", "board meetings in the 12 months to the
end of the period", "contacts in the financial year to date"), so event tables (sessions, contacts, board
meetings) are read with their whole history, while everything else (centres, services, boards, authority
records) is read as each provider and authority last submitted it within the period.

Two ways to get them, one selection (store/selection.py):

- :func:`load_for_check` (what ``check`` uses): the selection SQL runs inside the check's own DuckDB
  connection over the store file ATTACHed read-only, and each table is created there at the contract's
  types; no pandas frame is made, and rules and KPIs read the same tables.
- :func:`checked_tables`: the same tables as pandas frames, for callers that want frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from ccassure.contracts import Contract
from ccassure.contracts.dtypes import DUCKDB_TYPES
from ccassure.periods import Period, parse_period, quarter_of
from ccassure.store import selection
from ccassure.store.core import Store
from ccassure.store.periods import as_at_moment
from ccassure.store.schema import quote
from ccassure.store.supplied import PREVIOUS_COLUMNS, keep_supplied, previous_register, supplied_tables


def tables_for_check(store: Store, *, authority: str | None, period: str,
                     as_at: str | date | datetime | None = None) -> dict[str, pd.DataFrame]:
    """Typed tables for checking ``period``. A table no submission supplied is left out (rules report it
    not_evaluable); a table supplied with no rows stays in, empty, and is judged (docs/blanks.md)."""
    return checked_tables(store, authority=authority, period=period, as_at=as_at)[0]


def checked_tables(store: Store, *, authority: str | None, period: str, as_at: str | date | datetime | None = None
                   ) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """:func:`tables_for_check` and the submission ids of each table it kept, the selection made once."""
    with store.session():  # one connection for every read of the check
        state = store.read_tables(authority=authority, period=period, as_at=as_at)
        events = store.read_tables(authority=authority, as_at=as_at, tables=list(store.contracts.event_dates()))
        tables = {**state, **events}
        versions = versions_for_check(store, authority=authority, period=period, as_at=as_at)
        kept = {**keep_supplied(tables, supplied_tables(store, versions)),
                **previous_register(store, authority=authority, period=period, as_at=as_at)}
        return kept, {name: ids for name, ids in versions.items() if name in kept}


def versions_for_check(store: Store, *, authority: str | None, period: str,
                       as_at: str | date | datetime | None = None) -> dict[str, list[str]]:
    """The submission ids :func:`tables_for_check` read, per table."""
    state = store.data_versions(authority=authority, period=period, as_at=as_at)
    events = store.data_versions(authority=authority, as_at=as_at, tables=list(store.contracts.event_dates()))
    return {**state, **events}


@dataclass
class Loaded:
    """What :func:`load_for_check` put in the connection: the tables kept and their data versions."""

    tables: list[str]
    data_versions: dict[str, list[str]]


def load_for_check(con: duckdb.DuckDBPyConnection, store: Store, *, authority: str | None, period: Period | str,
                   as_at: str | date | datetime | None = None) -> Loaded | None:
    """Create in ``con`` the tables :func:`checked_tables` returns, with the same rows in the same order, the
    same columns (the contract's, at their DuckDB types; no ``submission_id``) and the same data versions,
    copied by SQL from the store file attached read-only (None when there is no store file yet).

    Tables, not views: the file is detached (and its shared lock released) once they are made, so a
    submission waits only while the check copies its data, as it did for a read; and the rules query each
    table many times, which views would answer by re-running the selection each time."""
    label = str(period)
    moment = as_at_moment(as_at)
    contracts = store.contracts
    home = con.execute("SELECT current_database()").fetchall()[0][0]
    with store.attached(con) as in_sync:
        if in_sync is None:
            return None
        events = set(contracts.event_dates())
        state = selection.select(con, contracts, authority, label, moment, in_sync=in_sync)
        history = selection.select(con, contracts, authority, None, moment, in_sync=in_sync)
        earlier = parse_period(label).previous().label
        before = selection.select(con, contracts, authority, earlier, moment, in_sync=in_sync)
        versions = {name: sorted((history if name in events else state).per_table.get(name, []))
                    for name in contracts.tables}
        supplied = _supplied(con, versions)
        kept: list[str] = []
        if _previous_register(con, home, contracts["centres"], contracts["previous_centres"], before, authority, earlier):
            kept.append("previous_centres")
        for contract in contracts:
            name = contract.table
            if name in kept:
                continue
            chosen, window = (history, None) if name in events else (state, label)
            if not chosen.per_table.get(name):
                continue  # nothing selected: never supplied
            rows = _copy(con, home, contract, chosen, authority, window)
            if rows or name in supplied:
                kept.append(name)
            else:
                con.execute(f"DROP TABLE {quote(home)}.main.{quote(name)}")
    return Loaded(kept, {name: ids for name, ids in versions.items() if name in kept})


def _cast_list(contract: Contract, present: set[str] | None = None) -> str:
    """The contract's columns at their DuckDB types (a column not in ``present`` is NULL)."""
    return ", ".join(f"CAST({quote(spec.name) if present is None or spec.name in present else 'NULL'} AS "
                     f"{DUCKDB_TYPES[spec.type]}) AS {quote(spec.name)}" for spec in contract.columns)


def _copy(con: duckdb.DuckDBPyConnection, home: str, contract: Contract, chosen: selection.Selection,
          authority: str | None, period: str | None) -> int:
    """One table's selected rows copied into the check's database; returns the number of rows."""
    target = f"{quote(home)}.main.{quote(contract.table)}"
    if contract.table not in chosen.columns:  # the file lacks the table: an empty one at the contract's types
        con.execute(f"CREATE TABLE {target} AS SELECT {_cast_list(contract, set())} LIMIT 0")
        return 0
    sql, params = selection.table_sql(contract, chosen, authority, period)
    return con.execute(f"CREATE TABLE {target} AS SELECT {_cast_list(contract)} FROM ({sql})",
                       params).fetchall()[0][0]


def _supplied(con: duckdb.DuckDBPyConnection, versions: dict[str, list[str]]) -> set[str]:
    """:func:`~ccassure.store.supplied.supplied_tables` in SQL: tables named in the row counts of the
    submissions each was read from (a sheet with no rows counts as supplied)."""
    pairs = [(name, sid) for name, ids in versions.items() for sid in ids]
    if not pairs:
        return set()
    rows = con.execute(
        "SELECT DISTINCT w.t FROM (SELECT unnest(?::VARCHAR[]) AS t, unnest(?::VARCHAR[]) AS s) w "
        "JOIN submissions u ON u.submission_id = w.s "
        "WHERE u.row_counts IS NOT NULL AND u.row_counts <> '' "
        "AND json_exists(u.row_counts, '$.\"' || w.t || '\"')",
        [[p[0] for p in pairs], [p[1] for p in pairs]]).fetchall()
    return {row[0] for row in rows}


def _previous_register(con: duckdb.DuckDBPyConnection, home: str, centres: Contract, previous: Contract,
                       before: selection.Selection, authority: str | None, earlier: str) -> bool:
    """:func:`~ccassure.store.supplied.previous_register` in SQL: ``previous_centres`` made from the centres
    register of the period before (the last row per centre, in the order read); False when it has no rows."""
    if not before.per_table.get("centres") or "centres" not in before.columns:
        return False
    sql, params = selection.table_sql(centres, before, authority, earlier)
    scratch = f"{quote(home)}.main.__previous_read"  # a table, so rowid keeps the order the rows were read in
    con.execute(f"CREATE TABLE {scratch} AS {sql}", params)
    try:
        if not con.execute(f"SELECT count(*) FROM {scratch}").fetchall()[0][0]:
            return False
        columns = [c for c in PREVIOUS_COLUMNS if c in centres.column_names]
        last = (f"SELECT {', '.join(quote(c) for c in columns)}, CAST(? AS VARCHAR) AS as_at_period FROM "
                f"(SELECT rowid AS __n, * FROM {scratch}) "
                "QUALIFY row_number() OVER (PARTITION BY centre_id ORDER BY __n DESC) = 1 ORDER BY __n")
        con.execute(f"CREATE TABLE {quote(home)}.main.previous_centres AS SELECT "
                    f"{_cast_list(previous, set(columns) | {'as_at_period'})} FROM ({last})", [earlier])
        return True
    finally:
        con.execute(f"DROP TABLE {scratch}")


def latest_period_in(con: duckdb.DuckDBPyConnection, store: Store, authority: str | None,
                     tables: tuple[str, ...], as_at: str | date | datetime | None = None) -> Period | None:
    """The one latest-period rule (assessment.latest_period) over the store's event history, in SQL: the
    latest calendar quarter with a dated row in the first of ``tables`` that has one."""
    contracts = store.contracts
    with store.attached(con) as in_sync:
        if in_sync is None:
            return None
        chosen = selection.select(con, contracts, authority, None, as_at_moment(as_at), in_sync=in_sync)
        for name in tables:
            contract = contracts[name]
            if not chosen.per_table.get(name) or name not in chosen.columns or "date" not in contract.column_names:
                continue
            sql, params = selection.table_sql(contract, chosen, authority, None)
            value = con.execute(f'SELECT max(CAST("date" AS DATE)) FROM ({sql})', params).fetchall()[0][0]
            if value is not None:
                return quarter_of(value)
    return None
