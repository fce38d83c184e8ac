"""Dates written month first (US style, as a spreadsheet in an en-US locale saves them to CSV).

ccassure reads ``07/04/2016`` as 7 April, day first, as a UK provider means it. When the same column also
holds ``04/13/2016``, which only makes sense month first, the column was written month first and every
date whose two parts are both 12 or less could mean either of two days. Those cells are an error naming
the ambiguity, never silently read day first (nor silently read month first: one column can mix both).
A spreadsheet app writes every date of a CSV export the same way, so a return in which some date column
shows month-first writing and none shows day-first writing has every ambiguous date flagged, in every
date column (a column of ``04/01/2008`` alone cannot show it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ccassure.contracts import ContractSet
from ccassure.readers import RawReturn
from ccassure.validation.arrowtext import regex_mask

_SHAPE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](?:\d{2}|\d{4})(?:[ T].*)?\s*$"
# Quick tests over a whole column in pyarrow (RE2): a second part that can only be a day, a first part that
# can only be a day. Only a column that passes the first is looked at cell by cell.
_SECOND_IS_DAY = r"^\s*(?:0?[1-9]|1[0-2])[/.\-](?:1[3-9]|2\d|3[01])[/.\-]\d"
_FIRST_IS_DAY = r"^\s*(?:1[3-9]|2\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-]\d"


def _text(raw: pd.Series) -> pd.Series | None:
    if pd.api.types.is_string_dtype(raw.dtype) and raw.dtype != object:
        return raw
    if raw.dtype != object:
        return None
    return raw.where(raw.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool))


def _has(raw: pd.Series, pattern: str) -> bool:
    text = _text(raw)
    return text is not None and bool(regex_mask(text, pattern).any())


def _parts(raw: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    text = _text(raw)
    if text is None:
        return None
    parts = text.astype("str").str.extract(_SHAPE)
    first = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    second = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return first, second


def _written_month_first(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (second > 12) & (second <= 31) & (first >= 1) & (first <= 12)


def month_first_example(raw: pd.Series) -> str | None:
    """The first value of a column that only makes sense month first (04/13/2016), if any."""
    if not _has(raw, _SECOND_IS_DAY):
        return None
    parts = _parts(raw)
    if parts is None:
        return None
    shown = np.flatnonzero(_written_month_first(*parts))
    return str(raw.iloc[int(shown[0])]).strip() if len(shown) else None


def return_example(source: RawReturn, contracts: ContractSet) -> str | None:
    """A value written month first in the return's date columns, when no date in it is written day first
    (13/04/2016): then the whole return was saved month first. A return that has both is judged column by
    column, so one mistyped date does not flag every other column."""
    columns = [table.frame[spec.name] for name, table in source.tables.items() for spec in contracts[name].columns
               if spec.type == "date" and spec.name in table.frame]
    example = next((found for column in columns if (found := month_first_example(column)) is not None), None)
    if example is None or any(_has(column, _FIRST_IS_DAY) for column in columns):
        return None
    return example


def month_first_cells(raw: pd.Series, seen: str | None = None) -> tuple[np.ndarray, str] | None:
    """The cells to report when a date column (or, ``seen``, another date column of the same return) shows
    month-first writing, and one value that shows it; None when nothing is written month first."""
    if seen is None and not _has(raw, _SECOND_IS_DAY):
        return None
    parts = _parts(raw)
    if parts is None:
        return None
    first, second = parts
    month_first = _written_month_first(first, second)
    example = month_first_example(raw) if month_first.any() else seen
    if example is None:
        return None
    with np.errstate(invalid="ignore"):
        either_way = (first >= 1) & (first <= 12) & (second >= 1) & (second <= 12) & (first != second)
    flagged = month_first | either_way
    return (flagged, example) if flagged.any() else None
