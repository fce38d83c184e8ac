"""The blank template: generated from the contracts, valid as it is, and every mistake typed into it is
reported at the exact cell. All data here is synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from ccassure import validate
from ccassure.contracts import load_contracts
from ccassure.contracts.template import README_SHEET, write_template
from tests.conftest import REPO

CONTRACTS = load_contracts(REPO / "data_contracts")
HYPERLINK = '=HYPERLINK("http://example.invalid/steal","click me")'


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "return.xlsx", CONTRACTS, "provider_return")


def test_the_template_has_a_read_me_first_then_one_sheet_per_table(template_path: Path) -> None:
    workbook = openpyxl.load_workbook(template_path)
    expected = {c.sheet for c in CONTRACTS.in_dataset("provider_return")}
    assert workbook.sheetnames[0] == README_SHEET
    assert set(workbook.sheetnames[1:]) == expected
    readme = " ".join(str(c.value) for row in workbook[README_SHEET].iter_rows() for c in row if c.value)
    assert "holds no data" in readme and "ccassure validate" in readme


def test_each_header_carries_a_note_with_description_type_allowed_values_and_example(template_path: Path) -> None:
    sheet = openpyxl.load_workbook(template_path)["Centres"]
    headers = {cell.value: cell for cell in sheet[1]}
    assert list(headers) == CONTRACTS["centres"].column_names
    note = headers["designation"].comment.text
    assert "designation (required)" in note and "Allowed values: childrens_centre, linked_site" in note
    assert "Example: childrens_centre" in note
    assert "Type: date (dd/mm/yyyy)" in headers["open_date"].comment.text
    assert "Example: 01/09/2006" in headers["open_date"].comment.text
    assert "Range: 10000 to 999999" in headers["urn"].comment.text


def test_listed_and_yes_no_columns_have_drop_downs_and_dates_are_formatted_and_checked(template_path: Path) -> None:
    sheet = openpyxl.load_workbook(template_path)["Sessions"]
    letter = {cell.value: cell.column_letter for cell in sheet[1]}
    rules = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    activity = rules[f"{letter['activity_type']}2"]
    assert activity.type == "list" and "stay_and_play" in activity.formula1
    assert rules[f"{letter['on_site']}2"].formula1 == '"yes,no"'
    assert rules[f"{letter['date']}2"].type == "date"
    assert rules[f"{letter['attendances']}2"].type == "whole"
    assert sheet.column_dimensions[letter["date"]].number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions[letter["session_id"]].number_format == "@"  # ids keep leading zeros


def test_the_blank_template_validates_with_no_errors(template_path: Path) -> None:
    result = validate(template_path)
    assert result.errors == [], [p.message for p in result.errors]
    assert result.exit_code == 0
    assert set(result.row_counts) == {c.table for c in CONTRACTS.in_dataset("provider_return")}


@pytest.mark.parametrize("dataset", ["authority_records", "reference"])
def test_other_datasets_have_templates_that_validate_cleanly(tmp_path: Path, dataset: str) -> None:
    path = write_template(tmp_path / f"{dataset}.xlsx", CONTRACTS, dataset)
    assert validate(path, dataset=dataset).errors == []


def _fill(sheet, rows: list[dict[str, object]]) -> dict[str, str]:
    """Write rows by column name from row 2; return column name -> letter."""
    letter = {cell.value: get_column_letter(cell.column) for cell in sheet[1]}
    for r, values in enumerate(rows, start=2):
        for name, value in values.items():
            cell = sheet[f"{letter[name]}{r}"]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # what Excel stores when a user types text (openpyxl would make '=...' a formula)
    return letter


CENTRE = {"centre_name": "Riverside", "authority_code": "E10000016", "provider_id": "P1",
          "designation": "childrens_centre", "status": "open"}
SESSION = {"date": dt.datetime(2016, 11, 3), "activity": "Stay and play", "activity_type": "stay_and_play",
           "on_site": "yes", "attendances": 12}


def test_mistakes_typed_into_the_template_are_each_reported_at_their_cell(template_path: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(template_path)
    centres = _fill(workbook["Centres"], [
        {"centre_id": "C1", **CENTRE},
        {"centre_id": "C2", **CENTRE},
        {"centre_id": "C1", **CENTRE},                                   # row 4: duplicate id
    ])
    sessions = _fill(workbook["Sessions"], [
        {"session_id": "S1", "centre_id": "C1", **SESSION, "date": "32/01/2016"},    # row 2: bad date
        {"session_id": "S2", "centre_id": "C1", **SESSION, "activity_type": "yoga"},  # row 3: not in the list
        {"session_id": "S3", "centre_id": "C99", **SESSION},                          # row 4: unknown centre
        {"session_id": "S4", "centre_id": "C2", **SESSION, "activity": None},         # row 5: required blank
    ])
    services = _fill(workbook["Services"], [
        {"centre_id": "C1", "service_category": "health", "availability": "provided_on_site", "notes": HYPERLINK},
        {"centre_id": "C1", "service_category": "early_years", "availability": HYPERLINK},  # row 3: not in list
    ])
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)

    result = validate(filled)
    found = {(p.sheet, p.code, p.cell) for p in result.errors}
    expected = {
        ("Centres", "duplicate-key", f"{centres['centre_id']}4"),
        ("Sessions", "type-date", f"{sessions['date']}2"),
        ("Sessions", "value-not-allowed", f"{sessions['activity_type']}3"),
        ("Sessions", "foreign-key", f"{sessions['centre_id']}4"),
        ("Sessions", "required-value-missing", f"{sessions['activity']}5"),
        ("Services", "value-not-allowed", f"{services['availability']}3"),
    }
    assert found == expected
    assert ("Sessions", "type-date", "C2") in found  # the template's column order puts the date in column C
    formula_like = next(p for p in result.errors if p.sheet == "Services")
    assert formula_like.value == HYPERLINK  # reported as the text typed, never evaluated
    assert result.exit_code == 1

    from click.testing import CliRunner

    from ccassure.cli.validate_cmd import validate as validate_command

    shown = CliRunner().invoke(validate_command, [str(filled), "--limit", "50"])
    assert shown.exit_code == 1
    for sheet, _code, cell in expected:
        assert f"{sheet} {cell} · column " in shown.output


def test_the_template_command_writes_the_workbook(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ccassure.cli.template_cmd import template as template_command

    out = tmp_path / "blank.xlsx"
    done = CliRunner().invoke(template_command, ["--output", str(out)])
    assert done.exit_code == 0, done.output
    assert "Centres" in done.output and openpyxl.load_workbook(out).sheetnames[0] == README_SHEET
    refused = CliRunner().invoke(template_command, ["--output", str(tmp_path / "t.csv")])
    assert refused.exit_code == 2 and isinstance(refused.exception, SystemExit)
    assert "name it .xlsx" in refused.output and not (tmp_path / "t.csv").exists()


def test_an_impossible_day_of_the_month_is_not_a_date(template_path: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(template_path)
    _fill(workbook["Centres"], [{"centre_id": "C1", **CENTRE}])
    sessions = _fill(workbook["Sessions"], [{"session_id": "S1", "centre_id": "C1", **SESSION, "date": "31/02/2016"}])
    workbook.save(tmp_path / "feb.xlsx")
    result = validate(tmp_path / "feb.xlsx")
    assert [(p.code, p.cell) for p in result.errors] == [("type-date", f"{sessions['date']}2")]
