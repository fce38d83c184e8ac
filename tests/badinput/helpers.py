"""Writing hostile provider files for the bad-input tests. All data here is synthetic."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter

from ccassure import validate
from tests.validation.builders import SESSIONS_HEADER, minimal_return, write_csv_folder

D = dt.datetime(2016, 11, 3)
GOOD = ["S1", "C1", D, "Stay and play", "yes", 0, 12]
GOOD_TEXT = ["S1", "C1", "03/11/2016", "Stay and play", "yes", "0", "12"]
HEADER = ",".join(SESSIONS_HEADER)


def session(**changes: Any) -> list[Any]:
    row = dict(zip(SESSIONS_HEADER, GOOD, strict=True))
    row.update(changes)
    return [row[name] for name in SESSIONS_HEADER]


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Cells as typed: text starting with '=' stays text; ('=F', cached) is a real formula; datetimes are
    Excel dates; booleans are Excel TRUE/FALSE."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, tuple):
                    sheet.write_formula(r, c, value[0], None, value[1])
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def sessions_workbook(path: Path, *rows: list[Any]) -> Path:
    return workbook(path, minimal_return(list(rows)))


def csv_folder(folder: Path, sessions_text: str | bytes | None = None, *, encoding: str = "utf-8") -> Path:
    """A good CSV return; ``sessions_text`` (exact text or bytes) replaces sessions.csv."""
    shutil.rmtree(folder, ignore_errors=True)
    write_csv_folder(folder, minimal_return([GOOD_TEXT]))
    if sessions_text is not None:
        data = sessions_text if isinstance(sessions_text, bytes) else sessions_text.encode(encoding)
        (folder / "sessions.csv").write_bytes(data)
    return folder


def rewrite_sheet(path: Path, out: Path, sheet_xml: str, old: bytes, new: bytes) -> Path:
    """Copy a workbook, replacing bytes inside one sheet's XML (to make what Excel-like tools write)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == sheet_xml:
                assert old in data, old
                data = data.replace(old, new)
            target.writestr(info, data)
    return out


def problems(result, code: str) -> list:
    return [p for p in result.problems if p.code == code]


def only(result, code: str):
    found = problems(result, code)
    assert len(found) == 1, [(p.code, p.sheet, p.row, p.column, p.value) for p in result.problems]
    return found[0]


def codes(result) -> set[str]:
    return {p.code for p in result.problems if p.code != "missing-optional-column"}


__all__ = ["D", "GOOD", "GOOD_TEXT", "HEADER", "codes", "csv_folder", "only", "problems", "rewrite_sheet", "session",
           "sessions_workbook", "validate", "workbook"]
