"""The authority report, read as a councillor reads it: page one names who is failing what.

Built on the format-2 fixture (tests/reports/format2.py), whose planted problems mirror the defects
found in the first demo: a provider Red behind an authority Green, duplicated frameworks, dropped
windows, lumped "not evaluable", small numbers given back by rates, internal notes, a wrong provider
count, shares that included "not applicable", a matrix without board duties, Red KPIs not in exceptions.
"""

import re

import pytest

from ccassure.reports.authority_report import AuthorityReport
from ccassure.reports.leaks import scan
from ccassure.reports.results import load_results

from .format2 import AUTHORITY, make_format2


def unescaped(markdown: str) -> str:
    """The words a reader sees: Markdown backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return AuthorityReport(load_results(make_format2(tmp_path_factory.mktemp("f2"))), AUTHORITY)


def page_one(report) -> str:
    return "\n".join([report.member_summary(), report.headline_markdown(), report.exceptions(), report.red_kpis()])


def test_member_summary_says_who_when_and_as_at(report):
    summary = report.member_summary()
    assert "Synthshire Council" in summary and "January to March 2017" in summary
    assert "30 November 2026" in summary and "2 December 2026" in summary
    assert "run by 2 providers" in summary  # the authority's own records are not a provider


def test_a_red_provider_behind_a_green_authority_is_on_page_one(report):
    headlines = report.headline_markdown()
    assert "Larkspur Trust is off target (Red)" in headlines
    assert "Larkspur Trust 48.8%" in unescaped(report.red_kpis())
    assert "Larkspur Trust (provider)" in report.red_kpis_by_place()


def _rows(table: str) -> list[list[str]]:
    lines = [ln for ln in table.splitlines() if ln.startswith("| ")][1:]
    return [[c.strip() for c in ln.strip("| ").split(" | ")] for ln in lines]


def test_page_one_groups_red_figures_by_measure_and_the_appendix_keeps_every_one(report):
    grouped, every = report.red_kpis(), report.red_kpis_by_place()
    red = report.latest_kpis[report.latest_kpis["rag"] == "red"]
    assert len(_rows(grouped)) == red.groupby(["kpi_id", "window"]).ngroups < len(red)
    assert f"{len(red)} figures in all" in grouped
    assert len(_rows(every)) == len(red)  # no figure lost: one appendix row per Red figure
    star = next(r for r in _rows(grouped) if r[0].startswith("Closed cases"))
    assert star[3] == "1 of 2 providers; 1 of 2 clusters; 1 of 4 centres"  # how widespread, by level
    assert "Larkspur Trust" in star[4] and "Lark Rise Children" in star[5]


def test_a_withheld_figure_is_named_last_among_the_furthest_off_target(report):
    places = [r for r in report._latest_kpi_rows if r.rag == "red" and r.kpi_id == "K-STAR"]
    ordered = report._furthest_off(places)
    assert not all(r.value_shown for r in places)  # the fixture withholds one of them
    assert [bool(r.value_shown) for r in ordered] == sorted((bool(r.value_shown) for r in places), reverse=True)


def test_headlines_are_three_to_six_worst_first(report):
    lines = report.headlines()
    assert 3 <= len(lines) <= 6
    assert "not met" in lines[0]


def test_exceptions_name_places_and_carry_actions(report):
    exceptions = unescaped(report.exceptions())
    assert "Orchard End Children's Centre (Oakfield Partnership)" in exceptions
    assert "Head of Early Help" in exceptions and "30 June 2017" in exceptions and "In progress" in exceptions
    assert "Southern Advisory Board" in exceptions and "October to December 2016" in exceptions  # since when
    assert "Close Linnet Lane" in exceptions


def test_internal_notes_and_column_values_do_not_reach_the_page(report):
    text = unescaped(page_one(report) + report.subject_duties("authority") + report.subject_duties("change"))
    assert "statute.md" not in text and "[R]" not in text and "close_date" not in text
    assert not scan(text, forbidden=["PRV-LARK", "PRV-OAK"]), scan(text)


def test_only_the_chosen_framework_is_shown(report):
    assert "X-REG" not in set(report.kpis["kpi_id"])


def test_every_window_appears_with_its_name(report):
    dashboard = report.kpi_dashboard()
    assert "| year to date |" in dashboard and "| 12 months to date |" in dashboard and "| quarter |" in dashboard


def test_not_rated_says_why(report):
    dashboard = report.kpi_dashboard()
    assert "No target set" in dashboard and "No data" in dashboard
    assert "Too few to rate (fewer than 10)" in report.kpi_matrix("provider") + report.provider_scorecards()


def test_units_direction_and_change_in_points(report):
    dashboard = report.kpi_dashboard()
    assert "(lower is better)" in dashboard and "points" in dashboard and "+1.0 pp" in dashboard


def test_small_numbers_are_not_given_back_by_rates(report):
    k = report.kpis
    star = k[(k["subject_id"] == "L1") & (k["kpi_id"] == "K-STAR") & (k["period"] == "2017Q1")].iloc[0]
    assert star["numerator_text"] == "c" and not star["value_shown"]
    # the sibling is hidden too, so Larkspur's total cannot give L1's count back
    sibling = k[(k["subject_id"] == "L2") & (k["kpi_id"] == "K-STAR") & (k["period"] == "2017Q1")].iloc[0]
    assert sibling["numerator_text"] == "c"
    assert "16.7%" not in report.red_kpis() + report.kpi_matrix("cluster")


def test_duty_shares_leave_out_what_does_not_apply(report):
    judged = report.latest[report.latest["status"] != "not_applicable"]
    met = int((judged["status"] == "met").sum())
    assert f"Of {len(judged)} duty checks that apply in January to March 2017, {met}" in report.headline_markdown()


def test_board_change_and_authority_duties_have_their_own_tables(report):
    assert "Southern Advisory Board" in report.subject_duties("board")
    assert "Close Linnet Lane" in report.subject_duties("change")
    matrix = unescaped(report.centre_matrix())
    assert "Orchard End Children's Centre" in matrix and "✖" in matrix


def test_centre_targets_and_comparators_are_shown_as_such(report):
    matrix = unescaped(report.kpi_matrix("centre", provider="PRV-OAK"))
    registered = next(line for line in matrix.splitlines() if line.startswith("| Under-fives"))
    # the Target column is the framework's, for every centre; a centre's own target is shown in its own cell
    assert "(own target 98.0%)" in registered and "centre's own target" not in registered
    assert registered.count("own target") == 1
    assert "Oak Hollow Children's Centre" in unescaped(report.centre_targets())
    assert "| England |" in report.kpi_dashboard().replace("England |", "England |")
    assert "69.3%" in report.kpi_dashboard()


def test_every_kpi_is_charted_or_listed_with_a_reason(report):
    charted = set(report.chart_frame()["kpi_id"].str.split("|").str[0])
    listed = report.not_charted()
    for kpi_id, title in {r.kpi_id: r.title for r in report.kpis.itertuples()}.items():
        assert kpi_id in charted or title in listed, kpi_id
    assert "No data" in listed


def test_a_headline_says_the_duty_failed_not_what_the_duty_asks(report):
    failing = [line for line in report.headlines() if "not met**" in line or "at risk**" in line]
    assert failing
    for line in failing:
        assert " does not meet “" in line or " is at risk on “" in line, line


def test_a_proposed_change_is_an_exception_since_its_decision_not_the_first_quarter_checked(report):
    exceptions = unescaped(report.exceptions())
    row = next(line for line in exceptions.splitlines() if "Close Linnet Lane" in line)
    assert "July to September 2016 (decided 16 August 2016)" in row
    assert "first quarter checked" not in row


def test_every_measure_off_target_is_in_the_exceptions_table_with_its_action_columns(report):
    exceptions = unescaped(report.exceptions())
    header = exceptions.splitlines()[2]
    assert "Owner; due date; progress" in header
    red = {(r.kpi_id, r.window) for r in report.latest_kpis.itertuples() if r.rag == "red"}
    assert red, "the synthetic results have measures off target"
    red_rows = [line for line in exceptions.splitlines() if "▼ Red:" in line]
    assert len(red_rows) == len(red)
    board_row = next(line for line in exceptions.splitlines() if "Orchard End" in line and "board" in line.lower())
    assert "Head of Early Help; due 30 June 2017; In progress" in board_row


def test_each_cluster_has_a_scorecard_of_its_centres_duties_and_measures(report):
    cards = unescaped(report.cluster_scorecards())
    assert "### South cluster" in cards
    south = cards.split("### South cluster", 1)[1].split("###", 1)[0]
    assert "Oak Hollow Children's Centre (Oakfield Partnership)" in south
    assert "Orchard End Children's Centre" in south and "✖ Not met" in south  # the board duty at Orchard End
    assert "| Measure | Period | Value | Target | Rating |" in south


def test_the_leak_scanner_reports_a_markdown_escape_shown_on_the_page():
    from ccassure.reports.leaks import scan

    assert [leak.kind for leak in scan("at Ellery Quay Children\\'s Centre")] == ["escape shown"]
    assert scan("at Ellery Quay Children's Centre") == []
