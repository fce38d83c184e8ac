"""The hand-written baseline of benchmarks/national_bench.py: one plain DuckDB query per statutory rule and per KPI.

Each query is what a careful analyst would write by hand, reading the rule's YAML under rules/statutory/ or
the KPI under rules/kpis/, to compute that rule or KPI for EVERY subject in one go (no per-subject loop, no
evidence lists, no messages). Rules return (subject, outcome) with the engine's outcome words (pass, warn,
fail, missing = not_evaluable, na = not_applicable); KPIs return numerator and denominator per level, subject,
window and window instance (current, previous quarter, a year before: what the engine computes for the
change columns). The period is fixed at 2016Q4 (1 October to 31 December 2016), parameters at their defaults
(ccassure.yml sets none). Tables are the benchmark's frames registered as they are, plus three helpers made
once in setup(): `authorities`, `units` (each centre with the centre it counts for, its cluster, provider and
authority) and `spans` (the KPI windows).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

OPEN = ("c.designation IN ('childrens_centre', 'family_hub_designated') "
        "AND c.status IN ('open', 'proposed_to_close')")
CEASING = "('close', 'de_designate', 'reduce_below_definition', 'merge')"
# a linked site's rows count for the centre it belongs to (group_places: true)
PLACE = ("coalesce(CASE WHEN g.designation = 'linked_site' THEN g.parent_centre_id END, t.centre_id)")


def _latest_flag(column: str, extra: str = "") -> str:
    """compare against the latest needs assessment dated by the period end (no assessment, or a blank: missing)."""
    return f"""
        WITH latest AS (
            SELECT authority_code, {column} AS flag FROM needs_assessments
            WHERE assessment_date <= DATE '2016-12-31' {extra}
            QUALIFY row_number() OVER (PARTITION BY authority_code ORDER BY assessment_date DESC) = 1)
        SELECT a.authority_code AS subject_id,
               CASE WHEN l.flag IS NULL THEN 'missing' WHEN l.flag THEN 'pass' ELSE 'fail' END AS outcome
        FROM authorities a LEFT JOIN latest l USING (authority_code)"""


def _partner(kind: str) -> str:
    return f"""
        SELECT a.authority_code AS subject_id, CASE WHEN count(p.agreement_id) >= 1 THEN 'pass' ELSE 'fail' END AS outcome
        FROM authorities a LEFT JOIN partner_agreements p ON p.authority_code = a.authority_code
         AND p.partner_type = '{kind}' AND p.start_date <= DATE '2016-12-31'
         AND (p.end_date IS NULL OR p.end_date >= DATE '2016-12-31')
        GROUP BY a.authority_code"""


def _provider_count(table: str, counted: str, where: str, window: str, at_least: int) -> str:
    """count rows (credited to the centre a linked site belongs to); not_evaluable when the provider has no
    rows at all in the window (coverage: provider)."""
    return f"""
        WITH n AS (
            SELECT {PLACE} AS centre_id, {counted} FILTER (WHERE {where}) AS n, count(*) AS n_all
            FROM {table} t LEFT JOIN centres g ON g.centre_id = t.centre_id
            WHERE {window} GROUP BY 1),
        s AS (SELECT c.centre_id, c.provider_id, {OPEN} AS applies, coalesce(n.n, 0) AS n, coalesce(n.n_all, 0) AS n_all
              FROM centres c LEFT JOIN n USING (centre_id))
        SELECT centre_id AS subject_id,
               CASE WHEN NOT applies THEN 'na'
                    WHEN sum(n_all) FILTER (WHERE applies) OVER (PARTITION BY provider_id) = 0 THEN 'missing'
                    WHEN n >= {at_least} THEN 'pass' ELSE 'fail' END AS outcome
        FROM s"""


def _board_member(role: str) -> str:
    return f"""
        SELECT b.board_id AS subject_id, CASE WHEN count(m.member_ref) >= 1 THEN 'pass' ELSE 'fail' END AS outcome
        FROM boards b LEFT JOIN board_members m ON m.board_id = b.board_id AND m.role = '{role}'
         AND (m.start_date IS NULL OR m.start_date <= DATE '2016-12-31')
         AND (m.end_date IS NULL OR m.end_date >= DATE '2016-12-31')
        GROUP BY b.board_id"""


def _consulted_before(change_types: str) -> str:
    """the consultation closed strictly before the decision and the implementation (blank dates skipped)."""
    return f"""
        SELECT s.change_id AS subject_id,
               CASE WHEN NOT (s.change_type IN {change_types} AND (s.decision_date IS NOT NULL
                                                                 OR s.implementation_date IS NOT NULL)) THEN 'na'
                    WHEN k.consultation_id IS NULL THEN 'fail'
                    WHEN k.close_date IS NULL THEN 'fail'
                    WHEN (s.decision_date IS NOT NULL AND NOT k.close_date < s.decision_date)
                      OR (s.implementation_date IS NOT NULL AND NOT k.close_date < s.implementation_date) THEN 'fail'
                    ELSE 'pass' END AS outcome
        FROM service_changes s LEFT JOIN consultations k ON k.consultation_id = s.consultation_id"""


def _consultation_flag(condition: str, applies: str = "s.consultation_id IS NOT NULL") -> str:
    return f"""
        SELECT s.change_id AS subject_id,
               CASE WHEN NOT ({applies}) THEN 'na' WHEN k.consultation_id IS NULL THEN 'missing'
                    WHEN {condition} THEN 'pass' WHEN NOT ({condition}) THEN 'fail' ELSE 'missing' END AS outcome
        FROM service_changes s LEFT JOIN consultations k ON k.consultation_id = s.consultation_id"""


def _change_flag(condition: str, applies: str) -> str:
    return f"""
        SELECT s.change_id AS subject_id,
               CASE WHEN NOT ({applies}) THEN 'na' WHEN {condition} THEN 'pass' WHEN NOT ({condition}) THEN 'fail'
                    ELSE 'missing' END AS outcome
        FROM service_changes s"""


def _reach(points_where: str, floor: int) -> str:
    """share of the authority's under-fives (latest year) whose LSOA is within 3,000 m of an open centre."""
    return f"""
        WITH p AS (
            SELECT l.lsoa_code, l.authority_code, l.under5 AS w, l.easting AS e, l.northing AS n
            FROM lsoa_population l {points_where}
            QUALIFY l.year = max(l.year) OVER (PARTITION BY l.authority_code)),
        c AS (SELECT c.authority_code, c.easting AS e, c.northing AS n FROM centres c WHERE {OPEN}),
        near AS (SELECT DISTINCT p.lsoa_code FROM p JOIN c ON c.authority_code = p.authority_code
                 AND c.e BETWEEN p.e - 3000 AND p.e + 3000 AND c.n BETWEEN p.n - 3000 AND p.n + 3000
                 AND (CAST(c.e AS DOUBLE) - p.e) ^ 2 + (CAST(c.n AS DOUBLE) - p.n) ^ 2 <= 9000000),
        m AS (SELECT p.authority_code, sum(p.w) AS den, sum(p.w) FILTER (WHERE near.lsoa_code IS NOT NULL) AS num
              FROM p LEFT JOIN near USING (lsoa_code) WHERE p.e IS NOT NULL AND p.n IS NOT NULL GROUP BY 1)
        SELECT a.authority_code AS subject_id,
               CASE WHEN coalesce(m.den, 0) = 0 THEN 'missing'
                    WHEN 100.0 * coalesce(m.num, 0) / m.den >= {floor} THEN 'pass' ELSE 'fail' END AS outcome
        FROM authorities a LEFT JOIN m USING (authority_code)"""


def _reach_after(subjects: str, others: str = "") -> str:
    """under-fives still within 3,000 m of an open centre once every centre the programme removes is gone."""
    return f"""
        WITH ch AS ({subjects}),
        gone AS (SELECT coalesce(programme_ref, 'change:' || change_id) AS programme, centre_id
                 FROM service_changes WHERE change_type IN {CEASING}),
        p AS (SELECT l.lsoa_code, l.authority_code, coalesce(l.under5, 0) AS w, l.easting AS e, l.northing AS n
              FROM lsoa_population l WHERE l.easting IS NOT NULL AND l.northing IS NOT NULL
              QUALIFY l.year = max(l.year) OVER (PARTITION BY l.authority_code)),
        c AS (SELECT c.centre_id, c.authority_code, c.easting AS e, c.northing AS n FROM centres c
              WHERE {OPEN} AND c.easting IS NOT NULL),
        near AS (SELECT p.lsoa_code, p.authority_code, c.centre_id FROM p JOIN c ON c.authority_code = p.authority_code
                 AND (CAST(c.e AS DOUBLE) - p.e) ^ 2 + (CAST(c.n AS DOUBLE) - p.n) ^ 2 <= 9000000),
        kept AS (SELECT DISTINCT ch.sid, near.lsoa_code FROM ch JOIN near ON near.authority_code = ch.authority_code
                 LEFT JOIN gone ON gone.programme = ch.programme AND gone.centre_id = near.centre_id
                 WHERE gone.centre_id IS NULL),
        left_open AS (SELECT ch.sid, count(*) AS n FROM ch JOIN c ON c.authority_code = ch.authority_code
                      LEFT JOIN gone ON gone.programme = ch.programme AND gone.centre_id = c.centre_id
                      WHERE gone.centre_id IS NULL GROUP BY ch.sid),
        m AS (SELECT ch.sid, sum(p.w) AS den, sum(p.w) FILTER (WHERE kept.lsoa_code IS NOT NULL) AS after
              FROM ch JOIN p ON p.authority_code = ch.authority_code
              LEFT JOIN kept ON kept.sid = ch.sid AND kept.lsoa_code = p.lsoa_code GROUP BY ch.sid)
        SELECT ch.sid AS subject_id,
               CASE WHEN coalesce(m.den, 0) = 0 THEN 'missing' WHEN coalesce(o.n, 0) = 0 THEN 'fail'
                    WHEN 100.0 * coalesce(m.after, 0) / m.den < 80 THEN 'warn' ELSE 'pass' END AS outcome
        FROM ch LEFT JOIN m USING (sid) LEFT JOIN left_open o USING (sid) {others}"""


RULE_SQL: dict[str, str] = {
    "CA06-S1-GAP": """
        WITH g AS (
            SELECT authority_code, year, first(value) FILTER (WHERE "group" = 'advantaged')
                                         - first(value) FILTER (WHERE "group" = 'disadvantaged') AS gap
            FROM outcome_metrics WHERE metric = 'gld_percent' AND year <= 2016 GROUP BY authority_code, year),
        r AS (SELECT authority_code, gap > lag(gap) OVER (PARTITION BY authority_code ORDER BY year) AS wider,
                     row_number() OVER (PARTITION BY authority_code ORDER BY year DESC) AS k
              FROM g WHERE gap IS NOT NULL)
        SELECT a.authority_code AS subject_id,
               CASE WHEN count(r.k) < 3 THEN 'missing' WHEN bool_and(r.wider) FILTER (WHERE r.k <= 2) THEN 'warn'
                    ELSE 'pass' END AS outcome
        FROM authorities a LEFT JOIN r USING (authority_code) GROUP BY a.authority_code""",
    "CA06-S3-CHILD-VOICE": _latest_flag("children_views_considered"),
    "CA06-S3-INVOLVE-PARENTS": _latest_flag("involved_parents"),
    "CA06-S3-INVOLVE-PROVIDERS": _latest_flag("involved_pvi_providers"),
    "CA06-S3-OUTREACH": _provider_count("contacts", "count(*)", "t.contact_type IN ('outreach', 'home_visit')",
                                        "t.date BETWEEN DATE '2016-10-01' AND DATE '2016-12-31'", 1),
    "CA06-S4-PARTNERS-HEALTH": _partner("health"),
    "CA06-S4-PARTNERS-JCP": _partner("jcp"),
    "CA06-S5A-DEF-ACTIVITIES": _provider_count("sessions", "count(*)",
                                               "t.on_site AND (t.min_age_months IS NULL OR t.min_age_months < 60)",
                                               "t.date BETWEEN DATE '2016-10-01' AND DATE '2016-12-31'", 1),
    "CA06-S5A-DEF-MANAGED": f"""
        SELECT c.centre_id AS subject_id,
               CASE WHEN NOT ({OPEN}) THEN 'na'
                    WHEN c.managing_body IS NOT NULL AND c.la_contract_ref IS NOT NULL THEN 'pass' ELSE 'fail' END AS outcome
        FROM centres c""",
    "CA06-S5A-DEF-SERVICES": _provider_count("services", "count(DISTINCT t.service_category)",
                                             "t.availability IN ('provided_on_site', 'advice_and_assistance')",
                                             "TRUE", 5),
    "CA06-S5A-NEEDS-ASSESS": """
        WITH latest AS (SELECT authority_code, max(assessment_date) AS d FROM needs_assessments
                        WHERE covers_under5_population AND assessment_date <= DATE '2016-12-31' GROUP BY 1)
        SELECT a.authority_code AS subject_id,
               CASE WHEN l.d IS NULL THEN 'fail' WHEN date_diff('day', l.d, DATE '2016-12-31') / 365.25 > 3 THEN 'warn'
                    ELSE 'pass' END AS outcome
        FROM authorities a LEFT JOIN latest l USING (authority_code)""",
    "CA06-S5A-NEEDS-DEPRIVATION": _latest_flag("covers_deprivation", "AND covers_under5_population"),
    "CA06-S5A-NONE": f"""
        SELECT a.authority_code AS subject_id, CASE WHEN count(c.centre_id) >= 1 THEN 'pass' ELSE 'fail' END AS outcome
        FROM authorities a LEFT JOIN centres c ON c.authority_code = a.authority_code AND {OPEN}
        GROUP BY a.authority_code""",
    "CA06-S5A-REACH-ALL": _reach("", 80),
    "CA06-S5A-REACH-DEPRIVED": _reach("JOIN deprivation d ON d.lsoa_code = l.lsoa_code AND d.iod_version = 'IoD2019' "
                                      "WHERE d.imd_decile <= 3", 90),
    "CA06-S5C-ACTIVE": """
        SELECT b.board_id AS subject_id, CASE WHEN count(m.meeting_date) < 3 THEN 'warn' ELSE 'pass' END AS outcome
        FROM boards b LEFT JOIN board_meetings m ON m.board_id = b.board_id
         AND m.meeting_date BETWEEN DATE '2016-01-01' AND DATE '2016-12-31'
        GROUP BY b.board_id""",
    "CA06-S5C-COVER": f"""
        SELECT c.centre_id AS subject_id,
               CASE WHEN NOT ({OPEN}) THEN 'na' WHEN b.board_id IS NULL THEN 'fail'
                    WHEN b.authority_code = c.authority_code THEN 'pass' WHEN b.authority_code <> c.authority_code THEN 'fail'
                    ELSE 'missing' END AS outcome
        FROM centres c LEFT JOIN boards b ON b.board_id = c.advisory_board_id""",
    "CA06-S5C-MEMBERS-AUTHORITY": _board_member("authority"),
    "CA06-S5C-MEMBERS-CENTRE": f"""
        SELECT c.centre_id AS subject_id,
               CASE WHEN NOT ({OPEN} AND c.advisory_board_id IS NOT NULL) THEN 'na'
                    WHEN count(m.member_ref) >= 1 THEN 'pass' ELSE 'fail' END AS outcome
        FROM centres c LEFT JOIN board_members m ON m.board_id = c.advisory_board_id
         AND m.represents_centre_id = c.centre_id AND m.role = 'centre'
         AND (m.start_date IS NULL OR m.start_date <= DATE '2016-12-31')
         AND (m.end_date IS NULL OR m.end_date >= DATE '2016-12-31')
        GROUP BY c.centre_id, c.designation, c.status, c.advisory_board_id""",
    "CA06-S5C-MEMBERS-PARENTS": _board_member("parent"),
    "CA06-S5D-CONSULTED-CEASE": _consulted_before(CEASING),
    "CA06-S5D-CONSULTED-CHANGE": _consulted_before("('open', 'significant_change')"),
    "CA06-S5D-CONSULTEES": _consultation_flag(
        "k.consulted_families AND k.consulted_staff AND k.consulted_advisory_board AND k.consulted_partners "
        "AND k.targeted_methods"),
    # the benchmark's GIAS extract has no close_date column: every GIAS closure counts as recent
    "CA06-S5D-DESIGNATION": f"""
        WITH ceased AS (
            SELECT c.centre_id, c.authority_code FROM centres c JOIN gias_centres g ON g.urn = c.urn
            WHERE c.designation IN ('childrens_centre', 'family_hub_designated') AND c.status <> 'closed'
              AND g.status = 'closed'),
        backed AS (SELECT DISTINCT s.centre_id FROM service_changes s JOIN consultations k USING (consultation_id)
                   WHERE s.change_type IN {CEASING})
        SELECT a.authority_code AS subject_id,
               CASE WHEN count(x.centre_id) > 0 THEN 'fail' ELSE 'pass' END AS outcome
        FROM authorities a LEFT JOIN (SELECT * FROM ceased WHERE centre_id NOT IN (SELECT centre_id FROM backed)) x
          USING (authority_code)
        GROUP BY a.authority_code""",
    "CA06-S5D-PUBLISH": """
        SELECT change_id AS subject_id,
               CASE WHEN decision_date IS NULL THEN 'na' WHEN decision_published IS NULL THEN 'missing'
                    WHEN decision_published THEN 'pass' ELSE 'fail' END AS outcome
        FROM service_changes""",
    "CA06-S98C-ACTION": """
        WITH latest AS (SELECT centre_id, action_statement_date, action_statement_has_timescales FROM inspections
                        WHERE report_date IS NOT NULL
                        QUALIFY row_number() OVER (PARTITION BY centre_id ORDER BY report_date DESC) = 1)
        SELECT c.centre_id AS subject_id,
               CASE WHEN i.centre_id IS NULL THEN 'na'
                    WHEN i.action_statement_date IS NOT NULL AND i.action_statement_has_timescales THEN 'pass'
                    WHEN NOT (i.action_statement_date IS NOT NULL AND i.action_statement_has_timescales) THEN 'fail'
                    ELSE 'missing' END AS outcome
        FROM centres c LEFT JOIN latest i USING (centre_id)""",
    # in force 2010-04-30 to 2015-08-31 only: for 2016Q4 every centre is not_applicable
    "CA06-SI2010-INTERVAL": "SELECT centre_id AS subject_id, 'na' AS outcome FROM centres",
    "GUN-1-FORMATIVE": """
        SELECT s.change_id AS subject_id,
               CASE WHEN s.consultation_id IS NULL OR s.decision_date IS NULL THEN 'na'
                    WHEN k.consultation_id IS NULL THEN 'missing' WHEN k.close_date IS NULL THEN 'fail'
                    WHEN NOT k.close_date < s.decision_date
                      OR (s.committing_step_date IS NOT NULL AND NOT k.close_date < s.committing_step_date) THEN 'fail'
                    ELSE 'pass' END AS outcome
        FROM service_changes s LEFT JOIN consultations k ON k.consultation_id = s.consultation_id""",
    "GUN-1-SAVINGS": """
        SELECT s.change_id AS subject_id,
               CASE WHEN s.consultation_id IS NULL OR s.savings_committed_date IS NULL THEN 'na'
                    WHEN k.consultation_id IS NULL THEN 'missing' WHEN k.close_date IS NULL THEN 'fail'
                    WHEN k.close_date < s.savings_committed_date THEN 'pass' ELSE 'fail' END AS outcome
        FROM service_changes s LEFT JOIN consultations k ON k.consultation_id = s.consultation_id""",
    "GUN-2-ALTERNATIVES": _consultation_flag("k.alternatives_given"),
    "GUN-2-REASONS": _consultation_flag("k.reasons_given"),
    "GUN-3-TIME": """
        SELECT s.change_id AS subject_id,
               CASE WHEN s.consultation_id IS NULL THEN 'na' WHEN k.consultation_id IS NULL THEN 'missing'
                    WHEN date_diff('day', k.open_date, k.close_date) IS NULL THEN 'missing'
                    WHEN date_diff('day', k.open_date, k.close_date) < 0 THEN 'fail'
                    WHEN date_diff('day', k.open_date, k.close_date) < 42 THEN 'warn' ELSE 'pass' END AS outcome
        FROM service_changes s LEFT JOIN consultations k ON k.consultation_id = s.consultation_id""",
    "GUN-4-CONSCIENTIOUS": _consultation_flag("s.responses_analysis_before_decision AND k.analysis_date <= s.decision_date",
                                              "s.consultation_id IS NOT NULL AND s.decision_date IS NOT NULL"),
    "PSED-149": """
        SELECT change_id AS subject_id,
               CASE WHEN NOT (change_type IN ('close', 'de_designate', 'reduce_below_definition', 'merge',
                                              'significant_change') AND decision_date IS NOT NULL) THEN 'na'
                    WHEN eqia_date IS NULL THEN 'warn' WHEN eqia_date <= decision_date THEN 'pass' ELSE 'fail' END AS outcome
        FROM service_changes""",
    "SSG-CLOSURE-DISADVANTAGED": _change_flag(
        "(s.outcomes_impact_assessed AND s.disadvantaged_impact_assessed) OR s.departure_reasons IS NOT NULL",
        f"s.change_type IN {CEASING} AND s.decision_date IS NOT NULL"),
    "SSG-CLOSURE-REACH-AFTER": _reach_after(
        f"SELECT change_id AS sid, coalesce(programme_ref, 'change:' || change_id) AS programme, authority_code "
        f"FROM service_changes WHERE change_type IN {CEASING}",
        f"UNION ALL SELECT change_id, 'na' FROM service_changes WHERE change_type NOT IN {CEASING}"),
    "SSG-CLOSURE-REACH-PROGRAMME": _reach_after(
        "SELECT DISTINCT programme_ref AS sid, programme_ref AS programme, authority_code FROM service_changes "
        "WHERE programme_ref IS NOT NULL"),
    "SSG-CLOSURE-SUFFICIENCY": _change_flag("s.sufficiency_after_assessed",
                                            f"s.change_type IN {CEASING} AND s.decision_date IS NOT NULL"),
    "SSG-GIAS-SYNC": """
        SELECT c.centre_id AS subject_id,
               CASE WHEN c.designation NOT IN ('childrens_centre', 'family_hub_designated', 'linked_site') THEN 'na'
                    WHEN g.urn IS NULL THEN 'fail' WHEN g.status = c.status THEN 'pass'
                    WHEN g.status <> c.status THEN 'fail' ELSE 'missing' END AS outcome
        FROM centres c LEFT JOIN gias_centres g ON g.urn = c.urn""",
    "SSG-LIVEBIRTH": """
        WITH latest AS (SELECT authority_code, max(received_date) AS d FROM data_feeds
                        WHERE feed_type = 'live_births' AND received_date <= DATE '2016-12-31' GROUP BY 1)
        SELECT a.authority_code AS subject_id,
               CASE WHEN l.d IS NULL THEN 'fail' WHEN date_diff('day', l.d, DATE '2016-12-31') / 30.4375 > 3 THEN 'warn'
                    ELSE 'pass' END AS outcome
        FROM authorities a LEFT JOIN latest l USING (authority_code)""",
}

# rules whose subjects the engine does not list from the hand-written table's query (none so far)
RULES_NOT_WRITTEN: dict[str, str] = {}


# KPIs --------------------------------------------------------------------------------------------------------
# {cols}, {sets} and {windows} are filled from the KPI's levels and windows (KPI_SHAPE below): the subject
# columns, the GROUPING SETS (one per level, under the window instance) and the windows to compute.
_REG = """
    SELECT w."window", w.instance, {cols}, count(*) FILTER (WHERE {num}) AS num, count(*) AS den
    FROM registrations r JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    WHERE r.registration_date <= w.hi AND {den}
    GROUP BY GROUPING SETS ({sets})"""
_REG_FAMILIES = """
    SELECT w."window", w.instance, {cols}, count(DISTINCT r.family_ref) FILTER (WHERE {num}) AS num,
           count(DISTINCT r.family_ref) AS den
    FROM registrations r JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    WHERE r.registration_date <= w.hi AND {den}
    GROUP BY GROUPING SETS ({sets})"""
# families registered, under five at the window's start, with at least N contacts in the 12 months to its end
# (within: r12) or in the window itself (within: window)
_ENGAGED = """
    WITH engaged AS (
        SELECT w."window", w.instance, c.family_ref FROM contacts c JOIN spans w ON w."window" IN {windows}
         AND c.date BETWEEN {since} AND w.hi
        GROUP BY ALL HAVING count(*) >= {at_least})
    SELECT w."window", w.instance, {cols}, count(DISTINCT e.family_ref) AS num, count(DISTINCT r.family_ref) AS den
    FROM registrations r JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    LEFT JOIN engaged e ON e."window" = w."window" AND e.instance = w.instance AND e.family_ref = r.family_ref
    WHERE r.registration_date <= w.hi AND {den} AND age_months(r.birth_month, w.lo) BETWEEN 0 AND 59
    GROUP BY GROUPING SETS ({sets})"""
# registrations under five at the window's end over the under-fives of the subject's reach areas (authority:
# all its LSOAs), population of the latest year at or before the window's end
_REACH = """
    SELECT w."window", w.instance, {cols}, count(*) AS num, NULL AS den
    FROM registrations r JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    WHERE r.registration_date <= w.hi AND age_months(r.birth_month, w.hi) BETWEEN 0 AND 59
    GROUP BY GROUPING SETS ({sets})
    UNION ALL
    SELECT w."window", w.instance, {cols}, NULL, sum(p.under5)
    FROM lsoa_population p JOIN (SELECT DISTINCT centre_id, lsoa_code FROM reach_areas) ra USING (lsoa_code)
    JOIN units u ON u.centre_id = ra.centre_id JOIN spans w ON w."window" IN {windows}
    WHERE p.year = (SELECT max(y.year) FROM lsoa_population y WHERE y.year <= year(w.hi))
    GROUP BY GROUPING SETS ({sets_below})
    UNION ALL
    SELECT w."window", w.instance, {authority_cols}, NULL, sum(p.under5)
    FROM lsoa_population p JOIN spans w ON w."window" IN {windows}
    WHERE p.year = (SELECT max(y.year) FROM lsoa_population y WHERE y.year <= year(w.hi))
      AND p.authority_code IN (SELECT authority_code FROM units)
    GROUP BY w."window", w.instance, p.authority_code"""
_CASES = """
    SELECT w."window", w.instance, {cols}, count(*) FILTER (WHERE {num}) AS num, count(*) AS den
    FROM cases k JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    WHERE {den}
    GROUP BY GROUPING SETS ({sets})"""
_CASE_FAMILIES = """
    SELECT w."window", w.instance, {cols}, count(DISTINCT k.family_ref) AS num, NULL AS den
    FROM cases k JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    WHERE k.start_date <= w.hi AND (k.end_date IS NULL OR k.end_date >= w.lo) AND {num}
    GROUP BY GROUPING SETS ({sets})"""
_CONTACTS = """
    SELECT w."window", w.instance, {cols}, {num} AS num, {den} AS den
    FROM contacts c JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
     AND c.date BETWEEN w.lo AND w.hi
    GROUP BY GROUPING SETS ({sets})"""
U5_END = "age_months(r.birth_month, w.hi) BETWEEN 0 AND 59"
U1_END = "age_months(r.birth_month, w.hi) BETWEEN 0 AND 11"
NEW_BIRTH = "date_diff('day', CAST(r.birth_month || '-01' AS DATE), CAST(r.registration_date AS DATE)) <= 56"
ENDED = "k.end_date BETWEEN w.lo AND w.hi"
OPEN_CASE = "k.start_date <= w.hi AND (k.end_date IS NULL OR k.end_date >= w.lo)"
RISE = "k.star_start IS NOT NULL AND k.star_end IS NOT NULL AND k.star_end - k.star_start >= 1"
CLOSED_6M = "k.start_date IS NOT NULL AND date_diff('day', CAST(k.start_date AS DATE), CAST(k.end_date AS DATE)) <= 183"
GLD = dict(num="r.eyfsp_gld", den="r.eyfsp_gld IS NOT NULL")
GLD_GAP = dict(num="r.eyfsp_gld", den="r.eyfsp_gld IS NOT NULL")
SUSTAINED = dict(since="w.r12_lo", at_least=3, den="r.target_group")
TWO_YO = dict(num="r.took_up_2yo_place", den=f"r.eligible_2yo_funding AND {U5_END}")
NEW_BIRTHS = dict(num=NEW_BIRTH, den=U1_END)

_GAP = """
    SELECT w."window", w.instance, {cols}, r.fsm_eligible AS fsm_group,
           count(*) FILTER (WHERE r.eyfsp_gld) AS num, count(*) AS den
    FROM registrations r JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
    WHERE r.registration_date <= w.hi AND r.eyfsp_gld IS NOT NULL AND r.fsm_eligible IS NOT NULL
    GROUP BY GROUPING SETS ({gap_sets})"""

KPI_SQL: dict[str, tuple[str, dict[str, object]]] = {
    # CORE
    "CORE-REG-U5": (_REACH, {}),
    "CORE-REG-TG": (_REG_FAMILIES, dict(num="r.target_group", den=U5_END)),
    "CORE-SUSTAINED-TG": (_ENGAGED, SUSTAINED),
    "CORE-CASEWORK-N": ("""
        WITH worked AS (
            SELECT w."window", w.instance, c.case_id FROM contacts c JOIN spans w ON w."window" IN {windows}
             AND c.date BETWEEN w.lo AND w.hi
            WHERE c.contact_type = 'casework' GROUP BY ALL HAVING count(*) >= 6)
        SELECT w."window", w.instance, {cols}, count(x.case_id) AS num, count(*) AS den
        FROM cases k JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
        LEFT JOIN worked x ON x."window" = w."window" AND x.instance = w.instance AND x.case_id = k.case_id
        WHERE k.start_date <= w.lo AND (k.end_date IS NULL OR k.end_date >= w.hi)
        GROUP BY GROUPING SETS ({sets})""", {}),
    "CORE-CASEWORK-5PLUS": (_CASE_FAMILIES, dict(num="k.engagements >= 5")),
    "CORE-LEVEL3": (_CASE_FAMILIES, dict(num="(k.level IN ('level_3', 'level_4') OR k.complex_needs)")),
    "CORE-STAR-COMPLETE": (_CASES, dict(
        num="k.star_start IS NOT NULL AND k.star_review IS NOT NULL AND k.star_end IS NOT NULL",
        den=f"{ENDED} AND k.start_date IS NOT NULL AND date_diff('day', CAST(k.start_date AS DATE), "
            "CAST(k.end_date AS DATE)) >= 91")),
    "CORE-FAMILY-STAR": (_CASES, dict(num=RISE, den=ENDED)),
    "CORE-CLOSED-6M": (_CASES, dict(num=CLOSED_6M, den=ENDED)),
    "CORE-NEW-BIRTHS": (_REG, NEW_BIRTHS),
    "CORE-2YO-TAKEUP": (_REG, TWO_YO),
    "CORE-GLD": (_REG, GLD),
    "CORE-GLD-GAP": (_GAP, {}),
    "CORE-VOLUNTEERS": (_CONTACTS, dict(num="count(DISTINCT c.family_ref) FILTER (WHERE c.contact_type = 'volunteering')",
                                        den="NULL")),
    # BRAD
    "BRAD-REACH": (_REACH, {}),
    "BRAD-ENGAGE-TG": (_ENGAGED, SUSTAINED),
    "BRAD-NEW-BIRTHS": (_REG, NEW_BIRTHS),
    "BRAD-2YO": (_REG, TWO_YO),
    "BRAD-GLD": (_REG, GLD),
    "BRAD-GLD-GAP": (_GAP, {}),
    "BRAD-RESILIENCE": (_CASES, dict(num=RISE, den=ENDED)),
    # ESX
    "ESX-U-REACH": (_REACH, {}),
    "ESX-U-SEEN": (_ENGAGED, dict(since="w.lo", at_least=1, den="TRUE")),
    "ESX-U-NEW-BIRTHS": (_REG, NEW_BIRTHS),
    "ESX-U-2YO": (_REG, TWO_YO),
    "ESX-U-GLD": (_REG, GLD),
    "ESX-U-OUTREACH": (_CONTACTS, dict(num="count(*) FILTER (WHERE c.contact_type IN ('home_visit', 'outreach', 'phone'))",
                                       den="count(*) FILTER (WHERE c.contact_type <> 'volunteering')")),
    "ESX-U-ATTENDANCE": ("""
        SELECT w."window", w.instance, {cols}, coalesce(sum(s.attendances), 0) AS num, count(*) AS den
        FROM sessions s JOIN units u USING (centre_id) JOIN spans w ON w."window" IN {windows}
         AND s.date BETWEEN w.lo AND w.hi
        GROUP BY GROUPING SETS ({sets})""", {}),
    "ESX-S-SUSTAINED-TG": (_ENGAGED, SUSTAINED),
    "ESX-S-STAR": (_CASES, dict(num=RISE, den=ENDED)),
    "ESX-S-DURATION": (_CASES, dict(num=CLOSED_6M, den=ENDED)),
    "ESX-S-STEP-UP": (_CASES, dict(num="k.level = 'level_4'", den=OPEN_CASE)),
    "ESX-S-GLD-GAP": (_GAP, {}),
}

ALL = ("centre", "cluster", "provider", "authority")
CPA = ("centre", "provider", "authority")
KLA = ("cluster", "provider", "authority")
# each KPI's subject levels and windows, as its YAML gives them (no levels: all four; no windows: quarter)
KPI_SHAPE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "CORE-REG-U5": (ALL, ("quarter",)), "CORE-REG-TG": (ALL, ("quarter",)),
    "CORE-SUSTAINED-TG": (ALL, ("quarter",)), "CORE-CASEWORK-N": (ALL, ("quarter",)),
    "CORE-CASEWORK-5PLUS": (ALL, ("quarter",)), "CORE-LEVEL3": (ALL, ("quarter",)),
    "CORE-STAR-COMPLETE": (ALL, ("quarter", "ytd")), "CORE-FAMILY-STAR": (ALL, ("r12",)),
    "CORE-CLOSED-6M": (ALL, ("quarter", "ytd")), "CORE-NEW-BIRTHS": (ALL, ("quarter",)),
    "CORE-2YO-TAKEUP": (ALL, ("quarter",)), "CORE-GLD": (ALL, ("quarter",)), "CORE-GLD-GAP": (ALL, ("quarter",)),
    "CORE-VOLUNTEERS": (ALL, ("quarter",)),
    "BRAD-REACH": (KLA, ("quarter",)), "BRAD-ENGAGE-TG": (KLA, ("quarter",)), "BRAD-NEW-BIRTHS": (KLA, ("quarter",)),
    "BRAD-2YO": (KLA, ("quarter",)), "BRAD-GLD": (KLA, ("quarter",)), "BRAD-GLD-GAP": (KLA, ("quarter",)),
    "BRAD-RESILIENCE": (KLA, ("ytd",)),
    "ESX-U-REACH": (CPA, ("quarter",)), "ESX-U-SEEN": (CPA, ("quarter", "ytd")),
    "ESX-U-NEW-BIRTHS": (CPA, ("quarter",)), "ESX-U-2YO": (CPA, ("quarter",)), "ESX-U-GLD": (CPA, ("quarter",)),
    "ESX-U-OUTREACH": (CPA, ("quarter", "ytd")), "ESX-U-ATTENDANCE": (CPA, ("quarter", "ytd")),
    "ESX-S-SUSTAINED-TG": (CPA, ("quarter",)), "ESX-S-STAR": (CPA, ("ytd",)),
    "ESX-S-DURATION": (CPA, ("quarter", "ytd")), "ESX-S-STEP-UP": (CPA, ("quarter",)),
    "ESX-S-GLD-GAP": (CPA, ("quarter",)),
}
LEVEL_COLUMN = {"centre": "u.centre", "cluster": "u.cluster", "provider": "u.provider"}


def kpi_sql(kpi_id: str) -> str:
    """The KPI's query with its subject columns, grouping sets and windows filled in."""
    body, parts = KPI_SQL[kpi_id]
    levels, windows = KPI_SHAPE[kpi_id]
    below = [LEVEL_COLUMN[level] for level in levels if level != "authority"]
    head = 'w."window", w.instance, u.authority_code'
    sets = [f"({head})"] if "authority" in levels else []
    sets += [f"({head}, {column})" for column in below]
    below_sets = [f"({head}, {column})" for column in below]
    cols = ", ".join(["u.authority_code", *below])
    authority_cols = ", ".join(["p.authority_code", *(f"NULL AS {c.split('.')[1]}" for c in below)])
    fill = {"cols": cols, "sets": ", ".join(sets), "sets_below": ", ".join(below_sets) or "()",
            "authority_cols": authority_cols, "windows": "(" + ", ".join(f"'{w}'" for w in windows) + ")",
            "gap_sets": ", ".join(s[:-1] + ", r.fsm_eligible)" for s in sets), **parts}
    return body.format(**fill)


# the windows of 2016Q4 and their previous and year-before instances (kpis/windows.py's definitions, written out)
SPANS = [
    ("quarter", "current", "2016-10-01", "2016-12-31"), ("quarter", "previous", "2016-07-01", "2016-09-30"),
    ("quarter", "year_before", "2015-10-01", "2015-12-31"),
    ("ytd", "current", "2016-04-01", "2016-12-31"), ("ytd", "previous", "2015-04-01", "2015-12-31"),
    ("r12", "current", "2016-01-01", "2016-12-31"), ("r12", "previous", "2015-10-01", "2016-09-30"),
    ("r12", "year_before", "2015-01-01", "2015-12-31"),
]


def setup(con: duckdb.DuckDBPyConnection, tables: dict) -> None:
    """Register the frames (as Arrow, as the engine does) and make the three helpers the queries share."""
    for name, frame in tables.items():
        con.register(name, pa.Table.from_pandas(frame, preserve_index=False))
    con.execute("CREATE OR REPLACE TEMP TABLE authorities AS SELECT DISTINCT authority_code FROM centres")
    con.execute("""CREATE OR REPLACE TEMP TABLE units AS
        SELECT c.centre_id, p.centre_id AS centre, p.cluster, p.provider_id AS provider, p.authority_code
        FROM centres c JOIN centres p ON p.centre_id = CASE WHEN c.designation = 'linked_site'
             AND c.parent_centre_id IS NOT NULL THEN c.parent_centre_id ELSE c.centre_id END""")
    rows = ", ".join(f"('{w}', '{i}', DATE '{lo}', DATE '{hi}')" for w, i, lo, hi in SPANS)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE spans AS
        SELECT "window", instance, lo, hi, CASE WHEN month(hi) = 12 THEN make_date(year(hi), 1, 1)
               ELSE make_date(year(hi) - 1, month(hi) + 1, 1) END AS r12_lo
        FROM (VALUES {rows}) v("window", instance, lo, hi)""")
    # age in whole months at a day's month, from a yyyy-mm birth month
    con.execute("CREATE OR REPLACE TEMP MACRO age_months(birth_month, day) AS "
                "(year(day) * 12 + month(day)) - (TRY_CAST(substr(birth_month, 1, 4) AS INTEGER) * 12 "
                "+ TRY_CAST(substr(birth_month, 6, 2) AS INTEGER))")
