"""Reporting windows end on a calendar quarter; financial years run April to March."""

from datetime import date

import pytest

from ccassure.kpis.windows import covered, previous, quarter_start, quarters_of, return_period_target, span


@pytest.mark.parametrize(("quarter", "kind", "start", "end"), [
    ("2016Q4", "quarter", date(2016, 10, 1), date(2016, 12, 31)),
    ("2017Q1", "quarter", date(2017, 1, 1), date(2017, 3, 31)),
    # 2017Q1 (January-March 2017) closes financial year 2016-17
    ("2017Q1", "ytd", date(2016, 4, 1), date(2017, 3, 31)),
    # 2017Q2 (April-June 2017) opens financial year 2017-18: its year to date is the quarter alone
    ("2017Q2", "ytd", date(2017, 4, 1), date(2017, 6, 30)),
    ("2016Q4", "ytd", date(2016, 4, 1), date(2016, 12, 31)),
    ("2016Q4", "r12", date(2016, 1, 1), date(2016, 12, 31)),
    ("2017Q1", "r12", date(2016, 4, 1), date(2017, 3, 31)),
    ("2017Q2", "r12", date(2016, 7, 1), date(2017, 6, 30)),
])
def test_window_bounds(quarter, kind, start, end):
    window = span(quarter, kind)
    assert (window.start, window.end) == (start, end)


def test_previous_period_is_the_previous_quarter_or_the_same_quarter_last_year_for_ytd():
    assert previous("2017Q1", "quarter") == "2016Q4"
    assert previous("2017Q1", "r12") == "2016Q4"
    assert previous("2017Q2", "ytd") == "2016Q2"


def test_a_financial_year_run_covers_its_four_quarters_april_to_march():
    assert quarters_of("2016-17") == ["2016Q2", "2016Q3", "2016Q4", "2017Q1"]
    assert quarters_of("2016Q4") == ["2016Q4"]


def test_provider_figures_for_a_financial_year_are_compared_with_the_year_to_date_at_march():
    assert return_period_target("2016-17") == ("2017Q1", "ytd")
    assert return_period_target("2016Q4") == ("2016Q4", None)


def test_a_window_cannot_end_on_a_financial_year():
    with pytest.raises(ValueError):
        span("2016-17", "quarter")


def test_the_data_begin_on_the_first_day_of_the_quarter_of_the_earliest_event():
    assert quarter_start(date(2016, 4, 12)) == date(2016, 4, 1)
    assert quarter_start(date(2016, 1, 6)) == date(2016, 1, 1)
    assert quarter_start(date(2016, 12, 31)) == date(2016, 10, 1)


@pytest.mark.parametrize(("quarter", "kind", "is_covered"), [
    ("2016Q2", "quarter", True),    # April-June 2016: the data's first quarter
    ("2016Q1", "quarter", False),   # before the data
    ("2016Q3", "ytd", True),        # April-September 2016
    ("2015Q3", "ytd", False),
    ("2017Q1", "r12", True),        # April 2016 - March 2017
    ("2016Q4", "r12", False),       # January-December 2016: only partly covered, so not covered
])
def test_a_window_is_covered_when_it_starts_on_or_after_the_data_begin(quarter, kind, is_covered):
    assert covered(span(quarter, kind), date(2016, 4, 1)) is is_covered
