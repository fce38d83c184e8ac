"""Reading CSV files: UTF-8, UTF-8 with a byte-order mark, Windows-1252 (as Excel saves them), or UTF-16
(Excel's "Unicode text"); separated by commas, semicolons (European Excel) or tabs.

The grid's index is the record number counted from 1, which is the row Excel shows when it opens the file
(a quoted cell with line breaks in it is one record, one Excel row, several lines of text).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd

from ccassure.readers.limits import ReadRefused

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t", "|")


def detect_encoding(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"  # UTF-16 without its byte-order mark: every other byte is zero
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    if b"\x00" in head:
        raise ReadRefused("file-unreadable", "it is a binary file, not CSV text")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise ReadRefused("file-unreadable", f"line {line:,} holds a NUL (zero) byte, which CSV text never does: the "
                                             "file is damaged or is not CSV")
    for encoding in ENCODINGS:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ReadRefused("file-unreadable", "its text encoding is not UTF-8 or Windows-1252")


def detect_delimiter(text: str) -> str:
    """The separator of the first lines: a comma unless the lines have none and do have semicolons or tabs."""
    lines = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    if not lines:
        return ","
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    if counts[","]:
        best = max(DELIMITERS, key=lambda d: counts[d])
        # semicolon files often hold decimal commas (1,5): prefer the separator every line has
        if best != "," and all(line.count(best) for line in lines) and counts[best] >= counts[","]:
            return best
        return ","
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_grid(path: Path) -> pd.DataFrame:
    """The whole file as a grid of strings ('' for empty cells); the header is found later."""
    raw = path.read_bytes()
    encoding = detect_encoding(raw)
    if encoding.startswith("utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ReadRefused("file-unreadable", "it looks like UTF-16 text but cannot be decoded") from None
        source: io.StringIO | Path = io.StringIO(text.lstrip("\ufeff"))
        sample = text[:65536]
    else:
        source = path
        sample = raw[:65536].decode(encoding, errors="replace")
    delimiter = detect_delimiter(sample)
    del raw
    try:
        grid = pd.read_csv(source, header=None, dtype=str, keep_default_na=False,
                           encoding=None if isinstance(source, io.StringIO) else encoding,
                           skip_blank_lines=False, sep=delimiter)
        return _numbered(grid)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, ValueError):
        pass  # ragged rows, e.g. a one-cell title line above the header; or a malformed quote (below)
    handle = io.StringIO(text.lstrip("\ufeff")) if isinstance(source, io.StringIO) else path.open(
        encoding=encoding, newline="")
    with handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            rows = list(reader)
        except csv.Error as exc:
            raise ReadRefused("file-unreadable", f"{path.name} is not valid CSV at line {reader.line_num} ({exc}; "
                                                 "a quote mark opens a cell that is never closed, or text follows "
                                                 "a closing quote)") from None
    width = max((len(row) for row in rows), default=0)
    return _numbered(pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object))


def _numbered(grid: pd.DataFrame) -> pd.DataFrame:
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid
