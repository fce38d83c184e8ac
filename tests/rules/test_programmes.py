"""Closure programmes are judged whole: every centre one decision removes is removed at once (synthetic rows)."""

from pathlib import Path

import pandas as pd

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.rules import evaluate, load_rules
from ccassure.validation.across_datasets import across_dataset_problems

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = load_contracts(REPO / "data_contracts")
RULES = load_rules(REPO / "rules", contracts=CONTRACTS, checks_dir=REPO / "checks")
LA = "E06000034"


def tables(programme=None, centre_ids=("C1", "C2")):
    rows = {
        "service_changes": [{"change_id": f"CH{i}", "authority_code": LA, "centre_id": c, "change_type": "close",
                             "programme_ref": programme, "decision_date": "2016-11-20"}
                            for i, c in enumerate(centre_ids, 1)],
        "centres": [{"centre_id": cid, "centre_name": cid, "authority_code": LA, "provider_id": "P1",
                     "designation": "childrens_centre", "status": "open", "easting": e, "northing": 178000}
                    for cid, e in (("C1", 560000), ("C2", 561000), ("C3", 590000))],
        "lsoa_population": [{"lsoa_code": code, "year": 2016, "authority_code": LA, "under5": 100, "easting": e,
                             "northing": 178000} for code, e in (("E01000001", 560500), ("E01000002", 590000))],
    }
    return {name: conform(pd.DataFrame(r), CONTRACTS[name]) for name, r in rows.items()}


def statuses(data, parameters=None):
    findings = evaluate(RULES.select(["SSG-CLOSURE-REACH-AFTER", "SSG-CLOSURE-REACH-PROGRAMME"]), data,
                        period="2016Q4", parameters=parameters)
    return {(f.rule_id, f.subject_id): f.status for f in findings}


def test_a_programme_that_strands_an_area_is_not_met_for_the_programme_and_each_change():
    got = statuses(tables("CAB-2016-11"), {"SSG-CLOSURE-REACH-AFTER": {"fail_below_percent": 80},
                                           "SSG-CLOSURE-REACH-PROGRAMME": {"fail_below_percent": 80}})
    assert got == {("SSG-CLOSURE-REACH-AFTER", "CH1"): "not_met", ("SSG-CLOSURE-REACH-AFTER", "CH2"): "not_met",
                   ("SSG-CLOSURE-REACH-PROGRAMME", "CAB-2016-11"): "not_met"}


def test_by_default_a_policy_shortfall_is_at_risk_never_not_met():
    got = statuses(tables("CAB-2016-11"))
    assert set(got.values()) == {"at_risk"}


def test_the_same_closures_without_a_programme_are_judged_one_at_a_time():
    got = statuses(tables(None))
    assert got[("SSG-CLOSURE-REACH-AFTER", "CH1")] == "met" and got[("SSG-CLOSURE-REACH-AFTER", "CH2")] == "met"


def test_a_change_naming_an_unknown_centre_is_a_validation_error_across_datasets():
    data = tables("CAB-2016-11", centre_ids=("C1", "C9"))
    problems = across_dataset_problems(data, CONTRACTS)
    assert len(problems) == 1 and "C9" in problems[0] and "Service changes" in problems[0]
    assert statuses(data)[("SSG-CLOSURE-REACH-AFTER", "CH2")] == "not_evaluable"
