"""ONS small-area population estimates (SAPE, LSOA 2021, single year of age) -> ``lsoa_population``.

Workbooks such as ``sapelsoasyoa20222024.xlsx`` have one sheet per year (``Mid-2022 LSOA 2021`` ...), three
title rows and the header on row 4: ``LAD 2023 Code, LAD 2023 Name, LSOA 2021 Code, LSOA 2021 Name, Total,
F0 .. F90, M0 .. M90``. The header row is found by looking for the LSOA code column (not assumed to be row
4), every year sheet is read, and under-5s are F0..F4 + M0..M4 (or the persons columns 0..4 where a sheet
has no sex split). A CSV saved from one sheet is read the same way (year from the file name or title).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ccassure.reference.common import ReferenceFileError, detect_encoding, norm
from ccassure.reference.registry import importer

HEADER_SCAN_ROWS = 30
MAX_XLSX_BYTES = 300_000_000
UNDER5_SEXED = [f"{sex}{age}" for sex in ("f", "m") for age in range(5)]
UNDER5_PERSONS = [str(age) for age in range(5)]


def _year_of(text: str) -> int | None:
    match = re.search(r"mid[-\s_]?(\d{4})", text, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def _find_header(rows: list[list[object]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [norm(c) for c in row if c is not None]
        if any(re.fullmatch(r"lsoa( \d{4})? code|lsoa\d{2}cd", c) for c in cells):
            return index
    return None


def _columns(path: Path, header: list[object], sheet: str) -> tuple[int, int | None, list[int]]:
    names = [norm(c) if c is not None else "" for c in header]
    lsoa = next(i for i, c in enumerate(names) if re.fullmatch(r"lsoa( \d{4})? code|lsoa\d{2}cd", c))
    lad = next((i for i, c in enumerate(names) if re.fullmatch(r"lad( \d{4})? code|lad\d{2}cd", c)), None)
    position = {c: i for i, c in enumerate(names)}
    if all(c in position for c in UNDER5_SEXED):
        ages = [position[c] for c in UNDER5_SEXED]
    elif all(c in position for c in UNDER5_PERSONS):
        ages = [position[c] for c in UNDER5_PERSONS]
    else:
        missing = [c.upper() for c in UNDER5_SEXED if c not in position]
        raise ReferenceFileError(path, f"sheet {sheet!r} has no single-year-of-age columns for under-5s "
                                       f"(missing {', '.join(missing[:5])}); use the single-year-of-age file "
                                       "(sapelsoasyoa...xlsx), not the broad-age one")
    return lsoa, lad, ages


def _parse_sheet(path: Path, sheet: str, year: int, rows: Iterator[tuple], first_rows: list[list[object]],
                 header_index: int) -> pd.DataFrame:
    lsoa_i, lad_i, age_i = _columns(path, first_rows[header_index], sheet)
    header = first_rows[header_index]
    codes, lads, counts, row_numbers = [], [], [], []

    def take(row: tuple | list, number: int) -> None:
        code = row[lsoa_i] if lsoa_i < len(row) else None
        if code is None or str(code).strip() == "":
            return
        total = 0
        for i in age_i:
            value = row[i] if i < len(row) else None
            if value is None or (isinstance(value, str) and value.strip() == ""):
                raise ReferenceFileError(path, f"sheet {sheet!r}: age count is blank", row=number,
                                         column=str(header[i]))
            try:
                number_value = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
            except ValueError:
                raise ReferenceFileError(path, f"sheet {sheet!r}: expected a count, found {value!r}", row=number,
                                         column=str(header[i])) from None
            if number_value < 0 or number_value != int(number_value):
                raise ReferenceFileError(path, f"sheet {sheet!r}: expected a whole count, found {value!r}",
                                         row=number, column=str(header[i]))
            total += int(number_value)
        codes.append(str(code).strip())
        lads.append(str(row[lad_i]).strip() if lad_i is not None and row[lad_i] is not None else None)
        counts.append(total)
        row_numbers.append(number)

    for offset, row in enumerate(first_rows[header_index + 1:]):
        take(row, header_index + 2 + offset)
    start = len(first_rows) + 1
    for offset, row in enumerate(rows):
        take(row, start + offset)
    frame = pd.DataFrame({"lsoa_code": codes, "year": year, "authority_code": lads, "under5": counts})
    bad = ~frame["lsoa_code"].str.fullmatch(r"[EW]01[0-9]{6}")
    if bool(bad.any()):
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"sheet {sheet!r}: not an LSOA code: {codes[i]!r}", row=row_numbers[i],
                                 column=str(header[lsoa_i]))
    return frame


@importer("population")
def read_population(path: Path) -> pd.DataFrame:
    frames = _read_csv(path) if path.suffix.lower() == ".csv" else _read_xlsx(path)
    if not frames:
        raise ReferenceFileError(path, "no sheet with an 'LSOA 2021 Code' header row and a 'Mid-YYYY' year was found")
    return pd.concat(frames, ignore_index=True)


def _read_xlsx(path: Path) -> list[pd.DataFrame]:
    import zipfile

    from openpyxl import load_workbook

    if path.stat().st_size > MAX_XLSX_BYTES:
        raise ReferenceFileError(path, f"the workbook is over the {MAX_XLSX_BYTES // 1_000_000} MB limit")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReferenceFileError(path, f"cannot open as an Excel workbook ({exc})") from None
    frames = []
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            first = [list(r) for _, r in zip(range(HEADER_SCAN_ROWS), rows, strict=False)]
            header_index = _find_header(first)
            if header_index is None:
                continue
            titles = " ".join(str(c) for r in first[:header_index] for c in r if c is not None)
            year = _year_of(sheet.title) or _year_of(titles)
            if year is None:
                raise ReferenceFileError(path, f"sheet {sheet.title!r} has LSOA rows but no 'Mid-YYYY' year in its "
                                               "name or title rows")
            frames.append(_parse_sheet(path, sheet.title, year, rows, first, header_index))
    finally:
        book.close()
    return frames


def _read_csv(path: Path) -> list[pd.DataFrame]:
    import csv

    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        first = [list(r) for _, r in zip(range(HEADER_SCAN_ROWS), reader, strict=False)]
        header_index = _find_header(first)
        if header_index is None:
            return []
        titles = " ".join(str(c) for r in first[:header_index] for c in r)
        year = _year_of(titles) or _year_of(path.name)
        if year is None:
            raise ReferenceFileError(path, "no 'Mid-YYYY' year in the title rows or the file name")
        return [_parse_sheet(path, path.name, year, reader, first, header_index)]
