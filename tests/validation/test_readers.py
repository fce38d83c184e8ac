"""Reader quirks: each test is one thing real provider files do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ccassure import validate
from tests.validation.builders import (
    CENTRES_HEADER,
    GOOD_CENTRES,
    minimal_return,
    write_csv_folder,
    write_workbook,
)

GOOD_SESSION = ["S1", "C1", dt.datetime(2016, 11, 3), "Stay and play", "yes", 0, 12]


def codes(result) -> set[str]:
    return {p.code for p in result.problems}


def test_a_clean_workbook_is_valid(tmp_path: Path) -> None:
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return([GOOD_SESSION])))
    assert result.errors == [], result.summary()
    assert result.exit_code == 0
    assert result.tables["sessions"]["date"].iloc[0] == pd.Timestamp("2016-11-03")


def test_header_is_found_below_merged_title_rows(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "r.xlsx", minimal_return([GOOD_SESSION, ["S2", "C9", "x", "a", "no", 0, 1]]),
                          title_rows=2)
    result = validate(path)
    bad_date = next(p for p in result.problems if p.code == "type-date")
    # title in row 1, blank row 2, header row 3, S1 on row 4, S2 on row 5; date is column C
    assert (bad_date.sheet, bad_date.cell, bad_date.row) == ("Sessions", "C5", 5)
    fk = next(p for p in result.problems if p.code == "foreign-key")
    assert fk.cell == "B5" and fk.value == "C9"


def test_excel_dates_iso_text_and_uk_text_all_read_as_dates(tmp_path: Path) -> None:
    sessions = [["S1", "C1", dt.datetime(2016, 11, 3), "a", "yes", 0, 1],
                ["S2", "C1", "2016-11-04", "a", "yes", 0, 1],
                ["S3", "C1", "05/11/2016", "a", "yes", 0, 1],
                ["S4", "C1", 42680, "a", "yes", 0, 1]]  # an Excel serial day number typed as a number
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return(sessions)))
    assert result.errors == []
    assert list(result.tables["sessions"]["date"].dt.day) == [3, 4, 5, 6]


def test_dd_mm_is_read_the_british_way_not_the_american(tmp_path: Path) -> None:
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return([["S1", "C1", "02/11/2016", "a", "yes", 0, 1]])))
    assert result.tables["sessions"]["date"].iloc[0] == pd.Timestamp("2016-11-02")


def test_blank_trailing_rows_are_ignored(tmp_path: Path) -> None:
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return([GOOD_SESSION]), blank_tail=50))
    assert result.row_counts["sessions"] == 1
    assert result.errors == []


def test_formulas_are_read_as_their_values(tmp_path: Path) -> None:
    sessions = [["S1", "C1", dt.datetime(2016, 11, 3), "a", "yes", 0, ("=5+7", 12)]]
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return(sessions)))
    assert result.errors == []
    assert result.tables["sessions"]["attendances"].iloc[0] == 12


def test_headers_match_regardless_of_case_spaces_and_underscores(tmp_path: Path) -> None:
    sheets = minimal_return([GOOD_SESSION])
    sheets["Sessions"][0] = ["Session ID", "CENTRE_ID", "Date", " activity ", "On Site", "min age months",
                             "Attendances"]
    result = validate(write_workbook(tmp_path / "r.xlsx", sheets))
    assert result.errors == []


def test_unknown_columns_and_sheets_are_warnings(tmp_path: Path) -> None:
    sheets = minimal_return([GOOD_SESSION])
    sheets["Centres"] = [[*CENTRES_HEADER, "Colour of door"], *[[*row, "blue"] for row in GOOD_CENTRES]]
    sheets["Scratch"] = [["anything"], ["at all"]]
    result = validate(write_workbook(tmp_path / "r.xlsx", sheets))
    warnings = {(p.code, p.column or p.sheet) for p in result.warnings}
    assert ("unknown-column", "Colour of door") in warnings
    assert ("unknown-sheet", "Scratch") in warnings
    assert result.exit_code == 0


def test_optional_sheets_may_be_missing_but_required_ones_may_not(tmp_path: Path) -> None:
    sheets = minimal_return([GOOD_SESSION])  # has no Cases, Board meetings or KPI returns: all optional
    assert validate(write_workbook(tmp_path / "ok.xlsx", sheets)).errors == []
    del sheets["Boards"]
    result = validate(write_workbook(tmp_path / "missing.xlsx", sheets))
    missing = [p for p in result.errors if p.code == "missing-table"]
    assert [p.sheet for p in missing] == ["Boards"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_folders_in_each_encoding_excel_writes(tmp_path: Path, encoding: str) -> None:
    sheets = minimal_return([["S1", "C1", "03/11/2016", "Café crèche – stay & play", "yes", "0", "12"]])
    result = validate(write_csv_folder(tmp_path / "ret", sheets, encoding=encoding))
    assert result.errors == [], result.summary()
    assert result.tables["sessions"]["activity"].iloc[0] == "Café crèche – stay & play"


def test_csv_rows_are_reported_by_line_number(tmp_path: Path) -> None:
    sheets = minimal_return([["S1", "C1", "03/11/2016", "a", "yes", "0", "12"],
                             ["S2", "C1", "03/11/2016", "a", "perhaps", "0", "12"]])
    result = validate(write_csv_folder(tmp_path / "ret", sheets))
    problem = next(p for p in result.problems if p.code == "type-boolean")
    assert (problem.sheet, problem.row, problem.cell) == ("sessions.csv", 3, None)


def test_parquet_folder(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "csv", minimal_return([["S1", "C1", "2016-11-03", "a", "yes", "0", "12"]]))
    out = tmp_path / "pq"
    out.mkdir()
    for csv_file in folder.glob("*.csv"):
        pd.read_csv(csv_file, dtype=str).to_parquet(out / f"{csv_file.stem}.parquet")
    result = validate(out)
    assert result.errors == [], result.summary()
    assert result.row_counts["sessions"] == 1


def test_the_blank_template_validates_without_errors_or_sheet_warnings(tmp_path: Path) -> None:
    from ccassure.contracts import load_contracts
    from ccassure.contracts.template import write_template

    path = tmp_path / "template.xlsx"
    write_template(path, load_contracts())
    result = validate(path)
    assert result.errors == []
    assert not [p for p in result.warnings if p.code == "unknown-sheet"]


def test_problems_in_one_row_are_listed_left_to_right(tmp_path: Path) -> None:
    sessions = [["S1", "C9", "not a date", "a", "maybe", -1, 1]]
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return(sessions)))
    cells = [p.cell for p in result.errors if p.row == 2 and p.sheet == "Sessions"]
    assert cells == sorted(cells, key=lambda c: (len(c), c)), cells
