"""The results folder round-trips, the document's sections are plain English with small numbers suppressed,
and the notebook display escapes what it shows."""

from __future__ import annotations

from pathlib import Path

from world import centre, lsoa, proposal, tables

from ccassure.impact import assess, load_impact, mapsvg, sections
from ccassure.impact.proposal import proposal_from_document

REGS = [{"child_ref": f"K{i}", "family_ref": f"F{i}", "centre_id": "A", "lsoa_code": "E01000001",
         "birth_month": "2015-03", "target_group": True} for i in range(3)]
WORLD = tables([centre("A", 403000), centre("B", 409000)],
               [lsoa("E01000001", 403000, 3, 2), lsoa("E01000002", 409000, 50, 8)], registrations=REGS)
SCENARIOS = ({"name": "Close <A>", "changes": [{"action": "close", "centre": "A", "from": "2017-10-01"}],
              "assumptions": [{"kind": "outreach", "replaces": "A", "description": "Weekly sessions in the library"}]},
             {"name": "Keep", "changes": [{"action": "reduce", "centre": "B", "from": "2017-10-01",
                                          "hours_before": 40, "hours_after": 30}]})


def result():
    return assess(proposal_from_document(proposal(*SCENARIOS)), data=WORLD, period="2016Q4", parameters={})


def test_the_results_folder_reads_back_the_same_figures(tmp_path: Path):
    original = result()
    folder = original.write(tmp_path / "impact")
    again = load_impact(folder)
    assert again.scenarios == ["Close <A>", "Keep"]
    assert again.summary["under5_newly_beyond"].tolist() == original.summary["under5_newly_beyond"].tolist()
    assert len(again.judgements) == len(original.judgements) and len(again.checklist) == len(original.checklist)
    assert (folder / "summary.csv").is_file()


def test_counts_of_fewer_than_five_people_are_suppressed_in_the_document():
    table = sections.side_by_side(result(), min_count=5)
    assert "| c |" in table  # three under-fives, three registered children, three families lose reach
    assert "| 3 |" not in table
    assert "| 3 |" in sections.side_by_side(result(), min_count=0)


def test_the_document_names_things_in_words_not_codes_or_columns():
    r = result()
    text = "\n".join([sections.introduction(r), sections.headlines(r), sections.side_by_side(r),
                      sections.rule_judgements(r), sections.checklist(r), sections.scenario_list(r),
                      sections.losses_table(r, "Close <A>")])
    for code in ("under5_newly_beyond", "CA06-S5A", "GUN-3", "PSED-149", "imd_decile", "not_met", "statute.md"):
        assert code not in text
    assert "A Children\\'s Centre" in text  # named, and escaped once (quotes stay straight in both renderers)
    assert "\\\\" not in text  # never escaped twice
    assert "Weekly sessions in the library" in text
    assert "&lt;A&gt;" in text or "\\<A\\>" in text  # scenario names are escaped, never raw markup


def test_the_map_rings_each_neighbourhood_newly_beyond_reach():
    r = result()
    svg = mapsvg.scenario_map(r.points, r.centres, r.lsoas, r.losses, "Close <A>", 3000)
    assert svg.count('stroke="#D55E00" stroke-width="2.6"/>') == 1 + 1  # one neighbourhood, plus the legend
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "Close &lt;A&gt;" in svg


def test_the_notebook_view_escapes_scenario_names():
    html = result()._repr_html_()
    assert "Close &lt;A&gt;" in html and "<A>" not in html


def test_a_small_decile_count_cannot_be_worked_out_from_the_total():
    regs = []
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 3, 2), lsoa("E01000002", 403500, 40, 5),
                    lsoa("E01000003", 409000, 50, 8)], registrations=regs or None)
    r = assess(proposal_from_document(proposal(SCENARIOS[0])), data=world, period="2016Q4", parameters={})
    table = sections.deciles_table(r, "Close <A>", min_count=5)
    decile_2 = next(line for line in table.splitlines() if line.startswith("| 2 "))
    decile_5 = next(line for line in table.splitlines() if line.startswith("| 5 "))
    assert "| c |" in decile_2  # 3 under-fives: hidden
    assert "| c |" in decile_5  # 40 would give back the 3 from the total of 43 shown in the summary: hidden too
    assert "| 40 |" not in decile_5
    svg = mapsvg.decile_chart(r.deciles, r.scenarios, 5)
    assert ">40<" not in svg and ">3<" not in svg
