"""Scenarios built from facts in the seed papers (synthetic rows; dates chosen inside the periods the papers
give). They go through evaluate() on typed DataFrames, as ``ccassure check`` does."""

import json

import pytest

from ccassure.rules import evaluate

KENT = "E10000016"
THURROCK = "E06000034"


def status(findings, rule_id, subject_id):
    found = [f for f in findings if f.rule_id == rule_id and f.subject_id == subject_id]
    assert len(found) == 1, f"{rule_id} {subject_id}: {len(found)} findings"
    return found[0]


@pytest.fixture
def kent_consultation():
    # seed 000: "Formal public consultation ... (12 weeks) July to September 2013"; "Decision taken November/December 2013"
    return {"consultation_id": "KCC-FSO-2013", "authority_code": KENT, "title": "Children's centre future service options",
            "open_date": "2013-07-01", "close_date": "2013-09-23", "reasons_given": True, "alternatives_given": True,
            "analysis_date": "2013-10-25"}


def change(**overrides):
    row = {"change_id": "CH-1", "authority_code": KENT, "centre_id": "KNT-CC-001", "change_type": "close",
           "consultation_id": "KCC-FSO-2013", "decision_date": "2013-11-28", "implementation_date": "2014-04-01",
           "eqia_date": "2013-10-30", "responses_analysis_before_decision": True}
    row.update(overrides)
    return row


def test_twelve_week_consultation_closed_before_a_later_decision_is_met(rules, typed, kent_consultation):
    data = typed(service_changes=[change()], consultations=[kent_consultation])
    findings = evaluate(rules.select(["CA06-S5D-CONSULTED-CEASE", "GUN-1-FORMATIVE", "GUN-3-TIME"]), data,
                        period="2013Q4")
    for rule_id in ("CA06-S5D-CONSULTED-CEASE", "GUN-1-FORMATIVE", "GUN-3-TIME"):
        assert status(findings, rule_id, "CH-1").status == "met", rule_id
    assert status(findings, "GUN-3-TIME", "CH-1").observed == "84.0 days"


def test_decision_before_the_consultation_closed_is_not_met(rules, typed, kent_consultation):
    data = typed(service_changes=[change(decision_date="2013-09-02")], consultations=[kent_consultation])
    findings = evaluate(rules.select(["CA06-S5D-CONSULTED-CEASE", "GUN-1-FORMATIVE"]), data, period="2013Q3")
    for rule_id in ("CA06-S5D-CONSULTED-CEASE", "GUN-1-FORMATIVE"):
        finding = status(findings, rule_id, "CH-1")
        assert finding.status == "not_met", rule_id
        tables = {item["table"] for item in finding.evidence_list}
        assert tables == {"service_changes", "consultations"}


def test_equality_impact_assessment_after_the_decision_is_not_met(rules, typed, kent_consultation):
    data = typed(service_changes=[change(eqia_date="2013-12-15")], consultations=[kent_consultation])
    finding = status(evaluate(rules.select(["PSED-149"]), data, period="2013Q4"), "PSED-149", "CH-1")
    assert finding.status == "not_met"
    assert "eqia_date=2013-12-15" in finding.observed


def test_equality_impact_assessment_before_the_decision_is_met(rules, typed, kent_consultation):
    data = typed(service_changes=[change()], consultations=[kent_consultation])
    assert status(evaluate(rules.select(["PSED-149"]), data, period="2013Q4"), "PSED-149", "CH-1").status == "met"


def centre(centre_id, **extra):
    row = {"centre_id": centre_id, "centre_name": f"Centre {centre_id}", "authority_code": THURROCK,
           "provider_id": "PRV-1", "designation": "childrens_centre", "status": "open",
           "managing_body": "Example Trust", "la_contract_ref": "CON-1"}
    row.update(extra)
    return row


def services(centre_id, health="provided_on_site"):
    rows = [{"centre_id": centre_id, "service_category": c, "availability": "provided_on_site"}
            for c in ("early_years", "la_social_care", "jcp_employment", "info_advice")]
    return rows + [{"centre_id": centre_id, "service_category": "health", "availability": health}]


def test_a_centre_with_only_signposting_fails_the_definition(rules, typed):
    data = typed(centres=[centre("C1"), centre("C2")],
                 services=services("C1", health="signposting_only") + services("C2"))
    findings = evaluate(rules.select(["CA06-S5A-DEF-SERVICES"]), data, period="2016Q3")
    failing = status(findings, "CA06-S5A-DEF-SERVICES", "C1")
    assert failing.status == "not_met"
    assert status(findings, "CA06-S5A-DEF-SERVICES", "C2").status == "met"
    # the evidence leads back to the row that decided it: the health row, not counted
    unmatched = [e for e in failing.evidence_list if e.get("matched") is False]
    assert unmatched == [{"table": "services", "keys": {"centre_id": "C1", "service_category": "health"},
                          "matched": False}]


def test_missing_tables_give_not_evaluable_never_met(rules, typed):
    data = typed(centres=[centre("C1", advisory_board_id="B1")])
    findings = evaluate(rules.select(["CA06-S5A-DEF-SERVICES", "CA06-S5A-DEF-ACTIVITIES", "CA06-S5C-COVER"]), data,
                        period="2016Q3")
    for finding in findings:
        assert finding.status == "not_evaluable", finding.rule_id
        assert "not supplied" in finding.message


def test_without_any_subject_table_the_rule_says_so(rules, typed):
    findings = evaluate(rules.select(["CA06-S5C-MEMBERS-PARENTS"]), typed(board_members=[]), period="2016Q3")
    assert [f.status for f in findings] == ["not_evaluable"]
    assert "boards" in findings[0].message


def test_unverified_wording_never_reports_not_met(rules, typed):
    data = typed(service_changes=[change(change_type="significant_change", consultation_id=None)], consultations=[])
    finding = status(evaluate(rules.select(["CA06-S5D-CONSULTED-CHANGE"]), data, period="2013Q4"),
                     "CA06-S5D-CONSULTED-CHANGE", "CH-1")
    assert finding.status == "at_risk"
    assert "not yet been read in the published text" in finding.message


def test_parameter_overrides_change_the_result_and_are_recorded(rules, typed):
    thurrock = {"consultation_id": "T1", "authority_code": THURROCK, "title": "Review",
                "open_date": "2016-09-05", "close_date": "2016-10-17"}  # seed 001: six weeks, Sept-Oct 2016
    data = typed(service_changes=[change(consultation_id="T1", authority_code=THURROCK)], consultations=[thurrock])
    default = status(evaluate(rules.select(["GUN-3-TIME"]), data, period="2016Q4"), "GUN-3-TIME", "CH-1")
    stricter = status(evaluate(rules.select(["GUN-3-TIME"]), data, period="2016Q4",
                               parameters={"GUN-3-TIME": {"warn_below_days": 84}}), "GUN-3-TIME", "CH-1")
    assert default.status == "met" and stricter.status == "at_risk"
    assert json.loads(default.parameters) == {"fail_below_days": 0, "warn_below_days": 42}
    assert json.loads(stricter.parameters)["warn_below_days"] == 84


def test_findings_record_data_versions(rules, typed):
    data = typed(centres=[centre("C1")], services=services("C1"))
    given = evaluate(rules.select(["CA06-S5A-DEF-SERVICES"]), data, period="2016Q3",
                     data_versions={"centres": ["SUB-7"], "services": ["SUB-7", "SUB-9"]})
    assert json.loads(given[0].data_versions) == {"centres": ["SUB-7"], "services": ["SUB-7", "SUB-9"]}
    hashed = evaluate(rules.select(["CA06-S5A-DEF-SERVICES"]), data, period="2016Q3")
    versions = json.loads(hashed[0].data_versions)
    assert versions["services"][0].startswith("unversioned:")
    changed = typed(centres=[centre("C1")], services=services("C1", health="advice_and_assistance"))
    rehashed = evaluate(rules.select(["CA06-S5A-DEF-SERVICES"]), changed, period="2016Q3")
    assert json.loads(rehashed[0].data_versions)["services"] != versions["services"]


def test_authority_filter_keeps_one_authority(rules, typed):
    data = typed(centres=[centre("C1"), centre("K1", authority_code=KENT)],
                 services=services("C1") + services("K1"))
    findings = evaluate(rules.select(["CA06-S5A-DEF-SERVICES"]), data, period="2016Q3", authority=KENT)
    assert [f.subject_id for f in findings] == ["K1"]


def test_blank_value_in_applies_when_is_not_evaluable(rules, typed):
    data = typed(centres=[centre("C1", designation=None)], services=services("C1"))
    finding = evaluate(rules.select(["CA06-S5A-DEF-SERVICES"]), data, period="2016Q3")[0]
    assert finding.status == "not_evaluable"


def test_default_period_is_the_latest_quarter_with_sessions(rules, typed):
    data = typed(centres=[centre("C1")],
                 sessions=[{"session_id": "S1", "centre_id": "C1", "date": "2016-08-01", "activity": "Play",
                            "on_site": True, "min_age_months": 0, "attendances": 5}])
    findings = evaluate(rules.select(["CA06-S5A-DEF-ACTIVITIES"]), data)
    assert findings.period == "2016Q3" and findings[0].status == "met"


def test_a_duckdb_connection_holding_the_tables_gives_the_same_findings(rules, typed):
    import duckdb

    data = typed(centres=[centre("C1"), centre("C2")],
                 services=services("C1", health="signposting_only") + services("C2"))
    con = duckdb.connect()
    for name, frame in data.items():
        con.register(f"df_{name}", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "df_{name}"')
    chosen = rules.select(["CA06-S5A-DEF-SERVICES", "CA06-S5A-DEF-MANAGED"])
    from_frames = {(f.rule_id, f.subject_id): f.status for f in evaluate(chosen, data, period="2016Q3")}
    from_con = {(f.rule_id, f.subject_id): f.status for f in evaluate(chosen, con, period="2016Q3")}
    assert from_frames == from_con
    assert from_con[("CA06-S5A-DEF-SERVICES", "C1")] == "not_met"
