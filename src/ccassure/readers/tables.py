"""Turning one sheet (or CSV file) into a RawTable, with header and column problems.

Both readers hand over a *grid*: a DataFrame with positional columns and the cell values as read, title
rows and all. The header is found here, once, for every format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ccassure.contracts import Contract
from ccassure.problems import GROUP_SAMPLE, Problem, make_problem
from ccassure.readers.headers import HEADER_SEARCH_ROWS, find_header
from ccassure.readers.limits import MAX_ROWS
from ccassure.readers.model import RawTable, SourceKind, column_letter


def table_from_grid(grid: pd.DataFrame, contract: Contract, *, file: str, sheet: str, kind: SourceKind,
                    unsaved: Sequence[tuple[str, int]] = ()) -> tuple[RawTable | None, list[Problem]]:
    """Find the header, keep the contract's columns, drop blank rows, and remember sheet row numbers.

    The grid's index is the row number the user sees (the Excel row, or the CSV record counted from 1).
    ``unsaved`` lists cells (column letters, row) holding a formula whose result was never saved.
    """
    where = {"file": file, "table": contract.table, "sheet": sheet}
    if grid.empty:
        return None, [make_problem("sheet-empty", **where)]
    head = [tuple(row) for row in grid.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()]
    match = find_header(head, contract)
    if match is None:
        return None, [make_problem("header-not-found", detail=min(len(grid), HEADER_SEARCH_ROWS), **where)]
    problems = header_problems(contract, match.columns.values(), match.unknown.values(), match.duplicates, where)
    data = grid.iloc[match.row_index + 1:]
    if len(data) > MAX_ROWS:
        return None, [*problems, make_problem("too-many-rows", detail=f"{MAX_ROWS:,}", **where)]
    header_number = int(grid.index[match.row_index])
    named = sorted({*match.columns, *match.unknown, *(p for p, _ in match.duplicate_positions)})
    problems += _values_without_header(data, named, kind, where)
    named_data = data.iloc[:, [p for p in named if p < data.shape[1]]]
    blank = _blank_mask(named_data)
    repeated = _repeated_header(data, head[match.row_index], match.columns) & ~blank
    if repeated.any():
        rows = data.index[repeated]
        problems += [make_problem("header-repeated", row=int(row), **where) for row in rows[:GROUP_SAMPLE]]
    keep = ~blank & ~repeated
    positions = list(match.columns)
    picked = data.iloc[:, [p for p in positions if p < data.shape[1]]]
    row_numbers = data.index[keep].to_numpy(dtype="int64")
    frame = picked.loc[keep].copy()
    for p in positions:  # a header cell with no values under it (xlsx rows are trimmed at their last value)
        if p >= data.shape[1]:
            frame[p] = None
    frame = frame[[p for p in positions]] if positions else frame
    frame.columns = [match.columns[p] for p in positions]
    frame.index = pd.RangeIndex(len(frame))
    cells = {name: column_letter(p) for p, name in match.columns.items()} if kind == "xlsx" else {}
    table = RawTable(contract.table, file, sheet, kind, frame, row_numbers, header_number, cells)
    if unsaved:
        table.unsaved_formulas = _unsaved_masks(unsaved, cells, row_numbers)
    return table, problems


def _unsaved_masks(unsaved: Sequence[tuple[str, int]], cells: dict[str, str],
                   row_numbers: np.ndarray) -> dict[str, np.ndarray]:
    by_letter = {letter: name for name, letter in cells.items()}
    position_of = {int(row): index for index, row in enumerate(row_numbers)}
    masks: dict[str, np.ndarray] = {}
    for letter, row in unsaved:
        name = by_letter.get(letter)
        index = position_of.get(row)
        if name is None or index is None:
            continue
        masks.setdefault(name, np.zeros(len(row_numbers), dtype=bool))[index] = True
    return masks


def _values_without_header(data: pd.DataFrame, named: list[int], kind: SourceKind,
                           where: dict[str, str]) -> list[Problem]:
    """One warning naming the columns that have values below a blank header cell (ragged CSV rows, notes
    typed to the right of the table): those values are not read, and the provider should know."""
    named_set = set(named)
    unnamed = [p for p in range(data.shape[1]) if p not in named_set]
    if not unnamed or data.empty:
        return []
    anything = data.iloc[:, unnamed].notna().any(axis=0).to_numpy(dtype=bool)
    found: list[tuple[int, int]] = []  # (position, first row)
    rows: set[int] = set()
    for position in np.asarray(unnamed, dtype=int)[anything]:
        column = data.iloc[:, int(position)]
        filled = column.notna().to_numpy(dtype=bool)
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            filled = filled & ~column.astype("str").str.strip().eq("").fillna(True).to_numpy(dtype=bool)
        if filled.any():
            found.append((int(position), int(data.index[np.flatnonzero(filled)[0]])))
            rows.update(int(r) for r in data.index[filled])
    if not found:
        return []
    labels = [column_letter(p) if kind == "xlsx" else f"number {p + 1}" for p, _ in found]
    position, first = min(found, key=lambda item: (item[1], item[0]))
    label = ", ".join(labels[:10]) + (f" and {len(labels) - 10} more" if len(labels) > 10 else "")
    return [make_problem("values-without-header", row=first, detail=label,
                         cell=f"{column_letter(position)}{first}" if kind == "xlsx" else None,
                         count=len(rows), rows=tuple(sorted(rows)[:GROUP_SAMPLE]), **where)]


def _repeated_header(data: pd.DataFrame, header: Sequence[object], columns: dict[int, str]) -> np.ndarray:
    """True for data rows that repeat the header in every contract column (a header pasted twice)."""
    positions = [p for p in columns if p < data.shape[1]]
    if not positions or data.empty:
        return np.zeros(len(data), dtype=bool)
    same = np.ones(len(data), dtype=bool)
    for p in positions:
        same &= (data.iloc[:, p] == header[p]).fillna(False).to_numpy(dtype=bool)
        if not same.any():
            break
    return same


def header_problems(contract: Contract, found: Iterable[str], unknown: Iterable[str], duplicates: Sequence[str],
                    where: dict[str, str]) -> list[Problem]:
    found_set = set(found)
    problems = [make_problem("duplicate-column", column=name, **where) for name in duplicates]
    missing_optional = []
    for spec in contract.columns:
        if spec.name not in found_set:
            if spec.required:
                problems.append(make_problem("missing-column", column=spec.name, **where))
            else:
                missing_optional.append(spec.name)
    if missing_optional:  # one warning per sheet, not one per column
        problems.append(make_problem("missing-optional-column", column=", ".join(missing_optional), **where))
    problems += [make_problem("unknown-column", column=name, **where) for name in unknown]
    return problems


def _blank_mask(data: pd.DataFrame) -> np.ndarray:
    """True for rows with no value in any cell of a headed column (blank trailing rows, spacer rows)."""
    blank = np.ones(len(data), dtype=bool)
    for position in range(data.shape[1]):
        column = data.iloc[:, position]
        empty = column.isna().to_numpy(dtype=bool)
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            empty = empty | column.astype("str").str.strip().eq("").fillna(True).to_numpy(dtype=bool)
        blank &= empty
    return blank
