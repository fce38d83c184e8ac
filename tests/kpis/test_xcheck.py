"""Provider-reported figures (kpi_returns) are checked against the value recomputed from the records."""

from __future__ import annotations

import json

import pytest

from tests.kpis.helpers import EXAMPLE, framework, run, tables

KPIS = """\
- id: T-SHARE
  version: 3
  title: Home visits among contacts
  basis: {source: "tests (statute.md §5)", policy_choice: true}
  unit: percent
  direction: higher
  areas: [access]
  windows: [quarter, ytd]
  target: 50
  numerator: {table: contacts, dated: date, where: "contact_type = 'home_visit'"}
  denominator: {table: contacts, dated: date}
""" + EXAMPLE


@pytest.fixture(scope="module")
def frameworks(tmp_path_factory):
    return framework(tmp_path_factory.mktemp("xcheck"), KPIS)


def data(returns):
    # 2016Q4 at C1: 1 home visit of 4 contacts = 25%.
    contacts = [("2016-10-03", "home_visit"), ("2016-11-03", "session"), ("2016-12-03", "session"),
                ("2016-12-20", "phone"), ("2017-02-01", "home_visit"), ("2016-09-01", "home_visit")]
    return tables(
        centres=[{"centre_id": "C1", "centre_name": "Riverside"}],
        contacts=[{"contact_id": f"T{i}", "family_ref": "F001", "centre_id": "C1", "date": d, "contact_type": t}
                  for i, (d, t) in enumerate(contacts)],
        kpi_returns=[{"kpi_id": k, "subject_id": s, "period": p, "value": v} for k, s, p, v in returns],
    )


def findings(frameworks, returns, period="2016Q4"):
    out = run(frameworks, data(returns), period).findings
    return {(r["rule_id"], r["period"]): r for r in out.to_dict(orient="records")}


def test_a_figure_within_the_tolerance_is_met(frameworks):
    found = findings(frameworks, [("T-SHARE", "C1", "2016Q4", 26.5)])  # 25 recomputed, tolerance 2
    row = found[("KPI-XCHECK-T-SHARE", "2016Q4")]
    assert row["status"] == "met"


def test_a_figure_beyond_the_tolerance_is_flagged_not_met(frameworks):
    found = findings(frameworks, [("T-SHARE", "C1", "2016Q4", 39.0)])  # 14 points above 25
    row = found[("KPI-XCHECK-T-SHARE", "2016Q4")]
    assert row["status"] == "not_met"
    assert row["severity"] == "not_met"
    assert row["rule_version"] == 3
    assert (row["subject_type"], row["subject_id"], row["subject_name"]) == ("centre", "C1", "Riverside")
    assert row["observed"] == "39"
    assert "25" in row["threshold"] and "2" in row["threshold"]
    assert "1 of 4" in row["message"] and "14" in row["message"]
    evidence = json.loads(row["evidence"])
    assert {"table": "kpi_returns", "keys": {"kpi_id": "T-SHARE", "subject_id": "C1", "period": "2016Q4"}} in evidence
    assert json.loads(row["parameters"]) == {"tolerance": 2.0}
    assert row["citation"] == "tests (statute.md §5)"


def test_the_tolerance_is_a_parameter_the_authority_sets(frameworks):
    out = run(frameworks, data([("T-SHARE", "C1", "2016Q4", 39.0)]), "2016Q4",
              parameters={"T": {"tolerance": 15}}).findings
    assert out["status"].tolist() == ["met"]


def test_a_financial_year_figure_is_compared_with_the_year_to_date(frameworks):
    # FY 2016-17 run: the year to date at 2017Q1 holds all six contacts (2016-09-01 is in FY 2016-17 too):
    # home visits 09-01, 10-03, 02-01 = 3 of 6 = 50%
    found = findings(frameworks, [("T-SHARE", "C1", "2016-17", 50.0), ("T-SHARE", "C1", "2016Q4", 25.0)],
                     period="2016-17")
    assert found[("KPI-XCHECK-T-SHARE", "2016-17")]["status"] == "met"
    assert found[("KPI-XCHECK-T-SHARE", "2016Q4")]["status"] == "met"


def test_an_unknown_kpi_id_cannot_be_checked(frameworks):
    found = findings(frameworks, [("T-NOPE", "C1", "2016Q4", 10.0)])
    assert found[("KPI-XCHECK-T-NOPE", "2016Q4")]["status"] == "not_evaluable"


def test_figures_for_other_periods_are_left_for_their_own_run(frameworks):
    assert findings(frameworks, [("T-SHARE", "C1", "2016Q3", 99.0)]) == {}


def test_cross_check_findings_convert_to_the_rules_engine_findings(frameworks):
    results = run(frameworks, data([("T-SHARE", "C1", "2016Q4", 39.0)]), "2016Q4")
    converted = results.as_findings()
    assert [f.status for f in converted] == ["not_met"]
    assert list(converted.to_frame().columns) == list(results.findings.columns)
