"""Running the plausibility checks contracts declare (contracts/plausibility.py) over typed tables.

One function per kind of check; each returns the rows that fail, and one located, grouped problem per
check is reported at the severity the contract gives. Cells that could not be read are already reported
and are missing here, so they are never reported twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ccassure.contracts import Contract, ContractSet
from ccassure.contracts.plausibility import PlausibilityCheck
from ccassure.problems import Problem
from ccassure.readers import RawTable
from ccassure.validation.located import located_problem

Failing = tuple[np.ndarray, pd.Series, str]  # row positions, values shown, what is wrong


def plausibility_problems(contract: Contract, typed: pd.DataFrame, raw: RawTable,
                          tables: Mapping[str, pd.DataFrame], contracts: ContractSet,
                          today: dt.date | None = None) -> list[Problem]:
    problems = []
    for check in contract.plausibility:
        if any(name not in typed for name in check.own_columns):
            continue
        found = RUNNERS[check.check](check, typed, tables, today or dt.date.today())
        if found is None:
            continue
        positions, shown, detail = found
        if len(positions):
            problems.append(located_problem("implausible-value", raw, check.column, positions, shown,
                                            detail=check.message or detail, severity=check.severity))
    return problems


def _as_time(values: pd.Series) -> pd.Series:
    """Dates and months (yyyy-mm, read as the first of the month) as timestamps, for comparing."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.astype("datetime64[s]")
    return pd.to_datetime(values.astype("string"), format="%Y-%m", errors="coerce")


def _shown(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.strftime("%d/%m/%Y")
    return values


def _at_most(check: PlausibilityCheck, typed: pd.DataFrame, *_: object) -> Failing:
    left, right = typed[check.column], typed[check.than]
    if pd.api.types.is_datetime64_any_dtype(left.dtype) or left.dtype.name == "string":
        left, right = _as_time(left), _as_time(right)
    wrong = (left > right).fillna(False).to_numpy(dtype=bool)
    if check.kpi and wrong.any():
        from ccassure.validation.kpi_estimates import kpis_counting_shares

        shares = typed[check.kpi].astype("string").isin(sorted(kpis_counting_shares()))
        wrong &= shares.fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(wrong), _shown(typed[check.column]), f"is more than {check.than}"


def _not_before(check: PlausibilityCheck, typed: pd.DataFrame, *_: object) -> Failing:
    later, earlier = _as_time(typed[check.column]), _as_time(typed[check.than])
    if typed[check.than].dtype.name == "string":  # a month: anything in that month is not before it
        earlier = earlier.dt.to_period("M").dt.start_time
    wrong = (later < earlier).fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(wrong), _shown(typed[check.column]), f"is before {check.than}"


def _not_in_future(check: PlausibilityCheck, typed: pd.DataFrame, _tables: object, today: dt.date) -> Failing:
    when = _as_time(typed[check.column])
    wrong = (when > pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(wrong), _shown(typed[check.column]), "is in the future"


def _ratio(check: PlausibilityCheck, typed: pd.DataFrame, *_: object) -> Failing:
    value = typed[check.column].astype("Float64")
    numerator = typed[check.numerator].astype("Float64")
    denominator = typed[check.denominator].astype("Float64")
    given = (value.notna() & numerator.notna() & denominator.notna()).fillna(False)
    zero = (given & denominator.eq(0) & numerator.ne(0)).fillna(False).to_numpy(dtype=bool)
    computed = numerator / denominator.where(denominator != 0)
    close = np.zeros(len(value), dtype=bool)
    for scale in check.scales:
        close |= ((value - computed * scale).abs() <= check.tolerance + 1e-9).fillna(False).to_numpy(dtype=bool)
    wrong = given.to_numpy(dtype=bool) & ~close & denominator.ne(0).fillna(False).to_numpy(dtype=bool)
    return (np.flatnonzero(wrong | zero), typed[check.column],
            f"does not equal {check.numerator} divided by {check.denominator}")


def _within_life(check: PlausibilityCheck, typed: pd.DataFrame, tables: Mapping[str, pd.DataFrame],
                 _today: object) -> Failing | None:
    other = tables.get(check.table or "")
    if other is None or check.key not in other or check.start not in other:
        return None
    if typed.empty or other.empty:
        return None
    life = other.drop_duplicates(check.key).set_index(check.key)
    opened = pd.to_datetime(typed[check.key].map(life[check.start]), errors="coerce")
    closed = pd.to_datetime(typed[check.key].map(life[check.end]), errors="coerce") \
        if check.end and check.end in life else None
    when = typed[check.column]
    wrong = (when < opened).fillna(False).to_numpy(dtype=bool, copy=True)
    if closed is not None:
        wrong |= (when > closed).fillna(False).to_numpy(dtype=bool)
    return (np.flatnonzero(wrong), _shown(when),
            f"is outside the life of its {check.key} (before it opened or after it closed)")


def _no_cycles(check: PlausibilityCheck, typed: pd.DataFrame, *_: object) -> Failing:
    """A parent chain that comes back to where it started: a row that is its own parent, or a loop."""
    keys = typed[check.key].astype("string")
    parents = typed[check.column].astype("string")
    parent_of = {k: p for k, p in zip(keys, parents, strict=True) if pd.notna(k) and pd.notna(p)}
    in_cycle = set()
    for start in parent_of:
        seen = [start]
        node = parent_of.get(start)
        while node is not None and node not in seen and len(seen) <= len(parent_of):
            seen.append(node)
            node = parent_of.get(node)
        if node == start:
            in_cycle.add(start)
    wrong = keys.isin(list(in_cycle)).fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(wrong), parents, "makes a loop of parents (a centre cannot be its own parent)"


_FINANCIAL_YEAR = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")


def _financial_year(check: PlausibilityCheck, typed: pd.DataFrame, *_: object) -> Failing:
    def wrong(text: object) -> bool:
        found = _FINANCIAL_YEAR.match(str(text)) if isinstance(text, str) else None
        if not found:
            return False
        first, second = int(found.group(1)), int(found.group(2))
        return second != (first + 1 if second > 99 else (first + 1) % 100)
    values = typed[check.column]
    mask = values.map(wrong, na_action="ignore").fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(mask), values, "is not a financial year (two consecutive years, such as 2016-17)"


RUNNERS: dict[str, Callable[..., Failing | None]] = {
    "at_most": _at_most, "not_before": _not_before, "not_in_future": _not_in_future, "ratio": _ratio,
    "within_life": _within_life, "no_cycles": _no_cycles, "financial_year": _financial_year,
}
