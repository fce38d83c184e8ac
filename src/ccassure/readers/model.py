"""What a reader hands to validation: raw cell values per table, with where each row came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ccassure.problems import Problem

SourceKind = Literal["xlsx", "csv", "parquet", "frame"]


@dataclass
class RawTable:
    """One table as read: values not yet typed, columns already renamed to contract names.

    ``row_numbers`` holds, for each frame row, the row number the user sees (the Excel row, the CSV line,
    or the Parquet row). ``cells`` maps a contract column to its Excel column letter (xlsx only).
    """

    table: str
    file: str
    sheet: str
    kind: SourceKind
    frame: pd.DataFrame
    row_numbers: np.ndarray
    header_row: int | None = None
    cells: dict[str, str] = field(default_factory=dict)
    # column -> mask of frame rows whose cell is a formula with no saved result (xlsx only)
    unsaved_formulas: dict[str, np.ndarray] = field(default_factory=dict)

    def cell_ref(self, column: str, row: int | None) -> str | None:
        letter = self.cells.get(column)
        return f"{letter}{row}" if letter and row is not None else None


@dataclass
class RawReturn:
    """Everything read from one file or folder, plus the problems met while reading it."""

    source: str
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    dataset: str | None = None
    unreadable: bool = False


_IGNORED_IN_NAMES = re.compile(r"[\s_\-\u200b-\u200f\u2060\ufeff]+")


def normalise_name(name: object) -> str:
    """Header and sheet names match regardless of case, spaces (line breaks, non-breaking spaces),
    underscores, hyphens, invisible characters pasted in with them, and a trailing colon or asterisk
    ('Centre ID:', 'Session ID*')."""
    return _IGNORED_IN_NAMES.sub("", str(name).strip().lower()).rstrip(":*")


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
