"""Building grouped, located problems from a mask of failing rows of one column."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ccassure.problems import GROUP_SAMPLE, Problem, make_problem
from ccassure.readers import RawTable


def located_problem(code: str, table: RawTable, column: str | None, positions: np.ndarray, values: Any,
                    **extra: Any) -> Problem:
    """One problem for every failing row in ``positions`` (row positions in the frame), grouped.

    ``values`` is the column (or any sequence aligned with the frame) used to show the first bad value.
    """
    rows = table.row_numbers[positions]
    first_position = int(positions[0])
    first_row = int(rows[0])
    value = values.iloc[first_position] if isinstance(values, pd.Series) else values[first_position]
    return make_problem(
        code, file=table.file, table=table.table, sheet=table.sheet, column=column, row=first_row,
        cell=table.cell_ref(column, first_row) if column else None,
        value=None if _missing(value) else value, count=len(positions),
        rows=tuple(int(r) for r in rows[:GROUP_SAMPLE]), **extra,
    )


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
