"""Foreign keys that cross datasets: a service change (authority records) names a centre (a provider return).

Each return is validated on its own, so such a key can only be checked against the other dataset's rows
when they are at hand:

- ``ccassure validate RETURN --against OTHER``: the other return's tables (:func:`reference_problems`);
- ``store submit``: the rows the store holds for that authority (:func:`check_against_store`), so that a
  change naming an unknown centre is refused and nothing of that return is stored;
- ``check``: every dataset of the check is loaded, and :func:`across_dataset_problems` notes each row whose
  key matches nothing (for ``--data`` folders that were never validated together).

A key whose other table has no rows at all is not checked (nothing to check it against: an authority may
record its changes before its providers' first returns); ``check`` still notes every such row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ccassure.contracts import ContractSet
from ccassure.contracts.model import ForeignKey
from ccassure.problems import Problem, group_problems, make_problem
from ccassure.readers import RawTable
from ccassure.rules.expr import quote_ident
from ccassure.validation.located import located_problem


@dataclasses.dataclass(frozen=True)
class Known:
    """Rows of other datasets to check references against, and where they came from, in words
    ("in provider_returns.xlsx", "in the provider returns stored for E06000901")."""

    tables: Mapping[str, pd.DataFrame]
    where: str
    missing: str | None = None  # why nothing could be checked when no rows are known (None: say nothing)


def _crossing(contract_name: str, contracts: ContractSet) -> list[ForeignKey]:
    contract = contracts[contract_name]
    return [fk for fk in contract.foreign_keys
            if fk.ref_table in contracts and contracts[fk.ref_table].dataset != contract.dataset]


def referenced_elsewhere(dataset: str | None, contracts: ContractSet) -> list[str]:
    """Tables of other datasets that the tables of ``dataset`` refer to (for authority records: centres)."""
    names: list[str] = []
    for contract in contracts:
        if contract.dataset == dataset:
            names += [fk.ref_table for fk in _crossing(contract.table, contracts) if fk.ref_table not in names]
    return names


def _unknown(values: pd.Series, known: pd.Series) -> np.ndarray:
    known_text = set(known.dropna().astype(str))
    return (values.notna() & ~values.astype("string").isin(sorted(known_text))).fillna(False).to_numpy(dtype=bool)


def reference_problems(tables: Mapping[str, pd.DataFrame], locators: Mapping[str, RawTable],
                       contracts: ContractSet, known: Known) -> list[Problem]:
    """One located error per column whose references to another dataset's table match none of its rows."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        if name not in contracts or frame is None or not len(frame):
            continue
        for fk in _crossing(name, contracts):
            if fk.ref_table in tables or fk.column not in frame:
                continue  # in the same return: checked with it (cross_table.foreign_key_problems)
            target = known.tables.get(fk.ref_table)
            if target is None or fk.ref_column not in target or not len(target):
                if known.missing and frame[fk.column].notna().any():
                    locator = _locator(name, frame, locators, contracts)
                    ref_sheet = contracts[fk.ref_table].sheet
                    problems.append(make_problem("unchecked-across-datasets", detail=known.missing,
                                                 detail_sheet=ref_sheet, file=locator.file, table=name,
                                                 sheet=locator.sheet, column=fk.column))
                continue
            positions = np.flatnonzero(_unknown(frame[fk.column], target[fk.ref_column]))
            if len(positions):
                ref_sheet = contracts[fk.ref_table].sheet
                problems.append(located_problem(
                    "unknown-across-datasets", _locator(name, frame, locators, contracts), fk.column, positions,
                    frame[fk.column], detail=f"{fk.ref_column} on the {ref_sheet} sheet {known.where}",
                    detail_sheet=ref_sheet))
    return problems


def _locator(name: str, frame: pd.DataFrame, locators: Mapping[str, RawTable], contracts: ContractSet) -> RawTable:
    """Where the table's rows came from; rows numbered from 1 for tables handed over without one."""
    found = locators.get(name)
    if found is not None:
        return found
    return RawTable(name, "<data frames>", contracts[name].sheet, "frame", frame.iloc[:0],
                    np.arange(1, len(frame) + 1))


def check_against(result: Any, known: Known, contracts: ContractSet) -> list[Problem]:
    """Add to a validation result the errors of its references to ``known``; returns the new problems."""
    found = reference_problems(result.tables, getattr(result, "locators", {}) or {}, contracts, known)
    if found:
        result.problems = group_problems([*result.problems, *found])
    return found


def check_against_store(result: Any, store: Any, authority: str) -> list[Problem]:
    """Before ``store submit`` stores authority records: their references to centres checked against the
    centres the store holds for that authority (every provider's latest return)."""
    contracts = store.contracts
    wanted = referenced_elsewhere(getattr(result, "dataset", None), contracts)
    if not wanted or getattr(result, "unreadable", False) or not getattr(result, "tables", None):
        return []
    stored = store.read_tables(authority=authority, tables=wanted)
    return check_against(result, Known(stored, f"of any provider return stored for {authority}",
                                       missing=f"the store holds no provider return for {authority} yet"), contracts)


def across_dataset_problems(tables: Mapping[str, pd.DataFrame], contracts: ContractSet, *,
                            limit: int = 20) -> list[str]:
    """For ``check``: one message per row whose reference to another dataset's table matches nothing there
    (frames given: they are put in a connection of their own and :func:`across_dataset_problems_in` asked)."""
    con = duckdb.connect()
    try:
        columns = {}
        for name, frame in tables.items():
            if name in contracts and frame is not None:
                con.register(name, frame)
                columns[name] = set(frame.columns)
        return across_dataset_problems_in(con, columns, contracts, limit=limit)
    finally:
        con.close()


def across_dataset_problems_in(con: duckdb.DuckDBPyConnection, columns: Mapping[str, set[str]],
                               contracts: ContractSet, *, limit: int = 20) -> list[str]:
    """The same, in SQL over the tables a check's connection holds (``columns``: each table supplied, in
    order, with the columns it was supplied with): the store path has no frames to look at, and the
    store's own check at submission cannot see every combination a check reads (a later provider return
    may drop a centre an authority's records still name)."""
    problems: list[str] = []
    for name, present in columns.items():
        if name not in contracts:
            continue
        contract = contracts[name]
        key = contract.primary_key[0] if contract.primary_key else None
        for fk in _crossing(name, contracts):
            target = columns.get(fk.ref_table)
            if target is None or fk.column not in present or fk.ref_column not in target:
                continue  # the other table was not supplied: rules say so
            column, ref = quote_ident(fk.column), quote_ident(fk.ref_column)
            who_sql = quote_ident(key) if key and key in present else "NULL"
            rows = con.execute(
                f"SELECT {who_sql}, {column} FROM {quote_ident(name)} WHERE {column} IS NOT NULL AND "
                f"CAST({column} AS VARCHAR) NOT IN (SELECT CAST({ref} AS VARCHAR) FROM "
                f"{quote_ident(fk.ref_table)} WHERE {ref} IS NOT NULL) LIMIT {int(limit)}").fetchall()
            ref_sheet = contracts[fk.ref_table].sheet
            for who_value, value in rows:
                who = f" ({key} {'<NA>' if who_value is None else who_value})" if key and key in present else ""
                problems.append(f"validation error across datasets: {contract.sheet} sheet{who}, column "
                                f"{fk.column}: {value!s} is not a {fk.ref_column} on the "
                                f"{ref_sheet} sheet of any return supplied")
    return problems
