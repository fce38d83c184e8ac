"""RAG: direction, target and amber band; small numbers and missing data are never rated, never green."""

from __future__ import annotations

import numpy as np
import pytest

from ccassure.kpis.evaluator import _rag
from tests.kpis.helpers import EXAMPLE, framework, result, run, tables

KPIS = """\
- id: T-TAKEUP
  version: 1
  title: Eligible two-year-olds in a place
  basis: {source: tests, policy_choice: true}
  unit: percent
  direction: higher
  areas: [access]
  target: 75
  amber_from: 60
  numerator: {table: registrations, where: "eligible_2yo_funding and took_up_2yo_place"}
  denominator: {table: registrations, where: "eligible_2yo_funding"}
""" + EXAMPLE + """\
- id: T-VOLUNTEERS
  version: 1
  title: Volunteers
  basis: {source: tests, policy_choice: true}
  kind: count
  unit: count
  direction: higher
  areas: [access]
  target: target_volunteers
  parameters:
    target_volunteers: {default: null}
  numerator: {table: contacts, distinct: family_ref, dated: date, where: "contact_type = 'volunteering'"}
""" + EXAMPLE


@pytest.mark.parametrize(("value", "direction", "expected"), [
    (80.0, "higher", "green"), (75.0, "higher", "green"), (74.9, "higher", "amber"), (60.0, "higher", "amber"),
    (59.9, "higher", "red"),
    (10.0, "lower", "green"), (10.1, "lower", "amber"), (20.0, "lower", "amber"), (20.1, "lower", "red"),
])
def test_rag_bands(value, direction, expected):
    target, amber = (75, 60) if direction == "higher" else (10, 20)
    assert _rag(np.array([value]), np.array([False]), target, amber, direction)[0] == expected


def test_no_value_no_target_or_too_small_is_not_evaluable():
    assert _rag(np.array([np.nan]), np.array([False]), 75, 60, "higher")[0] == "not_evaluable"
    assert _rag(np.array([99.0]), np.array([False]), None, None, "higher")[0] == "not_evaluable"
    assert _rag(np.array([99.0]), np.array([True]), 75, 60, "higher")[0] == "not_evaluable"


@pytest.fixture(scope="module")
def frameworks(tmp_path_factory):
    return framework(tmp_path_factory.mktemp("rag"), KPIS)


def children(n_eligible: int, n_took_up: int):
    return [{"child_ref": f"K{i:03d}", "family_ref": f"F{i:03d}", "centre_id": "C1", "registration_date": "2015-01-10",
             "birth_month": "2014-06", "lsoa_code": "E01000001", "target_group": True, "eligible_2yo_funding": True,
             "took_up_2yo_place": i < n_took_up} for i in range(n_eligible)]


def test_a_denominator_below_the_minimum_is_not_rated_but_its_counts_are_kept(frameworks):
    # 9 eligible children, all in a place: 100%, but 9 is below min_denominator 10
    data = tables(centres=[{"centre_id": "C1"}], registrations=children(9, 9))
    row = result(run(frameworks, data, "2016Q4", parameters={"T": {"min_denominator": 10}}),
                 "T-TAKEUP", "C1", "2016Q4", "quarter", "centre")
    assert (row["numerator"], row["denominator"], row["value"], row["rag"]) == (9, 9, 100, "not_evaluable")


def test_at_the_minimum_denominator_the_kpi_is_rated(frameworks):
    # 10 eligible, 6 in a place: 60% = amber_from -> amber
    data = tables(centres=[{"centre_id": "C1"}], registrations=children(10, 6))
    row = result(run(frameworks, data, "2016Q4", parameters={"T": {"min_denominator": 10}}),
                 "T-TAKEUP", "C1", "2016Q4", "quarter", "centre")
    assert (row["value"], row["rag"]) == (60, "amber")


def test_no_rows_at_all_is_not_evaluable_never_green(frameworks):
    # no registrations table: the centre is still listed, with no figures
    data = tables(centres=[{"centre_id": "C1"}])
    row = result(run(frameworks, data, "2016Q4"), "T-TAKEUP", "C1", "2016Q4", "quarter", "centre")
    assert row["rag"] == "not_evaluable"
    assert np.isnan(row["value"]) and np.isnan(row["numerator"])


def test_a_zero_denominator_is_not_evaluable(frameworks):
    # registrations exist but nobody is eligible
    rows = children(3, 0)
    for row in rows:
        row["eligible_2yo_funding"] = False
    data = tables(centres=[{"centre_id": "C1"}], registrations=rows)
    row = result(run(frameworks, data, "2016Q4"), "T-TAKEUP", "C1", "2016Q4", "quarter", "centre")
    assert (row["numerator"], row["denominator"], row["rag"]) == (0, 0, "not_evaluable")


def test_a_count_is_rated_only_once_the_authority_sets_a_target(frameworks):
    data = tables(centres=[{"centre_id": "C1"}], contacts=[
        {"contact_id": "T1", "family_ref": "V001", "centre_id": "C1", "date": "2016-10-10",
         "contact_type": "volunteering"}])
    unset = result(run(frameworks, data, "2016Q4"), "T-VOLUNTEERS", "C1", "2016Q4", "quarter", "centre")
    assert (unset["value"], unset["rag"]) == (1, "not_evaluable")
    assert np.isnan(unset["denominator"])
    rated = result(run(frameworks, data, "2016Q4", parameters={"T-VOLUNTEERS": {"target_volunteers": 2}}),
                   "T-VOLUNTEERS", "C1", "2016Q4", "quarter", "centre")
    assert (rated["value"], rated["target"], rated["rag"]) == (1, 2, "red")
