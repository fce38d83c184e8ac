"""On the synthetic sample return, each KPI value can be reproduced by hand from the rows it names, and a
provider figure that disagrees with the data is flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from ccassure.kpis import run_kpis


@pytest.fixture(scope="module")
def sample(validated_sample):
    return validated_sample


@pytest.fixture(scope="module")
def results(sample):
    _, tables, versions = sample
    return run_kpis(tables, "2016Q4", parameters={}, data_versions=versions)


def busiest_centre(tables) -> str:
    return tables["registrations"]["centre_id"].value_counts().index[0]


def test_sustained_engagement_reproduced_by_hand(sample, results):
    _, tables, _ = sample
    centre = busiest_centre(tables)
    regs = tables["registrations"]
    # target-group families with a child registered by 2016-12-31 and under five on 2016-10-01
    month = regs["birth_month"].str[:4].astype(int) * 12 + regs["birth_month"].str[5:7].astype(int)
    age = (2016 * 12 + 10) - month
    mine = regs[(regs["centre_id"] == centre) & regs["target_group"].fillna(False)
                & (regs["registration_date"] <= "2016-12-31") & (age >= 0) & (age < 60)]
    families = set(mine["family_ref"])
    # at least 3 contacts (any centre) in calendar 2016, the 12 months to the quarter end
    contacts = tables["contacts"]
    in_year = contacts[(contacts["date"] >= "2016-01-01") & (contacts["date"] <= "2016-12-31")]
    counts = in_year.groupby("family_ref").size()
    engaged = {f for f in families if counts.get(f, 0) >= 3}
    row = results.get("CORE-SUSTAINED-TG", centre, "2016Q4", "quarter")
    assert (row["numerator"], row["denominator"]) == (len(engaged), len(families))
    assert row["value"] == pytest.approx(100 * len(engaged) / len(families))


def test_reach_reproduced_by_hand(sample, results):
    folder, tables, _ = sample
    centre = busiest_centre(tables)
    regs = tables["registrations"]
    month = regs["birth_month"].str[:4].astype(int) * 12 + regs["birth_month"].str[5:7].astype(int)
    age = (2016 * 12 + 12) - month
    registered = int(((regs["centre_id"] == centre) & (regs["registration_date"] <= "2016-12-31")
                      & (age >= 0) & (age < 60)).sum())
    reach = pd.read_csv(folder / "authority_records" / "reach_areas.csv", dtype=str)
    lsoas = set(reach.loc[reach["centre_id"] == centre, "lsoa_code"])
    population = tables["lsoa_population"]
    under5 = int(population[(population["year"] == 2016) & population["lsoa_code"].isin(lsoas)]["under5"].sum())
    row = results.get("CORE-REG-U5", centre, "2016Q4", "quarter")
    assert (row["numerator"], row["denominator"]) == (registered, under5)


def test_the_providers_own_figures_agree_with_the_records(results):
    checked = results.findings[results.findings["period"] == "2016Q4"]
    assert len(checked) > 0
    assert set(checked["status"]) == {"met"}


def test_a_provider_figure_that_disagrees_with_the_data_is_flagged(sample):
    _, tables, versions = sample
    returns = tables["kpi_returns"].copy()
    target = (returns["kpi_id"] == "CORE-REG-U5") & (returns["period"] == "2016Q4")
    first = returns.index[target][0]
    subject = returns.loc[first, "subject_id"]
    returns.loc[first, "value"] = returns.loc[first, "value"] + 14
    results = run_kpis({**tables, "kpi_returns": returns}, "2016Q4", parameters={}, data_versions=versions)
    flagged = results.findings[results.findings["status"] == "not_met"]
    assert flagged[["rule_id", "subject_id"]].values.tolist() == [["KPI-XCHECK-CORE-REG-U5", subject]]


def test_every_result_records_versions_parameters_and_the_exact_columns(results):
    from ccassure.kpis.model import RESULT_COLUMNS

    frame = results.frame
    assert tuple(frame.columns) == RESULT_COLUMNS
    assert set(frame["rag"]) <= {"green", "amber", "red", "not_evaluable"}
    assert set(frame["subject_type"]) == {"centre", "cluster", "provider", "authority"}
    assert frame["parameters"].str.startswith("{").all() and frame["data_versions"].str.contains("registrations").any()


def test_results_are_written_formula_safe_and_escaped(results, tmp_path):
    evil = results.frame.head(1).copy()
    evil["subject_name"] = "=HYPERLINK(\"http://x\")<script>"
    from ccassure.kpis.results import KpiResults

    written = KpiResults(evil, results.findings, "2016Q4")
    written.write(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {"kpi_results.parquet", "kpi_results.csv", "kpi_results.json",
                                                     "kpi_findings.parquet", "kpi_findings.csv", "kpi_findings.json"}
    assert "'=HYPERLINK" in (tmp_path / "kpi_results.csv").read_text(encoding="utf-8")
    assert pd.read_parquet(tmp_path / "kpi_results.parquet")["subject_name"][0].startswith("=HYPERLINK")
    html = KpiResults(evil.assign(subject_id="<b>x</b>"), results.findings, "2016Q4")._repr_html_()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
