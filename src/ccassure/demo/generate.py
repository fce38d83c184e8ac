"""Deterministic synthetic data for the demo and for ``sample_data/``.

Everything here is invented: the authorities (Wexcombe County, Port Ellery, Harrowfield and, for
``sample_data/``, Saltmere), their centres, providers, places, postcodes (fictional postcode areas WX, PQ,
HQ, SQ), LSOA codes (E019xxxxx, outside the real range) and every family record. The authorities are
modelled on the seed papers: a county with clusters and three providers (Buckinghamshire, Kent,
Leicestershire), a small unitary reviewing nine centres (Thurrock) and a family-hub authority whose hubs
keep or drop their children's centre designation (Essex, North East Lincolnshire).

A handful of compliance gaps are planted on purpose (``PLANTED`` below, written to ``planted.json``);
everything else is meant to be healthy, so reports show a realistic mix of met and not met.

The same seed and scale always give byte-identical files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccassure.demo.authority_plans import (
    ACTION_COLUMNS,
    COMPARATOR_COLUMNS,
    TARGET_COLUMNS,
    demo_actions,
    demo_centre_targets,
    demo_comparators,
)

DEMO_QUARTERS: tuple[str, ...] = ("2016Q2", "2016Q3", "2016Q4", "2017Q1")  # financial year 2016-17
SAMPLE_QUARTERS: tuple[str, ...] = ("2016Q1", "2016Q2", "2016Q3", "2016Q4")
SAMPLE_SCALE = 0.08
GIAS_AS_AT = np.datetime64("2016-12-31")
FIRST_BIRTH_MONTH = np.datetime64("2010-10", "M")

# Column order of every table, exactly as in data_contracts/ (tests check they agree).
COLUMNS: dict[str, list[str]] = {
    "centres": ["centre_id", "centre_name", "urn", "authority_code", "provider_id", "designation",
                "parent_centre_id", "status", "open_date", "close_date", "postcode", "easting", "northing",
                "lsoa_code", "advisory_board_id", "reach_area_id", "cluster", "managing_body", "la_contract_ref"],
    "services": ["centre_id", "service_category", "availability", "notes"],
    "sessions": ["session_id", "centre_id", "date", "activity", "activity_type", "on_site", "min_age_months",
                 "max_age_months", "attendances"],
    "registrations": ["child_ref", "family_ref", "centre_id", "registration_date", "birth_month", "lsoa_code",
                      "target_group", "lone_parent", "workless_household", "teenage_parent", "disabled_child",
                      "eligible_2yo_funding", "took_up_2yo_place", "fsm_eligible", "eyfsp_gld"],
    "contacts": ["contact_id", "family_ref", "child_ref", "centre_id", "date", "contact_type", "session_id", "case_id"],
    "cases": ["case_id", "family_ref", "centre_id", "level", "complex_needs", "start_date", "end_date",
              "engagements", "star_start", "star_review", "star_review_date", "star_end", "star_end_date"],
    "boards": ["board_id", "board_name", "authority_code"],
    "board_members": ["board_id", "member_ref", "role", "represents_centre_id", "start_date", "end_date"],
    "board_meetings": ["board_id", "meeting_date", "quorate", "performance_data_reviewed", "minutes_published"],
    "kpi_returns": ["kpi_id", "subject_id", "period", "numerator", "denominator", "value"],
    "reach_areas": ["reach_area_id", "centre_id", "lsoa_code", "authority_code"],
    "providers": ["provider_id", "provider_name", "authority_code", "contract_ref", "contract_start", "contract_end"],
    "service_changes": ["change_id", "authority_code", "centre_id", "change_type", "programme_ref", "description",
                        "proposal_date", "savings_committed_date", "committing_step_date", "decision_date", "implementation_date", "consultation_id",
                        "eqia_date", "disadvantaged_impact_assessed", "outcomes_impact_assessed",
                        "sufficiency_after_assessed", "responses_analysis_before_decision", "decision_published",
                        "cites_statutory_guidance", "departure_reasons"],
    "consultations": ["consultation_id", "authority_code", "title", "open_date", "close_date", "reasons_given",
                      "alternatives_given", "usage_data_given", "eqia_published", "consulted_families",
                      "consulted_staff", "consulted_advisory_board", "consulted_partners", "targeted_methods",
                      "responses", "analysis_date"],
    "needs_assessments": ["assessment_id", "authority_code", "assessment_date", "covers_under5_population",
                          "covers_deprivation", "covers_cross_border", "involved_parents", "involved_pvi_providers",
                          "children_views_considered"],
    "partner_agreements": ["agreement_id", "authority_code", "partner_type", "partner_name", "start_date",
                           "end_date", "data_sharing"],
    "data_feeds": ["feed_id", "authority_code", "feed_type", "received_date", "records", "data_sharing_agreement"],
    "inspections": ["inspection_id", "centre_id", "inspection_date", "report_date", "overall_grade",
                    "action_statement_date", "action_statement_has_timescales"],
    "outcome_metrics": ["authority_code", "metric", "year", "group", "value"],
    "self_evaluations": ["centre_id", "authority_code", "period", "area", "self_grade", "self_narrative",
                         "agreed_grade", "authority_comment", "review_date"],
    "actions": ACTION_COLUMNS, "centre_targets": TARGET_COLUMNS, "comparators": COMPARATOR_COLUMNS,
    "authorities": ["authority_code", "authority_name", "dfe_code", "authority_type"],
    "lsoa_population": ["lsoa_code", "year", "authority_code", "under5", "easting", "northing", "ward_code",
                        "ward_name"],
    "deprivation": ["lsoa_code", "iod_version", "lad_code", "imd_decile", "idaci_decile", "idaci_score",
                    "children_0_15"],
    "gias_centres": ["urn", "name", "establishment_type", "status", "la_name", "postcode", "open_date", "close_date"],
}
PROVIDER_TABLES = ("centres", "services", "sessions", "registrations", "contacts", "cases", "boards",
                   "board_members", "board_meetings", "kpi_returns")
AUTHORITY_TABLES = ("providers", "service_changes", "consultations", "needs_assessments", "partner_agreements",
                    "data_feeds", "inspections", "outcome_metrics", "reach_areas", "self_evaluations",
                    "actions", "centre_targets")
REFERENCE_TABLES = ("authorities", "lsoa_population", "deprivation", "gias_centres", "comparators")
KPI_IDS = ("CORE-REG-U5", "CORE-SUSTAINED-TG", "CORE-CASEWORK-N", "CORE-FAMILY-STAR")

SERVICE_CATEGORIES = ("early_years", "la_social_care", "health", "jcp_employment", "info_advice")
SERVICE_DEFAULTS = {
    "early_years": ("provided_on_site", "Pre-school and funded two-year-old places in the centre building"),
    "la_social_care": ("advice_and_assistance", "Staff refer families to the early help hub and attend meetings"),
    "health": ("provided_on_site", "Health visitor baby clinic and midwife antenatal appointments held weekly"),
    "jcp_employment": ("advice_and_assistance", "Work coach outreach by appointment; staff help parents book"),
    "info_advice": ("provided_on_site", "Family information point staffed at every opening session"),
}
# (activity, activity_type, min_age_months, max_age_months, weight); None = not for children
ACTIVITIES: tuple[tuple[str, str, int | None, int | None, float], ...] = (
    ("Stay and play", "stay_and_play", 0, 60, 5.0),
    ("Baby massage", "parenting", 0, 12, 1.5),
    ("Rhyme time", "early_learning", 0, 48, 2.0),
    ("Messy play", "early_learning", 12, 60, 2.0),
    ("Chatter time (speech and language)", "early_learning", 18, 48, 1.5),
    ("Baby clinic with health visitors", "health", 0, 24, 2.0),
    ("Antenatal group", "health", 0, 0, 1.0),
    ("Healthy family cookery", "health", 12, 60, 1.0),
    ("Parenting course", "parenting", 24, 60, 1.0),
    ("Dads and children group", "other", 0, 60, 0.8),
    ("Family support drop-in", "family_support", 0, 60, 1.2),
    ("English for parents", "adult_learning", None, None, 0.8),
    ("Jobcentre Plus work coach drop-in", "employment_support", None, None, 0.6),
)
CONTACT_TYPES = ("session", "home_visit", "phone", "outreach", "volunteering")
CONTACT_TYPE_P = (0.58, 0.14, 0.13, 0.12, 0.03)


# --------------------------------------------------------------------------------------------- specs

@dataclass(frozen=True)
class ProviderSpec:
    provider_id: str
    name: str
    contract_ref: str
    contract_start: str
    contract_end: str
    # share registered, share of target-group families with sustained engagement, share of closed cases whose
    # Family Star improved by at least one point
    p_register: tuple[float, float] = (0.86, 0.97)
    p_sustained: tuple[float, float] = (0.70, 0.85)
    p_star: tuple[float, float] = (0.72, 0.90)


@dataclass(frozen=True)
class CentreSpec:
    centre_id: str
    name: str
    provider_id: str
    cluster: str
    board_id: str | None
    designation: str = "childrens_centre"
    parent: str | None = None
    managing_body: str | None = None
    open_date: str = "2008-04-01"


@dataclass(frozen=True)
class StateChange:
    """From ``effective`` (a date) the centre's row in a return shows these values."""

    centre_id: str
    effective: str
    status: str | None = None
    designation: str | None = None
    close_date: str | None = None


@dataclass(frozen=True)
class AuthoritySpec:
    code: str
    name: str
    dfe_code: str
    authority_type: str
    short: str
    lsoa_block: str  # two digits: LSOA codes are E01 + block + 4 digits
    postcode_area: str
    origin: tuple[int, int]
    grid_columns: int
    spacing: int  # metres between centres
    reach_radius: int  # metres from a centre to its reach-area LSOAs
    lsoas_per_centre: int
    decile_range: tuple[int, int]  # base deprivation decile of reach areas
    providers: tuple[ProviderSpec, ...]
    centres: tuple[CentreSpec, ...]
    boards: tuple[tuple[str, str, str], ...]  # board_id, board_name, provider_id
    changes: tuple[StateChange, ...] = ()
    health_partner: str = ""
    gld_all: tuple[float, float, float, float] = (52.0, 59.0, 64.0, 67.5)  # 2013..2016
    gld_gap: tuple[float, float, float, float] = (18.0, 17.0, 16.0, 15.0)
    plants: dict[str, Any] = field(default_factory=dict)


def _centres(short: str, provider_id: str, cluster: str, board_id: str | None, names: Iterable[str],
             start: int, *, designation: str = "childrens_centre", suffix: str = "Children's Centre",
             kind: str = "CC") -> list[CentreSpec]:
    return [CentreSpec(f"{short}-{kind}-{start + i:02d}", f"{name} {suffix}", provider_id, cluster, board_id,
                       designation=designation) for i, name in enumerate(names)]


def wexcombe() -> AuthoritySpec:
    short, code = "WXC", "E10000901"
    bright = ProviderSpec("PRV-WXC-BRIGHT", "Brightpath Children's Trust", "WXC-CON-2015-01", "2015-09-01",
                          "2020-08-31")
    meadow = ProviderSpec("PRV-WXC-MEADOW", "Meadowlark Family Services", "WXC-CON-2015-02", "2015-09-01",
                          "2020-08-31", p_register=(0.55, 0.60), p_sustained=(0.38, 0.44), p_star=(0.36, 0.42))
    schools = ProviderSpec("PRV-WXC-SCHOOLS", "Wexcombe Schools Early Years Partnership", "WXC-CON-2015-03",
                           "2015-09-01", "2020-08-31")
    centres: list[CentreSpec] = []
    clusters = [
        ("Ambervale", ["Ambervale", "Birchlade", "Corrowby", "Dellingham"]),
        ("Eastwold", ["Eastwold", "Fennick", "Gorsebrook", "Hallowmere"]),
        ("Kestrelford", ["Kestrelford", "Larkhollow", "Millbeck", "Oakridge Park"]),
        ("Pennybridge", ["Pennybridge", "Quillbury", "Rushcombe", "Stannerford"]),
    ]
    n = 1
    for index, (cluster, names) in enumerate(clusters, start=1):
        centres += _centres(short, bright.provider_id, cluster, f"WXC-BRD-{index:02d}", names, n)
        n += len(names)
    centres += _centres(short, meadow.provider_id, "Wexcombe Town", "WXC-BRD-05",
                        ["Wexcombe Town North", "Wexcombe Town South", "Tollgate"], n)
    n += 3
    school_names = ["Upperthorn", "Vessingham", "Willowmere", "Yarrowdale", "Zennor Brook"]
    for i, name in enumerate(school_names):
        board = None if i == 4 else "WXC-BRD-06"  # PLANT WXC-NO-BOARD: the last school-run centre has no board
        centres.append(CentreSpec(f"{short}-CC-{n + i:02d}", f"{name} Children's Centre", schools.provider_id,
                                  "Schools Partnership", board, managing_body=f"{name} Primary School"))
    centres += [
        CentreSpec("WXC-LS-01", "Birchlade Village Hall (linked site)", bright.provider_id, "Ambervale",
                   "WXC-BRD-01", designation="linked_site", parent="WXC-CC-02"),
        CentreSpec("WXC-LS-02", "Stannerford Library (linked site)", bright.provider_id, "Pennybridge",
                   "WXC-BRD-04", designation="linked_site", parent="WXC-CC-16"),
        CentreSpec("WXC-LS-03", "Tollgate Community Rooms (linked site)", meadow.provider_id, "Wexcombe Town",
                   "WXC-BRD-05", designation="linked_site", parent="WXC-CC-19"),
    ]
    boards = tuple((f"WXC-BRD-{i:02d}", f"{name} Cluster Advisory Board", bright.provider_id)
                   for i, (name, _) in enumerate(clusters, start=1)) + (
        ("WXC-BRD-05", "Wexcombe Town Advisory Board", meadow.provider_id),
        ("WXC-BRD-06", "Schools Partnership Advisory Board", schools.provider_id),
    )
    changes = (
        StateChange("WXC-CC-12", "2016-06-01", status="proposed_to_close"),
        StateChange("WXC-CC-12", "2017-03-31", status="closed", close_date="2017-03-31"),
        StateChange("WXC-CC-15", "2016-09-12", status="proposed_to_close"),
    )
    return AuthoritySpec(
        code=code, name="Wexcombe County Council", dfe_code="991", authority_type="county", short=short,
        lsoa_block="91", postcode_area="WX", origin=(431000, 214000), grid_columns=6, spacing=6500,
        reach_radius=2200, lsoas_per_centre=8, decile_range=(3, 9), providers=(bright, meadow, schools),
        centres=tuple(centres), boards=boards, changes=changes, health_partner="Wexcombe Community Health NHS Trust",
        gld_all=(53.0, 60.5, 65.0, 68.5), gld_gap=(17.0, 16.0, 15.5, 14.0),
        plants={"signposting": {("WXC-CC-07", "health"): "Leaflets about the health visiting service in reception"},
                "far_lsoas": 6, "misreport": ("WXC-CC-03", "2016Q4", "CORE-REG-U5", 14.0),
                "needs_assessments": [("WXC-NA-2012", "2012-11-30", True, True, False)]},
    )


def port_ellery() -> AuthoritySpec:
    short, code = "PEL", "E06000901"
    council = ProviderSpec("PRV-PEL-COUNCIL", "Port Ellery Council Early Years Service", "PEL-SLA-2014",
                           "2014-04-01", "2019-03-31", p_register=(0.80, 0.92))
    charity = ProviderSpec("PRV-PEL-HARBOUR", "Harbourside Children's Charity", "PEL-CON-2015-01", "2015-04-01",
                           "2018-03-31", p_register=(0.72, 0.86))
    centres = (
        _centres(short, council.provider_id, "North", "PEL-BRD-01", ["Ellery Quay", "Saltings", "Beacon Hill"], 1)
        + _centres(short, council.provider_id, "Central", "PEL-BRD-02", ["Marsh Lane", "Ropewalk", "Chandlers"], 4)
        + _centres(short, charity.provider_id, "East", "PEL-BRD-03", ["Foreshore", "Eastwick Green", "Eastwick"], 7)
    )
    centres.append(CentreSpec("PEL-LS-01", "Lighthouse Community Centre (linked site)", council.provider_id,
                              "North", "PEL-BRD-01", designation="linked_site", parent="PEL-CC-01"))
    boards = (("PEL-BRD-01", "Port Ellery North Advisory Board", council.provider_id),
              ("PEL-BRD-02", "Port Ellery Central Advisory Board", council.provider_id),
              ("PEL-BRD-03", "Port Ellery East Advisory Board", charity.provider_id))
    changes = (
        StateChange("PEL-CC-09", "2016-05-16", status="proposed_to_close"),
        StateChange("PEL-CC-09", "2016-10-31", status="closed", close_date="2016-10-31"),
    )
    return AuthoritySpec(
        code=code, name="Port Ellery Borough Council", dfe_code="992", authority_type="unitary", short=short,
        lsoa_block="92", postcode_area="PQ", origin=(571000, 181000), grid_columns=3, spacing=2600,
        reach_radius=1000, lsoas_per_centre=8, decile_range=(1, 6), providers=(council, charity),
        centres=tuple(centres), boards=boards, changes=changes, health_partner="Estuary Coast NHS Foundation Trust",
        gld_all=(49.0, 56.0, 62.0, 66.0), gld_gap=(19.0, 18.0, 16.5, 15.5),
        plants={"no_onsite": ("PEL-CC-05", "2016Q4"), "board_no_parent": "PEL-BRD-02",
                "live_births_last": "2016-08-10",
                "needs_assessments": [("PEL-NA-2013", "2013-06-28", True, True, False),
                                      ("PEL-NA-2016", "2016-05-20", True, True, True)]},
    )


def harrowfield() -> AuthoritySpec:
    short, code = "HRF", "E06000902"
    hubs = ProviderSpec("PRV-HRF-HUBS", "Harrowfield Family Hubs Partnership", "HRF-CON-2016-01", "2016-04-01",
                        "2021-03-31")
    names = ["Harrowfield Central", "Northgate", "Sallowby", "Cray Bank", "Westmoor", "Thornley Rise",
             "Ormsby Fields", "Greenlode"]
    centres: list[CentreSpec] = []
    for i, name in enumerate(names):
        centres.append(CentreSpec(f"HRF-FH-{i + 1:02d}", f"{name} Family Hub", hubs.provider_id,
                                  ["Harrowfield North", "Harrowfield South"][i // 4], f"HRF-BRD-{i // 2 + 1:02d}",
                                  designation="family_hub_designated", open_date="2007-09-01"))
    centres += [
        CentreSpec("HRF-LS-01", "Northgate Library (hub outreach site)", hubs.provider_id, "Harrowfield North",
                   "HRF-BRD-01", designation="linked_site", parent="HRF-FH-02"),
        CentreSpec("HRF-LS-02", "Westmoor Primary School (hub outreach site)", hubs.provider_id, "Harrowfield South",
                   "HRF-BRD-03", designation="linked_site", parent="HRF-FH-05"),
    ]
    boards = tuple((f"HRF-BRD-{i:02d}", f"Harrowfield Family Hubs Board {i}", hubs.provider_id) for i in range(1, 5))
    changes = (
        StateChange("HRF-FH-07", "2016-09-30", designation="family_hub_not_designated"),
        StateChange("HRF-FH-08", "2017-01-01", designation="family_hub_not_designated"),
    )
    return AuthoritySpec(
        code=code, name="Harrowfield Council", dfe_code="993", authority_type="unitary", short=short,
        lsoa_block="93", postcode_area="HQ", origin=(518000, 409000), grid_columns=4, spacing=3400,
        reach_radius=1300, lsoas_per_centre=9, decile_range=(1, 8), providers=(hubs,), centres=tuple(centres),
        boards=boards, changes=changes, health_partner="Harrowfield and Humberside Healthcare NHS Trust",
        gld_all=(50.0, 57.5, 63.0, 66.5), gld_gap=(18.5, 17.5, 17.0, 16.0),
        plants={"board_annual": ("HRF-BRD-04", "2016Q3"),
                "needs_assessments": [("HRF-NA-2015", "2015-10-30", True, True, True)]},
    )


def saltmere() -> AuthoritySpec:
    """The small authority of sample_data/: one provider, four centres and a linked site."""
    short, code = "SLM", "E06000903"
    trust = ProviderSpec("PRV-SLM-TRUST", "Saltmere Early Years Trust", "SLM-CON-2014-01", "2014-04-01",
                         "2019-03-31")
    centres = _centres(short, trust.provider_id, "Saltmere", "SLM-BRD-01",
                       ["Saltmere Harbour", "Cobble Wynd", "Heronsgate", "Upper Saltmere"], 1)
    centres.append(CentreSpec("SLM-LS-01", "Heronsgate Scout Hut (linked site)", trust.provider_id, "Saltmere",
                              "SLM-BRD-01", designation="linked_site", parent="SLM-CC-03"))
    return AuthoritySpec(
        code=code, name="Saltmere Borough Council", dfe_code="994", authority_type="unitary", short=short,
        lsoa_block="99", postcode_area="SQ", origin=(352000, 98000), grid_columns=2, spacing=2400,
        reach_radius=900, lsoas_per_centre=6, decile_range=(2, 7), providers=(trust,), centres=tuple(centres),
        boards=(("SLM-BRD-01", "Saltmere Children's Centres Advisory Board", trust.provider_id),),
        health_partner="Saltmere Community Health NHS Trust",
        plants={"signposting": {("SLM-CC-03", "health"): "Posters about baby clinics elsewhere in the borough"},
                "needs_assessments": [("SLM-NA-2015", "2015-07-31", True, True, True)]},
    )


# ------------------------------------------------------------------------------------ planted breaches

PLANTED: list[dict[str, Any]] = [
    {"id": "WXC-SIGNPOST-HEALTH", "authority_code": "E10000901", "subject": "centre", "subject_id": "WXC-CC-07",
     "period": "all", "tables": ["services"], "rules": ["CA06-S5A-DEF"],
     "description": "Gorsebrook Children's Centre makes health services available by signposting only "
                    "(services.availability = signposting_only), which does not meet s.5A(4)(b)."},
    {"id": "PEL-NO-ONSITE-2016Q4", "authority_code": "E06000901", "subject": "centre", "subject_id": "PEL-CC-05",
     "period": "2016Q4", "tables": ["sessions"], "rules": ["CA06-S5A-DEF"],
     "description": "Ropewalk Children's Centre delivered every session as outreach in 2016Q4 (building closed "
                    "for repairs): no on-site activity for under-fives, s.5A(4)(c)."},
    {"id": "WXC-NO-BOARD", "authority_code": "E10000901", "subject": "centre", "subject_id": "WXC-CC-24",
     "period": "all", "tables": ["centres"], "rules": ["CA06-S5C-COVER"],
     "description": "Zennor Brook Children's Centre has no advisory board (centres.advisory_board_id blank)."},
    {"id": "PEL-BOARD-NO-PARENT", "authority_code": "E06000901", "subject": "board", "subject_id": "PEL-BRD-02",
     "period": "all", "tables": ["board_members"], "rules": ["CA06-S5C-MEMBERS"],
     "description": "Port Ellery Central Advisory Board has no parent member."},
    {"id": "HRF-BOARD-ANNUAL", "authority_code": "E06000902", "subject": "board", "subject_id": "HRF-BRD-04",
     "period": "2016-17", "tables": ["board_meetings"], "rules": ["CA06-S5C-ACTIVE"],
     "description": "Harrowfield Family Hubs Board 4 met once in 2016-17 (in 2016Q3); the others meet quarterly."},
    {"id": "WXC-DECISION-BEFORE-CLOSE", "authority_code": "E10000901", "subject": "change",
     "subject_id": "CHG-WXC-2016-01", "period": "2016Q3", "tables": ["service_changes", "consultations"],
     "rules": ["GUN-1-FORMATIVE", "CA06-S5D-TRIGGER", "GUN-4-CONSCIENTIOUS"],
     "description": "Closure of Oakridge Park Children's Centre decided on 2016-08-16, before its consultation "
                    "CONS-WXC-2016-01 closed on 2016-09-04."},
    {"id": "PEL-SHORT-CONSULTATION", "authority_code": "E06000901", "subject": "change",
     "subject_id": "CHG-PEL-2016-02", "period": "2016Q2", "tables": ["consultations", "service_changes"],
     "rules": ["GUN-3-TIME"],
     "description": "Consultation CONS-PEL-2016-02 on closing Eastwick Children's Centre ran 25 days "
                    "(2016-06-06 to 2016-07-01), under four weeks."},
    {"id": "PEL-EQIA-AFTER-DECISION", "authority_code": "E06000901", "subject": "change",
     "subject_id": "CHG-PEL-2016-03", "period": "2016Q4", "tables": ["service_changes"], "rules": ["PSED-149"],
     "description": "Merger of Eastwick Green into Foreshore decided 2016-12-07; its EqIA is dated 2017-01-10."},
    {"id": "WXC-NO-DISADVANTAGED-IMPACT", "authority_code": "E10000901", "subject": "change",
     "subject_id": "CHG-WXC-2016-03", "period": "2017Q1", "tables": ["service_changes"],
     "rules": ["SSG-CLOSURE-TEST"],
     "description": "Closure of Rushcombe Children's Centre decided with no assessment of the impact on the "
                    "most disadvantaged families (disadvantaged_impact_assessed = no)."},
    {"id": "HRF-DEDESIGNATION-NO-CONSULTATION", "authority_code": "E06000902", "subject": "change",
     "subject_id": "CHG-HRF-2016-02", "period": "2016Q4", "tables": ["service_changes", "centres"],
     "rules": ["FH-DESIGNATION-INTERPLAY", "CA06-S5D-TRIGGER"],
     "description": "Greenlode Family Hub lost its children's centre designation on 2017-01-01 with no "
                    "consultation (consultation_id blank); the 2017Q1 return shows family_hub_not_designated."},
    {"id": "PEL-LIVE-BIRTHS-STALE", "authority_code": "E06000901", "subject": "authority", "subject_id": "E06000901",
     "period": "2016Q4", "tables": ["data_feeds"], "rules": ["SSG-LIVEBIRTH", "OFS13-DATA-FLOWS"],
     "description": "Port Ellery's last live-birth feed arrived on 2016-08-10: more than three months old at the "
                    "end of 2016Q4 and of 2017Q1."},
    {"id": "WXC-NEEDS-ASSESSMENT-OLD", "authority_code": "E10000901", "subject": "authority",
     "subject_id": "E10000901", "period": "2016-17", "tables": ["needs_assessments"],
     "rules": ["CA06-S5A-NEEDS-ASSESS"],
     "description": "Wexcombe's only needs assessment is dated 2012-11-30 (over three years old) and did not "
                    "consider cross-border centres."},
    {"id": "WXC-DEPRIVED-LSOAS-FAR", "authority_code": "E10000901", "subject": "authority",
     "subject_id": "E10000901", "period": "all", "tables": ["lsoa_population", "deprivation"],
     "rules": ["CA06-S5A-COVERAGE"],
     "description": "Six LSOAs in IMD deciles 1-2 (E01919001-E01919006), about a sixth of the county's "
                    "under-fives in deciles 1-3, lie 12-17 km from the nearest centre and in no reach area."},
    {"id": "WXC-GIAS-NOT-UPDATED", "authority_code": "E10000901", "subject": "centre", "subject_id": "WXC-CC-12",
     "period": "2017Q1", "tables": ["gias_centres", "centres"], "rules": ["SSG-GIAS-SYNC"],
     "description": "The GIAS extract (as at 2016-12-31) still shows Oakridge Park Children's Centre as "
                    "proposed_to_close; the 2017Q1 return shows it closed on 2017-03-31. At 2016Q4 GIAS and the "
                    "returns agree."},
    {"id": "WXC-MEADOW-KPI-SHORTFALL", "authority_code": "E10000901", "subject": "provider",
     "subject_id": "PRV-WXC-MEADOW", "period": "all", "tables": ["registrations", "contacts", "cases"],
     "rules": ["KPI-REG-U5", "KPI-SUSTAINED-TG", "KPI-FAMILY-STAR", "OFS13-REG", "OFS13-SUSTAINED-TG"],
     "description": "Meadowlark Family Services (WXC-CC-17..19) registers about 55% of under-fives, engages "
                    "about 40% of target-group families three or more times, and improves the Family Star score "
                    "of about 40% of closed cases (other providers: about 85%, 75%, 80%)."},
    {"id": "WXC-KPI-MISREPORTED", "authority_code": "E10000901", "subject": "centre", "subject_id": "WXC-CC-03",
     "period": "2016Q4", "tables": ["kpi_returns"], "rules": ["KPI cross-check"],
     "description": "Brightpath reported CORE-REG-U5 for Corrowby Children's Centre in 2016Q4 14 points higher "
                    "than its registrations support."},
]
SAMPLE_PLANTED: list[dict[str, Any]] = [
    {"id": "SLM-SIGNPOST-HEALTH", "authority_code": "E06000903", "subject": "centre", "subject_id": "SLM-CC-03",
     "period": "all", "tables": ["services"], "rules": ["CA06-S5A-DEF"],
     "description": "Heronsgate Children's Centre makes health services available by signposting only "
                    "(services.availability = signposting_only), which does not meet s.5A(4)(b)."},
]


# ---------------------------------------------------------------------------------------- date helpers

def quarter_bounds(label: str) -> tuple[np.datetime64, np.datetime64]:
    year, q = int(label[:4]), int(label[-1])
    start_month = np.datetime64(f"{year}-{3 * (q - 1) + 1:02d}", "M")
    return start_month.astype("datetime64[D]"), (start_month + 3).astype("datetime64[D]") - 1


def _d(text: str | None) -> np.datetime64 | None:
    return None if text is None else np.datetime64(text, "D")


def _weekdays(rng: np.random.Generator, start: np.datetime64, end: np.datetime64, n: int) -> np.ndarray:
    span = int((end - start).astype(int)) + 1
    days = start + rng.integers(0, span, size=n).astype("timedelta64[D]")
    forward = np.busday_offset(days, 0, roll="forward")
    backward = np.busday_offset(days, 0, roll="backward")
    out = np.where(forward <= end, forward, backward)
    return np.where(out < start, days, out).astype("datetime64[D]")


def _uniform_dates(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    span = (hi - lo).astype(int) + 1
    return lo + np.floor(rng.random(len(lo)) * span).astype(int).astype("timedelta64[D]")


def _month_number(day: np.datetime64) -> int:
    return int(day.astype("datetime64[M]").astype(np.int64))


def _exact_share(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """A random mask with exactly round(share * n) True values (keeps small demos close to their targets)."""
    return rng.permutation(n) < int(round(share * n))


def _iso(values: np.ndarray) -> np.ndarray:
    out = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype(object)
    out[np.isnat(values)] = ""
    return out


def _yn(values: np.ndarray) -> np.ndarray:
    return np.where(values, "yes", "no").astype(object)


def _ids(prefix: str, start: int, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(start, start + n)]


# ------------------------------------------------------------------------------------------ the model

@dataclass
class _Centre:
    spec: CentreSpec
    easting: int
    northing: int
    lsoa_code: str
    postcode: str
    urn: int
    reach_lsoas: list[str] = field(default_factory=list)
    under5: int = 0
    p_register: float = 0.0
    p_sustained: float = 0.0
    p_star: float = 0.0


@dataclass
class _World:
    spec: AuthoritySpec
    quarters: tuple[str, ...]
    scale: float
    rng: np.random.Generator
    centres: dict[str, _Centre] = field(default_factory=dict)
    lsoas: pd.DataFrame = field(default_factory=pd.DataFrame)
    registrations: pd.DataFrame = field(default_factory=pd.DataFrame)  # typed, internal
    families: pd.DataFrame = field(default_factory=pd.DataFrame)
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    case_contacts: pd.DataFrame = field(default_factory=pd.DataFrame)
    returns: dict[tuple[str, str], dict[str, pd.DataFrame]] = field(default_factory=dict)  # (provider, q)
    records: dict[str, pd.DataFrame] = field(default_factory=dict)
    contact_history: list[pd.DataFrame] = field(default_factory=list)
    window_counts: dict[str, pd.Series] = field(default_factory=dict)
    engagements: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    reg_by_centre: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    family_arrays: dict[str, np.ndarray] = field(default_factory=dict)
    cc_by_centre: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    next_contact: int = 1
    next_session: int = 1

    @property
    def providers(self) -> dict[str, ProviderSpec]:
        return {p.provider_id: p for p in self.spec.providers}

    def main_centres(self) -> list[_Centre]:
        return [c for c in self.centres.values() if c.spec.designation != "linked_site"]


def _place(world: _World) -> None:
    spec, rng, scale = world.spec, world.rng, world.scale
    x0, y0 = spec.origin
    lsoa_rows: list[dict[str, Any]] = []
    main = [c for c in spec.centres if c.designation != "linked_site"]
    lsoa_n = 1
    for i, centre in enumerate(main):
        row, col = divmod(i, spec.grid_columns)
        x = int(x0 + col * spec.spacing + rng.integers(-spec.spacing // 5, spec.spacing // 5))
        y = int(y0 + row * spec.spacing + rng.integers(-spec.spacing // 5, spec.spacing // 5))
        lo, hi = spec.decile_range
        base = int(rng.integers(lo, hi + 1))
        codes = []
        for k in range(spec.lsoas_per_centre):
            code = f"E01{spec.lsoa_block}{lsoa_n:04d}"
            lsoa_n += 1
            if k == 0:
                lx, ly = x + int(rng.integers(-250, 250)), y + int(rng.integers(-250, 250))
            else:
                angle = rng.random() * 2 * np.pi
                dist = spec.reach_radius * (0.35 + 0.65 * rng.random())
                lx, ly = int(x + dist * np.cos(angle)), int(y + dist * np.sin(angle))
            decile = int(np.clip(base + rng.integers(-2, 3), 1, 10))
            under5 = max(4, int(round(rng.integers(70, 131) * scale)))
            lsoa_rows.append({"lsoa_code": code, "easting": lx, "northing": ly, "imd_decile": decile,
                              "under5": under5, "centre_id": centre.centre_id})
            codes.append(code)
        postcode = f"{spec.postcode_area}{1 + i // 3} {1 + i % 9}{'ABDEFGHJLNPQRSTUWXYZ'[i % 20]}" \
                   f"{'ABDEFGHJLNPQRSTUWXYZ'[(7 * i + 3) % 20]}"
        world.centres[centre.centre_id] = _Centre(centre, x, y, codes[0], postcode, 990000 + int(spec.dfe_code[-1]) *
                                                  1000 + i + 1, reach_lsoas=codes)
    for j, centre in enumerate(c for c in spec.centres if c.designation == "linked_site"):
        parent = world.centres[centre.parent]  # type: ignore[index]
        x = parent.easting + int(rng.integers(1200, 2500)) * (1 if j % 2 == 0 else -1)
        y = parent.northing + int(rng.integers(-1500, 1500))
        postcode = f"{spec.postcode_area}{9} {1 + j}{'LSTW'[j % 4]}{'ABDE'[j % 4]}"
        world.centres[centre.centre_id] = _Centre(centre, x, y, parent.reach_lsoas[-1], postcode,
                                                  990000 + int(spec.dfe_code[-1]) * 1000 + 500 + j + 1)
    for k in range(int(spec.plants.get("far_lsoas", 0))):
        # PLANT: deprived LSOAs east of the county, far from every centre, in no reach area
        far_x = x0 + (spec.grid_columns - 1) * spec.spacing + 13000 + 700 * k
        lsoa_rows.append({"lsoa_code": f"E01{spec.lsoa_block}9{k + 1:03d}", "easting": far_x,
                          "northing": y0 + 4000 + 900 * k, "imd_decile": 1 + k % 2,
                          "under5": max(4, int(round(rng.integers(90, 121) * scale))), "centre_id": ""})
    lsoas = pd.DataFrame(lsoa_rows)
    lsoas["idaci_decile"] = np.clip(lsoas["imd_decile"].to_numpy() + rng.integers(-1, 2, len(lsoas)), 1, 10)
    lsoas["idaci_score"] = np.round(np.clip(0.46 - 0.042 * lsoas["idaci_decile"].to_numpy()
                                            + rng.normal(0, 0.015, len(lsoas)), 0.005, 0.95), 3)
    lsoas["children_0_15"] = np.round(lsoas["under5"].to_numpy() * rng.uniform(2.8, 3.4, len(lsoas))).astype(int)
    world.lsoas = lsoas
    for c in world.main_centres():
        c.under5 = int(lsoas.loc[lsoas["centre_id"] == c.spec.centre_id, "under5"].sum())
        provider = world.providers[c.spec.provider_id]
        c.p_register = float(rng.uniform(*provider.p_register))
        c.p_sustained = float(rng.uniform(*provider.p_sustained))
        c.p_star = float(rng.uniform(*provider.p_star))
        misreport = world.spec.plants.get("misreport")
        if misreport and misreport[0] == c.spec.centre_id:
            c.p_register = 0.80  # about 76% registered, so the inflated report (+14 points) is still plausible


def _register(world: _World) -> None:
    """Children born in each reach area; most are registered a few weeks or months after birth."""
    rng, spec = world.rng, world.spec
    last_day = quarter_bounds(world.quarters[-1])[1]
    last_month = last_day.astype("datetime64[M]")
    months = np.arange(FIRST_BIRTH_MONTH, last_month + 1)
    frames = []
    lsoas = world.lsoas.set_index("lsoa_code")
    for c in world.main_centres():
        codes = np.array(c.reach_lsoas)
        weights = lsoas.loc[codes, "under5"].to_numpy(dtype=float)
        per_month = c.under5 / 60.0
        counts = rng.poisson(per_month, len(months))
        birth = np.repeat(months, counts)
        n = len(birth)
        lsoa = codes[rng.choice(len(codes), size=n, p=weights / weights.sum())]
        deciles = lsoas.loc[lsoa, "imd_decile"].to_numpy()
        lag = np.round(14 + rng.exponential(55, n)).astype(int)
        reg_date = birth.astype("datetime64[D]") + lag.astype("timedelta64[D]")
        registered = (_exact_share(rng, n, c.p_register)) & (reg_date <= last_day)
        p_target = np.where(deciles <= 2, 0.55, np.where(deciles <= 4, 0.35, 0.14))
        target = rng.random(n) < p_target
        # siblings: about one child in five joins an older child's family
        family = np.arange(n)
        sibling = rng.random(n) < 0.2
        gap = rng.integers(15, 80, n)
        for i in np.flatnonzero(sibling):
            j = i - gap[i]
            if j >= 0:
                family[i] = family[j]
                lsoa[i] = lsoa[j]
                target[i] = target[j]
        frames.append(pd.DataFrame({
            "centre_id": c.spec.centre_id, "birth_month": birth.astype(np.int64), "registration_date": reg_date,
            "lsoa_code": lsoa, "target_group": target, "family_local": family, "registered": registered,
        }))
    regs = pd.concat(frames, ignore_index=True)
    # the population estimates count every child born in the area, registered or not
    births = regs["birth_month"].to_numpy()
    for year in (2015, 2016):
        mid = int(np.datetime64(f"{year}-06", "M").astype(np.int64))
        alive = (births <= mid) & (mid - births < 60)
        counts = pd.Series(regs.loc[alive, "lsoa_code"].to_numpy()).value_counts()
        column = "under5" if year == 2016 else "under5_2015"
        reach = world.lsoas["centre_id"] != ""
        world.lsoas.loc[reach, column] = world.lsoas.loc[reach, "lsoa_code"].map(counts).fillna(0).astype(int)
    far = world.lsoas["centre_id"] == ""
    world.lsoas.loc[far, "under5_2015"] = np.round(world.lsoas.loc[far, "under5"] * 0.985)
    world.lsoas["under5"] = world.lsoas["under5"].astype(int)
    world.lsoas["under5_2015"] = world.lsoas["under5_2015"].astype(int)
    for c in world.main_centres():
        c.under5 = int(world.lsoas.loc[world.lsoas["centre_id"] == c.spec.centre_id, "under5"].sum())
    regs = regs[regs["registered"]].drop(columns="registered").reset_index(drop=True)
    # families: global ids; a family's children share lsoa and target group
    fam_key = regs["centre_id"] + ":" + regs["family_local"].astype(str)
    fam_codes, fam_index = np.unique(fam_key.to_numpy(), return_inverse=True)
    n_fam, n = len(fam_codes), len(regs)
    fam_refs = rng.choice(16 ** 6, size=n_fam, replace=False)
    child_refs = rng.choice(16 ** 7, size=n, replace=False)
    regs["family"] = fam_index
    regs["family_ref"] = [f"{spec.short}-FM-{v:06X}" for v in fam_refs[fam_index]]
    regs["child_ref"] = [f"{spec.short}-CH-{v:07X}" for v in child_refs]
    target = regs["target_group"].to_numpy()
    r = rng.random((n, 9))
    regs["lone_parent"] = r[:, 0] < np.where(target, 0.35, 0.12)
    regs["workless_household"] = r[:, 1] < np.where(target, 0.40, 0.06)
    regs["teenage_parent"] = r[:, 2] < np.where(target, 0.08, 0.01)
    regs["disabled_child"] = r[:, 3] < 0.03
    eligible = r[:, 4] < np.where(target, 0.60, 0.05)
    regs["eligible_2yo_funding"] = eligible
    regs["took_up_2yo_place"] = np.where(eligible, r[:, 5] < 0.74, None).astype(object)
    regs["fsm_eligible"] = r[:, 6] < np.where(target, 0.50, 0.06)
    world.registrations = regs
    # family-level behaviour
    centre_p = {c.spec.centre_id: c.p_sustained for c in world.main_centres()}
    fams = regs.groupby("family", sort=True).agg(centre_id=("centre_id", "first"), family_ref=("family_ref", "first"),
                                                 target=("target_group", "max"))
    sustained = np.zeros(len(fams), dtype=bool)
    target_fams = fams["target"].to_numpy()
    fam_centre = fams["centre_id"].to_numpy(dtype=object)
    for cid, p_sustained in centre_p.items():
        members = np.flatnonzero(target_fams & (fam_centre == cid))
        sustained[members] = _exact_share(rng, len(members), p_sustained)
    fams["sustained"] = sustained
    fams["home_q"] = rng.integers(0, 4, len(fams))
    world.families = fams


def _index(world: _World) -> None:
    """Numpy arrays by centre, so each quarter's simulation does not filter whole tables again."""
    regs = world.registrations
    arrays = {"family": regs["family"].to_numpy(), "family_ref": regs["family_ref"].to_numpy(dtype=object),
              "child_ref": regs["child_ref"].to_numpy(dtype=object), "birth_month": regs["birth_month"].to_numpy(),
              "registration_date": regs["registration_date"].to_numpy().astype("datetime64[D]")}
    centre = regs["centre_id"].to_numpy(dtype=object)
    for cid in np.unique(centre):
        mask = centre == cid
        world.reg_by_centre[str(cid)] = {key: values[mask] for key, values in arrays.items()}
    fams = world.families
    world.family_arrays = {"target": fams["target"].to_numpy(dtype=bool),
                           "sustained": fams["sustained"].to_numpy(dtype=bool), "home_q": fams["home_q"].to_numpy()}
    cc = world.case_contacts
    cc_centre = cc["centre_id"].to_numpy(dtype=object)
    for cid in np.unique(cc_centre):
        mask = cc_centre == cid
        world.cc_by_centre[str(cid)] = {"date": cc["date"].to_numpy().astype("datetime64[D]")[mask],
                                        "family_ref": cc["family_ref"].to_numpy(dtype=object)[mask],
                                        "case_id": cc["case_id"].to_numpy(dtype=object)[mask]}


def _state(world: _World, centre: _Centre, q_end: np.datetime64) -> dict[str, Any]:
    state: dict[str, Any] = {"status": "open", "designation": centre.spec.designation, "close_date": None}
    for change in world.spec.changes:
        if change.centre_id == centre.spec.centre_id and _d(change.effective) <= q_end:
            for key in ("status", "designation", "close_date"):
                if getattr(change, key) is not None:
                    state[key] = getattr(change, key)
    return state


def _open_until(world: _World, centre: _Centre) -> np.datetime64:
    closes = [_d(ch.close_date) for ch in world.spec.changes if ch.centre_id == centre.spec.centre_id and ch.close_date]
    return min(closes) if closes else np.datetime64("2099-12-31")


def _make_cases(world: _World) -> None:
    """Episodes of targeted family support (at most six months), with their casework contacts."""
    rng, spec, scale = world.rng, world.spec, world.scale
    first_start = quarter_bounds(world.quarters[0])[0] - 150
    last_day = quarter_bounds(world.quarters[-1])[1]
    regs, fams = world.registrations, world.families
    first_reg = regs.groupby("family")["registration_date"].min().to_numpy().astype("datetime64[D]")
    frames, contact_frames = [], []
    for c in world.main_centres():
        close = _open_until(world, c)
        end_window = min(last_day, close - 60)
        pool = np.flatnonzero((fams["centre_id"].to_numpy() == c.spec.centre_id) & fams["sustained"].to_numpy())
        if len(pool) == 0:
            continue
        span = int((end_window - first_start).astype(int))
        n = int(rng.poisson(max(1.5, 8.0 * scale) * (span / 91.0)))
        starts = np.busday_offset(np.sort(first_start + rng.integers(0, span, n).astype("timedelta64[D]")), 0,
                                  roll="forward").astype("datetime64[D]")
        # each case goes to a sustained target-group family already registered when it starts
        pool = pool[np.argsort(first_reg[pool], kind="stable")]
        available = np.searchsorted(first_reg[pool], starts, side="right")
        keep = available > 0
        starts, available = starts[keep], available[keep]
        n = len(starts)
        fam = pool[np.floor(rng.random(n) * available).astype(int)]
        ends = np.minimum(starts + rng.integers(56, 183, n).astype("timedelta64[D]"), close)
        length = (ends - starts).astype(int)
        star_start = np.round(rng.uniform(2.5, 6.0, n), 1)
        improved = _exact_share(rng, n, c.p_star)
        delta = np.where(improved, rng.uniform(1.0, 3.0, n), rng.uniform(-0.5, 0.9, n))
        level = np.array(["level_2", "level_3", "level_4"], dtype=object)[rng.choice(3, size=n, p=[0.4, 0.45, 0.15])]
        complex_needs = (level == "level_4") | (rng.random(n) < 0.15)
        frames.append(pd.DataFrame({
            "family": fam, "family_ref": fams["family_ref"].to_numpy()[fam], "centre_id": c.spec.centre_id,
            "level": level, "complex_needs": complex_needs, "start_date": starts, "end": ends,
            "review": np.where(length >= 91, starts + 91, np.datetime64("NaT")).astype("datetime64[D]"),
            "star_start": star_start, "star_review": np.round(np.clip(star_start + delta * 0.55, 1, 10), 1),
            "star_end": np.round(np.clip(star_start + delta, 1, 10), 1)}))
        per_case = np.maximum(2, np.round(length / 7 * rng.uniform(0.65, 0.95, n)).astype(int))
        case_of = np.repeat(np.arange(n), per_case)
        offsets = np.floor(rng.random(len(case_of)) * (length[case_of] + 1)).astype(int)
        contact_frames.append(pd.DataFrame({"case_local": case_of, "centre_id": c.spec.centre_id,
                                            "date": starts[case_of] + offsets.astype("timedelta64[D]")}))
    cases = pd.concat(frames, ignore_index=True)
    offsets = np.cumsum([0] + [len(f) for f in frames[:-1]])
    cc = pd.concat([f.assign(case=f["case_local"] + off) for f, off in zip(contact_frames, offsets, strict=True)],
                   ignore_index=True).drop(columns="case_local")
    cc = cc.sort_values(["case", "date"], kind="stable").reset_index(drop=True)
    cases["case_id"] = _ids(f"{spec.short}-CS-", 1, len(cases), 5)
    cc["family_ref"] = cases["family_ref"].to_numpy()[cc["case"].to_numpy()]
    cc["case_id"] = cases["case_id"].to_numpy()[cc["case"].to_numpy()]  # casework is recorded against its case
    cc["date"] = cc["date"].to_numpy().astype("datetime64[D]")
    world.cases = cases
    world.case_contacts = cc


SESSION_KEYS = ("session_id", "centre_id", "date", "activity", "activity_type", "on_site", "min_age_months",
                "max_age_months")
CONTACT_KEYS = ("family_ref", "child_ref", "centre_id", "date", "contact_type", "session_id", "case_id")


def _cat(parts: list[dict[str, np.ndarray]], keys: Sequence[str]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([part[key] for part in parts]) for key in keys}


def _sessions(world: _World, centre: _Centre, label: str, start: np.datetime64,
              end: np.datetime64) -> dict[str, np.ndarray]:
    rng = world.rng
    linked = centre.spec.designation == "linked_site"
    n = max(3 if linked else 6, int(round((12 if linked else 36) * world.scale)))
    weights = np.array([a[4] for a in ACTIVITIES])
    picks = rng.choice(len(ACTIVITIES), size=n, p=weights / weights.sum())
    picks[0] = 0  # every site runs a stay and play
    on_site = rng.random(n) < 0.86
    on_site[0] = True
    if world.spec.plants.get("no_onsite") == (centre.spec.centre_id, label):
        on_site[:] = False  # PLANT: building closed for repairs, everything delivered as outreach
    dates = np.sort(_weekdays(rng, start, end, n))
    acts = [ACTIVITIES[i] for i in picks]
    names = [a[0] if site else f"{a[0]} (outreach)" for a, site in zip(acts, on_site, strict=True)]
    out = {
        "session_id": np.array(_ids(f"{world.spec.short}-S-", world.next_session, n, 6), dtype=object),
        "centre_id": np.full(n, centre.spec.centre_id, dtype=object), "date": dates,
        "activity": np.array(names, dtype=object), "activity_type": np.array([a[1] for a in acts], dtype=object),
        "on_site": on_site,
        "min_age_months": np.array([np.nan if a[2] is None else a[2] for a in acts], dtype=float),
        "max_age_months": np.array([np.nan if a[3] is None else a[3] for a in acts], dtype=float),
    }
    world.next_session += n
    return out


def _contacts(world: _World, centre: _Centre, q_index: int, start: np.datetime64, end: np.datetime64,
              sessions: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Contacts in one quarter for the children registered with one centre."""
    rng = world.rng
    cid = centre.spec.centre_id
    mine = world.reg_by_centre[cid]
    age_at_start = _month_number(start) - mine["birth_month"]
    reg_day = mine["registration_date"]
    sel = (reg_day <= end) & (age_at_start < 60)
    pool = {key: values[sel] for key, values in mine.items()}
    fams = world.family_arrays
    family = pool["family"]
    target, sustained, home_q = fams["target"][family], fams["sustained"][family], fams["home_q"][family]
    first_child = np.zeros(len(family), dtype=bool)
    first_child[np.unique(family, return_index=True)[1]] = True
    n_pool = len(family)
    # (a) children of families outside the target groups: occasional contacts
    k_other = np.where(~target, rng.poisson(0.6, n_pool), 0)
    # (b) target families with sustained engagement: three or more contacts every quarter (one child carries them)
    k_sustained = np.where(target & sustained & first_child, 3 + rng.poisson(0.6, n_pool), 0)
    # (c) other target families: one contact in one quarter of the year
    k_once = np.where(target & ~sustained & first_child & (home_q == q_index % 4), 1, 0)
    idx = np.repeat(np.arange(n_pool), k_other + k_sustained + k_once)
    earliest = np.maximum(pool["registration_date"][idx], start)
    dates = _uniform_dates(rng, earliest, np.full(len(idx), end))
    types = np.array(CONTACT_TYPES, dtype=object)[rng.choice(len(CONTACT_TYPES), size=len(idx), p=CONTACT_TYPE_P)]
    session_ids = np.full(len(idx), "", dtype=object)
    contact_centre = np.full(len(idx), cid, dtype=object)
    s_dates = sessions["date"]
    if len(s_dates):
        lo = np.searchsorted(s_dates, earliest, side="left")
        is_session = types == "session"
        possible = is_session & (lo < len(s_dates))
        pick = np.minimum(lo + np.floor(rng.random(len(idx)) * (len(s_dates) - lo)).astype(int), len(s_dates) - 1)
        session_ids = np.where(possible, sessions["session_id"][pick], "").astype(object)
        dates = np.where(possible, s_dates[pick], dates)
        contact_centre = np.where(possible, sessions["centre_id"][pick], contact_centre).astype(object)
        types = np.where(is_session & ~possible, "phone", types).astype(object)
    else:
        types = np.where(types == "session", "phone", types).astype(object)
    parts = [{"family_ref": pool["family_ref"][idx], "child_ref": pool["child_ref"][idx], "centre_id": contact_centre,
              "date": dates.astype("datetime64[D]"), "contact_type": types, "session_id": session_ids,
              "case_id": np.full(len(idx), "", dtype=object)}]
    # (d) new-birth visits for babies registered within eight weeks of birth
    born = pool["birth_month"].astype("datetime64[M]").astype("datetime64[D]")
    new = (pool["registration_date"] >= start) & ((pool["registration_date"] - born).astype(int) <= 56)
    n_new = int(new.sum())
    parts.append({"family_ref": pool["family_ref"][new], "child_ref": pool["child_ref"][new],
                  "centre_id": np.full(n_new, cid, dtype=object), "date": pool["registration_date"][new],
                  "contact_type": np.full(n_new, "birth_visit", dtype=object),
                  "session_id": np.full(n_new, "", dtype=object), "case_id": np.full(n_new, "", dtype=object)})
    # (e) casework with families on targeted support (family-level, no child)
    cc = world.cc_by_centre.get(cid, {"date": np.array([], "datetime64[D]"), "family_ref": np.array([], object),
                                      "case_id": np.array([], object)})
    in_q = (cc["date"] >= start) & (cc["date"] <= end)
    n_cw = int(in_q.sum())
    parts.append({"family_ref": cc["family_ref"][in_q], "child_ref": np.full(n_cw, "", dtype=object),
                  "centre_id": np.full(n_cw, cid, dtype=object), "date": cc["date"][in_q],
                  "contact_type": np.full(n_cw, "casework", dtype=object), "session_id": np.full(n_cw, "", dtype=object),
                  "case_id": cc["case_id"][in_q]})
    return _cat(parts, CONTACT_KEYS)


def _simulate_quarter(world: _World, q_index: int, label: str) -> None:
    spec, rng = world.spec, world.rng
    q_start, q_end = quarter_bounds(label)
    sessions_by_centre: dict[str, dict[str, np.ndarray]] = {}
    states = {cid: _state(world, c, q_end) for cid, c in world.centres.items()}
    for cid, c in world.centres.items():
        end = min(q_end, _open_until(world, c))
        if end < q_start:
            made = _sessions(world, c, label, q_start, q_start)
            sessions_by_centre[cid] = {key: values[:0] for key, values in made.items()}
            continue
        sessions_by_centre[cid] = _sessions(world, c, label, q_start, end)
    contacts_by_centre: list[dict[str, np.ndarray]] = []
    for cid, c in world.centres.items():
        if c.spec.designation == "linked_site":
            continue
        end = min(q_end, _open_until(world, c))
        if end < q_start:
            continue
        linked = [s for s, lc in world.centres.items() if lc.spec.parent == cid]
        pool = _cat([sessions_by_centre[cid]] + [sessions_by_centre[s] for s in linked], SESSION_KEYS)
        order = np.lexsort((pool["session_id"], pool["date"]))
        pool = {key: values[order] for key, values in pool.items()}
        contacts_by_centre.append(_contacts(world, c, q_index, q_start, end, pool))
    all_contacts = pd.DataFrame(_cat(contacts_by_centre, CONTACT_KEYS))
    all_contacts = all_contacts.sort_values(["centre_id", "date", "contact_type", "family_ref"], kind="stable")
    all_contacts = all_contacts.reset_index(drop=True)
    all_contacts.insert(0, "contact_id", _ids(f"{spec.short}-CT-", world.next_contact, len(all_contacts), 7))
    world.next_contact += len(all_contacts)
    world.contact_history.append(all_contacts[["family_ref", "date"]])
    history = pd.concat(world.contact_history, ignore_index=True)
    history_dates = history["date"].to_numpy().astype("datetime64[D]")
    window = history[(history_dates > q_end - 365) & (history_dates <= q_end)]
    world.window_counts[label] = window.groupby("family_ref").size()
    # attendances: children seen plus their parents and carers
    merged = _cat(list(sessions_by_centre.values()), SESSION_KEYS)
    sessions = pd.DataFrame({key: values for key, values in merged.items() if not key.endswith("_months")})
    for key in ("min_age_months", "max_age_months"):
        sessions[key] = pd.array(merged[key], dtype="Int64")
    seen = all_contacts.loc[all_contacts["session_id"] != "", "session_id"].value_counts()
    children = seen.reindex(sessions["session_id"]).fillna(0).to_numpy().astype(int)
    adults = np.where(np.isnan(merged["min_age_months"]), rng.poisson(6, len(sessions)),
                      np.round(children * rng.uniform(0.7, 1.0, len(sessions))).astype(int) + rng.poisson(1, len(sessions)))
    sessions["attendances"] = np.minimum(children + adults + np.where(children + adults == 0, 2, 0), 500)
    regs = world.registrations
    age_at_start = _month_number(q_start) - regs["birth_month"].to_numpy()
    reg_now = regs[(regs["registration_date"].to_numpy() <= q_end) & (age_at_start < 60)]
    cc = world.case_contacts
    world.engagements = np.bincount(cc["case"].to_numpy()[cc["date"].to_numpy() <= q_end], minlength=len(world.cases))
    session_centre = sessions["centre_id"].to_numpy(dtype=object)
    contact_centre = all_contacts["centre_id"].to_numpy(dtype=object)
    reg_centre = reg_now["centre_id"].to_numpy(dtype=object)
    for provider in spec.providers:
        pid = provider.provider_id
        ids = [cid for cid, c in world.centres.items() if c.spec.provider_id == pid]
        tables = {
            "centres": _centres_table(world, ids, states),
            "services": _services_table(world, ids, states),
            "sessions": sessions[np.isin(session_centre, ids)].reset_index(drop=True),
            "registrations": reg_now[np.isin(reg_centre, ids)].reset_index(drop=True),
            "contacts": all_contacts[np.isin(contact_centre, ids)].reset_index(drop=True),
            "cases": _cases_table(world, ids, q_start, q_end),
            **_board_tables(world, pid, label, q_start, q_end),
        }
        tables["kpi_returns"] = _kpis(world, ids, label, q_start, q_end, states, tables)
        world.returns[(pid, label)] = tables


def _centres_table(world: _World, ids: list[str], states: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rows = []
    providers = world.providers
    for cid in ids:
        c, s = world.centres[cid], states[cid]
        provider = providers[c.spec.provider_id]
        rows.append({
            "centre_id": cid, "centre_name": c.spec.name, "urn": c.urn, "authority_code": world.spec.code,
            "provider_id": c.spec.provider_id, "designation": s["designation"], "parent_centre_id": c.spec.parent or "",
            "status": s["status"], "open_date": c.spec.open_date, "close_date": s["close_date"] or "",
            "postcode": c.postcode, "easting": c.easting, "northing": c.northing, "lsoa_code": c.lsoa_code,
            "advisory_board_id": c.spec.board_id or "",
            "reach_area_id": "" if c.spec.designation == "linked_site" else f"RA-{cid}",
            "cluster": c.spec.cluster, "managing_body": c.spec.managing_body or provider.name,
            "la_contract_ref": provider.contract_ref,
        })
    return pd.DataFrame(rows, columns=COLUMNS["centres"])


def _services_table(world: _World, ids: list[str], states: dict[str, dict[str, Any]]) -> pd.DataFrame:
    signposting = world.spec.plants.get("signposting", {})
    rows = []
    for cid in ids:
        c = world.centres[cid]
        if c.spec.designation == "linked_site" or states[cid]["status"] == "closed":
            continue
        for category in SERVICE_CATEGORIES:
            availability, notes = SERVICE_DEFAULTS[category]
            if (cid, category) in signposting:
                availability, notes = "signposting_only", signposting[(cid, category)]
            elif category == "early_years" and int(cid[-2:]) % 4 == 0:
                availability, notes = "advice_and_assistance", "Staff help parents find and apply for nursery places"
            rows.append({"centre_id": cid, "service_category": category, "availability": availability,
                         "notes": notes})
    return pd.DataFrame(rows, columns=COLUMNS["services"])


def _cases_table(world: _World, ids: list[str], q_start: np.datetime64, q_end: np.datetime64) -> pd.DataFrame:
    cases = world.cases
    if cases.empty:
        return pd.DataFrame(columns=COLUMNS["cases"])
    # the episodes open in the quarter and those closed in the 12 months to its end (so the return's own
    # records support its Family Star figure)
    keep = np.isin(cases["centre_id"].to_numpy(dtype=object), ids) & (cases["start_date"] <= q_end).to_numpy() \
        & (cases["end"] > q_end - 365).to_numpy()
    cases = cases[keep].copy()
    cases["engagements"] = world.engagements[np.flatnonzero(keep)]
    closed = (cases["end"] <= q_end).to_numpy()
    reviewed = (cases["review"] <= q_end).fillna(False).to_numpy()
    cases["end_date"] = np.where(closed, cases["end"].to_numpy(), np.datetime64("NaT"))
    cases["star_review_date"] = np.where(reviewed, cases["review"].to_numpy(), np.datetime64("NaT"))
    cases["star_review"] = np.where(reviewed, cases["star_review"], np.nan)
    cases["star_end_date"] = cases["end_date"]
    cases["star_end"] = np.where(closed, cases["star_end"], np.nan)
    return cases.reset_index(drop=True)


def _board_tables(world: _World, pid: str, label: str, q_start: np.datetime64,
                  q_end: np.datetime64) -> dict[str, pd.DataFrame]:
    spec = world.spec
    boards = [b for b in spec.boards if b[2] == pid]
    board_rows = [{"board_id": b, "board_name": name, "authority_code": spec.code} for b, name, _ in boards]
    members, meetings = [], []
    for b, _, _ in boards:
        # a fixed membership per board: derive it from a board-specific stream so it never changes by quarter
        brng = np.random.default_rng([int(spec.dfe_code), int(b[-2:])])
        covered = [cid for cid, c in world.centres.items() if c.spec.board_id == b and c.spec.designation != "linked_site"]
        seats = [("centre", cid) for cid in covered] + [("authority", "")]
        if spec.plants.get("board_no_parent") != b:
            seats += [("parent", ""), ("parent", "")]
        seats += [("partner", ""), ("partner", "")] + ([("other", "")] if brng.random() < 0.5 else [])
        for n, (role, centre) in enumerate(seats, start=1):
            start = f"201{int(brng.integers(4, 6))}-{int(brng.integers(1, 13)):02d}-01"
            members.append({"board_id": b, "member_ref": f"M{n:02d}", "role": role, "represents_centre_id": centre,
                            "start_date": start, "end_date": ""})
        annual = spec.plants.get("board_annual")
        if annual and annual[0] == b:
            if annual[1] == label:  # PLANT: this board met once in the year
                meetings.append(_meeting(world, b, q_start, q_end))
            continue
        if label == world.quarters[0]:
            # the first return of a run also lists the meetings of the three quarters before it, so that
            # "meetings in the last 12 months" can be judged from the first quarter on
            history_month = q_start.astype("datetime64[M]")
            for back in (9, 6, 3):
                start = (history_month - back).astype("datetime64[D]")
                end = (history_month - back + 3).astype("datetime64[D]") - 1
                meetings.append(_meeting(world, b, start, end))
        meetings.append(_meeting(world, b, q_start, q_end))
    return {"boards": pd.DataFrame(board_rows, columns=COLUMNS["boards"]),
            "board_members": pd.DataFrame(members, columns=COLUMNS["board_members"]),
            "board_meetings": pd.DataFrame(meetings, columns=COLUMNS["board_meetings"])}


def _meeting(world: _World, board_id: str, start: np.datetime64, end: np.datetime64) -> dict[str, Any]:
    day = _weekdays(world.rng, start + 30, end - 20, 1)[0]
    return {"board_id": board_id, "meeting_date": day, "quorate": world.rng.random() < 0.93,
            "performance_data_reviewed": world.rng.random() < 0.9, "minutes_published": True}


def _kpis(world: _World, ids: list[str], label: str, q_start: np.datetime64, q_end: np.datetime64,
          states: dict[str, dict[str, Any]], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The provider's own KPI figures, computed as documented in the demo README (one is misreported)."""
    per_family = world.window_counts[label]
    regs = tables["registrations"]
    reg_centre = regs["centre_id"].to_numpy(dtype=object)
    under5_at_end = (_month_number(q_end) - regs["birth_month"].to_numpy()) < 60
    reg_target = regs["target_group"].to_numpy(dtype=bool)
    reg_family = regs["family_ref"].to_numpy(dtype=object)
    cases = world.cases
    case_centre = cases["centre_id"].to_numpy(dtype=object)
    starts = cases["start_date"].to_numpy().astype("datetime64[D]")
    ends = cases["end"].to_numpy().astype("datetime64[D]")
    returned = tables["cases"]
    rc_centre = returned["centre_id"].to_numpy(dtype=object)
    rc_end = pd.to_datetime(returned["end_date"]).to_numpy().astype("datetime64[D]")
    rc_improved = ((returned["star_end"].astype("Float64") - returned["star_start"].astype("Float64")) >= 1
                   ).fillna(False).to_numpy(dtype=bool)
    cc = world.case_contacts
    cc_dates = cc["date"].to_numpy()
    in_quarter = np.bincount(cc["case"].to_numpy()[(cc_dates >= q_start) & (cc_dates <= q_end)],
                             minlength=len(cases))
    misreport = world.spec.plants.get("misreport")
    rows = []
    for cid in ids:
        c = world.centres[cid]
        if c.spec.designation == "linked_site" or states[cid]["status"] == "closed":
            continue
        mine = reg_centre == cid
        figures = {"CORE-REG-U5": (int((mine & under5_at_end).sum()), c.under5)}
        fam_tg = np.unique(reg_family[mine & reg_target])
        engaged = per_family.reindex(fam_tg).fillna(0).to_numpy() >= 3
        figures["CORE-SUSTAINED-TG"] = (int(engaged.sum()), len(fam_tg))
        mc = case_centre == cid
        whole = mc & (starts <= q_start) & (ends >= q_end)
        figures["CORE-CASEWORK-N"] = (int((in_quarter[whole] >= 6).sum()), int(whole.sum()))
        # Family Star: from the cases this return lists, so the figure can be reproduced from the return
        closed = (rc_centre == cid) & (rc_end > q_end - 365) & (rc_end <= q_end)
        figures["CORE-FAMILY-STAR"] = (int((rc_improved & closed).sum()), int(closed.sum()))
        for kpi_id in KPI_IDS:
            n, d = figures[kpi_id]
            if d == 0:
                continue
            value = round(100.0 * n / d, 1)
            if misreport and misreport[:3] == (cid, label, kpi_id):
                value = round(value + misreport[3], 1)  # PLANT: the reported figure disagrees with the data
                n = int(round(value * d / 100.0))
            rows.append({"kpi_id": kpi_id, "subject_id": cid, "period": label, "numerator": n, "denominator": d,
                         "value": value})
    return pd.DataFrame(rows, columns=COLUMNS["kpi_returns"])


# ------------------------------------------------------------------------------------ authority records

def _authority_records(world: _World) -> None:
    spec, rng, scale = world.spec, world.rng, world.scale
    code = spec.code
    recs: dict[str, pd.DataFrame] = {}
    recs["providers"] = pd.DataFrame([{"provider_id": p.provider_id, "provider_name": p.name, "authority_code": code,
                                       "contract_ref": p.contract_ref, "contract_start": p.contract_start,
                                       "contract_end": p.contract_end} for p in spec.providers])
    consultations, changes = _changes(spec)
    _programme_refs(changes)
    recs["service_changes"] = pd.DataFrame(changes, columns=COLUMNS["service_changes"])
    recs["consultations"] = pd.DataFrame(consultations, columns=COLUMNS["consultations"])
    recs["needs_assessments"] = pd.DataFrame(
        [{"assessment_id": a, "authority_code": code, "assessment_date": d, "covers_under5_population": u,
          "covers_deprivation": dep, "covers_cross_border": cb,
          # every demo assessment records who was involved (s.3(4)-(5)); the rules' own examples show the gaps
          "involved_parents": True, "involved_pvi_providers": True, "children_views_considered": True}
         for a, d, u, dep, cb in spec.plants["needs_assessments"]])
    recs["partner_agreements"] = pd.DataFrame([
        {"agreement_id": f"{spec.short}-PA-01", "authority_code": code, "partner_type": "health",
         "partner_name": spec.health_partner, "start_date": "2014-04-01", "end_date": "", "data_sharing": True},
        {"agreement_id": f"{spec.short}-PA-02", "authority_code": code, "partner_type": "jcp",
         "partner_name": f"Jobcentre Plus, {spec.name.split()[0]} district", "start_date": "2015-01-05",
         "end_date": "", "data_sharing": False},
        {"agreement_id": f"{spec.short}-PA-03", "authority_code": code, "partner_type": "other",
         "partner_name": f"{spec.name.split()[0]} Library Service", "start_date": "2013-09-01", "end_date": "",
         "data_sharing": False},
    ])
    first = quarter_bounds(world.quarters[0])[0] - 92
    last = quarter_bounds(world.quarters[-1])[1]
    births_per_month = max(1, int(round(sum(c.under5 for c in world.main_centres()) / 60)))
    feeds = []
    stale = _d(spec.plants.get("live_births_last"))
    month = first.astype("datetime64[M]")
    while month <= last.astype("datetime64[M]"):
        day = month.astype("datetime64[D]") + int(rng.integers(6, 13))
        births_day = stale if stale is not None and stale.astype("datetime64[M]") == month else day
        if births_day <= last and (stale is None or births_day <= stale):
            feeds.append(("live_births", births_day, int(births_per_month * rng.uniform(0.85, 1.15)), True))
        if day <= last:
            feeds.append(("social_care", day + 2, int(max(1, 40 * scale) * rng.uniform(0.8, 1.2)), True))
        if int(str(month)[5:7]) in (1, 4, 9) and day <= last:
            feeds.append(("eligible_2yo", day + 5, int(max(1, births_per_month * 3) * rng.uniform(0.8, 1.2)), True))
        month += 1
    feeds.sort(key=lambda f: (f[1], f[0]))
    recs["data_feeds"] = pd.DataFrame([{"feed_id": f"{spec.short}-FD-{i:04d}", "authority_code": code,
                                        "feed_type": t, "received_date": d, "records": r, "data_sharing_agreement": a}
                                       for i, (t, d, r, a) in enumerate(feeds, start=1)])
    inspections = []
    for c in world.main_centres():
        if rng.random() < 0.6:
            day = _weekdays(rng, np.datetime64("2012-01-09"), np.datetime64("2015-06-30"), 1)[0]
            grade = int(rng.choice([1, 2, 3, 4], p=[0.05, 0.55, 0.35, 0.05]))
            report = np.busday_offset(day + int(rng.integers(18, 35)), 0, roll="forward")
            action = np.busday_offset(report + int(rng.integers(30, 60)), 0, roll="forward")
            inspections.append({"inspection_id": f"{spec.short}-INS-{len(inspections) + 1:03d}",
                                "centre_id": c.spec.centre_id, "inspection_date": day, "report_date": report,
                                "overall_grade": grade, "action_statement_date": action,
                                "action_statement_has_timescales": True})
    recs["inspections"] = pd.DataFrame(inspections, columns=COLUMNS["inspections"])
    metrics = []
    for i, year in enumerate(range(2013, 2017)):
        all_ = spec.gld_all[i]
        gap = spec.gld_gap[i]
        dis = all_ - gap * 0.8
        metrics += [{"authority_code": code, "metric": "gld_percent", "year": year, "group": g, "value": round(v, 1)}
                    for g, v in (("all", all_), ("disadvantaged", dis), ("advantaged", dis + gap))]
    recs["outcome_metrics"] = pd.DataFrame(metrics)
    recs["self_evaluations"] = _self_evaluations(world)
    recs["actions"], recs["centre_targets"] = demo_actions(code), demo_centre_targets(code)
    world.records = recs


SELF_NARRATIVES = {
    "access": ("Registration of under-fives has risen; outreach sessions now run at two primary schools.",
               "Most families in the reach area are registered; the newest estates are still under-represented.",
               "Timetable reviewed with parents; weekend sessions added for working fathers."),
    "quality": ("Family Star is completed at the start and close of every case; most families improve.",
                "Casework supervision is monthly; two staff completed early help assessment training.",
                "Case closure reviews show families stepping down to universal services within six months."),
    "leadership": ("The advisory board meets every term and parents chair one meeting a year.",
                   "Partnership agreements with health and Jobcentre Plus are in place and reviewed yearly.",
                   "Staff turnover is low; the centre plan is shared with the board and the authority."),
}
AUTHORITY_COMMENTS = {0: "Agreed at the annual conversation.",
                      1: "Not agreed: the evidence reviewed does not yet support this grade."}


def _self_evaluations(world: _World) -> pd.DataFrame:
    """The 2015-16 self-evaluation of each centre, per inspection area, and the grade the authority agreed at
    the annual conversation in May 2016. A separate seeded generator, so adding it changes no other table."""
    rng = np.random.default_rng([2016, int(world.spec.code[1:])])
    rows = []
    for c in world.main_centres():
        for area, narratives in SELF_NARRATIVES.items():
            self_grade = int(rng.choice([1, 2, 3], p=[0.15, 0.7, 0.15]))
            disagreed = int(rng.random() < 0.2)
            rows.append({"centre_id": c.spec.centre_id, "authority_code": world.spec.code, "period": "2015-16",
                         "area": area, "self_grade": self_grade,
                         "self_narrative": narratives[int(rng.integers(len(narratives)))],
                         "agreed_grade": min(4, self_grade + disagreed),
                         "authority_comment": AUTHORITY_COMMENTS[disagreed],
                         "review_date": f"2016-05-{int(rng.integers(9, 28)):02d}"})
    return pd.DataFrame(rows, columns=COLUMNS["self_evaluations"])


def _consultation(cid: str, code: str, title: str, open_: str, close: str, responses: int, analysis: str,
                  **flags: bool) -> dict[str, Any]:
    row = {"consultation_id": cid, "authority_code": code, "title": title, "open_date": open_, "close_date": close,
           "responses": responses, "analysis_date": analysis}
    for name in ("reasons_given", "alternatives_given", "usage_data_given", "eqia_published", "consulted_families",
                 "consulted_staff", "consulted_advisory_board", "consulted_partners", "targeted_methods"):
        row[name] = flags.get(name, True)
    return row


def _change(change_id: str, code: str, centre: str, kind: str, description: str, proposal: str, decision: str,
            implementation: str, consultation: str, eqia: str, **flags: Any) -> dict[str, Any]:
    row = {"change_id": change_id, "authority_code": code, "centre_id": centre, "change_type": kind,
           "description": description, "proposal_date": proposal, "savings_committed_date": "",
           "decision_date": decision, "implementation_date": implementation, "consultation_id": consultation,
           "eqia_date": eqia, "departure_reasons": ""}
    for name in ("disadvantaged_impact_assessed", "outcomes_impact_assessed", "sufficiency_after_assessed",
                 "responses_analysis_before_decision", "decision_published", "cites_statutory_guidance"):
        row[name] = flags.get(name, True)
    return row


def _programme_refs(changes: list[dict[str, Any]]) -> None:
    """Changes one authority decided on the same day belong to one decision: they share a programme reference."""
    decided: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in changes:
        if row.get("decision_date"):
            decided.setdefault((row["authority_code"], row["decision_date"]), []).append(row)
    for (code, day), rows in decided.items():
        for row in rows:
            row["programme_ref"] = f"DEC-{code[-3:]}-{day}" if len(rows) > 1 else ""


def _changes(spec: AuthoritySpec) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    c = spec.code
    if spec.short == "WXC":
        return [
            _consultation("CONS-WXC-2016-01", c, "Proposal to close Oakridge Park Children's Centre", "2016-06-13",
                          "2016-09-04", 412, "2016-09-23"),
            _consultation("CONS-WXC-2016-02", c, "Children's centres in Wexcombe: merging Tollgate and Wexcombe "
                          "Town North, and closing Rushcombe", "2016-10-03", "2016-12-23", 738, "2017-01-20"),
        ], [
            # PLANT WXC-DECISION-BEFORE-CLOSE
            _change("CHG-WXC-2016-01", c, "WXC-CC-12", "close", "Close Oakridge Park and deliver from Kestrelford",
                    "2016-06-01", "2016-08-16", "2017-03-31", "CONS-WXC-2016-01", "2016-05-27",
                    responses_analysis_before_decision=False),
            _change("CHG-WXC-2016-02", c, "WXC-CC-19", "merge", "Merge Tollgate into Wexcombe Town North as one "
                    "centre with a linked site", "2016-09-12", "2017-02-14", "2017-04-03", "CONS-WXC-2016-02",
                    "2016-09-20"),
            # PLANT WXC-NO-DISADVANTAGED-IMPACT
            _change("CHG-WXC-2016-03", c, "WXC-CC-15", "close", "Close Rushcombe; families to use Pennybridge",
                    "2016-09-12", "2017-02-14", "2017-06-30", "CONS-WXC-2016-02", "2016-09-20",
                    disadvantaged_impact_assessed=False),
        ]
    if spec.short == "PEL":
        return [
            _consultation("CONS-PEL-2016-01", c, "Review of children's centres in Port Ellery", "2016-09-05",
                          "2016-10-17", 356, "2016-11-04"),
            # PLANT PEL-SHORT-CONSULTATION: 25 days
            _consultation("CONS-PEL-2016-02", c, "Proposal to close Eastwick Children's Centre", "2016-06-06",
                          "2016-07-01", 88, "2016-07-08"),
        ], [
            _change("CHG-PEL-2016-01", c, "PEL-CC-03", "significant_change", "Beacon Hill open three days a week",
                    "2016-08-30", "2016-12-07", "2017-01-09", "CONS-PEL-2016-01", "2016-08-22"),
            _change("CHG-PEL-2016-02", c, "PEL-CC-09", "close", "Close Eastwick; services from Eastwick Green",
                    "2016-05-16", "2016-07-20", "2016-10-31", "CONS-PEL-2016-02", "2016-05-31"),
            # PLANT PEL-EQIA-AFTER-DECISION
            _change("CHG-PEL-2016-03", c, "PEL-CC-08", "merge", "Merge Eastwick Green into Foreshore",
                    "2016-08-30", "2016-12-07", "2017-04-03", "CONS-PEL-2016-01", "2017-01-10"),
        ]
    if spec.short == "HRF":
        return [
            _consultation("CONS-HRF-2016-01", c, "Family hubs in Harrowfield: the future of Ormsby Fields",
                          "2016-04-18", "2016-07-08", 529, "2016-07-22"),
            _consultation("CONS-HRF-2016-02", c, "Extending family hubs to families with children up to 19",
                          "2016-09-05", "2016-11-25", 611, "2016-12-09"),
        ], [
            _change("CHG-HRF-2016-01", c, "HRF-FH-07", "de_designate", "Ormsby Fields becomes a family hub without "
                    "children's centre designation", "2016-04-11", "2016-08-02", "2016-09-30", "CONS-HRF-2016-01",
                    "2016-04-05"),
            # PLANT HRF-DEDESIGNATION-NO-CONSULTATION
            _change("CHG-HRF-2016-02", c, "HRF-FH-08", "de_designate", "Greenlode rebranded as a family hub without "
                    "children's centre designation", "2016-10-24", "2016-11-15", "2017-01-01", "", "2016-10-20",
                    responses_analysis_before_decision=False),
            _change("CHG-HRF-2016-03", c, "HRF-FH-01", "significant_change", "Harrowfield Central extends to a 0-19 "
                    "family hub offer", "2016-08-30", "2017-01-17", "2017-04-03", "CONS-HRF-2016-02", "2016-08-26"),
        ]
    return [
        _consultation(f"CONS-{spec.short}-2016-01", c, "Changing opening hours at Upper Saltmere", "2016-03-07",
                      "2016-05-27", 143, "2016-06-10"),
    ], [
        _change(f"CHG-{spec.short}-2016-01", c, f"{spec.short}-CC-04", "significant_change",
                "Upper Saltmere open four days a week", "2016-02-29", "2016-07-12", "2016-09-05",
                f"CONS-{spec.short}-2016-01", "2016-02-22"),
    ]


# ------------------------------------------------------------------------------------------- reference

def _reference(worlds: Sequence[_World]) -> dict[str, pd.DataFrame]:
    authorities = pd.DataFrame([{"authority_code": w.spec.code, "authority_name": w.spec.name,
                                 "dfe_code": w.spec.dfe_code, "authority_type": w.spec.authority_type} for w in worlds])
    pops, deps = [], []
    for w in worlds:
        lsoas = w.lsoas
        ward_code, ward_name = _wards(w.spec, lsoas)
        for year, column in ((2015, "under5_2015"), (2016, "under5")):
            pops.append(pd.DataFrame({"lsoa_code": lsoas["lsoa_code"], "year": year, "authority_code": w.spec.code,
                                      "under5": lsoas[column].astype(int),
                                      "easting": lsoas["easting"], "northing": lsoas["northing"],
                                      "ward_code": ward_code, "ward_name": ward_name}))
        deps.append(pd.DataFrame({"lsoa_code": lsoas["lsoa_code"], "iod_version": "IoD2019", "lad_code": w.spec.code,
                                  "imd_decile": lsoas["imd_decile"], "idaci_decile": lsoas["idaci_decile"],
                                  "idaci_score": lsoas["idaci_score"], "children_0_15": lsoas["children_0_15"]}))
    return {"authorities": authorities, "lsoa_population": pd.concat(pops, ignore_index=True),
            "deprivation": pd.concat(deps, ignore_index=True), "gias_centres": _gias(worlds),
            "comparators": demo_comparators()}


_WARD_STEMS = ("Ash", "Bram", "Cold", "Elm", "Fen", "Hol", "Kings", "Long", "Mill", "Nor", "Oak", "Red", "Stan",
               "Thorn", "Wes", "Wood")
_WARD_ENDS = ("ford", "ley", "ton", "field", "wick", "bury", "gate", "moor")


def _wards(spec: AuthoritySpec, lsoas: pd.DataFrame) -> tuple[list[str], list[str]]:
    """A fictional electoral ward per LSOA: squares of the centre spacing laid from the county's origin, so
    wards cut across reach areas as real ones do. Derived from the coordinates only (no random draws, so
    nothing else in the demo moves)."""
    x0, y0 = spec.origin
    cols = ((lsoas["easting"].to_numpy() - x0) // spec.spacing).astype(int) + 2
    rows = ((lsoas["northing"].to_numpy() - y0) // spec.spacing).astype(int) + 2
    cells = rows * 100 + cols
    number = {cell: i for i, cell in enumerate(sorted(set(cells.tolist())))}
    names = {cell: _WARD_STEMS[(i + int(spec.dfe_code)) % len(_WARD_STEMS)]
             + _WARD_ENDS[(i // len(_WARD_STEMS) + i) % len(_WARD_ENDS)] for cell, i in number.items()}
    return ([f"E05{spec.lsoa_block}{number[c] + 1:04d}" for c in cells.tolist()],
            [names[c] for c in cells.tolist()])


def _gias(worlds: Sequence[_World]) -> pd.DataFrame:
    """The GIAS children's centre extract as it stood on 31 December 2016 (end of 2016Q4), agreeing with the
    returns of that quarter. Later changes are not in it (see planted WXC-GIAS-NOT-UPDATED)."""
    rows = []
    for w in worlds:
        q_end = GIAS_AS_AT
        la_name = w.spec.name.split(" Borough")[0].split(" County")[0].split(" Council")[0]
        for c in w.centres.values():
            state = _state(w, c, q_end)
            close = state["close_date"] or ""
            status = state["status"]
            rows.append({"urn": c.urn, "name": c.spec.name,
                         "establishment_type": "linked_site" if c.spec.designation == "linked_site" else "childrens_centre",
                         "status": status, "la_name": la_name, "postcode": c.postcode, "open_date": c.spec.open_date,
                         "close_date": close})
    return pd.DataFrame(rows, columns=COLUMNS["gias_centres"])


def _reach_areas(worlds: Sequence[_World]) -> pd.DataFrame:
    frames = []
    for w in worlds:
        lsoas = w.lsoas[w.lsoas["centre_id"] != ""]
        frames.append(pd.DataFrame({"reach_area_id": "RA-" + lsoas["centre_id"], "centre_id": lsoas["centre_id"],
                                    "lsoa_code": lsoas["lsoa_code"], "authority_code": w.spec.code}))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------- output

def _text(frame: pd.DataFrame, table: str) -> list[np.ndarray]:
    """Every value as the text a provider would type: ISO dates, yyyy-mm months, yes/no, blank for missing."""
    out = []
    for name in COLUMNS[table]:
        if name not in frame:
            out.append(np.full(len(frame), "", dtype=object))
            continue
        col = frame[name]
        if name == "birth_month":
            months = col.to_numpy().astype(np.int64).astype("datetime64[M]")
            out.append(np.datetime_as_string(months, unit="M").astype(object))
        elif pd.api.types.is_datetime64_any_dtype(col.dtype):
            out.append(_iso(col.to_numpy().astype("datetime64[D]")))
        elif pd.api.types.is_bool_dtype(col.dtype) and not col.hasnans:
            out.append(_yn(col.to_numpy(dtype=bool)))
        elif pd.api.types.is_float_dtype(col.dtype):
            out.append(np.array([_number(v) for v in col.to_numpy(dtype=float)], dtype=object))
        elif pd.api.types.is_integer_dtype(col.dtype):
            missing = col.isna().to_numpy()
            values = col.to_numpy(dtype=np.int64, na_value=0).astype(str).astype(object)
            values[missing] = ""
            out.append(values)
        else:
            values = col.to_numpy(dtype=object)
            present = [v for v in values[:50] if v is not None and v is not pd.NA and v == v]
            if present and all(isinstance(v, str) for v in present):
                missing = col.isna().to_numpy()
                values = values.copy()
                values[missing] = ""
                out.append(values)
            else:
                out.append(np.array([_cell(v) for v in values], dtype=object))
    return out


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    if np.isnan(value):
        return ""
    return f"{round(float(value), 3):.3f}".rstrip("0").rstrip(".")


def _write(frame: pd.DataFrame, table: str, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    columns = _text(frame, table)
    with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS[table])
        writer.writerows(zip(*columns, strict=True))
    return len(frame)


def _build(specs: Sequence[AuthoritySpec], quarters: tuple[str, ...], seed: int, scale: float) -> list[_World]:
    if scale <= 0:
        raise ValueError("scale must be positive")
    worlds = []
    for index, spec in enumerate(specs):
        world = _World(spec, quarters, scale, np.random.default_rng([seed, index + 1]))
        _place(world)
        _register(world)
        _make_cases(world)
        _index(world)
        for q_index, label in enumerate(quarters):
            _simulate_quarter(world, q_index, label)
        _authority_records(world)
        worlds.append(world)
    return worlds


def demo_specs() -> tuple[AuthoritySpec, ...]:
    return (wexcombe(), port_ellery(), harrowfield())


def generate_demo(output_dir: Path | str, seed: int = 2016, scale: float = 1.0) -> dict[str, Any]:
    """Write the synthetic demo: three fictional authorities, four quarters of FY 2016-17.

    Layout under ``output_dir``::

        reference/                                   authorities, lsoa_population, deprivation
        authority_records/<authority_code>/          one folder of authority records per authority,
                                                     with reach_areas.csv (the LSOAs of each reach area)
        provider_return/<provider_id>/<quarter>/     one provider return per provider and quarter
        planted.json, README.md                      the deliberate gaps, and what the data are

    Returns a summary: the folders written, row counts and the planted breaches.
    """
    out = Path(output_dir)
    worlds = _build(demo_specs(), DEMO_QUARTERS, seed, scale)
    summary: dict[str, Any] = {"output_dir": str(out), "synthetic": True, "seed": seed, "scale": scale,
                               "quarters": list(DEMO_QUARTERS),
                               "authorities": [], "provider_returns": [], "authority_records": {},
                               "reference": str(out / "reference"), "row_counts": {}, "planted": PLANTED}
    counts: dict[str, int] = {}
    for world in worlds:
        spec = world.spec
        summary["authorities"].append({"authority_code": spec.code, "authority_name": spec.name,
                                       "providers": [p.provider_id for p in spec.providers],
                                       "centres": len(world.centres)})
        for (pid, label), tables in world.returns.items():
            folder = out / "provider_return" / pid / label
            for table in PROVIDER_TABLES:
                counts[table] = counts.get(table, 0) + _write(tables[table], table, folder)
            summary["provider_returns"].append({"authority_code": spec.code, "provider_id": pid, "period": label,
                                                "path": str(folder)})
        folder = out / "authority_records" / spec.code
        world.records["reach_areas"] = _reach_areas([world])
        for table in AUTHORITY_TABLES:
            counts[table] = counts.get(table, 0) + _write(world.records[table], table, folder)
        summary["authority_records"][spec.code] = str(folder)
    for table, frame in _reference(worlds).items():
        counts[table] = _write(frame, table, out / "reference")
    planted = {"synthetic": True, "seed": seed, "scale": scale, "planted": PLANTED}
    (out / "planted.json").write_text(json.dumps(planted, indent=2) + "\n",
                                      encoding="utf-8")
    (out / "README.md").write_text(demo_readme(seed, scale), encoding="utf-8")
    summary["row_counts"] = counts
    return summary


def generate_sample(output_dir: Path | str, seed: int = 2016, scale: float = SAMPLE_SCALE) -> dict[str, Any]:
    """Write the small ``sample_data/`` set: one authority, one provider, 2016Q1-2016Q4 in one return."""
    out = Path(output_dir)
    (world,) = _build((saltmere(),), SAMPLE_QUARTERS, seed, scale)
    pid = world.spec.providers[0].provider_id
    per_q = [world.returns[(pid, q)] for q in SAMPLE_QUARTERS]
    last = per_q[-1]
    combined = {
        "centres": last["centres"], "services": last["services"], "registrations": last["registrations"],
        "boards": last["boards"], "board_members": last["board_members"],
        "sessions": pd.concat([t["sessions"] for t in per_q], ignore_index=True),
        "contacts": pd.concat([t["contacts"] for t in per_q], ignore_index=True),
        "board_meetings": pd.concat([t["board_meetings"] for t in per_q], ignore_index=True),
        "kpi_returns": pd.concat([t["kpi_returns"] for t in per_q], ignore_index=True),
        "cases": pd.concat([t["cases"] for t in per_q], ignore_index=True).drop_duplicates("case_id", keep="last")
        .sort_values("case_id").reset_index(drop=True),
    }
    # every child seen in the year stays on the register of the combined return
    all_regs = pd.concat([t["registrations"] for t in per_q], ignore_index=True).drop_duplicates("child_ref")
    combined["registrations"] = all_regs.sort_values(["centre_id", "registration_date", "child_ref"]).reset_index(drop=True)
    counts = {}
    for table in PROVIDER_TABLES:
        counts[table] = _write(combined[table], table, out / "provider_return")
    world.records["reach_areas"] = _reach_areas([world])
    for table in AUTHORITY_TABLES:
        counts[table] = _write(world.records[table], table, out / "authority_records")
    for table, frame in _reference([world]).items():
        counts[table] = _write(frame, table, out / "reference")
    planted = {"synthetic": True, "seed": seed, "scale": scale, "planted": SAMPLE_PLANTED}
    (out / "planted.json").write_text(json.dumps(planted,
                                                 indent=2) + "\n", encoding="utf-8")
    return {"output_dir": str(out), "row_counts": counts, "planted": SAMPLE_PLANTED}


def demo_readme(seed: int, scale: float) -> str:
    lines = [
        "# ccassure demo data — SYNTHETIC",
        "",
        "Every record here is invented by `ccassure demo generate` "
        f"(seed {seed}, scale {scale}). The authorities, centres, providers, places, postcodes (fictional",
        "areas WX, PQ, HQ), LSOA codes (E019xxxxx, outside the real range), URNs and families do not exist.",
        "",
        "| authority | code | model | providers | centres |",
        "|---|---|---|---|---|",
        "| Wexcombe County Council | E10000901 | county, four Brightpath clusters, Meadowlark, a schools partnership | 3 | 24 + 3 linked sites |",
        "| Port Ellery Borough Council | E06000901 | small unitary reviewing nine centres | 2 | 9 + 1 linked site |",
        "| Harrowfield Council | E06000902 | family hubs that keep or drop designation | 1 | 8 hubs + 2 outreach sites |",
        "",
        "Quarters: 2016Q2, 2016Q3, 2016Q4, 2017Q1 (calendar quarters, so financial year 2016-17).",
        "",
        "Layout: `provider_return/<provider_id>/<quarter>/` (one return per provider and quarter),",
        "`authority_records/<authority_code>/`, `reference/` (authorities, LSOA under-5 population with",
        "eastings/northings, IoD2019 deciles, and a GIAS extract as at 31 December 2016 that agrees with the",
        "2016Q4 returns); each authority's records include `reach_areas.csv` (which LSOAs make up each",
        "centre's reach area). Each provider's first return (2016Q2) also lists its advisory boards'",
        "meetings of the three quarters before, so meetings in the last 12 months can be judged from the start.",
        "",
        "Conventions (the contracts leave them open): each quarterly return is a snapshot of the register",
        "(every child registered by the quarter end and under five at its start) and of the cases (open in the",
        "quarter or closed in the 12 months to its end, as they stood at the quarter end); sessions and",
        "contacts are the quarter's events; casework contacts have no child_ref.",
        "",
        "## Provider-reported KPIs (kpi_returns)",
        "",
        "- CORE-REG-U5: children registered with the centre and under five at the quarter end / under-5",
        "  population (2016 estimate) of the centre's reach-area LSOAs.",
        "- CORE-SUSTAINED-TG: target-group families registered with the centre with 3+ contacts in the 12",
        "  months to the quarter end / target-group families registered with the centre.",
        "- CORE-CASEWORK-N: cases open for the whole quarter with 6+ casework contacts in the quarter / those cases.",
        "- CORE-FAMILY-STAR: cases closed in the 12 months to the quarter end whose Family Star score rose by",
        "  1 point or more / those cases.",
        "",
        "## Planted gaps (also in planted.json)",
        "",
    ]
    lines += [f"- **{p['id']}** ({p['subject_id']}, {p['period']}): {p['description']}" for p in PLANTED]
    lines += ["", "Everything else is meant to be healthy, with ordinary variation between centres.", ""]
    return "\n".join(lines)
