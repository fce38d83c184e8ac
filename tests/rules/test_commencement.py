"""A change is judged by the version of a rule in force on its decision date (synthetic rows)."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from ccassure.cli import cli
from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.periods import parse_period
from ccassure.rules import evaluate, load_rules

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = load_contracts(REPO / "data_contracts")
RULES = load_rules(REPO / "rules", contracts=CONTRACTS, checks_dir=REPO / "checks")


def changes(decision_date):
    row = {"change_id": "CH1", "authority_code": "E06000034", "centre_id": "C1", "change_type": "close",
           "decision_date": decision_date, "eqia_date": None}
    return {"service_changes": conform(pd.DataFrame([row]), CONTRACTS["service_changes"])}


def test_a_decision_taken_before_the_equality_duty_commenced_is_not_judged_by_it():
    (before,) = list(evaluate(RULES.select(["PSED-149"]), changes("2010-06-01"), period="2010Q2"))
    assert before.status == "not_applicable"
    assert "in force from 5 April 2011" in before.message
    (after,) = list(evaluate(RULES.select(["PSED-149"]), changes("2016-06-01"), period="2016Q2"))
    assert after.status == "at_risk"  # blank EqIA date: due regard not shown


def test_a_duty_that_ended_is_not_applied_to_later_periods():
    rule = RULES["CA06-SI2010-INTERVAL"]
    assert rule.in_force.valid_to.isoformat() == "2015-08-31"
    assert not rule.in_force.covers_period(parse_period("2016Q4"))
    assert rule.in_force.covers_period(parse_period("2014Q4"))


def test_rules_show_prints_the_dates_in_force():
    result = CliRunner().invoke(cli, ["rules", "show", "CA06-SI2010-INTERVAL"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "in force from 30 April 2010 to 31 August 2015" in result.output
    assert "docs/legal/inspection.md#inspection-interval" in result.output
