"""A change is only worked out against an earlier window the data cover.

``change_on_previous`` and ``change_on_year_before`` are the value now minus the value in an earlier window.
When that window lies before the data begin, its value is computed over no data (a count of 0, a share over
an empty numerator), and the "change" would be the whole current value: a committee paper would say a KPI
rose by all of it. So the change is missing (NaN; reports show "–") unless the earlier window starts on or
after the day the KPI's data begin.

The data below begin in 2016Q2: contacts at centre C1 (authority E06000001) from 12 April 2016, the first
quarter with a contact counting from its first day. Registrations go back to 2014, but they are a snapshot
as returned, with no history of their own, so they begin with the contacts too (no sessions were supplied,
which says nothing of when the history begins).

Contacts of C1 per quarter (family: number of contacts):

    2016Q2: F1 x2, F2, F3   -> 4 contacts, families seen F1 F2 F3
    2016Q3: F1 x4, F4 x2    -> 6 contacts, families seen F1 F4
    2016Q4: F1 x2           -> 2
    2017Q1: F2 x3           -> 3
    2017Q2: F1 x5           -> 5

Families registered (registration date): F1 2014-05-01, F2 2015-01-10, F4 2014-06-01, F3 2016-05-01,
F5 2016-08-01.
"""

from __future__ import annotations

import math

import pytest

from tests.kpis.helpers import EXAMPLE, framework, result, run, tables

KPIS = """\
- id: T-CONTACTS
  version: 1
  title: Contacts (a count)
  basis: {source: tests, policy_choice: true}
  unit: count
  direction: higher
  areas: [access]
  windows: [quarter, ytd, r12]
  numerator: {table: contacts, dated: date}
""" + EXAMPLE + """\
- id: T-SEEN
  version: 1
  title: Registered families seen in the quarter (registrations denominator, contacts numerator)
  basis: {source: tests, policy_choice: true}
  unit: percent
  direction: higher
  areas: [access]
  target: 60
  amber_from: 40
  numerator:
    table: registrations
    distinct: family_ref
    where: "registration_date <= period_end"
    having: {table: contacts, on: family_ref, dated: date, at_least: 1}
  denominator: {table: registrations, distinct: family_ref, where: "registration_date <= period_end"}
""" + EXAMPLE + """\
- id: T-REGISTERED
  version: 1
  title: Families registered (a snapshot count)
  basis: {source: tests, policy_choice: true}
  unit: count
  direction: higher
  areas: [access]
  numerator: {table: registrations, distinct: family_ref, where: "registration_date <= period_end"}
""" + EXAMPLE + """\
- id: T-SESSIONS
  version: 1
  title: Sessions (no session is recorded in the data)
  basis: {source: tests, policy_choice: true}
  unit: count
  direction: higher
  areas: [access]
  numerator: {table: sessions, dated: date}
""" + EXAMPLE

C1_CONTACTS = [  # (date, family)
    ("2016-04-12", "F001"), ("2016-05-03", "F001"), ("2016-06-01", "F002"), ("2016-06-30", "F003"),
    ("2016-07-01", "F001"), ("2016-08-01", "F001"), ("2016-08-15", "F001"), ("2016-09-30", "F001"),
    ("2016-07-20", "F004"), ("2016-09-01", "F004"),
    ("2016-10-05", "F001"), ("2016-12-31", "F001"),
    ("2017-01-03", "F002"), ("2017-02-03", "F002"), ("2017-03-31", "F002"),
    ("2017-04-01", "F001"), ("2017-04-20", "F001"), ("2017-05-01", "F001"), ("2017-06-01", "F001"),
    ("2017-06-30", "F001"),
]
C1_REGISTERED = [("F001", "2014-05-01"), ("F002", "2015-01-10"), ("F004", "2014-06-01"), ("F003", "2016-05-01"),
                 ("F005", "2016-08-01")]
# C2 is in another authority, whose contacts begin a year earlier: one in 2015Q2, two in 2016Q1, three in 2016Q2
C2_CONTACTS = [("2015-05-01", "F101"), ("2016-02-01", "F101"), ("2016-03-01", "F101"), ("2016-04-01", "F101"),
               ("2016-05-01", "F101"), ("2016-06-01", "F101")]
FY_QUARTERS = ("2016Q2", "2016Q3", "2016Q4", "2017Q1")


def _contacts(centre: str, items: list[tuple[str, str]]) -> list[dict]:
    return [{"contact_id": f"{centre}-{i}", "family_ref": family, "centre_id": centre, "date": day,
             "contact_type": "session"} for i, (day, family) in enumerate(items)]


def data():
    return tables(
        centres=[{"centre_id": "C1"}, {"centre_id": "C2", "authority_code": "E06000002", "provider_id": "PRV-2"}],
        contacts=_contacts("C1", C1_CONTACTS) + _contacts("C2", C2_CONTACTS),
        registrations=[{"child_ref": f"K{family}", "family_ref": family, "centre_id": "C1", "registration_date": day,
                        "birth_month": "2014-01", "lsoa_code": "E01000001", "target_group": False}
                       for family, day in C1_REGISTERED],
    )


@pytest.fixture(scope="module")
def frameworks(tmp_path_factory):
    return framework(tmp_path_factory.mktemp("kpis"), KPIS)


@pytest.fixture(scope="module")
def year(frameworks):
    """FY 2016-17, the first year of the data: its four quarters in one run."""
    return run(frameworks, data(), "2016-17")


@pytest.fixture(scope="module")
def next_quarter(frameworks):
    return run(frameworks, data(), "2017Q2")


def c1(results, kpi: str, period: str, window: str = "quarter") -> dict:
    return result(results, kpi, "C1", period, window, "centre")


def missing(value) -> bool:
    return value is None or math.isnan(value)


# The first quarter of the data has no change on the previous quarter --------------------------------------

@pytest.mark.parametrize("kpi", ["T-CONTACTS", "T-SEEN", "T-REGISTERED"])
def test_the_first_quarter_of_the_data_has_no_change_on_the_quarter_before(year, kpi):
    row = c1(year, kpi, "2016Q2")
    assert not missing(row["value"])  # the value itself is reported
    assert missing(row["change_on_previous"])


def test_a_count_is_not_said_to_have_risen_by_all_of_it(year):
    # 4 contacts in 2016Q2 against the 0 "counted" in 2016Q1, before any contact was recorded: not +4
    row = c1(year, "T-CONTACTS", "2016Q2")
    assert row["value"] == 4
    assert missing(row["change_on_previous"]) and missing(row["change_on_year_before"])


def test_a_share_over_a_snapshot_denominator_is_not_said_to_have_risen_by_all_of_it(year):
    # 3 of 4 registered families seen (75%); in 2016Q1 three families were already registered but no contact
    # was recorded yet, so the share there (0 of 3) is over no data: not +75 points
    row = c1(year, "T-SEEN", "2016Q2")
    assert (row["numerator"], row["denominator"], row["value"]) == (3, 4, 75)
    assert missing(row["change_on_previous"]) and missing(row["change_on_year_before"])


# No change on the year before anywhere in the first year ------------------------------------------------

@pytest.mark.parametrize("period", FY_QUARTERS)
@pytest.mark.parametrize(("kpi", "window"), [("T-CONTACTS", "quarter"), ("T-CONTACTS", "ytd"), ("T-CONTACTS", "r12"),
                                             ("T-SEEN", "quarter"), ("T-REGISTERED", "quarter")])
def test_no_change_on_the_year_before_in_the_first_year_of_the_data(year, kpi, window, period):
    assert missing(c1(year, kpi, period, window)["change_on_year_before"])


def test_the_year_to_date_compares_with_the_same_point_last_year_so_has_no_change_in_the_first_year(year):
    for period in FY_QUARTERS:
        assert missing(c1(year, "T-CONTACTS", period, "ytd")["change_on_previous"])


def test_a_window_the_data_only_partly_cover_gives_no_change(year):
    # 12 months to March 2017 (15 contacts) against 12 months to December 2016, which begin in January 2016,
    # three months before the data: not 15 - 12 = +3
    row = c1(year, "T-CONTACTS", "2017Q1", "r12")
    assert row["value"] == 15
    assert missing(row["change_on_previous"])


# Where the earlier window is covered, the change is value minus its value ------------------------------------

def test_the_second_quarter_is_compared_with_the_first(year):
    # contacts: 6 in 2016Q3 against 4 in 2016Q2
    assert c1(year, "T-CONTACTS", "2016Q3")["change_on_previous"] == 6 - 4
    # families seen: 2 of 5 (40%) against 3 of 4 (75%)
    row = c1(year, "T-SEEN", "2016Q3")
    assert (row["numerator"], row["denominator"]) == (2, 5)
    assert row["change_on_previous"] == pytest.approx(40 - 75)
    # families registered: 5 by September against 4 by June (the sessions a KPI reads were not supplied at all)
    assert c1(year, "T-REGISTERED", "2016Q3")["change_on_previous"] == 1


def test_every_later_quarter_of_the_first_year_is_compared_with_the_one_before(year):
    assert [c1(year, "T-CONTACTS", p)["change_on_previous"] for p in FY_QUARTERS[1:]] == [6 - 4, 2 - 6, 3 - 2]


def test_a_year_on_the_first_quarter_of_the_data_is_the_year_before(next_quarter):
    # 2017Q2: 5 contacts against 4 in 2016Q2; the year to date (April to June 2017) likewise
    assert c1(next_quarter, "T-CONTACTS", "2017Q2")["change_on_year_before"] == 5 - 4
    assert c1(next_quarter, "T-CONTACTS", "2017Q2", "ytd")["change_on_previous"] == 5 - 4
    # 12 months to June 2017 (July 2016 on: 16) against 12 months to March 2017 (April 2016 on: 15)
    assert c1(next_quarter, "T-CONTACTS", "2017Q2", "r12")["change_on_previous"] == 16 - 15
    assert c1(next_quarter, "T-SEEN", "2017Q2")["change_on_year_before"] == pytest.approx(20 - 75)


# Where the data begin is each authority's own -------------------------------------------------------------

def test_an_authority_whose_data_begin_earlier_keeps_its_changes(year):
    row = result(year, "T-CONTACTS", "C2", "2016Q2", "quarter", "centre")
    assert row["value"] == 3
    assert row["change_on_previous"] == 3 - 2      # against its two contacts of 2016Q1
    assert row["change_on_year_before"] == 3 - 1   # against its one contact of 2015Q2
    authority = result(year, "T-CONTACTS", "E06000002", "2016Q2", "quarter", "authority")
    assert authority["change_on_previous"] == 1
    # while C1's authority, whose contacts begin in 2016Q2, has none
    assert missing(result(year, "T-CONTACTS", "E06000001", "2016Q2", "quarter", "authority")["change_on_previous"])


def test_without_any_contacts_a_snapshot_reaches_back_over_nothing(frameworks):
    only_registrations = {name: frame for name, frame in data().items() if name != "contacts"}
    results = run(frameworks, only_registrations, "2016Q3")
    row = c1(results, "T-REGISTERED", "2016Q3")
    assert row["value"] == 5
    assert missing(row["change_on_previous"]) and missing(row["change_on_year_before"])
