"""After a scenario the project's real sufficiency and reach rules judge the modified state, and the
consultation checklist is the real consultation, fairness and equality rules run on the planned records."""

from __future__ import annotations

import pytest
from world import centre, lsoa, proposal, tables

from ccassure.impact import assess
from ccassure.impact.proposal import proposal_from_document

WORLD = tables([centre("A", 403000), centre("B", 409000)],
               [lsoa("E01000001", 403000, 50, 2), lsoa("E01000002", 409000, 50, 8)])
GOOD_PLAN = {"opens": "2017-05-01", "closes": "2017-07-24", "decision": "2017-09-14", "reasons_given": True,
             "alternatives_given": True, "equality_assessment": "2017-09-01", "responses_analysed": "2017-08-21",
             "outcomes_assessed": True, "disadvantaged_assessed": True, "sufficiency_assessed": True}


def judged(*scenarios, **extra):
    return assess(proposal_from_document(proposal(*scenarios, **extra)), data=WORLD, period="2016Q4", parameters={})


def close(name, *ids, **extra):
    return {"name": name, "changes": [{"action": "close", "centre": i, "from": "2017-10-01"} for i in ids], **extra}


def statuses(result):
    return {(r.scenario, r.rule_id): r.status for r in result.judgements.itertuples()}


def test_the_reach_rules_are_rerun_with_every_closure_of_the_scenario_removed_at_once():
    result = judged(close("one", "A"), close("all", "A", "B"))
    s = statuses(result)
    assert s[("Current state", "CA06-S5A-REACH-ALL")] == "met"
    assert s[("one", "CA06-S5A-REACH-ALL")] == "at_risk"  # 50% of under-fives within reach < 80% floor
    assert s[("one", "CA06-S5A-REACH-DEPRIVED")] == "at_risk"  # the deprived neighbourhood was A's
    assert s[("one", "CA06-S5A-NONE")] == "met"
    assert s[("all", "CA06-S5A-NONE")] == "not_met"


def test_closing_the_affluent_centre_keeps_the_deprived_reach_check_met():
    assert statuses(judged(close("B only", "B")))[("B only", "CA06-S5A-REACH-DEPRIVED")] == "met"


def checklist(result, scenario):
    rows = result.checklist[result.checklist["scenario"] == scenario]
    return dict(zip(rows["item"], rows["status"], strict=False))


def test_a_complete_consultation_plan_is_ready_on_every_item():
    items = checklist(judged(close("ready", "A"), consultation=GOOD_PLAN), "ready")
    assert set(items.values()) == {"met"}, items


def test_a_short_consultation_a_late_equality_assessment_and_early_savings_are_flagged():
    plan = {**GOOD_PLAN, "closes": "2017-05-20", "equality_assessment": "2017-09-20",
            "savings_committed": "2017-03-01", "alternatives_given": False}
    items = checklist(judged(close("rushed", "A", consultation=plan), consultation=GOOD_PLAN), "rushed")
    assert items["time"] == "at_risk"  # 19 days, under the six-week policy guide (no floor set)
    assert items["eqia"] == "not_met"
    assert items["savings"] == "at_risk"
    assert items["reasons"] == "at_risk"
    assert items["consulted"] == "met"


def test_without_a_planned_decision_date_nothing_is_reported_ready():
    items = checklist(judged(close("no plan", "A")), "no plan")
    assert "met" not in items.values()
    assert items["consulted"] == "not_met"  # no consultation at all before the change takes effect
    assert items["eqia"] == "not_evaluable"


def test_a_reduction_does_not_need_the_closure_tests():
    reduce = {"name": "shorter", "changes": [{"action": "reduce", "centre": "A", "from": "2017-10-01",
                                              "hours_before": 40, "hours_after": 30}]}
    items = checklist(judged(reduce, consultation=GOOD_PLAN), "shorter")
    assert items["disadvantaged"] == "not_applicable"
    assert items["eqia"] == "met"


@pytest.mark.parametrize("parameters", [{}, {"CA06-S5A-REACH-DEPRIVED": {"max_distance_m": 1500},
                                           "CA06-S5A-REACH-ALL": {"max_distance_m": 4000}}])
def test_pooling_neighbourhoods_gives_the_same_judgements_as_listing_them_all(parameters):
    from ccassure.contracts import load_contracts
    from ccassure.impact.judge import impact_rules, judge_sufficiency
    from ccassure.impact.state import current_state
    from ccassure.project import current_project

    world = tables([centre("A", 403000), centre("B", 409000), centre("C", 415000)],
                   [lsoa(f"E010000{n:02d}", 400000 + 500 * n, 10 + n, 1 + n % 10) for n in range(40)]
                   + [{**lsoa("E01000099", 0, 7, 3), "easting": None, "northing": None}])
    opened = {"name": "close C, open D", "changes": [
        {"action": "close", "centre": "C", "from": "2017-10-01"},
        {"action": "open", "centre": "D", "name": "D", "easting": 418000, "northing": 200000, "from": "2018-01-01"}]}
    scenarios = (close("A", "A"), close("B and C", "B", "C"), opened)
    pooled = assess(proposal_from_document(proposal(*scenarios)), data=world, period="2016Q4", parameters=parameters)
    state = current_state(world, project=current_project(), authority=None, period="2016Q4")
    contracts = load_contracts()
    full = judge_sufficiency(state, list(pooled_proposal(scenarios).scenarios), impact_rules(current_project(), contracts),
                             contracts, parameters)
    columns = ["scenario", "rule_id", "status", "observed", "message"]
    assert pooled.judgements[columns].to_dict("records") == full[columns].to_dict("records")
    assert set(full["status"]) >= {"met", "at_risk"}
    assert len(set(full["observed"])) > 3  # the states differ, so equal judgements mean something


def pooled_proposal(scenarios):
    return proposal_from_document(proposal(*scenarios))
