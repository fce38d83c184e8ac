"""Reading a provider workbook: one sheet per table, values as Excel shows them.

python-calamine (Rust) reads cell values: formulas as their cached values, Excel dates as dates, merged
title cells as a value in their first cell only; it is about ten times faster than openpyxl on a
20,000-row return. Nothing in a workbook is ever run: macros (.xlsm) and formulas are data, and ccassure
reads cell values only. calamine gives error cells (#N/A, #DIV/0!) as blanks, so the byte scan below
records them and they are put back.

Before a sheet is read, its XML is parsed once as a stream (readers.sheetscan): every value cell is found
whatever the order of rows or the presence of their optional ``r`` references, the limits are enforced,
and a sheet whose values would make the value reader allocate far more than the cells present (one value in
XFD1048576) is refused with the cell named. After reading, the rows calamine returned are checked against
the rows the scan saw: a sheet whose rows cannot be read with certainty is an error, never a short read.
An .ods workbook gets the same: its content.xml is scanned (repeated rows and cells counted, not expanded)
before calamine opens it, since calamine reads every sheet of an .ods as it opens the file.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.readers.limits import DENSE_AREA_FACTOR, MAX_DENSE_AREA, MAX_UNZIPPED_BYTES, ReadRefused
from ccassure.readers.sheetscan import SheetScan, scan_ods, scan_sheet, scan_text_sizes

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container: old .xls, or an encrypted workbook


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
    if ("[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names)) \
            and not is_ods(path, names):
        raise ReadRefused("file-unreadable", "it is a zip file but not an Excel workbook")
    if expanded > MAX_UNZIPPED_BYTES:
        raise ReadRefused("file-too-large", f"{expanded / 1e6:,.0f} MB when unpacked")
    return names


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def is_ods(path: Path, names: list[str]) -> bool:
    """An OpenDocument spreadsheet (LibreOffice's .ods): calamine reads it as it reads .xlsx."""
    if "mimetype" not in names:
        return False
    with zipfile.ZipFile(path) as archive:
        return archive.read("mimetype").strip() == ODS_MIMETYPE


def has_macros(path: Path) -> bool:
    """True when the package carries a VBA project (never run; reported so the provider knows)."""
    with zipfile.ZipFile(path) as archive:
        return any(name.lower().endswith("vbaproject.bin") or name.startswith("Basic/")  # .ods macros
                   for name in archive.namelist())


@contextmanager
def open_workbook(path: Path) -> Iterator[OpenWorkbook]:
    """Open a workbook once (values only) for both its sheet names and its grids."""
    names = check_workbook(path)
    from python_calamine import CalamineWorkbook

    ods_scans = _scan_ods_first(path) if "xl/workbook.xml" not in names and is_ods(path, names) else None
    try:
        book = CalamineWorkbook.from_path(str(path))
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # calamine raises its own error types for damaged packages
        raise ReadRefused("file-unreadable",
                          f"the workbook is damaged or password-protected ({type(exc).__name__})") from None
    try:
        yield OpenWorkbook(book, archive, ods_scans)
    finally:
        archive.close()
        book.close()


def _scan_ods_first(path: Path) -> dict[str, SheetScan]:
    """calamine reads every sheet of an .ods as it opens it, so all of them are scanned, and refused if one
    is over a limit or would be expanded far past its filled cells, before calamine sees the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            scans = scan_ods(archive, MAX_UNZIPPED_BYTES)
    except zipfile.BadZipFile:
        raise ReadRefused("file-unreadable", "the workbook is damaged") from None
    for title, scan in scans.items():
        _refuse_sparse(scan, title)
    return scans


class OpenWorkbook:
    """An open workbook: its sheet names, and a grid of values for the sheets asked for."""

    def __init__(self, book: Any, archive: zipfile.ZipFile, ods_scans: dict[str, SheetScan] | None = None):
        self._book = book
        self._archive = archive
        self._paths = sheet_xml_paths(archive)
        # .ods keeps every sheet in content.xml: one pass (before calamine opened it) scanned them all
        self._ods = ods_scans is not None
        self._ods_scans = ods_scans

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def grids(self, wanted: set[str]) -> Iterator[tuple[str, Grid]]:
        """(sheet name, grid of cell values) for each worksheet named in ``wanted``.

        The grid's index is the Excel row number; rows with no value at all are left out.
        """
        self._check_shared_strings()
        for title in self.sheet_names:
            if title not in wanted:
                continue
            scan = self._ods_scan(title) if self._ods else self._scan(title)
            _refuse_sparse(scan, title)
            try:
                values = self._book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            except Exception as exc:  # damaged sheet XML
                if type(exc).__name__ == "WorksheetNotFound":
                    raise ReadRefused("file-unreadable", f"sheet {title!r} cannot be found where the workbook says "
                                                         "it is (its internal links are unusual or damaged); open "
                                                         "it in Excel and save it again") from None
                raise ReadRefused("file-unreadable", f"sheet {title!r} has a damaged cell and cannot be "
                                                     f"read ({type(exc).__name__}: {str(exc)[:80]})") from None
            rows = [[_cell(value) for value in row] for row in values]
            _put_back_errors(rows, scan.errors)
            numbers = [n for n, row in enumerate(rows, start=1) if any(value is not None for value in row)]
            _cross_check(scan, numbers, title)
            kept = [_trim(tuple(rows[n - 1])) for n in numbers]
            width = max((len(row) for row in kept), default=0)
            kept = [row + (None,) * (width - len(row)) if len(row) < width else row for row in kept]
            frame = pd.DataFrame(kept, dtype=object, index=pd.Index(numbers, dtype="int64"))
            yield title, Grid(frame, scan.unsaved)

    def _scan(self, title: str) -> SheetScan:
        part = self._paths.get(title)
        if part is None:
            raise ReadRefused("file-unreadable", f"the workbook does not say where sheet {title!r} is stored "
                                                 "(its relationships are damaged)")
        try:
            return scan_sheet(self._archive, part, title, MAX_UNZIPPED_BYTES)
        except KeyError:
            raise ReadRefused("file-unreadable", f"sheet {title!r} is listed but its contents are missing from "
                                                 "the workbook (the file is damaged)") from None
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            raise ReadRefused("file-unreadable", f"sheet {title!r} cannot be unpacked ({exc})") from None

    def _ods_scan(self, title: str) -> SheetScan:
        scan = (self._ods_scans or {}).get(title)
        if scan is None:
            raise ReadRefused("file-unreadable", f"sheet {title!r} is listed but its contents are missing from "
                                                 "the workbook (the file is damaged)")
        return scan

    def _check_shared_strings(self) -> None:
        names = set(self._archive.namelist())
        for name in ("xl/sharedStrings.xml", "xl/sharedstrings.xml"):
            if name in names:
                scan_text_sizes(self._archive.open(name), "shared strings", MAX_UNZIPPED_BYTES)


def _refuse_sparse(scan: SheetScan, title: str) -> None:
    """A value far below or right of the table would make the reader allocate every cell up to it."""
    if scan.area > max(MAX_DENSE_AREA, DENSE_AREA_FACTOR * scan.cells):
        raise ReadRefused("file-unreadable", f"sheet {title!r} has a value in cell {scan.far_cell}, far outside "
                                             f"its {scan.cells:,} filled cells; delete whatever is in that cell "
                                             "(and any others far from the table) and save again")


def _cross_check(scan: SheetScan, numbers: list[int], title: str) -> None:
    """Every row the scan saw holding a value must have been read, and no row read that the scan did not
    see: otherwise the sheet cannot be read with certainty and is refused rather than read short."""
    read = set(numbers)
    lost = scan.certain_rows - read
    extra = read - scan.rows
    if lost or extra:
        where = f"row {min(lost):,} holds values that were not read" if lost else \
            f"row {min(extra):,} was read but is not in the sheet as stored"
        raise ReadRefused("file-unreadable", f"sheet {title!r} cannot be read with certainty ({where}; "
                                             f"{len(scan.rows):,} rows hold values, {len(read):,} were read); "
                                             "open it in Excel and save it again")


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
        joined = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attributes.get("Id")] = posixpath.normpath(joined.replace("\\", "/")).lstrip("/")
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
