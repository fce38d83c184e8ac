"""Provider figures are compared like with like: casework per case, and never flagged on a denominator below
the KPI's minimum (synthetic sample return)."""

from ccassure.kpis.evaluator import run_kpis


def test_a_difference_on_a_denominator_below_the_minimum_is_not_flagged(validated_sample):
    _, tables, versions = validated_sample
    returns = tables["kpi_returns"].copy()
    results = run_kpis(tables, "2016Q4", parameters={}, data_versions=versions)
    small = results.findings[results.findings["message"].str.contains("below the minimum", na=False)]
    assert small.empty  # the sample's own figures agree, so nothing is withheld
    target = (returns["kpi_id"] == "CORE-CASEWORK-N") & (returns["period"] == "2016Q4")
    returns.loc[target, "value"] = returns.loc[target, "value"] + 30
    moved = run_kpis({**tables, "kpi_returns": returns}, "2016Q4", parameters={}, data_versions=versions).findings
    casework = moved[moved["rule_id"] == "KPI-XCHECK-CORE-CASEWORK-N"]
    assert len(casework) and "not_met" not in set(casework["status"])
    assert casework["message"].str.contains("below the minimum of 10").all()


def test_the_same_difference_is_flagged_once_the_authority_lowers_the_minimum(validated_sample):
    _, tables, versions = validated_sample
    returns = tables["kpi_returns"].copy()
    target = (returns["kpi_id"] == "CORE-CASEWORK-N") & (returns["period"] == "2016Q4")
    returns.loc[target, "value"] = returns.loc[target, "value"] + 30
    moved = run_kpis({**tables, "kpi_returns": returns}, "2016Q4",
                     parameters={"CORE-CASEWORK-N": {"min_denominator": 1}}, data_versions=versions).findings
    assert "not_met" in set(moved[moved["rule_id"] == "KPI-XCHECK-CORE-CASEWORK-N"]["status"])
