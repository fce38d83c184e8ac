"""Reading CSV files: UTF-8, UTF-8 with a byte-order mark, Windows-1252 (as Excel saves them), UTF-16
(Excel's "Unicode text") or UTF-32 with a byte-order mark; anything else refused with its line; separated by commas, semicolons (European Excel) or tabs.

The grid's index is the record number counted from 1, which is the row Excel shows when it opens the file
(a quoted cell with line breaks in it is one record, one Excel row, several lines of text).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pandas as pd

from ccassure.readers.limits import MAX_ROWS, ReadRefused

DELIMITERS = (",", ";", "\t", "|")
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 LE first: it starts FF FE
# A letter written in Windows-1252 is one byte; three or more bytes above 127 in a row are the multi-byte
# characters of another encoding (GB18030, Shift-JIS, Big5, ...), read as Windows-1252 they are mojibake.
FOREIGN_RUN = re.compile(rb"[\x80-\xff]{3,}")
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def _refuse_encoding(raw: bytes, position: int, why: str) -> ReadRefused:
    return ReadRefused("file-unreadable", f"line {_line_of(raw, position):,} {why}; save the file as "
                                          "CSV UTF-8 (Excel: File > Save As > CSV UTF-8) and try again")


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without its byte-order mark), UTF-16 or UTF-32 with a byte-order mark, UTF-16 without
    one (every other byte zero), or Windows-1252 (Excel's plain "CSV"). Anything else, or a file that mixes
    encodings, is refused with the line of the first byte that does not fit."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            _strict(raw, encoding)
            return encoding
    head = raw[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return _strict(raw, "utf-16-le")  # UTF-16 without its byte-order mark: every other byte is zero
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return _strict(raw, "utf-16-be")
    if b"\x00" in head:
        raise ReadRefused("file-unreadable", "it is a binary file, not CSV text")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise ReadRefused("file-unreadable", f"line {line:,} holds a NUL (zero) byte, which CSV text never does: the "
                                             "file is damaged or is not CSV")
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    mixed = UTF8_SEQUENCE.search(raw)
    if mixed is not None:
        raise _refuse_encoding(raw, first_bad, "is not UTF-8 text, although line "
                                               f"{_line_of(raw, mixed.start()):,} is: the file mixes encodings")
    foreign = FOREIGN_RUN.search(raw)
    if foreign is not None:
        raise _refuse_encoding(raw, foreign.start(), "is in a text encoding other than UTF-8 or Windows-1252 "
                                                     "(such as GB18030 or Shift-JIS)")
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _refuse_encoding(raw, exc.start, "holds a byte that is neither UTF-8 nor Windows-1252 text") from None
    return "cp1252"


def _strict(raw: bytes, encoding: str) -> str:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        unit = 4 if "32" in encoding else 2 if "16" in encoding else 1
        text_before = raw[: exc.start - exc.start % unit].decode(encoding, errors="replace")
        line = text_before.count("\n") + 1
        raise ReadRefused("file-unreadable", f"line {line:,} is not valid {encoding.upper().replace('-SIG', '')} "
                                             "text although the file starts as such; save it again as CSV UTF-8") \
            from None
    return encoding


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
    lines = raw.count(b"\n")
    if lines > 2 * MAX_ROWS:  # refused before a grid is built (a record may span lines)
        raise ReadRefused("file-too-large", f"{lines:,} lines long (the limit is {MAX_ROWS:,} rows)")
    encoding = detect_encoding(raw)
    if encoding.startswith(("utf-16", "utf-32")):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ReadRefused("file-unreadable", f"it looks like {encoding.upper()} text but cannot be decoded") \
                from None
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
