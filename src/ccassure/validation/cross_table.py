"""Checks that need more than one column or table: primary keys, foreign keys and date order.

They run on the typed tables. A foreign key is checked only when the referenced table is in the same
source (authority records can refer to centres that arrive in a provider's return).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ccassure.contracts import Contract, ContractSet
from ccassure.problems import Problem
from ccassure.readers import RawTable
from ccassure.validation.arrowtext import as_arrow_text
from ccassure.validation.located import located_problem


def primary_key_problems(contract: Contract, typed: pd.DataFrame, raw: RawTable) -> list[Problem]:
    keys = [key for key in contract.primary_key if key in typed]
    if len(keys) != len(contract.primary_key) or typed.empty:
        return []
    if len(keys) == 1:  # fast path: pyarrow counts distinct values without building Python objects
        values = as_arrow_text(typed[keys[0]]) if not pd.api.types.is_numeric_dtype(typed[keys[0]]) else None
        if values is not None and pc.count_distinct(values).as_py() == len(values) - values.null_count:
            return []
    complete = typed[keys].notna().all(axis=1)
    duplicated = typed[keys].duplicated(keep="first") & complete
    positions = np.flatnonzero(duplicated.to_numpy(dtype=bool))
    if len(positions) == 0:
        return []
    label = " + ".join(keys)
    shown = typed[keys].astype("str").agg(" / ".join, axis=1)
    return [located_problem("duplicate-key", raw, label if len(keys) > 1 else keys[0], positions, shown)]


def foreign_key_problems(contract: Contract, typed: pd.DataFrame, raw: RawTable,
                         tables: dict[str, pd.DataFrame], contracts: ContractSet) -> list[Problem]:
    problems: list[Problem] = []
    for fk in contract.foreign_keys:
        target = tables.get(fk.ref_table)
        if target is None or fk.column not in typed or fk.ref_column not in target:
            continue
        values = typed[fk.column]
        positions = np.flatnonzero(_unknown_references(values, target[fk.ref_column]))
        if len(positions):
            ref_sheet = contracts[fk.ref_table].sheet
            problems.append(located_problem("foreign-key", raw, fk.column, positions, values,
                                            detail=f"{fk.ref_column} on the {ref_sheet} sheet",
                                            detail_sheet=ref_sheet))
    return problems


def date_order_problems(contract: Contract, typed: pd.DataFrame, raw: RawTable) -> list[Problem]:
    problems: list[Problem] = []
    for order in contract.date_order:
        if order.start not in typed or order.end not in typed:
            continue
        wrong = (typed[order.end] < typed[order.start]).fillna(False)
        positions = np.flatnonzero(wrong.to_numpy(dtype=bool))
        if len(positions):
            shown = typed[order.end].dt.strftime("%d/%m/%Y")
            first = typed[order.start].iloc[positions[0]]
            problems.append(located_problem("date-order", raw, order.end, positions, shown,
                                            detail=f"{order.start} ({first:%d/%m/%Y})"))
    return problems


def _unknown_references(values: pd.Series, known: pd.Series) -> np.ndarray:
    """True where a value is present but not among ``known`` (pyarrow's hash set: fast on millions)."""
    value_set = pc.cast(as_arrow_text(known.dropna()), pa.large_string())
    found = pc.is_in(pc.cast(as_arrow_text(values), pa.large_string()), value_set=value_set)
    found = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return ~found & values.notna().to_numpy(dtype=bool)
