"""Hostile cell values: each is reported once, located to its cell, or read as the provider meant it.
Never silently wrong. All data here is synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.badinput.helpers import (
    GOOD_TEXT,
    HEADER,
    codes,
    csv_folder,
    only,
    rewrite_sheet,
    session,
    sessions_workbook,
    validate,
)


def test_a_date_that_does_not_exist_is_an_error_not_rolled_into_the_next_month(tmp_path: Path) -> None:
    # pyarrow's strptime reads 31/02/2016 as 2 March 2016; ccassure must not
    for text in ("31/02/2016", "2016-02-30", "31/04/2016", "29/02/2015"):
        result = validate(sessions_workbook(tmp_path / "r.xlsx", session(date=text)))
        problem = only(result, "type-date")
        assert (problem.cell, problem.value) == ("C2", text)
        assert pd.isna(result.tables["sessions"]["date"].iloc[0])
    assert validate(sessions_workbook(tmp_path / "leap.xlsx", session(date="29/02/2016"))).errors == []


@pytest.mark.parametrize("text", ["2016-11-3", "3/11/16", "03-Nov-2016", "3 November 2016", "2016/11/03",
                                  "2016-11-03T10:00:00+01:00", "2016-11-03T23:30:00-05:00", "2016-11-03T10:00:00Z",
                                  "2016-11-03 00:00:00.000", " 03/11/2016 ", "03.11.16", "42677"])
def test_dates_typed_in_the_forms_people_and_systems_write_read_as_that_date(tmp_path: Path, text: str) -> None:
    # an ISO date-time keeps the date written, whatever its time zone; 42677 is the Excel serial of 3 Nov 2016
    folder = csv_folder(tmp_path / "ret", f"{HEADER}\nS1,C1,{text},a,yes,0,12\n")
    result = validate(folder)
    assert not result.errors, [(p.code, p.value) for p in result.errors]
    assert result.tables["sessions"]["date"].iloc[0] == pd.Timestamp("2016-11-03")


def test_dates_outside_1900_to_2100_say_so(tmp_path: Path) -> None:
    rows = [session(date=dt.datetime(9999, 12, 31)), session(session_id="S2", date="1850-01-01")]
    problem = only(validate(sessions_workbook(tmp_path / "r.xlsx", *rows)), "date-out-of-range")
    assert (problem.cell, problem.value, problem.count) == ("C2", "31/12/9999", 2)
    assert "between 1900 and 2100" in problem.message


def test_an_excel_serial_with_a_time_is_the_date_at_midnight_and_a_bare_year_is_not_a_date(tmp_path: Path) -> None:
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(date=42677.75),
                                        session(session_id="S2", date=2016)))
    assert result.tables["sessions"]["date"].iloc[0] == pd.Timestamp("2016-11-03")
    problem = only(result, "type-date")  # 2016 would otherwise be 8 July 1905
    assert (problem.cell, problem.value) == ("C3", "2016")


@pytest.mark.parametrize(("text", "code"), [("inf", "type-integer"), ("-Infinity", "type-integer"),
                                            ("NaN", "type-integer"), ("1e400", "type-integer"),
                                            ("1e20", "type-integer")])
def test_numbers_that_are_not_finite_whole_numbers_are_type_errors_and_never_kept(tmp_path: Path, text: str,
                                                                               code: str) -> None:
    result = validate(csv_folder(tmp_path / "ret", f"{HEADER}\nS1,C1,03/11/2016,a,yes,0,{text}\n"))
    problem = only(result, code)
    assert (problem.row, problem.column, problem.value) == (2, "attendances", text)
    assert pd.isna(result.tables["sessions"]["attendances"].iloc[0])  # not -9223372036854775808


def test_excel_true_in_a_number_column_is_an_error_not_the_number_1(tmp_path: Path) -> None:
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(attendances=True)))
    assert only(result, "type-integer").cell == "G2"


def test_excel_true_and_false_in_a_yes_no_column_are_yes_and_no(tmp_path: Path) -> None:
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(on_site=True),
                                        session(session_id="S2", on_site=False)))
    assert result.errors == []
    assert list(result.tables["sessions"]["on_site"]) == [True, False]


def test_thousands_separators_and_negative_zero_read_as_numbers(tmp_path: Path) -> None:
    text = f"{HEADER}\nS1,C1,03/11/2016,a,yes,-0,\"1,234\"\n"
    result = validate(csv_folder(tmp_path / "ret", text))
    assert result.tables["sessions"]["attendances"].iloc[0] == 1234
    assert result.tables["sessions"]["min_age_months"].iloc[0] == 0
    assert only(result, "value-too-large").value == "1,234"


def test_excel_error_cells_are_reported_as_excel_errors_even_in_text_columns(tmp_path: Path) -> None:
    rows = [session(activity=("=NA()", "#N/A")), session(session_id="S2", date=("=1/0", "#DIV/0!")),
            session(session_id="S3", attendances=("=#REF!+1", "#REF!"))]
    result = validate(sessions_workbook(tmp_path / "r.xlsx", *rows))
    found = {(p.cell, p.value) for p in result.problems if p.code == "excel-error"}
    assert found == {("D2", "#N/A"), ("C3", "#DIV/0!"), ("G4", "#REF!")}
    assert not {"type-date", "type-integer", "required-value-missing"} & codes(result)  # reported once
    assert pd.isna(result.tables["sessions"]["activity"].iloc[0])
    assert result.exit_code == 1


def test_a_formula_whose_result_was_never_saved_is_located_not_a_blank_or_an_unreadable_file(tmp_path: Path) -> None:
    saved = sessions_workbook(tmp_path / "saved.xlsx", session(attendances=("=5+7", 12)))
    unsaved = rewrite_sheet(saved, tmp_path / "unsaved.xlsx", "xl/worksheets/sheet3.xml",
                            b"<f>5+7</f><v>12</v>", b"<f>5+7</f>")
    result = validate(unsaved)
    problem = only(result, "formula-without-value")
    assert (problem.sheet, problem.cell) == ("Sessions", "G2")
    assert "required-value-missing" not in codes(result)
    assert result.exit_code == 1


def test_formula_and_dde_text_is_kept_as_text_and_never_evaluated(tmp_path: Path) -> None:
    dde = "=cmd|' /C calc'!A0"
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(activity='=HYPERLINK("http://x.invalid")'),
                                        session(session_id="S2", centre_id=dde)))
    assert result.tables["sessions"]["activity"].iloc[0] == '=HYPERLINK("http://x.invalid")'
    assert only(result, "foreign-key").value == dde


def test_invisible_characters_around_ids_and_headers_do_not_break_matching(tmp_path: Path) -> None:
    sheets_rows = [session(centre_id="C1\u200b"), session(session_id="\ufeffS2", centre_id="\u200fC1"),
                   session(session_id="S3", centre_id="C1\u00a0")]
    path = sessions_workbook(tmp_path / "r.xlsx", *sheets_rows)
    result = validate(path)
    assert result.errors == [], [(p.code, p.value) for p in result.errors]
    assert list(result.tables["sessions"]["centre_id"]) == ["C1", "C1", "C1"]
    assert result.tables["sessions"]["session_id"].iloc[1] == "S2"


@pytest.mark.parametrize("header", ["\u200bcentre_id", "\ufeffcentre_id", "centre\u00a0id", "Centre ID:",
                                    "Centre\nID", "CENTRE ID*"])
def test_headers_with_pasted_invisible_characters_colons_or_line_breaks_still_match(tmp_path: Path,
                                                                                    header: str) -> None:
    text = HEADER.replace("centre_id", f'"{header}"') + "\n" + ",".join(GOOD_TEXT) + "\n"
    result = validate(csv_folder(tmp_path / "ret", text))
    assert result.errors == [], [(p.code, p.column) for p in result.errors]


def test_a_100k_character_cell_is_read_and_shown_shortened(tmp_path: Path) -> None:
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(centre_id="x" * 100_000)))
    problem = only(result, "foreign-key")
    assert len(problem.value) <= 80 and len(problem.message) < 400


def test_percent_text_in_a_number_column_is_percentage_points(tmp_path: Path) -> None:
    from ccassure.contracts import ColumnSpec
    from ccassure.validation.coerce import coerce_column

    spec = ColumnSpec(name="value", type="number")
    coerced = coerce_column(pd.Series(["45%", "71.5", "12.5 %"], dtype="str"), spec)
    assert list(coerced.values) == [45.0, 71.5, 12.5]
    integer = coerce_column(pd.Series(["45%"], dtype="str"), ColumnSpec(name="n", type="integer"))
    assert integer.bad.tolist() == [True]


def test_a_100k_character_header_is_named_shortened_in_its_warning(tmp_path: Path) -> None:
    from tests.badinput.helpers import workbook
    from tests.validation.builders import minimal_return

    sheets = minimal_return([session()])
    sheets["Sessions"][0] = [*sheets["Sessions"][0], "h" * 100_000]
    problem = only(validate(workbook(tmp_path / "r.xlsx", sheets)), "unknown-column")
    assert len(problem.column) <= 80 and len(problem.message) < 300


def test_a_decimal_comma_is_reported_not_read_as_a_thousands_separator(tmp_path: Path) -> None:
    # from a semicolon-separated file saved by a European Excel: 1,5 must not become 15
    text = HEADER.replace(",", ";") + "\nS1;C1;03/11/2016;a;yes;0;1,5\nS2;C1;03/11/2016;a;yes;0;1,234\n"
    result = validate(csv_folder(tmp_path / "ret", text))
    problem = only(result, "type-integer")
    assert (problem.row, problem.value) == (2, "1,5")
    assert result.tables["sessions"]["attendances"].iloc[1] == 1234
