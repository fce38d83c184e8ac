"""The centre evidence pack: everything an inspection-prep team needs about one centre, with no gap left out."""

from __future__ import annotations

import pytest

from ccassure.reports import evidence
from ccassure.reports.format import text

CENTRES = ["OAK-CC-01", "OAK-LS-01", "OAK-CC-02"]


def board_of(results, centre):
    return evidence.manifest_centre(results, centre).get("board_id")


@pytest.mark.parametrize("centre", CENTRES)
def test_every_board_gap_and_every_not_met_finding_of_the_centre_is_in_its_pack(results, centre):
    pack = evidence.pack_markdown(results, centre)
    f = results.findings
    latest = max(results.periods())
    board = board_of(results, centre)
    own_not_met = f[(f["subject_id"] == centre) & (f["status"] == "not_met")]
    board_gaps = f[(f["subject_type"] == "board") & (f["subject_id"] == board)
                   & f["status"].isin(["not_met", "at_risk", "not_evaluable"])] if board else f.iloc[0:0]
    expected = list(own_not_met.itertuples()) + list(board_gaps.itertuples())
    if centre != "OAK-CC-02":
        assert board_gaps.shape[0] > 0  # the fixture's board has no parent member: the case must be exercised
    for row in expected:
        assert text(row.title) in pack, row.rule_id
        if row.period == latest:
            assert text(evidence.finding_words(row.message)) in pack, (row.rule_id, row.period)


def test_a_centre_with_no_board_shows_board_duties_as_gaps_never_as_not_applying(results):
    pack = evidence.pack_markdown(results, "OAK-CC-02")
    gaps = evidence.gaps_summary(evidence.load_pack(results, "OAK-CC-02"))
    assert "The advisory board includes someone representing parents" in gaps
    assert "No advisory board" in gaps
    assert "not a duty that does not apply" in pack
    assert "Not applicable" not in pack and "does not apply\n" not in pack


def test_page_one_names_the_centre_provider_linked_sites_and_board(results):
    page_one = evidence.profile(evidence.load_pack(results, "OAK-CC-01"))
    for words in ("Acorn Lane Children's Centre", "Oakfield Children's Charity", "Birch Library",
                  "North advisory board", "Oakshire County Council"):
        assert text(words) in page_one
    assert "PRV-OAK" not in page_one and "OAK-BRD-01" not in page_one


def test_gaps_summary_lists_not_met_at_risk_and_not_evaluable_with_what_is_missing(results):
    gaps = evidence.gaps_summary(evidence.load_pack(results, "OAK-CC-01"))
    assert "✖ Not met" in gaps and "▲ At risk" in gaps and "? Not evaluable" in gaps
    assert "a sheet this duty needs was not supplied" in gaps
    assert gaps.index("✖ Not met") < gaps.index("▲ At risk") < gaps.index("? Not evaluable")


def test_evidence_counts_are_exact_and_samples_are_labelled(results):
    pack = evidence.pack_markdown(results, "OAK-CC-01")
    assert "33 matching rows in the Sessions sheet" in pack
    assert f"showing {evidence.EVIDENCE_SHOWN} of 33 matching rows" in pack
    assert "and 1 more" not in pack


def test_duties_are_placed_by_their_declared_area(results):
    pack = evidence.pack_markdown(results, "OAK-CC-01")
    access = pack.index("## Access to services")
    quality = pack.index("## The quality of practice")
    leadership = pack.index("## The effectiveness of leadership")
    assert access < pack.index("#### Activities for young children") < quality
    assert quality < pack.index("#### Families on casework are seen regularly") < leadership
    assert leadership < pack.index("#### The advisory board includes someone representing parents")
    assert "keywords" not in pack


def test_kpis_sit_beside_the_authority_figure_target_and_england(results):
    pack = evidence.pack_markdown(results, "OAK-CC-01")
    row = next(line for line in pack.splitlines() if line.startswith("| Under-fives in the reach area"))
    assert "55.0%" in row and "71.5%" in row and "68.0%" in row and "80.0%" in row and "Red" in row
    assert "85.0% (centre's own target)" in pack


def test_small_counts_of_people_are_suppressed(results):
    pack = evidence.pack_markdown(results, "OAK-CC-02", min_count=5)
    row = next(line for line in pack.splitlines() if line.startswith("| Under-fives in the reach area"))
    assert "3 of 4" not in row and "82.0%" not in row and "c of c" in row
    assert "82.0%" in evidence.pack_markdown(results, "OAK-CC-02", min_count=0)


def test_self_evaluation_is_shown_beside_the_evidence_and_disagreement_is_highlighted(results):
    pack = evidence.pack_markdown(results, "OAK-CC-01")
    leadership = pack[pack.index("## The effectiveness of leadership"):]
    assert "graded this area **Outstanding**" in leadership
    assert "Self-grade and evidence disagree" in leadership
    assert "differs from the provider's own grade" in leadership
    assert "Our board is strong and parents lead it." in leadership


def test_a_self_grade_the_evidence_supports_is_not_flagged(results):
    pack = evidence.load_pack(results, "OAK-CC-02")
    assert "disagree" not in evidence.self_evaluation(pack, "access")  # none supplied for this area


def test_last_inspection_grade_date_and_action_statement(results):
    text_ = evidence.inspections(evidence.load_pack(results, "OAK-CC-01"))
    assert "9 June 2014" in text_ and "Requires improvement" in text_
    assert "sets no timescales" in text_ and "▲ At risk" in text_
    assert "5 March 2012: Good" in text_


def test_evidence_about_families_is_counted_but_never_listed():
    rows = [{"table": "registrations", "key": {"child_ref": f"K{i}"}, "matched": True,
             "row": {"child_ref": f"K{i}", "family_ref": f"F{i}"}} for i in range(3)]
    shown = evidence.evidence_block(rows, 3, min_count=5)
    assert "K0" not in shown and "F0" not in shown and "3 matching" not in shown
    assert "not listed" in evidence.evidence_block(rows, 30, min_count=5)


def test_changes_to_the_centre_are_in_its_pack_and_changes_to_others_are_not(results):
    acorn = evidence.pack_markdown(results, "OAK-CC-01")
    cedar = evidence.pack_markdown(results, "OAK-CC-02")
    assert "five weeks" in acorn and "five weeks" not in cedar  # linked by the service changes record
    assert "decided before the consultation closed" in cedar  # linked by the evidence row
    assert "decided before the consultation closed" not in acorn


def test_the_authoritys_agreed_action_sits_beside_the_gap(results):
    gaps = evidence.gaps_summary(evidence.load_pack(results, "OAK-CC-01"))
    row = next(line for line in gaps.splitlines() if "representing the parent interest" in line)
    assert "Recruit two parent members." in row and "due 31 March 2017" in row and "in progress" in row


def test_when_every_evidence_row_is_present_each_table_is_counted():
    rows = [{"table": "centres", "key": {}, "matched": True, "row": {"centre_id": "C1"}}]
    rows += [{"table": "sessions", "key": {}, "matched": True, "row": {"session_id": f"S{i}"}} for i in range(5)]
    assert "(1 in the Centres sheet, 5 in the Sessions sheet)" in evidence.evidence_block(rows, 6)


def test_year_to_date_and_rolling_measures_are_in_the_pack_with_their_window(results):
    pack = evidence.pack_markdown(results, "OAK-CC-01")
    row = next(line for line in pack.splitlines() if line.startswith("| Closed cases with an improved Family Star"))
    assert "(12 months to date)" in row.replace("\\", "") and "75.0%" in row


def test_the_centres_own_reported_figures_are_checked_in_the_pack_by_measure_name(results):
    from ccassure.reports.results import Results

    check = results.findings.iloc[[0]].assign(
        rule_id="KPI-XCHECK-K-REACH", title="Provider-reported under-fives in the reach area registered agrees with "
        "the data", subject_type="centre", subject_id="OAK-CC-01", status="not_met", period="2016Q4",
        message="Acorn Lane reported K-REACH = 91.6 for 2016Q4, but the return's records give 77.6.")
    with_check = Results(**{**{f: getattr(results, f) for f in ("directory", "findings", "kpis", "validations",
                                                                  "manifest", "records")}, "kpi_findings": check})
    pack = evidence.pack_markdown(with_check, "OAK-CC-01")
    assert "Provider-reported under-fives in the reach area registered agrees with the data" in pack
    assert "K-REACH" not in pack
