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


# Dated parameter values: one rule, one run, each change judged with the value in force on its decision date.
TIME_RULE = (REPO / "rules" / "statutory" / "GUN-3-TIME.yaml").read_text(encoding="utf-8")
FLAT = """  warn_below_days:
    default: 42
"""
DATED = """  warn_below_days:
    values:
      - {valid_from: "2006-01-01", value: 28, reference: an older policy guide of four weeks}
      - {valid_from: "2020-04-01", value: 42, reference: the six-week guide adopted in April 2020}
"""
DATED_EXAMPLES = """examples:
  - name: a five-week consultation decided in 2013 meets the four-week guide then in force
    period: 2013Q4
    given:
      service_changes: [{change_id: CH13, centre_id: C1, change_type: close, consultation_id: K1, decision_date: 2013-11-01}]
      consultations: [{consultation_id: K1, title: Review, open_date: 2013-09-01, close_date: 2013-10-06}]
    expect: {CH13: met}
  - name: the same five weeks decided in 2026 falls short of the six-week guide in force since 2020
    period: 2026Q4
    given:
      service_changes: [{change_id: CH26, centre_id: C1, change_type: close, consultation_id: K1, decision_date: 2026-11-01}]
      consultations: [{consultation_id: K1, title: Review, open_date: 2026-09-01, close_date: 2026-10-06}]
    expect: {CH26: at_risk}
"""


def dated_rule_file(tmp_path, values=DATED):
    assert FLAT in TIME_RULE
    text = TIME_RULE.replace(FLAT, values).replace("id: GUN-3-TIME", "id: GUN-3-TIME-DATED")
    text = text[:text.index("examples:")] + DATED_EXAMPLES
    (tmp_path / "rules").mkdir(exist_ok=True)
    path = tmp_path / "rules" / "GUN-3-TIME-DATED.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_2013_decision_and_a_2026_decision_meet_the_values_in_force_on_their_dates(tmp_path):
    from ccassure.rules import load_rule_file

    rule = load_rule_file(dated_rule_file(tmp_path), CONTRACTS)
    assert rule.parameters["warn_below_days"].default == 42  # the latest value, shown as current
    rows = [{"change_id": "CH13", "authority_code": "E06000034", "centre_id": "C1", "change_type": "close",
             "consultation_id": "K13", "decision_date": "2013-11-01"},
            {"change_id": "CH26", "authority_code": "E06000034", "centre_id": "C1", "change_type": "close",
             "consultation_id": "K26", "decision_date": "2026-11-01"},
            {"change_id": "CH00", "authority_code": "E06000034", "centre_id": "C1", "change_type": "close",
             "consultation_id": "K26", "decision_date": "2005-06-01"}]
    consultations = [{"consultation_id": "K13", "title": "Review", "open_date": "2013-09-01", "close_date": "2013-10-06"},
                     {"consultation_id": "K26", "title": "Review", "open_date": "2026-09-01", "close_date": "2026-10-06"}]
    tables = {"service_changes": conform(pd.DataFrame(rows), CONTRACTS["service_changes"]),
              "consultations": conform(pd.DataFrame(consultations), CONTRACTS["consultations"])}
    found = {f.subject_id: f for f in evaluate([rule], tables, period="2026Q4")}
    assert set(found) == {"CH00", "CH13", "CH26"}  # one finding each, however many values the parameter has
    assert found["CH13"].status == "met" and '"warn_below_days": 28' in found["CH13"].parameters
    assert found["CH26"].status == "at_risk" and '"warn_below_days": 42' in found["CH26"].parameters
    assert "under the 42-day policy guide" in found["CH26"].message
    assert found["CH00"].status == "not_applicable"  # decided before the rule commenced
    assert "in force from 1 January 2006 (no end date)" in found["CH00"].message


def test_the_dated_examples_pass_in_the_example_runner(tmp_path):
    from ccassure.rules import load_rule_file
    from ccassure.rules.examples import run_examples

    results = run_examples(load_rule_file(dated_rule_file(tmp_path), CONTRACTS), CONTRACTS)
    assert [r.passed for r in results] == [True, True], [str(r) for r in results]


def test_an_authority_override_replaces_every_dated_value(tmp_path):
    from ccassure.rules import load_rule_file

    rule = load_rule_file(dated_rule_file(tmp_path), CONTRACTS)
    rows = [{"change_id": "CH13", "authority_code": "E06000034", "centre_id": "C1", "change_type": "close",
             "consultation_id": "K13", "decision_date": "2013-11-01"}]
    consultations = [{"consultation_id": "K13", "title": "Review", "open_date": "2013-09-01", "close_date": "2013-10-06"}]
    tables = {"service_changes": conform(pd.DataFrame(rows), CONTRACTS["service_changes"]),
              "consultations": conform(pd.DataFrame(consultations), CONTRACTS["consultations"])}
    (finding,) = evaluate([rule], tables, period="2013Q4", parameters={rule.id: {"warn_below_days": 84}})
    assert finding.status == "at_risk" and '"warn_below_days": 84' in finding.parameters


def test_rules_show_prints_the_parameter_history(tmp_path):
    dated_rule_file(tmp_path)
    result = CliRunner().invoke(cli, ["rules", "show", "GUN-3-TIME-DATED", "--rules", str(tmp_path / "rules")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "28 from 1 January 2006 to 31 March 2020 — an older policy guide of four weeks" in result.output
    assert "42 from 1 April 2020 (still in force) — the six-week guide adopted in April 2020" in result.output


def test_lint_rejects_a_dated_value_with_no_valid_from(tmp_path):
    from ccassure.rules import lint_rules

    undated = DATED.replace('{valid_from: "2020-04-01", value: 42,', "{value: 42,")
    dated_rule_file(tmp_path, undated)
    _, errors = lint_rules(tmp_path / "rules", contracts=CONTRACTS, checks_dir=REPO / "checks",
                           check_published_schema=False)
    assert any("valid_from" in str(e) and "GUN-3-TIME-DATED.yaml" in str(e) for e in errors), errors


def test_lint_rejects_dated_values_that_leave_the_rules_start_without_a_value(tmp_path):
    from ccassure.rules import lint_rules

    late = DATED.replace('"2006-01-01"', '"2008-01-01"')
    dated_rule_file(tmp_path, late)
    _, errors = lint_rules(tmp_path / "rules", contracts=CONTRACTS, checks_dir=REPO / "checks",
                           check_published_schema=False)
    assert any("after the rule commences" in str(e) for e in errors), errors
