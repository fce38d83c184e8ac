from datetime import date

import pytest

from ccassure.periods import financial_year_of, parse_period, quarter_of


def test_calendar_quarter_is_three_calendar_months():
    q = parse_period("2016Q4")
    assert (q.start, q.end, q.kind) == (date(2016, 10, 1), date(2016, 12, 31), "quarter")


def test_financial_year_runs_april_to_march():
    fy = parse_period("2016-17")
    assert (fy.start, fy.end) == (date(2016, 4, 1), date(2017, 3, 31))
    assert [q.label for q in fy.quarters()] == ["2016Q2", "2016Q3", "2016Q4", "2017Q1"]


def test_previous_periods_cross_year_boundaries():
    assert parse_period("2017Q1").previous().label == "2016Q4"
    assert parse_period("2016-17").previous().label == "2015-16"


@pytest.mark.parametrize("text", ["2016Q5", "2016-18", "Q4 2016", "2016", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_quarter_and_financial_year_of_a_day():
    assert quarter_of(date(2016, 2, 29)).label == "2016Q1"
    assert financial_year_of(date(2017, 3, 31)).label == "2016-17"
    assert financial_year_of(date(2017, 4, 1)).label == "2017-18"
