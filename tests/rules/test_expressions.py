"""Filter expressions: only a boolean condition over known columns is accepted; SQL is generated, not copied."""

from datetime import date

import pytest

from ccassure.rules.expr import ExpressionError, Scope, parse_condition

PERIOD = (date(2016, 10, 1), date(2016, 12, 31))


@pytest.fixture
def scope(contracts):
    return Scope(tables={"sessions": contracts["sessions"], "consultations": contracts["consultations"]},
                 default="sessions", parameters={"limit": 60, "kind": "x"})


@pytest.mark.parametrize("text", [
    "on_site AND min_age_months < 60",
    "on_site = true AND NOT (min_age_months IS NULL)",
    "activity_type IN ('stay_and_play', 'parenting') OR attendances BETWEEN 1 AND 20",
    "date >= '2016-10-01' AND date <= period_end",
    "min_age_months <> :limit",
    "consultations.close_date < date",
    "max_age_months IS NOT NULL AND min_age_months >= -1",
])
def test_allowed_conditions(scope, text):
    condition = parse_condition(text, scope)
    assert condition.sql({"sessions": "t", "consultations": "c"}, {"limit": 60}, PERIOD)


@pytest.mark.parametrize("text, fragment", [
    ("on_siteX", "unknown column 'on_sitex'"),
    ("lower(activity) = 'x'", "not allowed"),
    ("on_site; DROP TABLE sessions", "';' is not allowed"),
    ("(SELECT 1) = 1", "not allowed"),
    ("on_site = 1", "cannot compare"),
    ("date > 'yesterday'", "not a date"),
    ("date > '2016-02-30'", "not a valid date"),
    ("attendances", "not a true/false condition"),
    ("attendances + 1 > 2", "not allowed"),
    ("activity IN (SELECT activity FROM sessions)", "in takes"),
    ("activity = NULL", "is null"),
    ("other.x = 1", "not a table this test reads"),
    ("min_age_months < :nope", "not a parameter"),
    ("activity = 'x' -- comment", "comments"),
    ("main.sessions.on_site", "only column or table.column"),
])
def test_refused_conditions_say_why(scope, text, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text, scope)
    assert fragment in str(caught.value).lower()


def test_generated_sql_quotes_identifiers_and_escapes_literals(scope):
    condition = parse_condition("activity = 'O''Brien''s group' AND date > '2016-01-01'", scope)
    sql = condition.sql({"sessions": "t"}, {}, PERIOD)
    assert 't."activity"' in sql
    assert "'O''Brien''s group'" in sql
    assert "DATE '2016-01-01'" in sql


def test_period_names_render_as_dates(scope):
    sql = parse_condition("date BETWEEN period_start AND period_end", scope).sql({"sessions": "t"}, {}, PERIOD)
    assert "DATE '2016-10-01'" in sql and "DATE '2016-12-31'" in sql
