"""Implausible values are reported, as the contract's plausibility block says (warning or error), located
to the row: never accepted without a word. All data here is synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ccassure.contracts import load_contracts
from tests.badinput.helpers import D, problems, session, validate, workbook
from tests.validation.builders import CENTRES_HEADER, GOOD_CENTRES, minimal_return


def _implausible(result, column: str, table: str | None = None):
    found = [p for p in problems(result, "implausible-value") if p.column == column and table in (None, p.table)]
    assert len(found) == 1, [(p.code, p.column, p.message) for p in result.problems]
    return found[0]


def test_minimum_age_above_maximum_age_is_an_error(tmp_path: Path) -> None:
    sheets = minimal_return([session()])
    sheets["Sessions"][0] = [*sheets["Sessions"][0], "max_age_months"]
    sheets["Sessions"][1] = [*sheets["Sessions"][1][:5], 48, 12, 24]
    problem = _implausible(validate(workbook(tmp_path / "r.xlsx", sheets)), "min_age_months")
    assert problem.severity == "error" and problem.row == 2 and "maximum age" in problem.message


def _centres_with(*extra_columns: tuple[str, list]) -> list[list]:
    header = [*CENTRES_HEADER, *(name for name, _ in extra_columns)]
    rows = [[*row, *(values[i] for _, values in extra_columns)] for i, row in enumerate(GOOD_CENTRES)]
    return [header, *rows]


def test_a_session_before_its_centre_opened_or_after_it_closed_is_a_warning(tmp_path: Path) -> None:
    centres = _centres_with(("open_date", [dt.datetime(2017, 1, 1), dt.datetime(2010, 1, 1)]),
                            ("close_date", [None, dt.datetime(2016, 6, 30)]))
    sheets = minimal_return([session(), session(session_id="S2", centre_id="C2")])
    sheets["Centres"] = centres
    result = validate(workbook(tmp_path / "r.xlsx", sheets))
    problem = _implausible(result, "date", "sessions")
    assert problem.severity == "warning" and problem.count == 2 and "centre opened" in problem.message
    assert _implausible(result, "date", "contacts").count == 1  # the contact on 03/10/2016 at C1 too


def test_a_centre_that_is_its_own_parent_or_in_a_loop_of_parents_is_an_error(tmp_path: Path) -> None:
    rows = [row[:] for row in GOOD_CENTRES] + [[*GOOD_CENTRES[0][:1], *GOOD_CENTRES[0][1:]]]
    rows[2][0] = "C3"
    centres = [[*CENTRES_HEADER, "parent_centre_id"], [*rows[0], "C2"], [*rows[1], "C1"], [*rows[2], "C3"]]
    sheets = minimal_return([session()])
    sheets["Centres"] = centres
    problem = _implausible(validate(workbook(tmp_path / "r.xlsx", sheets)), "parent_centre_id")
    assert problem.severity == "error" and problem.count == 3


@pytest.mark.parametrize(("birth", "registered", "message"), [
    ("2099-01", D, "in the future"), ("2017-03", dt.datetime(2016, 11, 3), "before the child's birth month")])
def test_a_birth_in_the_future_or_a_registration_before_birth_is_an_error(
        tmp_path: Path, birth: str, registered: dt.datetime, message: str) -> None:
    sheets = minimal_return([session()])
    sheets["Registrations"][1][3] = registered
    sheets["Registrations"][1][4] = birth
    result = validate(workbook(tmp_path / "r.xlsx", sheets))
    found = problems(result, "implausible-value")
    assert any(message in p.message and p.severity == "error" for p in found), [p.message for p in result.problems]


def test_a_registration_in_the_birth_month_itself_is_plausible(tmp_path: Path) -> None:
    sheets = minimal_return([session()])
    sheets["Registrations"][1][3] = dt.datetime(2015, 6, 20)
    sheets["Registrations"][1][4] = "2015-06"
    assert problems(validate(workbook(tmp_path / "r.xlsx", sheets)), "implausible-value") == []


KPI_HEADER = ["kpi_id", "subject_id", "period", "numerator", "denominator", "value"]


@pytest.mark.parametrize(("row", "column", "severity"), [
    (["CORE-REG-TG", "C1", "2016Q4", 40, 30, 133.3], "numerator", "error"),  # a share of the families counted
    (["CORE-CASEWORK-N", "C1", "2016Q4", 7, 6, 116.7], "numerator", "error"),
    (["CORE-REG-U5", "C1", "2016Q4", 3, 0, 50], "value", "warning"),
    (["CORE-REG-U5", "C1", "2016Q4", 3, 4, 60], "value", "warning"),
    (["CORE-REG-U5", "C1", "2016-18", 3, 4, 75], "period", "error"),
])
def test_kpi_figures_that_do_not_add_up_are_reported(tmp_path: Path, row: list, column: str, severity: str) -> None:
    sheets = minimal_return([session()])
    sheets["KPI returns"] = [KPI_HEADER, row]
    result = validate(workbook(tmp_path / "r.xlsx", sheets))
    problem = _implausible(result, column)
    assert problem.severity == severity


@pytest.mark.parametrize("row", [["CORE-REG-U5", "C1", "2016Q4", 33, 32, 103.1],  # reach over 100% is possible
                                 ["ESX-U-REACH", "C1", "2016Q4", 41, 40, 102.5],  # so in every framework
                                 ["CORE-REG-TG", "C1", "2016Q4", 30, 30, 100],
                                 ["OWN-MEASURE", "C1", "2016Q4", 5, 4, 125],  # the project does not define it
                                 ["CORE-REG-U5", "C1", "2016Q4", 3, 4, 75], ["CORE-REG-U5", "C1", "2016Q4", 2, 3, 66.7],
                                 ["CORE-REG-U5", "C1", "2016-17", 1, 3, 0.333], ["CORE-CASEWORK-N", "C1", "2016Q4", None,
                                                                                   None, 12]])
def test_kpi_figures_that_add_up_within_rounding_are_plausible(tmp_path: Path, row: list) -> None:
    sheets = minimal_return([session()])
    sheets["KPI returns"] = [KPI_HEADER, row]
    assert problems(validate(workbook(tmp_path / "r.xlsx", sheets)), "implausible-value") == []


def test_a_plausibility_check_naming_an_unknown_column_is_refused_at_load(tmp_path: Path) -> None:
    from ccassure.contracts import ContractErrors

    source = Path(load_contracts()["sessions"].source)
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "sessions.yaml").write_text(source.read_text().replace("than: max_age_months", "than: max_age"))
    with pytest.raises(ContractErrors) as caught:
        load_contracts(folder)
    assert "max_age" in str(caught.value.errors[0])


def test_every_declared_check_kind_has_a_runner() -> None:
    from ccassure.contracts.plausibility import KINDS
    from ccassure.validation.plausibility import RUNNERS

    assert set(KINDS) == set(RUNNERS)
    declared = {check.check for contract in load_contracts() for check in contract.plausibility}
    assert declared == set(KINDS)


def test_a_numerator_above_its_denominator_is_located_to_its_row_and_column(tmp_path: Path) -> None:
    sheets = minimal_return([session()])
    sheets["KPI returns"] = [KPI_HEADER, ["CORE-REG-TG", "C1", "2016Q4", 3, 4, 75],
                             ["CORE-REG-TG", "C2", "2016Q4", 40, 30, 133.3]]
    problem = _implausible(validate(workbook(tmp_path / "r.xlsx", sheets)), "numerator")
    assert (problem.sheet, problem.row, problem.column, problem.count) == ("KPI returns", 3, "numerator", 1)
    assert "more than the denominator" in problem.message and "r.xlsx" in problem.file


def test_which_kpis_cannot_pass_100_percent_comes_from_the_kpi_definitions() -> None:
    """Reach counts registrations against a population estimate; shares count rows of one table."""
    from ccassure.validation.kpi_estimates import kpis_counting_shares

    shares = kpis_counting_shares()
    assert {"CORE-REG-TG", "CORE-CASEWORK-N", "BRAD-ENGAGE-TG", "ESX-U-ATTENDANCE"} <= shares
    assert not {"CORE-REG-U5", "BRAD-REACH", "ESX-U-REACH", "CORE-VOLUNTEERS", "CORE-GLD-GAP"} & shares


@pytest.mark.parametrize(("gld", "flagged"), [(31, True), (30, False), (12, False)])
def test_eyfsp_children_reaching_gld_cannot_outnumber_those_assessed(gld: int, flagged: bool) -> None:
    import pandas as pd

    frame = pd.DataFrame([{"authority_code": "E06000001", "time_period": 202425, "breakdown": "Total",
                           "children_count": 30, "gld_count": gld}])
    found = problems(validate({"eyfsp": frame}, dataset="reference"), "implausible-value")
    assert [(p.column, p.row, p.severity) for p in found] == ([("gld_count", 1, "warning")] if flagged else [])
