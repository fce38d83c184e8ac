"""Which stored rows a read sees: the submissions that feed each table, and the SQL that reads them.

A contract with role: event (its event_date column dates each row) is read, for a period, with the rows
dated inside the period from every submission whose period overlaps it; every other return table is a
snapshot, read from each provider's latest submission within the period. Authority records come from the
authority's latest submission starting on or before the period's end; reference tables from their
imports, the newest winning per key.

Why apart from the Store: this is the store's reading policy. The functions take an open connection and
the contracts; the Store owns opening it (locks, migration, one connection per session).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from ccassure.contracts import Contract, ContractSet
from ccassure.contracts.arrow_dtypes import arrow_to_frame, empty_frame
from ccassure.contracts.dtypes import DUCKDB_TYPES
from ccassure.store import schema
from ccassure.store.errors import StoreError
from ccassure.store.periods import checked_period


@dataclass
class Selection:
    """Which submissions feed each table for one read (and the context needed to filter rows)."""

    per_table: dict[str, list[str]]
    candidates: dict[str, list[str]]        # dataset -> all candidate submissions (before latest-per-provider)
    reference_order: list[str]              # reference submissions, newest first
    columns: dict[str, set[str]] = field(default_factory=dict)   # table -> columns present in the file


def table_names(contracts: ContractSet, tables: Sequence[str] | None) -> list[str]:
    """The tables asked for (all contract tables by default); an unknown name is a StoreError."""
    names = list(tables) if tables is not None else contracts.tables
    unknown = [name for name in names if name not in contracts]
    if unknown:
        raise StoreError(f"no contract for table(s) {', '.join(unknown)}; known: {', '.join(contracts.tables)}")
    return names


def select(con: duckdb.DuckDBPyConnection, contracts: ContractSet, authority: str | None, period: str | None,
           as_at: datetime | None, *, in_sync: bool) -> Selection:
    """The submissions each table is read from. ``in_sync``: the file's tables match the contracts (so the
    columns present need not be asked of the file)."""
    where = "status = 'active'" if as_at is None else \
        "submitted_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)"
    params = [] if as_at is None else [as_at, as_at]
    subs = con.execute(f"SELECT submission_id, provider, period, dataset, submitted_at FROM submissions "
                       f"WHERE {where} ORDER BY submitted_at", params).fetchall()
    wanted = checked_period(period) if period else None

    def span(text: str):
        try:
            return checked_period(text)
        except StoreError:
            return None

    def latest_per_provider(rows: list[tuple]) -> list[str]:
        best: dict[str, tuple] = {}
        for row in rows:
            p = span(row[2])
            key = (p.end if p else date.min, row[4])
            if row[1] not in best or key > best[row[1]][0]:
                best[row[1]] = (key, row[0])
        return [value[1] for value in best.values()]

    provider_rows = [r for r in subs if r[3] == "provider_return"]
    if wanted is not None:
        provider_rows = [r for r in provider_rows
                         if (p := span(r[2])) is not None and p.start <= wanted.end and p.end >= wanted.start]
    if authority is not None and provider_rows:
        ids = [r[0] for r in provider_rows]
        inside = {row[0] for row in con.execute(
            "SELECT DISTINCT submission_id FROM centres WHERE authority_code = ? "
            "AND submission_id IN (SELECT unnest(?::VARCHAR[]))", [authority, ids]).fetchall()}
        provider_rows = [r for r in provider_rows if r[0] in inside]
    authority_rows = [r for r in subs if r[3] == "authority_records"
                      and (authority is None or r[1] == authority)]
    if wanted is not None:
        authority_rows = [r for r in authority_rows if (p := span(r[2])) is not None and p.start <= wanted.end]
    reference_rows = [r for r in subs if r[3] == "reference"]
    snapshot = latest_per_provider(provider_rows)
    per_table: dict[str, list[str]] = {}
    for contract in contracts:
        if contract.dataset == "provider_return":
            per_table[contract.table] = [r[0] for r in provider_rows] if contract.role == "event" \
                else snapshot
        elif contract.dataset == "authority_records":
            per_table[contract.table] = latest_per_provider(authority_rows)
        else:
            prefix = contract.table
            per_table[contract.table] = [r[0] for r in reference_rows
                                         if r[2] == prefix or r[2].startswith(prefix + ":")]
    columns: dict[str, set[str]] = {}
    if in_sync:
        columns = {contract.table: set(contract.column_names) for contract in contracts}
    else:
        for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                         "WHERE schema_name = 'main' AND database_name = current_database()").fetchall():
            columns.setdefault(table, set()).add(column)
    return Selection(per_table=per_table,
                     candidates={"provider_return": [r[0] for r in provider_rows]},
                     reference_order=[r[0] for r in reversed(reference_rows)], columns=columns)


def table_sql(contract: Contract, selection: Selection, authority: str | None,
              period: str | None) -> tuple[str, list[Any]]:
    """The query (and its parameters) reading one table's selected rows, contract columns then
    ``submission_id``; a column the file lacks is read as NULL."""
    name = contract.table
    existing = selection.columns.get(name, set())
    q = schema.quote
    select_list = ", ".join(q(spec.name) if spec.name in existing else
                            f"CAST(NULL AS {DUCKDB_TYPES[spec.type]}) AS {q(spec.name)}" for spec in contract.columns)
    ids = selection.per_table.get(name, [])
    conditions = ["submission_id IN (SELECT unnest(?::VARCHAR[]))"]
    params: list[Any] = [ids]
    if period and contract.role == "event":
        p = checked_period(period)
        conditions.append(f"{q(contract.event_date)} BETWEEN ? AND ?")
        params += [p.start, p.end]
    if authority is not None:
        cond, extra = authority_condition(contract, selection, authority)
        if cond:
            conditions.append(cond)
            params += extra
    sql = f"SELECT {select_list}, submission_id FROM {q(name)} WHERE " + " AND ".join(conditions)
    if contract.dataset == "reference" and len(ids) > 1 and contract.primary_key:
        keys = ", ".join(q(k) for k in contract.primary_key)
        sql += f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY list_position(?, submission_id)) = 1"
        params.append([i for i in selection.reference_order if i in ids])
    if name == "lsoa_population":
        postcode_ids = selection.per_table.get("postcodes", [])
        sql = (f"SELECT p.* REPLACE (coalesce(p.easting, pt.e) AS easting, coalesce(p.northing, pt.n) AS northing) "
               f"FROM ({sql}) AS p LEFT JOIN ({schema.points_select_sql()}) AS pt ON p.lsoa_code = pt.lsoa_code")
        params.append(postcode_ids)
    return sql, params


def authority_condition(contract: Contract, selection: Selection, authority: str) -> tuple[str, list[Any]]:
    """SQL keeping the rows of one authority, from the contract's declared authority scope."""
    candidates = selection.candidates.get("provider_return", [])
    scope, column = contract.authority_scope, contract.authority_column
    if scope == "area":
        postcode_ids = selection.per_table.get("postcodes", [])
        population_ids = selection.per_table.get("lsoa_population", [])
        lsoas = ("lsoa_code IN (SELECT lsoa_code FROM postcodes WHERE authority_code = ? AND submission_id IN "
                 "(SELECT unnest(?::VARCHAR[])) UNION SELECT lsoa_code FROM lsoa_population WHERE "
                 "authority_code = ? AND submission_id IN (SELECT unnest(?::VARCHAR[])))")
        lsoa_params = [authority, postcode_ids, authority, population_ids]
        if column is None:
            return lsoas, lsoa_params
        return f"({schema.quote(column)} = ? OR {lsoas})", [authority, *lsoa_params]
    if scope == "authority_column" and column is not None:
        return f"{schema.quote(column)} = ?", [authority]
    if scope == "centre":
        return ("centre_id IN (SELECT centre_id FROM centres WHERE authority_code = ? AND submission_id IN "
                "(SELECT unnest(?::VARCHAR[])))", [authority, candidates])
    if scope == "board":
        return ("board_id IN (SELECT board_id FROM boards WHERE authority_code = ? AND submission_id IN "
                "(SELECT unnest(?::VARCHAR[])))", [authority, candidates])
    return "", []


def read_tables(con: duckdb.DuckDBPyConnection, contracts: ContractSet, names: Sequence[str], *,
                authority: str | None, period: str | None, as_at: datetime | None,
                in_sync: bool) -> dict[str, pd.DataFrame]:
    """The selected rows of each table in ``names``, typed per dtypes.py, plus ``submission_id`` (the body
    of :meth:`Store.read_tables`)."""
    selection = select(con, contracts, authority, period, as_at, in_sync=in_sync)
    out = {}
    for name in names:
        contract = contracts[name]
        if not selection.per_table.get(name) or name not in selection.columns:
            out[name] = empty_frame(contract)
            continue
        sql, params = table_sql(contract, selection, authority, period)
        out[name] = arrow_to_frame(con.sql(sql, params=params).to_arrow_table(), contract)
    return out


def data_versions(con: duckdb.DuckDBPyConnection, contracts: ContractSet, names: Sequence[str], *,
                  authority: str | None, period: str | None, as_at: datetime | None,
                  in_sync: bool) -> dict[str, list[str]]:
    """For each table, the submission ids :func:`read_tables` with the same arguments reads from."""
    selection = select(con, contracts, authority, period, as_at, in_sync=in_sync)
    return {name: sorted(selection.per_table.get(name, [])) for name in names}
