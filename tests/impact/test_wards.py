"""Figures by electoral ward: the under-fives and families newly beyond reach add up ward by ward, small
counts are hidden (with a second one where the total would give it back), and without ward data the
document says plainly that figures are by reach area and neighbourhood."""

from __future__ import annotations

from pathlib import Path

from world import centre, lsoa, proposal, tables

from ccassure.impact import assess, load_impact, sections
from ccassure.impact.proposal import proposal_from_document


def in_ward(row: dict, code: str | None, name: str | None) -> dict:
    return {**row, "ward_code": code, "ward_name": name}


# A at 403 km and B at 409 km. Closing A leaves X (403 km, 40 under-fives, decile 2) and Y (403.5 km, 3,
# decile 4) 6.0 and 5.5 km from B: both beyond reach. X is in Ashford ward, Y in Brookley; Z (409 km) in
# Ashford keeps B.
WORLD = tables([centre("A", 403000), centre("B", 409000)],
               [in_ward(lsoa("E01000001", 403000, 40, 2), "E05000001", "Ashford"),
                in_ward(lsoa("E01000002", 403500, 3, 4), "E05000002", "Brookley"),
                in_ward(lsoa("E01000003", 409000, 50, 8), "E05000001", "Ashford")])
CLOSE_A = {"name": "Close A", "changes": [{"action": "close", "centre": "A", "from": "2017-10-01"}]}


def run(world=WORLD):
    return assess(proposal_from_document(proposal(CLOSE_A)), data=world, period="2016Q4", parameters={}, judge=False)


def test_under_fives_newly_beyond_reach_are_counted_in_the_ward_they_live_in():
    wards = run().wards.set_index("ward")
    assert wards.loc["Ashford", "under5_newly_beyond"] == 40
    assert wards.loc["Ashford", "lsoas_newly_beyond"] == 1
    assert wards.loc["Brookley", "under5_newly_beyond"] == 3
    assert wards.loc["Brookley", "most_deprived_decile_newly_beyond"] == 4
    assert wards["under5_newly_beyond"].sum() == run().summary.iloc[0]["under5_newly_beyond"]


def test_the_ward_table_hides_a_small_count_and_the_one_that_would_give_it_back():
    table = sections.ward_table(run(), "Close A", min_count=5)
    ashford = next(line for line in table.splitlines() if line.startswith("| Ashford"))
    brookley = next(line for line in table.splitlines() if line.startswith("| Brookley"))
    assert "| 3 |" not in brookley and "| c |" in brookley
    assert "| 40 |" not in ashford  # 43 in the summary less 40 would give the 3 back
    shown = sections.ward_table(run(), "Close A", min_count=0)
    assert "| 40 |" in shown and "| 3 |" in shown


def test_a_ward_known_only_by_its_code_is_shown_by_code():
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [in_ward(lsoa("E01000001", 403000, 40, 2), "E05000001", None),
                    in_ward(lsoa("E01000003", 409000, 50, 8), "E05000001", None)])
    assert run(world).wards["ward"].tolist() == ["E05000001"]


def test_without_ward_data_the_document_says_the_figures_are_by_area_and_neighbourhood():
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 40, 2), lsoa("E01000003", 409000, 50, 8)])
    result = run(world)
    assert result.wards.empty or set(result.wards["ward"]) == {"Ward not known"}
    assert "name no electoral wards" in sections.ward_table(result, "Close A")
    assert "Ward" not in sections.worst_areas(result, "Close A").split("\n\n")[-1].splitlines()[0]


def test_wards_travel_through_the_results_folder(tmp_path: Path):
    again = load_impact(run().write(tmp_path / "impact"))
    assert again.wards.set_index("ward").loc["Ashford", "under5_newly_beyond"] == 40
    assert "| Ashford |" in sections.ward_table(again, "Close A", min_count=0)
    assert "Ashford" in sections.worst_areas(again, "Close A", min_count=0)
