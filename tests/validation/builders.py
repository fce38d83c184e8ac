"""Small synthetic returns written as real files (xlsx, CSV, Parquet) for reader and validation tests.

All data here is invented for tests.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter

CENTRES_HEADER = ["centre_id", "centre_name", "authority_code", "provider_id", "designation", "status",
                  "advisory_board_id"]
GOOD_CENTRES = [
    ["C1", "Riverside Children's Centre", "E10000901", "P1", "childrens_centre", "open", "B1"],
    ["C2", "Hilltop Children's Centre", "E10000901", "P1", "childrens_centre", "open", "B1"],
]
SESSIONS_HEADER = ["session_id", "centre_id", "date", "activity", "on_site", "min_age_months", "attendances"]
BOARDS = [["board_id", "board_name", "authority_code"], ["B1", "North Board", "E10000901"]]
MEMBERS = [["board_id", "member_ref", "role"], ["B1", "M1", "parent"], ["B1", "M2", "authority"]]
SERVICES = [["centre_id", "service_category", "availability"], ["C1", "health", "provided_on_site"]]
REGISTRATIONS = [["child_ref", "family_ref", "centre_id", "registration_date", "birth_month", "lsoa_code",
                  "target_group"], ["CH-0001", "FM-0001", "C1", "2016-10-01", "2015-06", "E01900001", "no"]]
CONTACTS = [["contact_id", "family_ref", "centre_id", "date", "contact_type"],
            ["CT-1", "FM-0001", "C1", "2016-10-03", "session"]]


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]], *, title_rows: int = 0,
                   blank_tail: int = 0) -> Path:
    """Write sheets of rows with xlsxwriter. Cells given as ('=formula', cached) become real formulas with a
    cached value, as Excel saves them; datetimes become real Excel dates."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        offset = 0
        if title_rows:
            sheet.merge_range(0, 0, 0, 4, f"{name} — quarterly return (synthetic test data)")
            offset = title_rows
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, tuple):
                    sheet.write_formula(r + offset, c, value[0], None, value[1])
                elif isinstance(value, dt.datetime | dt.date):
                    sheet.write_datetime(r + offset, c, value, date_format)
                elif value is not None:
                    sheet.write(r + offset, c, value)
        for extra in range(blank_tail):  # formatted but empty rows, as left behind by deleting data
            sheet.write_blank(len(rows) + offset + extra, 0, None, date_format)
    workbook.close()
    return path


def minimal_return(sessions: list[list[Any]], centres: list[list[Any]] | None = None) -> dict[str, list[list[Any]]]:
    return copy.deepcopy({
        "Centres": [CENTRES_HEADER, *(centres if centres is not None else GOOD_CENTRES)],
        "Services": SERVICES,
        "Sessions": [SESSIONS_HEADER, *sessions],
        "Registrations": REGISTRATIONS,
        "Contacts": CONTACTS,
        "Boards": BOARDS,
        "Board members": MEMBERS,
    })


def write_csv_folder(folder: Path, sheets: dict[str, list[list[Any]]], encoding: str = "utf-8") -> Path:
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        table = name.lower().replace(" ", "_")
        with (folder / f"{table}.csv").open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder
