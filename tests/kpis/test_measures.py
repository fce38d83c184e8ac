"""Every KPI type over every window, with the expected figures worked out by hand in the comments."""

from __future__ import annotations

import pytest

from tests.kpis.helpers import EXAMPLE, framework, result, run, tables

KPIS = """\
- id: T-SHARE
  version: 1
  title: Home visits among contacts (count share)
  basis: {source: tests, policy_choice: true}
  unit: percent
  direction: higher
  areas: [access]
  windows: [quarter, ytd, r12]
  target: 50
  amber_from: 30
  numerator: {table: contacts, dated: date, where: "contact_type = 'home_visit'"}
  denominator: {table: contacts, dated: date}
""" + EXAMPLE + """\
- id: T-FAMILIES
  version: 1
  title: Target-group families among families (distinct-family share)
  basis: {source: tests, policy_choice: true}
  unit: percent
  direction: higher
  areas: [access]
  target: 70
  amber_from: 50
  numerator: {table: registrations, distinct: family_ref, where: "target_group and registration_date <= period_end"}
  denominator: {table: registrations, distinct: family_ref, where: "registration_date <= period_end"}
""" + EXAMPLE + """\
- id: T-AVERAGE
  version: 1
  title: Attendances per session (average)
  basis: {source: tests, policy_choice: true}
  unit: average
  direction: higher
  areas: [access]
  target: 10
  amber_from: 5
  numerator: {table: sessions, sum: attendances, dated: date}
  denominator: {table: sessions, dated: date}
""" + EXAMPLE + """\
- id: T-LOWER
  version: 1
  title: Open cases at level 4 (lower is better)
  basis: {source: tests, policy_choice: true}
  unit: percent
  direction: lower
  areas: [access]
  target: 10
  amber_from: amber
  parameters:
    amber: {default: 20}
  numerator: {table: cases, open: {start: start_date, end: end_date}, where: "level = 'level_4'"}
  denominator: {table: cases, open: {start: start_date, end: end_date}}
""" + EXAMPLE

CONTACT_DAYS = [  # (date, type) at centre C1, family F1
    ("2016-03-31", "home_visit"),  # FY 2015-16
    ("2016-04-01", "session"),     # first day of FY 2016-17
    ("2016-12-31", "home_visit"),
    ("2017-01-01", "home_visit"),
    ("2017-02-15", "session"),
    ("2017-03-31", "session"),     # last day of FY 2016-17
    ("2017-04-01", "home_visit"),  # first day of FY 2017-18
    ("2017-06-30", "session"),
]


@pytest.fixture(scope="module")
def frameworks(tmp_path_factory):
    return framework(tmp_path_factory.mktemp("kpis"), KPIS)


_RUNS: dict = {}


def contacts_run(frameworks, period):
    """The contacts KPI for one period (each period is computed once for all its windows)."""
    if period not in _RUNS:
        _RUNS[period] = run(frameworks, contacts_data(), period)
    return _RUNS[period]


def contacts_data():
    return tables(
        centres=[{"centre_id": "C1"}],
        contacts=[{"contact_id": f"T{i}", "family_ref": "F001", "centre_id": "C1", "date": day,
                   "contact_type": kind} for i, (day, kind) in enumerate(CONTACT_DAYS)],
    )


@pytest.mark.parametrize(("period", "window", "numerator", "denominator"), [
    # 2017Q1 quarter: 01-01 home visit, 02-15 and 03-31 sessions -> 1 of 3
    ("2017Q1", "quarter", 1, 3),
    # 2017Q1 year to date = FY 2016-17 (2016-04-01..2017-03-31): 12-31 and 01-01 home visits; 04-01, 02-15,
    # 03-31 sessions -> 2 of 5 (2016-03-31 belongs to FY 2015-16)
    ("2017Q1", "ytd", 2, 5),
    # rolling 12 months to 2017-03-31 is the same span -> 2 of 5
    ("2017Q1", "r12", 2, 5),
    # 2017Q2 quarter: 04-01 home visit, 06-30 session -> 1 of 2
    ("2017Q2", "quarter", 1, 2),
    # 2017Q2 year to date = FY 2017-18 so far: only April-June 2017 -> 1 of 2, nothing from 2017Q1
    ("2017Q2", "ytd", 1, 2),
    # rolling 12 months to 2017-06-30 (from 2016-07-01): 12-31, 01-01, 04-01 home visits; 02-15, 03-31,
    # 06-30 sessions -> 3 of 6
    ("2017Q2", "r12", 3, 6),
    # 2016Q4 rolling 12 months = calendar 2016: 03-31 and 12-31 home visits, 04-01 session -> 2 of 3
    ("2016Q4", "r12", 2, 3),
    # 2016Q4 year to date (2016-04-01..2016-12-31): 04-01 session, 12-31 home visit -> 1 of 2
    ("2016Q4", "ytd", 1, 2),
])
def test_count_share_in_every_window(frameworks, period, window, numerator, denominator):
    row = result(contacts_run(frameworks, period), "T-SHARE", "C1", period, window, "centre")
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    assert row["value"] == pytest.approx(100 * numerator / denominator)


@pytest.mark.parametrize(("window", "change"), [
    ("quarter", 50 - 100 / 3),  # 2017Q2 50% against 2017Q1 33.3%
    ("ytd", 50 - 0),            # FY 2017-18 to June 50% against FY 2016-17 to June 2016 (one session: 0%)
    ("r12", 50 - 40),           # 12 months to June 2017 50% against 12 months to March 2017 40%
])
def test_change_on_previous_period(frameworks, window, change):
    row = result(contacts_run(frameworks, "2017Q2"), "T-SHARE", "C1", "2017Q2", window, "centre")
    assert row["change_on_previous"] == pytest.approx(change)


def test_a_financial_year_run_reports_each_of_its_quarters(frameworks):
    results = run(frameworks, contacts_data(), "2016-17")
    quarters = sorted(results.frame.loc[results.frame["kpi_id"] == "T-SHARE", "period"].unique())
    assert quarters == ["2016Q2", "2016Q3", "2016Q4", "2017Q1"]
    # the year to date at 2017Q1 is the whole financial year: 2 of 5
    row = result(results, "T-SHARE", "C1", "2017Q1", "ytd", "centre")
    assert (row["numerator"], row["denominator"]) == (2, 5)


def levels_data():
    # C1 and C2 form cluster North under PRV-1; C3 is cluster South under PRV-2; L1 is a linked site of C1.
    regs = [("K1", "F001", "C1", True), ("K2", "F001", "C2", True),  # F1 registered at two centres
            ("K3", "F002", "C1", False), ("K4", "F003", "C3", True), ("K5", "F004", "L1", True)]
    return tables(
        centres=[{"centre_id": "C1", "cluster": "North"}, {"centre_id": "C2", "cluster": "North"},
                 {"centre_id": "C3", "cluster": "South", "provider_id": "PRV-2"},
                 {"centre_id": "L1", "designation": "linked_site", "parent_centre_id": "C1", "cluster": "North"}],
        registrations=[{"child_ref": k, "family_ref": f, "centre_id": c, "registration_date": "2016-01-05",
                        "birth_month": "2015-06", "lsoa_code": "E01000001", "target_group": t}
                       for k, f, c, t in regs],
    )


@pytest.mark.parametrize(("level", "subject", "numerator", "denominator"), [
    ("centre", "C1", 2, 3),         # F1, F2, F4 (via linked site L1); target F1, F4
    ("centre", "C2", 1, 1),         # F1
    ("centre", "C3", 1, 1),         # F3
    ("cluster", "North", 2, 3),     # C1 + C2: F1 counted once -> F1, F2, F4
    ("provider", "PRV-1", 2, 3),
    ("provider", "PRV-2", 1, 1),
    ("authority", "E06000001", 3, 4),  # F1, F2, F3, F4; target F1, F3, F4
])
def test_distinct_family_share_counts_each_family_once_per_subject(frameworks, level, subject, numerator,
                                                                   denominator):
    if "levels" not in _RUNS:
        _RUNS["levels"] = run(frameworks, levels_data(), "2016Q4")
    row = result(_RUNS["levels"], "T-FAMILIES", subject, "2016Q4", "quarter", level)
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)


def test_linked_sites_are_not_reported_on_their_own(frameworks):
    results = run(frameworks, levels_data(), "2016Q4")
    assert "L1" not in set(results.frame["subject_id"])


def test_average_sums_a_column_over_rows(frameworks):
    # 2016Q4 sessions at C1: 10 + 20 + 0 attendances over 3 sessions = 10 = the target -> green.
    # The September session is outside the quarter.
    data = tables(centres=[{"centre_id": "C1"}], sessions=[
        {"session_id": f"S{i}", "centre_id": "C1", "date": day, "activity": "Stay and play", "on_site": True,
         "attendances": n} for i, (day, n) in enumerate([("2016-10-03", 10), ("2016-11-03", 20), ("2016-12-03", 0),
                                                         ("2016-09-30", 90)])])
    row = result(run(frameworks, data, "2016Q4"), "T-AVERAGE", "C1", "2016Q4", "quarter", "centre")
    assert (row["numerator"], row["denominator"], row["value"], row["rag"]) == (30, 3, 10, "green")


def cases(levels_and_ends):
    return [{"case_id": f"CS{i}", "family_ref": f"F{i:03d}", "centre_id": "C1", "level": level,
             "start_date": "2016-07-01", "end_date": end, "engagements": 1}
            for i, (level, end) in enumerate(levels_and_ends)]


@pytest.mark.parametrize(("parameters", "rag"), [({}, "red"), ({"T-LOWER": {"amber": 30}}, "amber")])
def test_lower_is_better(frameworks, parameters, rag):
    # Open at some point in 2016Q4: CS0 level 4, CS1-CS3 level 2; CS4 closed 2016-09-30 (before the quarter).
    # 1 of 4 = 25%: above the 10% target; red beyond amber_from 20, amber when the authority sets 30.
    data = tables(centres=[{"centre_id": "C1"}], cases=cases(
        [("level_4", None), ("level_2", None), ("level_2", "2016-10-01"), ("level_2", "2016-12-31"),
         ("level_4", "2016-09-30")]))
    results = run(frameworks, data, "2016Q4", parameters=parameters)
    row = result(results, "T-LOWER", "C1", "2016Q4", "quarter", "centre")
    assert (row["numerator"], row["denominator"], row["value"], row["rag"]) == (1, 4, 25, rag)
    assert row["amber_from"] == parameters.get("T-LOWER", {}).get("amber", 20)
    assert '"amber": ' in row["parameters"]


def test_lower_is_better_green_at_the_target(frameworks):
    # 1 of 10 open cases at level 4 = 10% = the target -> green
    data = tables(centres=[{"centre_id": "C1"}], cases=cases([("level_4", None)] + [("level_2", None)] * 9))
    row = result(run(frameworks, data, "2016Q4"), "T-LOWER", "C1", "2016Q4", "quarter", "centre")
    assert (row["value"], row["rag"]) == (10, "green")


def test_one_authority_only(frameworks):
    # C1 in E06000001 and C9 in E06000002, one home visit each in 2016Q4: a run for E06000002 reports C9 and
    # its authority only
    data = tables(centres=[{"centre_id": "C1"}, {"centre_id": "C9", "authority_code": "E06000002"}],
                  contacts=[{"contact_id": f"T{c}", "family_ref": f"F{c}00", "centre_id": c, "date": "2016-11-01",
                             "contact_type": "home_visit"} for c in ("C1", "C9")])
    results = run(frameworks, data, "2016Q4", authority="E06000002")
    shares = results.frame[results.frame["kpi_id"] == "T-SHARE"]
    assert set(shares["authority_code"]) == {"E06000002"}
    assert set(shares.loc[shares["subject_type"] == "centre", "subject_id"]) == {"C9"}
    row = result(results, "T-SHARE", "E06000002", "2016Q4", "quarter", "authority")
    assert (row["numerator"], row["denominator"]) == (1, 1)
