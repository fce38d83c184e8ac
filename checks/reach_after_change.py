"""Python check for SSG-CLOSURE-REACH-AFTER and SSG-CLOSURE-REACH-PROGRAMME: would under-fives still be
within reach of an open centre once every centre the decision removes is gone?

A change belongs to a programme (``programme_ref``: changes decided together); a change with none stands
alone. All centres the programme closes, de-designates, merges away or reduces below the definition are
removed at once, so two closures that together strand an area are not each judged as if the other centre
stayed open. The subject is a change (judged by its programme) or a programme.

Statuses: below the authority's warning share -> warn (at_risk); below the failure share the authority sets
(default 0: never) -> fail; and fail whatever the settings when no open centre would remain in the
authority at all (s.5A(1) cannot be met with none).
"""

from __future__ import annotations

from ccassure.rules import check

DESIGNATED = "('childrens_centre', 'family_hub_designated')"
OPEN = "('open', 'proposed_to_close')"
REMOVING = "('close', 'de_designate', 'reduce_below_definition', 'merge')"


@check("reach_after_change")
def reach_after_change(ctx):
    radius = float(ctx.params["max_distance_m"])
    warn_floor = float(ctx.params["warn_below_percent"])
    fail_floor = float(ctx.params["fail_below_percent"])
    programme_subject = "change_id" not in ctx.subjects.columns  # a programme subject has no change of its own
    if ctx.subjects.empty:
        return []
    if programme_subject:
        subjects = ctx.subjects[["__subject_id", "authority_code"]].assign(programme=ctx.subjects["__subject_id"])
    else:
        subjects = ctx.subjects[["__subject_id", "authority_code"]].assign(
            programme=ctx.subjects["programme_ref"].astype("string").fillna("change:" + ctx.subjects["change_id"]))
    ctx.con.register("__reach_subjects", subjects)
    try:
        removed = dict(ctx.con.sql(f"""
            SELECT coalesce(programme_ref, 'change:' || change_id) AS programme, list(DISTINCT centre_id ORDER BY centre_id)
            FROM service_changes WHERE change_type IN {REMOVING} AND centre_id IS NOT NULL GROUP BY 1""").fetchall())
        names = dict(ctx.con.sql("SELECT centre_id, coalesce(centre_name, centre_id) FROM centres").fetchall())
        known = set(names)
        rows = ctx.con.sql(f"""
            WITH ch AS (SELECT "__subject_id" AS sid, programme, authority_code FROM __reach_subjects),
            gone AS (SELECT coalesce(programme_ref, 'change:' || change_id) AS programme, centre_id
                     FROM service_changes WHERE change_type IN {REMOVING}),
            pts AS (
                SELECT ch.sid, p.lsoa_code, p.year, coalesce(p.under5, 0) AS w, p.easting AS e, p.northing AS n
                FROM ch JOIN lsoa_population p ON p.authority_code = ch.authority_code
                WHERE p.easting IS NOT NULL AND p.northing IS NOT NULL
                QUALIFY p.year = max(p.year) OVER (PARTITION BY ch.sid)),
            sites AS (
                SELECT ch.sid, c.centre_id, c.easting AS e, c.northing AS n,
                       EXISTS (SELECT 1 FROM gone g WHERE g.programme = ch.programme AND g.centre_id = c.centre_id) AS removed
                FROM ch JOIN centres c ON c.authority_code = ch.authority_code
                WHERE c.designation IN {DESIGNATED} AND c.status IN {OPEN} AND c.easting IS NOT NULL),
            remaining AS (SELECT sid, count(*) FILTER (WHERE NOT removed) AS left_open FROM sites GROUP BY sid),
            near AS (
                SELECT pts.sid, pts.lsoa_code, bool_or(NOT s.removed) AS after, TRUE AS before
                FROM pts JOIN sites s ON s.sid = pts.sid
                 AND (CAST(s.e AS DOUBLE) - pts.e) ^ 2 + (CAST(s.n AS DOUBLE) - pts.n) ^ 2 <= {radius * radius}
                GROUP BY pts.sid, pts.lsoa_code)
            SELECT pts.sid, sum(pts.w) AS den,
                   sum(pts.w) FILTER (WHERE near.before) AS num_before,
                   sum(pts.w) FILTER (WHERE near.after) AS num_after,
                   list(pts.lsoa_code ORDER BY pts.lsoa_code) FILTER (WHERE near.before AND NOT near.after) AS lost,
                   any_value(pts.year) AS year, coalesce(any_value(r.left_open), 0) AS left_open
            FROM pts LEFT JOIN near ON near.sid = pts.sid AND near.lsoa_code = pts.lsoa_code
            LEFT JOIN remaining r ON r.sid = pts.sid
            GROUP BY pts.sid""").fetchall()
    finally:
        ctx.con.unregister("__reach_subjects")
    by_subject = {row[0]: row for row in rows}
    results = []
    for sid, programme in zip(subjects["__subject_id"], subjects["programme"], strict=True):
        closing = removed.get(programme, [])
        unknown = [c for c in closing if c not in known]
        if unknown:
            results.append({"subject_id": sid, "outcome": "missing",
                            "detail": f"the change names centre {', '.join(unknown)}, which is not in any centres "
                                      "return (a validation error across datasets)"})
            continue
        row = by_subject.get(sid)
        if row is None or not row[1]:
            results.append({"subject_id": sid, "outcome": "missing",
                            "detail": "there is no under-five population with coordinates for the authority"})
            continue
        _, den, before, after, lost, year, left_open = row
        before_pct, after_pct = 100.0 * (before or 0) / den, 100.0 * (after or 0) / den
        if left_open == 0 or after_pct < fail_floor:
            outcome = "fail"
        elif after_pct < warn_floor:
            outcome = "warn"
        else:
            outcome = "pass"
        named = ", ".join(str(names.get(c, c)) for c in closing)  # centres by name: the detail reaches committee papers
        together = (f"{_count(len(closing), 'centre')} removed together ({named})"
                    if len(closing) > 1 or programme_subject or not programme.startswith("change:")
                    else f"{named or 'no centre'} removed")
        evidence = [{"table": "service_changes", "keys": {"programme_ref": programme}}] \
            if not (programme_subject or programme.startswith("change:")) else []
        evidence += [{"table": "lsoa_population", "keys": {"lsoa_code": code, "year": year}}
                     for code in (lost or [])[:10]]
        results.append({
            "subject_id": sid, "outcome": outcome,
            "observed": f"{after_pct:.1f}% after (before {before_pct:.1f}%)",
            "threshold": f"share of under-fives within {radius:g} m of a remaining open centre >= {warn_floor:g}%",
            "evidence": evidence,
            "detail": (f"{together}; {_count(left_open, 'open centre')} remain; "
                       f"{_count(len(lost or []), 'small area')} lose their only centre within {radius:g} m"),
        })
    return results


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
