"""Turning one sheet (or CSV file) into a RawTable, with header and column problems.

Both readers hand over a *grid*: a DataFrame with positional columns and the cell values as read, title
rows and all. The header is found here, once, for every format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ccassure.contracts import Contract
from ccassure.problems import Problem, make_problem
from ccassure.readers.headers import HEADER_SEARCH_ROWS, find_header
from ccassure.readers.model import RawTable, SourceKind, column_letter

MAX_ROWS = 5_000_000


def table_from_grid(grid: pd.DataFrame, contract: Contract, *, file: str, sheet: str,
                    kind: SourceKind) -> tuple[RawTable | None, list[Problem]]:
    """Find the header, keep the contract's columns, drop blank rows, and remember sheet row numbers."""
    where = {"file": file, "table": contract.table, "sheet": sheet}
    head = [tuple(row) for row in grid.head(HEADER_SEARCH_ROWS).itertuples(index=False, name=None)]
    match = find_header(head, contract)
    if match is None:
        return None, [make_problem("header-not-found", detail=min(len(grid), HEADER_SEARCH_ROWS), **where)]
    problems = header_problems(contract, match.columns.values(), match.unknown.values(), match.duplicates, where)
    data = grid.iloc[match.row_index + 1:]
    if len(data) > MAX_ROWS:
        return None, [*problems, make_problem("too-many-rows", detail=f"{MAX_ROWS:,}", **where)]
    positions = list(match.columns)
    picked = data.iloc[:, positions] if positions else data.iloc[:, :0]
    blank = _blank_mask(data)
    first_data_row = match.row_index + 2  # 1-based: the row after the header
    row_numbers = np.flatnonzero(~blank) + first_data_row
    frame = picked.loc[~blank].copy()
    frame.columns = [match.columns[p] for p in positions]
    frame.index = pd.RangeIndex(len(frame))
    cells = {name: column_letter(p) for p, name in match.columns.items()} if kind == "xlsx" else {}
    return RawTable(contract.table, file, sheet, kind, frame, row_numbers, match.row_index + 1, cells), problems


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
    """True for rows with no value in any cell (blank trailing rows, spacer rows)."""
    if data.shape[1] == 0:
        return np.ones(len(data), dtype=bool)
    empty = data.isna()
    for position in range(data.shape[1]):
        column = data.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            empty.iloc[:, position] = empty.iloc[:, position].to_numpy() | column.astype("str").str.strip().eq("").fillna(True).to_numpy(dtype=bool)
    return empty.all(axis=1).to_numpy(dtype=bool)
