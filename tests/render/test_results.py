"""Loading results for reports, tolerant of missing optional files; sections format, never judge."""

import pytest

from ccassure.reports import contents, inspection_area, load_results, sections

from .synthetic_results import make_results


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    return make_results(tmp_path_factory.mktemp("results"), authorities=2, centres_per_authority=2)


def test_load_results(results_dir):
    results = load_results(results_dir)
    assert results.authorities() == ["E90000000", "E90000001"]
    assert results.authority_name("E90000000") == "Synthshire 1 (synthetic)"
    assert len(results.centres("E90000000")) == 2
    assert results.has_kpis and results.synthetic is True
    assert [v["provider"] for v in results.validations] == ["PROV-001", "PROV-002"]
    assert load_results(results_dir) is results  # cached for the warm kernel


def test_missing_kpi_file_gives_a_message_not_a_crash(tmp_path):
    directory = make_results(tmp_path, authorities=1, centres_per_authority=1, with_kpis=False)
    results = load_results(directory)
    assert not results.has_kpis
    assert "No KPI results" in sections.kpi_table(results, "E90000000")


def test_missing_directory_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="ccassure check"):
        load_results(tmp_path / "nope")


def test_sections_count_what_the_findings_say(results_dir):
    results = load_results(results_dir)
    code = "E90000000"
    latest = results.findings_for(code, period=results.latest_period())
    headline = sections.headline(results, code)
    met = int((latest["status"] == "met").sum())
    assert f"{met} of {int((latest['status'] != 'not_applicable').sum())} duty checks were met" in headline
    exceptions = sections.exceptions(results, code)
    problems = int(latest["status"].isin(["not_met", "at_risk", "not_evaluable"]).sum())
    assert exceptions.count("\n| ") == problems + 1  # header + one row per exception
    assert "<Centre>" not in sections.compliance_matrix(results, code)
    assert "&lt;Centre&gt;" in sections.compliance_matrix(results, code)


def test_kpi_numerators_below_minimum_are_suppressed(tmp_path):
    import pandas as pd

    directory = make_results(tmp_path, authorities=1, centres_per_authority=1)
    kpis = pd.read_parquet(directory / "kpi_results.parquet")
    kpis["numerator"], kpis["denominator"] = 3, 4
    kpis.to_parquet(directory / "kpi_results.parquet")
    results = load_results(directory)
    table = sections.kpi_table(results, "E90000000", min_count=5)
    assert "| <5 | <5 |" in table
    assert "| 3 |" not in table
    assert "| 3 | 4 |" in sections.kpi_table(results, "E90000000", min_count=0)


def test_inspection_area_is_the_declared_one_never_guessed():
    assert inspection_area({"areas": ["quality", "leadership"]}) == "quality"
    assert inspection_area({"id": "CA06-S5C-ACTIVE", "title": "The advisory board meets regularly"}) is None
    assert inspection_area(None) is None


def test_synthetic_notice_decision():
    from types import SimpleNamespace

    from ccassure.cli.render_cmd import project_is_demo

    assert project_is_demo(SimpleNamespace(settings={"name": "ccassure-demo"}))
    assert not project_is_demo(SimpleNamespace(settings={"name": "northshire-assurance"}))
    assert not project_is_demo(SimpleNamespace(settings={"name": "x-demo", "synthetic": False}))


def test_links_follow_the_formats_rendered(results_dir):
    results = load_results(results_dir)
    html_only = contents.index(results, ["html"]) + sections.centre_links(results, "E90000000", ["html"])
    assert "authority-E90000000.html" in html_only and "centre-C00101.html" in html_only
    assert ".pdf" not in html_only
