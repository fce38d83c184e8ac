"""Rule expressions said in plain words: what rules show, the results manifest and the catalogue print."""

from __future__ import annotations

from pathlib import Path

from ccassure.contracts import load_contracts
from ccassure.rules import load_rules
from ccassure.rules.expr import Scope, parse_condition
from ccassure.rules.testtypes import TEST_TYPES

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = load_contracts(REPO / "data_contracts")


def words(text: str, table: str = "sessions", **parameters) -> str:
    tables = {name: CONTRACTS[name] for name in (table, "centres", "consultations", "service_changes")}
    return parse_condition(text, Scope(tables, table, parameters)).words


def test_comparisons_blanks_and_parameters_read_as_words():
    said = words("on_site AND (min_age_months IS NULL OR min_age_months < :under5_months)", under5_months=60)
    assert said == "on site is yes and (min age months is blank or min age months is below under5 months)"


def test_dates_lists_and_negations():
    assert words("date <= period_end") == "date is on or before the end of the period"
    assert words("activity_type IN ('stay_and_play', 'health')") == "activity type is stay and play or health"
    assert words("NOT on_site") == "on site is no"
    assert words("activity IS NOT NULL") == "activity is filled in"


def test_no_rule_summary_holds_sql_or_underscored_names():
    for rule in load_rules(REPO / "rules", contracts=CONTRACTS, checks_dir=REPO / "checks"):
        said = TEST_TYPES[rule.test_type].describe(rule.test)
        said += " " + (rule.applies_when.words if rule.applies_when else "")
        for sql in ("IS NULL", "IS NOT NULL", " AND ", " OR ", " IN (", "period_end", "::", "'"):
            assert sql not in said, (rule.id, said)
        assert "_" not in said, (rule.id, said)
