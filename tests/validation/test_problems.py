"""Each class of problem a return can have is found, located, explained and grouped."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ccassure import validate
from ccassure.problems import PROBLEM_TYPES
from tests.validation.builders import minimal_return, write_csv_folder, write_workbook

D = dt.datetime(2016, 11, 3)


def only(result, code: str):
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, [(p.code, p.column, p.row) for p in result.problems]
    return found[0]


def test_every_problem_says_what_is_wrong_and_how_to_fix_it(tmp_path: Path) -> None:
    sessions = [["S1", "C1", "not a date", "a", "yes", -4, 999]]
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return(sessions)))
    assert result.problems
    for problem in result.problems:
        assert problem.message and problem.fix and problem.code in PROBLEM_TYPES
        assert problem.severity in ("error", "warning")


@pytest.mark.parametrize(("session", "code", "column", "cell"), [
    (["S1", "C1", D, "a", "yes", 0, None], "required-value-missing", "attendances", "G2"),
    (["S1", "C1", D, "a", "yes", "six", 1], "type-integer", "min_age_months", "F2"),
    (["S1", "C1", D, "a", "yes", 2.5, 1], "type-integer", "min_age_months", "F2"),
    (["S1", "C1", "32/01/2016", "a", "yes", 0, 1], "type-date", "date", "C2"),
    (["S1", "C1", D, "a", "sometimes", 0, 1], "type-boolean", "on_site", "E2"),
    (["S1", "C1", D, "a", "yes", -1, 1], "value-too-small", "min_age_months", "F2"),
    (["S1", "C1", D, "a", "yes", 0, 501], "value-too-large", "attendances", "G2"),
    (["S1", "C7", D, "a", "yes", 0, 1], "foreign-key", "centre_id", "B2"),
])
def test_cell_problems_are_located_to_the_cell(tmp_path: Path, session, code, column, cell) -> None:
    result = validate(write_workbook(tmp_path / "r.xlsx", minimal_return([session])))
    problem = only(result, code)
    assert (problem.sheet, problem.column, problem.cell, problem.row) == ("Sessions", column, cell, 2)
    assert result.exit_code == 1


def test_a_value_outside_the_list_names_the_allowed_values(tmp_path: Path) -> None:
    centres = [["C1", "Riverside", "E10000901", "P1", "childrens_centre", "shut", "B1"]]
    problem = only(validate(write_workbook(tmp_path / "r.xlsx", minimal_return([], centres))), "value-not-allowed")
    assert problem.cell == "F2" and "open, proposed_to_open" in problem.message


def test_a_wrongly_formatted_code_is_a_pattern_problem(tmp_path: Path) -> None:
    centres = [["C1", "Riverside", "E1000901", "P1", "childrens_centre", "open", "B1"]]
    problem = only(validate(write_workbook(tmp_path / "r.xlsx", minimal_return([], centres))), "pattern-mismatch")
    assert problem.cell == "C2" and "E10000016" in problem.message


def test_duplicate_primary_keys_point_at_the_second_row(tmp_path: Path) -> None:
    sessions = [["S1", "C1", D, "a", "yes", 0, 1], ["S1", "C1", D, "b", "yes", 0, 1]]
    problem = only(validate(write_workbook(tmp_path / "r.xlsx", minimal_return(sessions))), "duplicate-key")
    assert problem.cell == "A3" and problem.value == "S1"


def test_an_end_date_before_its_start_is_reported_on_the_end_date(tmp_path: Path) -> None:
    centres = [["C1", "Riverside", "E10000901", "P1", "childrens_centre", "closed", "B1"]]
    sheets = minimal_return([], centres)
    sheets["Centres"][0] = [*sheets["Centres"][0], "open_date", "close_date"]
    sheets["Centres"][1] = [*sheets["Centres"][1], dt.datetime(2010, 5, 1), dt.datetime(2009, 5, 1)]
    problem = only(validate(write_workbook(tmp_path / "r.xlsx", sheets)), "date-order")
    assert problem.column == "close_date" and problem.cell == "I2" and "open_date" in problem.message


def test_five_thousand_rows_with_one_cause_are_one_line(tmp_path: Path) -> None:
    sessions = [[f"S{i}", "C1", f"2016.11.{i % 28 + 1:02d}x", "a", "yes", 0, 1] for i in range(5000)]
    result = validate(write_csv_folder(tmp_path / "ret", minimal_return(sessions)))
    problem = only(result, "type-date")
    assert problem.count == 5000
    assert problem.rows[:3] == (2, 3, 4) and len(problem.rows) == 10
    assert result.counts()["error_rows"] == 5000


def test_a_full_date_of_birth_in_birth_month_is_a_privacy_error_and_is_not_kept(tmp_path: Path) -> None:
    sheets = minimal_return([])
    sheets["Registrations"].append(["CH-0002", "FM-0002", "C1", "2016-10-01", "14/06/2015", "E01900002", "no"])
    result = validate(write_workbook(tmp_path / "r.xlsx", sheets))
    problem = only(result, "personal-data-value")
    assert problem.column == "birth_month" and problem.cell == "E3" and "date of birth" in problem.message
    assert result.tables["registrations"]["birth_month"].isna().iloc[1]


@pytest.mark.parametrize(("header", "kind"), [
    ("Child Name", "names"), ("DOB", "dates of birth"), ("NHS Number", "NHS numbers"),
    ("Home Address", "addresses"), ("Email", "e-mail"), ("Mobile", "phone"),
])
def test_identifier_columns_are_errors(tmp_path: Path, header: str, kind: str) -> None:
    sheets = minimal_return([])
    sheets["Registrations"] = [[*sheets["Registrations"][0], header], [*sheets["Registrations"][1], "x"]]
    problem = only(validate(write_workbook(tmp_path / "r.xlsx", sheets)), "personal-data-column")
    assert problem.column == header and kind in problem.message and problem.severity == "error"


@pytest.mark.parametrize(("ref", "kind"), [
    ("9434765919", "NHS number"),          # a valid NHS check digit
    ("mum@example.org", "e-mail"),
])
def test_identifiers_in_family_data_cells_are_errors(tmp_path: Path, ref: str, kind: str) -> None:
    sheets = minimal_return([])
    sheets["Contacts"].append(["CT-2", "FM-0001", "C1", "2016-10-04", "phone"])
    sheets["Contacts"][0] = [*sheets["Contacts"][0], "child_ref"]
    sheets["Contacts"][1] = [*sheets["Contacts"][1], ref]
    sheets["Contacts"][2] = [*sheets["Contacts"][2], ""]
    result = validate(write_workbook(tmp_path / "r.xlsx", sheets))
    problem = next(p for p in result.problems if p.code == "personal-data-value")
    assert kind in problem.message and problem.cell == "F2"


def test_ordinary_references_are_not_mistaken_for_phone_numbers(tmp_path: Path) -> None:
    sheets = minimal_return([])
    sheets["Contacts"].append(["CT-00000012345", "FM-0001", "C1", "2016-10-04", "phone"])
    assert not [p for p in validate(write_workbook(tmp_path / "r.xlsx", sheets)).problems
                if p.code.startswith("personal")]


def test_a_ten_digit_number_with_a_wrong_check_digit_is_not_an_nhs_number() -> None:
    from ccassure.validation.privacy import is_valid_nhs_number

    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("1111111111")


# --- inputs that cannot be read: exit code 2, a message, never an exception --------------------------------

def _unreadable(tmp_path: Path) -> dict[str, Path]:
    cases = {}
    cases["missing"] = tmp_path / "nope.xlsx"
    (empty := tmp_path / "empty.xlsx").write_bytes(b"")
    cases["empty"] = empty
    (text := tmp_path / "notes.xlsx").write_text("this is not a workbook")
    cases["not a workbook"] = text
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("hello.txt", "a zip, but not Excel")
    cases["zip not excel"] = tmp_path / "other.xlsx"
    (truncated := tmp_path / "cut.xlsx").write_bytes(
        write_workbook(tmp_path / "full.xlsx", minimal_return([])).read_bytes()[:700])
    cases["truncated"] = truncated
    cases["unknown sheets"] = write_workbook(tmp_path / "odd.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    (old := tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0old excel")
    cases["old xls"] = old
    (pdf := tmp_path / "return.pdf").write_bytes(b"%PDF-1.4")
    cases["pdf"] = pdf
    (folder := tmp_path / "emptydir").mkdir()
    cases["empty folder"] = folder
    (bad_parquet := tmp_path / "sessions.parquet").write_bytes(b"PAR1 not really")
    cases["bad parquet"] = bad_parquet
    (binary := tmp_path / "bin" / "sessions.csv").parent.mkdir()
    binary.write_bytes(b"\x00\x01\x02garbage")
    cases["binary csv"] = binary.parent
    return cases


def test_every_kind_of_unreadable_input_gives_exit_2_and_a_message(tmp_path: Path) -> None:
    for label, path in _unreadable(tmp_path).items():
        result = validate(path)
        assert result.exit_code == 2, (label, result.problems)
        assert result.problems[0].message, label
        assert result.tables == {}, label


def test_dataframes_can_be_validated_from_python() -> None:
    frames = {"sessions": pd.DataFrame({"session_id": ["S1", "S1"], "centre_id": ["C1", "C1"],
                                        "date": pd.to_datetime(["2016-11-03", "2016-11-04"]),
                                        "activity": ["a", "b"], "on_site": [True, False], "attendances": [3, 4]})}
    result = validate(frames)
    assert [p.code for p in result.errors] == ["duplicate-key"]
    assert result.errors[0].row == 2
    assert "<table>" in result._repr_html_()


def test_provider_text_is_escaped_in_the_notebook_view(tmp_path: Path) -> None:
    sessions = [["S1", "C9", D, "a", "yes", 0, 1]]
    sheets = minimal_return(sessions)
    sheets["Sessions"][1][1] = "<script>alert(1)</script>"
    html = validate(write_workbook(tmp_path / "r.xlsx", sheets))._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
