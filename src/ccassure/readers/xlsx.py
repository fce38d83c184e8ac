"""Reading a provider workbook: one sheet per table, values as Excel shows them.

openpyxl in read-only, data-only mode gives formulas as their cached values, Excel dates as datetimes,
and merged title cells as a value in their first cell only. Nothing in a workbook is ever run: macros
(.xlsm) and formulas are data to openpyxl, and ccassure reads cell values only.

Before a sheet is read, its XML is scanned once, as bytes, for the last row that holds a value and for
formulas whose result was never saved. Reading then stops at that row, so a sheet with a million rows that
are formatted but empty (openpyxl's max_row trap) costs a scan, not a million parsed rows.
"""

from __future__ import annotations

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
    """Open a workbook once (read-only, cached values) for both its sheet names and its grids."""
    from openpyxl import load_workbook

    workbook = _open(path, load_workbook)
    try:
        yield OpenWorkbook(workbook)
    finally:
        workbook.close()


class OpenWorkbook:
    """An open read-only workbook: its sheet names, and a grid of values for the sheets asked for."""

    def __init__(self, workbook: Any):
        self._workbook = workbook

    @property
    def sheet_names(self) -> list[str]:
        return list(self._workbook.sheetnames)

    def grids(self, wanted: set[str]) -> Iterator[tuple[str, Grid]]:
        """(sheet name, grid of cell values) for each worksheet named in ``wanted``.

        The grid's index is the Excel row number; rows with no value at all are left out.
        """
        for worksheet in self._workbook.worksheets:
            if worksheet.title not in wanted:
                continue
            scan = _scan(worksheet, MAX_UNZIPPED_BYTES)
            try:
                numbers: list[int] = []
                rows: list[tuple] = []
                if scan.last_row != 0:
                    for number, row in enumerate(worksheet.iter_rows(values_only=True, max_row=scan.last_row),
                                                 start=1):
                        if any(value is not None for value in row):
                            numbers.append(number)
                            rows.append(_trim(row))
            except Exception as exc:  # damaged sheet XML
                raise ReadRefused("file-unreadable", f"sheet {worksheet.title!r} has a damaged cell and cannot be "
                                                     f"read ({type(exc).__name__}: {str(exc)[:80]})") from None
            width = max((len(row) for row in rows), default=0)
            rows = [row + (None,) * (width - len(row)) if len(row) < width else row for row in rows]
            frame = pd.DataFrame(rows, dtype=object, index=pd.Index(numbers, dtype="int64"))
            yield worksheet.title, Grid(frame, scan.unsaved)


def _trim(row: tuple) -> tuple:
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _scan(worksheet, limit: int) -> SheetScan:  # noqa: ANN001 - openpyxl's ReadOnlyWorksheet
    """Stream the sheet's XML once: the last row with a value, and formulas without a saved result.

    Falls back to 'unknown' (read everything) when the sheet's rows carry no numbers."""
    try:
        source = worksheet._get_source()  # openpyxl's handle on the sheet XML inside the package
    except Exception:
        return SheetScan()
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
                    raise ReadRefused("file-too-large", f"sheet {worksheet.title!r} is over "
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
    return _row_before(part, len(part), current)


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


def _open(path: Path, load_workbook):  # noqa: ANN001 - openpyxl's loader, imported lazily
    check_workbook(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or encrypted files
        raise ReadRefused("file-unreadable",
                          f"the workbook is damaged or password-protected ({type(exc).__name__})") from None
