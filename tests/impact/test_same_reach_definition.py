"""The impact figures use the reach rules' own definition of which centres count, so their "after" can
never drift from the rules: the share of under-fives the impact puts within reach after a scenario is the
share the reach rules compute on the same scenario, with every neighbourhood listed."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from world import centre, lsoa, proposal, tables

from ccassure.contracts import load_contracts
from ccassure.impact import assess
from ccassure.impact.checklist import planned_records
from ccassure.impact.judge import REACH_RULE, impact_rules, judge_sufficiency
from ccassure.impact.proposal import proposal_from_document
from ccassure.impact.state import current_state
from ccassure.project import current_project
from ccassure.rules.evaluator import Evaluator
from ccassure.rules.expr import Scope, parse_condition
from ccassure.rules.loader import RuleSet, load_rules

# A and B are designated and open, C only proposed to close (still counts), L a linked site (never
# counts), X closed. Neighbourhoods every 1 km from 400 to 420 km.
WORLD = tables([centre("A", 402000), centre("B", 408000), centre("C", 414000, status="proposed_to_close"),
                centre("L", 419000, designation="linked_site"), centre("X", 420000, status="closed")],
               [lsoa(f"E010000{n:02d}", 400000 + 1000 * n, 20 + n, 1 + n % 10) for n in range(21)])
SCENARIOS = (
    {"name": "close A", "changes": [{"action": "close", "centre": "A", "from": "2017-10-01"}]},
    {"name": "de-designate B", "changes": [{"action": "de_designate", "centre": "B", "from": "2017-10-01"}]},
    {"name": "merge C into B, open D", "changes": [
        {"action": "merge", "centre": "C", "into": "B", "from": "2017-10-01"},
        {"action": "open", "centre": "D", "name": "D Children's Centre", "easting": 418000, "northing": 200000,
         "from": "2018-01-01"}]},
    {"name": "reduce A below the definition", "changes": [
        {"action": "reduce", "centre": "A", "from": "2017-10-01", "below_definition": True}]},
    {"name": "open a family hub", "changes": [
        {"action": "open", "centre": "H", "name": "H Family Hub", "easting": 420000, "northing": 200000,
         "designation": "family_hub_designated", "from": "2018-01-01"}]},
)


@pytest.fixture(scope="module")
def setting():
    contracts = load_contracts()
    rules = impact_rules(current_project(), contracts)
    state = current_state(WORLD, project=current_project(), authority=None, period="2016Q4")
    return contracts, rules, state


def impact_share(result, scenario: str) -> float:
    row = result.summary.set_index("scenario").loc[scenario]
    return round(100.0 * row["under5_within_after"] / row["under5"], 1)


def test_the_impact_after_each_scenario_is_the_reach_rules_judgement_of_it(setting):
    contracts, rules, state = setting
    props = proposal_from_document(proposal(*SCENARIOS))
    result = assess(props, data=WORLD, period="2016Q4", parameters={}, judge=False)
    listed = judge_sufficiency(state, list(props.scenarios), rules, contracts, {})  # every neighbourhood
    reach = listed[listed["rule_id"] == REACH_RULE].set_index("scenario")
    shares = {s["name"]: impact_share(result, s["name"]) for s in SCENARIOS}
    assert len(set(shares.values())) >= 4  # the scenarios really differ
    for name, share in shares.items():
        assert reach.loc[name, "observed"] == f"{share}%", name


def test_the_closure_rule_on_the_planned_records_agrees_with_the_impact(setting):
    """SSG-CLOSURE-REACH-PROGRAMME recomputes reach with the programme's centres removed (it does not add
    new centres, so only scenarios that remove centres are compared): the same share as the impact."""
    contracts, _, state = setting
    removing = proposal_from_document(proposal(SCENARIOS[0], SCENARIOS[1], SCENARIOS[3]))
    result = assess(removing, data=WORLD, period="2016Q4", parameters={}, judge=False)
    project = current_project()
    every = load_rules(project.rules_dir, contracts=contracts, checks_dir=project.checks_dir)
    records = [planned_records(state, s, i) for i, s in enumerate(removing.scenarios)]
    data = {**WORLD, "service_changes": pd.DataFrame([r for rec in records for r in rec["service_changes"]])}
    findings = Evaluator(data, contracts=contracts, authority=state.authority).evaluate(
        every.select(["SSG-CLOSURE-REACH-PROGRAMME"]), state.period, {})
    observed = {str(f.subject_id): f.observed for f in findings}
    for index, scenario in enumerate(removing.scenarios):
        assert observed[f"PLAN-{index + 1}"].startswith(f"{impact_share(result, scenario.name)}% after"), scenario.name


def test_a_project_that_counts_only_open_centres_changes_the_impact_too(setting):
    contracts, rules, state = setting
    rule = rules[REACH_RULE]
    stricter = dataclasses.replace(rule.test.sites, where=_condition("status = 'open'", contracts))
    changed = dataclasses.replace(rule, test=dataclasses.replace(rule.test, sites=stricter))
    ruleset = RuleSet({**{r.id: r for r in rules}, REACH_RULE: changed})
    props = proposal_from_document(proposal(SCENARIOS[0]))
    default = assess(props, data=WORLD, period="2016Q4", parameters={}, judge=False)
    strict = assess(props, data=WORLD, period="2016Q4", parameters={}, judge=False, rules=ruleset)
    # C (only proposed to close) no longer counts, so fewer are within reach now
    assert strict.summary.iloc[0]["under5_within_before"] < default.summary.iloc[0]["under5_within_before"]
    assert not strict.centres.set_index("centre_id").loc["C", "in_network"]
    assert default.centres.set_index("centre_id").loc["C", "in_network"]


def _condition(text, contracts):
    return parse_condition(text, Scope(tables={"centres": contracts["centres"]}, default="centres", parameters={}))
