"""Reading a provider workbook: one sheet per table, values as Excel shows them.

python-calamine (Rust) reads cell values: formulas as their cached values, Excel dates as dates, merged
title cells as a value in their first cell only; it is about ten times faster than openpyxl on a
20,000-row return. Nothing in a workbook is ever run: macros (.xlsm) and formulas are data, and ccassure
reads cell values only. calamine gives error cells (#N/A, #DIV/0!) as blanks, so the byte scan below
records them and they are put back.

Before a sheet is read, its XML is scanned once, as bytes, for the last row that holds a value and for
formulas whose result was never saved. Reading then stops at that row, so a sheet with a million rows that
are formatted but empty (openpyxl's max_row trap) costs a scan, not a million parsed rows.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.readers.limits import MAX_UNZIPPED_BYTES, ReadRefused

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container: old .xls, or an encrypted workbook
SCAN_CHUNK = 1 << 22

_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_CELL_START = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_CELL_END = re.compile(rb"</(?:\w+:)?c>|<(?:\w+:)?c\b")
_BOUNDARY = re.compile(rb"<(?:\w+:)?(?:c|row)[\s>]")


@dataclass
class SheetScan:
    """What the byte scan of one sheet found."""

    last_row: int | None = None                      # last row holding a value or formula; None if unknown
    unsaved: list[tuple[str, int]] = field(default_factory=list)  # (column letters, row) of formulas without results
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (column letters, row, '#N/A') error cells


@dataclass
class Grid:
    """One sheet as read: the cell values by Excel row number (blank rows left out), and scan results."""

    frame: pd.DataFrame
    unsaved: list[tuple[str, int]]


def check_workbook(path: Path) -> list[str]:
    """Refuse what is not an xlsx package, or what would expand past the limit (a zip bomb); return the
    names of the package's parts."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == CFB_MAGIC:
        raise ReadRefused("file-unreadable", "it is password-protected (encrypted) or in the old .xls format; "
                                             "remove the password and save it as an .xlsx workbook")
    if not zipfile.is_zipfile(path):
        raise ReadRefused("file-unreadable", "it is not an Excel .xlsx workbook (save it as .xlsx)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ReadRefused("file-unreadable", "the workbook is damaged") from None
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise ReadRefused("file-unreadable", "it is a zip file but not an Excel workbook")
    if expanded > MAX_UNZIPPED_BYTES:
        raise ReadRefused("file-too-large", f"{expanded / 1e6:,.0f} MB when unpacked")
    return names


def has_macros(path: Path) -> bool:
    """True when the package carries a VBA project (never run; reported so the provider knows)."""
    with zipfile.ZipFile(path) as archive:
        return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())


@contextmanager
def open_workbook(path: Path) -> Iterator[OpenWorkbook]:
    """Open a workbook once (values only) for both its sheet names and its grids."""
    check_workbook(path)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # calamine raises its own error types for damaged packages
        raise ReadRefused("file-unreadable",
                          f"the workbook is damaged or password-protected ({type(exc).__name__})") from None
    try:
        yield OpenWorkbook(book, archive)
    finally:
        archive.close()
        book.close()


class OpenWorkbook:
    """An open workbook: its sheet names, and a grid of values for the sheets asked for."""

    def __init__(self, book: Any, archive: zipfile.ZipFile):
        self._book = book
        self._archive = archive
        self._paths = sheet_xml_paths(archive)

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def grids(self, wanted: set[str]) -> Iterator[tuple[str, Grid]]:
        """(sheet name, grid of cell values) for each worksheet named in ``wanted``.

        The grid's index is the Excel row number; rows with no value at all are left out.
        """
        for title in self.sheet_names:
            if title not in wanted:
                continue
            part = self._paths.get(title)
            scan = _scan(self._archive.open(part), title, MAX_UNZIPPED_BYTES) if part else SheetScan()
            try:
                values = self._book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            except Exception as exc:  # damaged sheet XML
                raise ReadRefused("file-unreadable", f"sheet {title!r} has a damaged cell and cannot be "
                                                     f"read ({type(exc).__name__}: {str(exc)[:80]})") from None
            if scan.last_row is not None:
                values = values[: scan.last_row]
            rows = [[_cell(value) for value in row] for row in values]
            _put_back_errors(rows, scan.errors)
            numbers = [n for n, row in enumerate(rows, start=1) if any(value is not None for value in row)]
            kept = [_trim(tuple(rows[n - 1])) for n in numbers]
            width = max((len(row) for row in kept), default=0)
            kept = [row + (None,) * (width - len(row)) if len(row) < width else row for row in kept]
            frame = pd.DataFrame(kept, dtype=object, index=pd.Index(numbers, dtype="int64"))
            yield title, Grid(frame, scan.unsaved)


def _cell(value: Any) -> Any:
    """Blank cells as None; whole numbers as int (Excel stores every number as a float)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _put_back_errors(rows: list[list[Any]], errors: list[tuple[str, int, str]]) -> None:
    for letters, row, value in errors:
        column = _column_index(letters)
        if row - 1 < len(rows):
            cells = rows[row - 1]
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            cells[column] = value


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")


def sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part, from xl/workbook.xml and its relationships (small files)."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for match in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        target = attributes.get("Target", "")
        targets[attributes.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    paths = {}
    for match in _SHEET.finditer(workbook):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        rid = next((v for k, v in attributes.items() if k.endswith(":id")), None)
        name = attributes.get("name")
        if name is not None and rid in targets:
            paths[html.unescape(name)] = targets[rid]
    return paths


def _trim(row: tuple) -> tuple:
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _scan(source: Any, title: str, limit: int) -> SheetScan:
    """Stream the sheet's XML once: the last row with a value, formulas without a saved result, and error
    cells. Falls back to 'unknown' (read everything) when the sheet's rows carry no numbers."""
    scan = SheetScan(last_row=0)
    current = 0
    total = 0
    buffer = b""
    try:
        with source:
            while True:
                chunk = source.read(SCAN_CHUNK)
                total += len(chunk)
                if total > limit:
                    raise ReadRefused("file-too-large", f"sheet {title!r} is over "
                                                        f"{limit / 1e6:,.0f} MB when unpacked")
                buffer += chunk
                if chunk:
                    cut = _last_boundary(buffer)
                    if cut <= 0:
                        continue
                else:
                    cut = len(buffer)
                current = _scan_part(buffer[:cut], current, scan)
                if current < 0:
                    return SheetScan()
                buffer = buffer[cut:]
                if not chunk:
                    break
    except ReadRefused:
        raise
    except Exception:
        return SheetScan()
    return scan


def _last_boundary(buffer: bytes) -> int:
    """Position of the last cell or row start in ``buffer`` (so that no cell is split between parts)."""
    tail_start = max(0, len(buffer) - (1 << 16))
    last = -1
    for match in _BOUNDARY.finditer(buffer, tail_start):
        last = match.start()
    if last < 0 and tail_start:
        for match in _BOUNDARY.finditer(buffer):
            last = match.start()
    return last


def _scan_part(part: bytes, current: int, scan: SheetScan) -> int:
    """Scan one part of the sheet XML (whole cells only); returns the number of the last row started in it,
    or -1 when rows carry no numbers (then everything is read)."""
    position = _last_value(part)
    if position >= 0:
        row = _row_before(part, position, current)
        if row <= 0:
            return -1
        scan.last_row = max(scan.last_row or 0, row)
    for match in _FORMULA.finditer(part):
        cell = None
        for cell_match in _CELL_START.finditer(part, max(0, match.start() - 400), match.start()):
            cell = cell_match
        end = _CELL_END.search(part, match.end())
        body = part[match.start(): end.start() if end else len(part)]
        if cell is not None and not _VALUE.search(body) and len(scan.unsaved) < 100_000:
            scan.unsaved.append((cell.group(1).decode(), int(cell.group(2))))
    if b't="e"' in part:
        for match in _ERROR_CELL.finditer(part):
            if len(scan.errors) < 100_000:
                scan.errors.append((match.group(1).decode(), int(match.group(2)), match.group(3).decode()))
    return _row_before(part, len(part), current)


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>'
                         rb"(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", re.S)

_VALUE_NEEDLES = (b"<v>", b"<v ", b":v>", b":v ", b"<is>", b":is>", b"<f>", b"<f ", b":f>", b":f ")


def _last_value(part: bytes) -> int:
    """Where the last value (<v>, <is>) or formula (<f>) tag of ``part`` is; -1 if it has none. Found with
    rfind (memrchr), so a part made of formatted empty cells costs a few passes at memory speed."""
    best = -1
    for needle in _VALUE_NEEDLES:
        found = part.rfind(needle)
        if found > best:
            best = found
    return best


def _row_before(part: bytes, position: int, current: int) -> int:
    """The number of the row that the byte at ``position`` belongs to."""
    start = max(part.rfind(b"<row", 0, position), part.rfind(b":row", 0, position))
    while start >= 0:
        match = _ROW.match(part, part.rfind(b"<", 0, start + 1))
        if match:
            return int(match.group(1))
        start = max(part.rfind(b"<row", 0, start), part.rfind(b":row", 0, start))
    return current
