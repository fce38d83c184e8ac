"""Reading a provider workbook: one sheet per table, values as Excel shows them.

openpyxl in read-only, data-only mode gives formulas as their cached values, Excel dates as datetimes,
and merged title cells as a value in their first cell only.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ccassure.readers.limits import MAX_UNZIPPED_BYTES, ReadRefused


def check_workbook(path: Path) -> None:
    """Refuse what is not an xlsx package, or what would expand past the limit (a zip bomb)."""
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


def sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    workbook = _open(path, load_workbook)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def iter_sheet_grids(path: Path, wanted: set[str]) -> Iterator[tuple[str, pd.DataFrame]]:
    """(sheet name, grid of cell values) for each worksheet named in ``wanted``."""
    from openpyxl import load_workbook

    workbook = _open(path, load_workbook)
    try:
        for worksheet in workbook.worksheets:
            if worksheet.title not in wanted:
                continue
            try:
                rows = list(worksheet.iter_rows(values_only=True))
            except Exception as exc:  # damaged sheet XML
                raise ReadRefused("file-unreadable",
                                  f"sheet {worksheet.title!r} cannot be read ({type(exc).__name__})") from None
            yield worksheet.title, pd.DataFrame(rows, dtype=object)
    finally:
        workbook.close()


def _open(path: Path, load_workbook):  # noqa: ANN001 - openpyxl's loader, imported lazily
    check_workbook(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or encrypted files
        raise ReadRefused("file-unreadable",
                          f"the workbook is damaged or password-protected ({type(exc).__name__})") from None
