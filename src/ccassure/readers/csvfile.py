"""Reading CSV files: UTF-8, UTF-8 with a byte-order mark, or Windows-1252 (as Excel saves them)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ccassure.readers.limits import ReadRefused

ENCODINGS = ("utf-8-sig", "cp1252")


def detect_encoding(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ReadRefused("file-unreadable", "it is a binary file, not CSV text")
    for encoding in ENCODINGS:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ReadRefused("file-unreadable", "its text encoding is not UTF-8 or Windows-1252")


def read_csv_grid(path: Path) -> pd.DataFrame:
    """The whole file as a grid of strings ('' for empty cells); the header is found later."""
    encoding = detect_encoding(path)
    try:
        return pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding=encoding,
                           skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, ValueError):
        pass  # ragged rows, e.g. a one-cell title line above the header
    try:
        with path.open(encoding=encoding, newline="") as handle:
            rows = list(csv.reader(handle))
    except csv.Error as exc:
        raise ReadRefused("file-unreadable", f"it is not a valid CSV file ({exc})") from None
    return pd.DataFrame(rows, dtype=object)
