"""Python check for SSG-CLOSURE-REACH-AFTER: would under-fives still be within reach of an open centre once
the centre a change closes (or de-designates) is gone? The reach test needs "every open centre except this
subject's own", which the declarative distance test cannot say."""

from __future__ import annotations

from ccassure.rules import check

DESIGNATED = "('childrens_centre', 'family_hub_designated')"
OPEN = "('open', 'proposed_to_close')"


@check("reach_after_change")
def reach_after_change(ctx):
    radius = float(ctx.params["max_distance_m"])
    floor = float(ctx.params["min_share_percent"])
    subjects = ctx.subjects[["__subject_id", "centre_id", "authority_code"]]
    if subjects.empty:
        return []
    ctx.con.register("__reach_changes", subjects)
    try:
        rows = ctx.con.sql(f"""
            WITH ch AS (SELECT "__subject_id" AS sid, centre_id, authority_code FROM __reach_changes),
            pts AS (
                SELECT ch.sid, p.lsoa_code, p.year, coalesce(p.under5, 0) AS w, p.easting AS e, p.northing AS n
                FROM ch JOIN lsoa_population p ON p.authority_code = ch.authority_code
                WHERE p.easting IS NOT NULL AND p.northing IS NOT NULL
                QUALIFY p.year = max(p.year) OVER (PARTITION BY ch.sid)),
            sites AS (
                SELECT ch.sid, c.centre_id, c.easting AS e, c.northing AS n, c.centre_id = ch.centre_id AS own
                FROM ch JOIN centres c ON c.authority_code = ch.authority_code
                WHERE c.designation IN {DESIGNATED} AND c.status IN {OPEN} AND c.easting IS NOT NULL),
            near AS (
                SELECT pts.sid, pts.lsoa_code, bool_or(NOT s.own) AS after, TRUE AS before
                FROM pts JOIN sites s ON s.sid = pts.sid
                 AND (CAST(s.e AS DOUBLE) - pts.e) ^ 2 + (CAST(s.n AS DOUBLE) - pts.n) ^ 2 <= {radius * radius}
                GROUP BY pts.sid, pts.lsoa_code)
            SELECT pts.sid, sum(pts.w) AS den,
                   sum(pts.w) FILTER (WHERE near.before) AS num_before,
                   sum(pts.w) FILTER (WHERE near.after) AS num_after,
                   list(pts.lsoa_code ORDER BY pts.lsoa_code) FILTER (WHERE near.before AND NOT near.after) AS lost,
                   any_value(pts.year) AS year
            FROM pts LEFT JOIN near ON near.sid = pts.sid AND near.lsoa_code = pts.lsoa_code
            GROUP BY pts.sid""").fetchall()
    finally:
        ctx.con.unregister("__reach_changes")
    by_subject = {row[0]: row for row in rows}
    results = []
    for sid in subjects["__subject_id"]:
        row = by_subject.get(sid)
        if row is None or not row[1]:
            results.append({"subject_id": sid, "outcome": "missing",
                            "detail": "no under-5 population with coordinates for the authority"})
            continue
        _, den, before, after, lost, year = row
        before_pct, after_pct = 100.0 * (before or 0) / den, 100.0 * (after or 0) / den
        evidence = [{"table": "lsoa_population", "keys": {"lsoa_code": code, "year": year}}
                    for code in (lost or [])[:10]]
        results.append({
            "subject_id": sid, "outcome": "pass" if after_pct >= floor else "fail",
            "observed": f"{after_pct:.1f}% after (before {before_pct:.1f}%)",
            "threshold": f"share of under-fives within {radius:g} m of another open centre >= {floor:g}%",
            "evidence": evidence,
            "detail": f"{len(lost or [])} LSOA(s) lose their only centre within {radius:g} m",
        })
    return results
