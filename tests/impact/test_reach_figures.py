"""The reach figures of an impact assessment, proved against small cases worked out by hand.

Every world puts centres and neighbourhoods on one east-west line (northing 200000), so each distance is
a difference of eastings. The reach distance is the reach rules' default, 3,000 m.
"""

from __future__ import annotations

import pytest
from world import centre, lsoa, proposal, tables

from ccassure.impact import assess
from ccassure.impact.proposal import proposal_from_document

NO_OVERRIDES: dict = {}


def run(world, *scenarios, parameters=NO_OVERRIDES, judge=False):
    return assess(proposal_from_document(proposal(*scenarios)), data=world, period="2016Q4",
                  parameters=parameters, judge=judge)


def close(*ids, name=None):
    return {"name": name or "close " + " and ".join(ids),
            "changes": [{"action": "close", "centre": i, "from": "2017-04-01"} for i in ids]}


def row(result, scenario):
    return result.summary.set_index("scenario").loc[scenario]


# A at 403 km, B at 407.5 km, C far away at 420 km. Neighbourhood X (deprived, 120 under-fives) at 405 km is
# 2.0 km from A and 2.5 km from B; Y (affluent, 60) at 403.5 km is 0.5 km from A and 4.0 km from B.
PAIR = tables([centre("A", 403000), centre("B", 407500), centre("C", 420000)],
              [lsoa("E01000001", 405000, 120, 2), lsoa("E01000002", 403500, 60, 9)])


def test_two_closures_together_strand_a_neighbourhood_that_neither_strands_alone():
    result = run(PAIR, close("A"), close("B"), close("A", "B"))
    # closing A: X keeps B at 2.5 km; Y's nearest becomes B at 4.0 km (beyond 3 km)
    assert row(result, "close A")["under5_newly_beyond"] == 60
    # closing B: X and Y keep A
    assert row(result, "close B")["under5_newly_beyond"] == 0
    # closing both: X's nearest is C at 15 km and Y's is C at 16.5 km: both stranded
    both = row(result, "close A and B")
    assert both["under5_newly_beyond"] == 180
    assert both["deprived_under5_newly_beyond"] == 120
    lsoas = result.lsoas[result.lsoas["scenario"] == "close A and B"].set_index("lsoa_code")
    assert lsoas.loc["E01000001", "after"] == pytest.approx(15000)
    assert lsoas.loc["E01000002", "after"] == pytest.approx(16500)


def test_the_deprived_neighbourhood_appears_in_its_decile_only_when_both_close():
    result = run(PAIR, close("A"), close("A", "B"))
    deciles = result.deciles.set_index(["scenario", "imd_decile"])
    assert deciles.loc[("close A", 2), "under5_newly_beyond"] == 0
    assert deciles.loc[("close A", 9), "under5_newly_beyond"] == 60
    assert deciles.loc[("close A and B", 2), "under5_newly_beyond"] == 120
    assert deciles.loc[("close A and B", 2), "under5_within_after"] == 0
    assert deciles.loc[("close A and B", 9), "under5_within_before"] == 60


def test_mean_ninetieth_percentile_and_worst_change_are_per_child():
    result = run(PAIR, close("A"))
    summary = row(result, "close A")
    # X: 2.0 -> 2.5 km (+500 m, 120 children); Y: 0.5 -> 4.0 km (+3,500 m, 60 children)
    assert summary["mean_change"] == pytest.approx((120 * 500 + 60 * 3500) / 180)
    # 120 of 180 children (67%) have +500 m or less, so 90% are only covered at +3,500 m
    assert summary["p90_change"] == pytest.approx(3500)
    assert summary["worst_lsoa"] == "E01000002"
    assert summary["worst_change"] == pytest.approx(3500)
    assert summary["mean_before"] == pytest.approx((120 * 2000 + 60 * 500) / 180)


def test_percentile_is_the_smallest_change_covering_ninety_percent_of_children():
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 95, 5), lsoa("E01000002", 404000, 5, 5)])
    summary = row(run(world, close("A")), "close A")
    # 95 children move 0 -> 6,000 m; 5 children 1,000 -> 5,000 m (+4,000): 5% at +4,000, 100% at +6,000
    assert summary["p90_change"] == pytest.approx(6000)
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 5, 5), lsoa("E01000002", 404000, 95, 5)])
    assert row(run(world, close("A")), "close A")["p90_change"] == pytest.approx(4000)


def test_registered_children_and_target_group_families_are_counted_by_home_neighbourhood():
    regs = [{"child_ref": f"K{i}", "family_ref": f"F{i // 2}", "centre_id": "A", "lsoa_code": "E01000002",
             "birth_month": "2014-05", "target_group": i < 4} for i in range(6)]
    regs.append({"child_ref": "K9", "family_ref": "F9", "centre_id": "A", "lsoa_code": "E01000002",
                 "birth_month": "2010-01", "target_group": True})  # seven in December 2016: not an under-five
    regs.append({"child_ref": "K10", "family_ref": "F10", "centre_id": "B", "lsoa_code": "E01000001",
                 "birth_month": "2015-01", "target_group": True})
    world = tables([centre("A", 403000), centre("B", 407500), centre("C", 420000)],
                   [lsoa("E01000001", 405000, 120, 2), lsoa("E01000002", 403500, 60, 9)], registrations=regs)
    summary = row(run(world, close("A")), "close A")
    assert summary["registered_newly_beyond"] == 6  # K0..K5 live in Y, which loses reach
    assert summary["target_families_newly_beyond"] == 2  # families F0 and F1 (children K0..K3)


def test_opening_a_centre_brings_a_stranded_neighbourhood_within_reach():
    world = tables([centre("A", 403000)], [lsoa("E01000001", 403000, 50, 5), lsoa("E01000002", 412000, 80, 1)])
    opening = {"name": "open East", "changes": [{"action": "open", "centre": "EAST", "name": "East Centre",
                                                 "easting": 411000, "northing": 200000, "from": "2017-09-01"}]}
    summary = row(run(world, opening), "open East")
    assert summary["under5_newly_within"] == 80
    assert summary["under5_newly_beyond"] == 0
    assert summary["worst_change"] == pytest.approx(0)
    assert summary["mean_change"] == pytest.approx(80 * (1000 - 9000) / 130)


def test_merge_de_designation_and_reduction_below_the_definition_remove_a_centre_but_a_reduction_does_not():
    world = tables([centre("A", 403000), centre("B", 409000)], [lsoa("E01000001", 403000, 40, 3)])
    scenarios = [
        {"name": "merge", "changes": [{"action": "merge", "centre": "A", "into": "B", "from": "2017-04-01"}]},
        {"name": "hub", "changes": [{"action": "de_designate", "centre": "A", "from": "2017-04-01"}]},
        {"name": "shorter", "changes": [{"action": "reduce", "centre": "A", "from": "2017-04-01",
                                         "hours_before": 40, "hours_after": 20}]},
        {"name": "gutted", "changes": [{"action": "reduce", "centre": "A", "from": "2017-04-01",
                                        "below_definition": True}]},
    ]
    result = run(world, *scenarios)
    lost = result.summary.set_index("scenario")["under5_newly_beyond"].to_dict()
    assert lost == {"merge": 40, "hub": 40, "shorter": 0, "gutted": 40}


def test_linked_sites_and_closed_centres_do_not_count_for_reach_as_in_the_reach_rules():
    world = tables([centre("A", 403000), centre("L", 403500, designation="linked_site"),
                    centre("Z", 403200, status="closed"), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 40, 3)])
    summary = row(run(world, close("A")), "close A")
    assert summary["under5_newly_beyond"] == 40


def test_the_reach_distance_is_the_reach_rules_parameter():
    overrides = {"CA06-S5A-REACH-ALL": {"max_distance_m": 5000}}
    result = run(PAIR, close("A"), parameters=overrides)
    assert result.manifest["parameters"]["max_distance_m"] == 5000
    assert row(result, "close A")["under5_newly_beyond"] == 0  # Y at 4.0 km from B is within 5 km


def test_a_neighbourhood_without_a_grid_reference_is_left_out_and_counted():
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 40, 3), {**lsoa("E01000002", 0, 30, 3), "easting": None}])
    result = run(world, close("A"))
    assert result.manifest["unlocated_lsoas"] == 1
    assert row(result, "close A")["under5"] == 40


def test_every_scenario_is_measured_against_the_same_current_state():
    result = run(PAIR, close("A", "B"), close("A"))
    assert row(result, "close A")["under5_newly_beyond"] == 60
    assert result.baseline.iloc[0]["under5_within"] == 180


# Five centres east of one neighbourhood at 1, 2, 3, 4 and 6 km: the assessment keeps each neighbourhood's
# two nearest centres, so closing three or four of them needs the nearest among all the others.
LINE = tables([centre(c, 400000 + km * 1000) for c, km in (("P", 1), ("Q", 2), ("R", 3), ("S", 4), ("T", 6))],
              [lsoa("E01000009", 400000, 50, 5)])


@pytest.mark.parametrize(("closed", "after"), [(("P",), 2000), (("P", "Q"), 3000), (("P", "Q", "R"), 4000),
                                               (("P", "Q", "R", "S"), 6000), (("Q", "R", "S", "P"), 6000)])
def test_the_nearest_centre_left_is_found_however_many_of_the_nearest_close(closed, after):
    result = run(LINE, close(*closed))
    changed = result.lsoas.set_index("lsoa_code")
    assert changed.loc["E01000009", "after"] == pytest.approx(after)
    assert row(result, "close " + " and ".join(closed))["under5_newly_beyond"] == (50 if after > 3000 else 0)


def test_closing_every_centre_leaves_no_distance_at_all():
    result = run(LINE, close("P", "Q", "R", "S", "T"))
    assert result.lsoas.set_index("lsoa_code")["after"].isna().all()
    assert row(result, "close P and Q and R and S and T")["lsoas_without_centre"] == 1


def test_a_new_centre_serves_a_neighbourhood_whose_nearest_centre_closes_even_if_further_than_today():
    # X sits on C (0 m); C closes and D opens 2.5 km away; B is 6 km away. X stays within reach, via D.
    world = tables([centre("B", 409000), centre("C", 415000)], [lsoa("E01000005", 415000, 30, 3)])
    swap = {"name": "move C", "changes": [
        {"action": "close", "centre": "C", "from": "2017-10-01"},
        {"action": "open", "centre": "D", "name": "D", "easting": 417500, "northing": 200000, "from": "2018-01-01"}]}
    result = run(world, swap)
    assert result.lsoas.set_index("lsoa_code").loc["E01000005", "after"] == pytest.approx(2500)
    assert row(result, "move C")["under5_newly_beyond"] == 0
