"""The reach figures of every scenario, aggregated in SQL from the scenario x LSOA distances.

"Within reach" is the reach rules' test: the LSOA's point is at most the reach distance (metres, straight
line) from an open designated centre. "Newly beyond reach" means within reach now and not after the
scenario. Means and the 90th percentile of the change in distance are per child (weighted by under-fives):
the 90th percentile is the smallest increase that at least 90% of under-fives do not exceed.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

ATTRS = ["i", "lsoa_code", "under5", "imd_decile", "area", "ward", "registered", "target_families"]


def _flags(radius: float) -> str:
    r = float(radius)
    return f"""
    SELECT l.scenario, a.lsoa_code, l.before, l.after, a.under5, a.imd_decile, a.area, a.ward, a.registered,
           a.target_families,
           coalesce(l.before <= {r}, FALSE) AS within_before, coalesce(l.after <= {r}, FALSE) AS within_after,
           coalesce(l.before <= {r}, FALSE) AND NOT coalesce(l.after <= {r}, FALSE) AS newly_beyond,
           coalesce(l.after <= {r}, FALSE) AND NOT coalesce(l.before <= {r}, FALSE) AS newly_within,
           l.after - l.before AS change
    FROM imp_lsoa l JOIN imp_attrs a USING (i)"""


def _by_place(column: str, unknown: str) -> str:
    """Who is newly beyond reach per scenario in each reach area or ward that has any."""
    return f"""
        SELECT scenario, coalesce({column}, '{unknown}') AS {column}, count(*) AS lsoas,
               count(*) FILTER (WHERE newly_beyond) AS lsoas_newly_beyond,
               sum(under5) FILTER (WHERE newly_beyond) AS under5_newly_beyond,
               sum(registered) FILTER (WHERE newly_beyond) AS registered_newly_beyond,
               sum(target_families) FILTER (WHERE newly_beyond) AS target_families_newly_beyond,
               min(imd_decile) FILTER (WHERE newly_beyond) AS most_deprived_decile_newly_beyond,
               max(change) AS largest_change
        FROM imp_flags GROUP BY ALL HAVING count(*) FILTER (WHERE newly_beyond) > 0
        ORDER BY scenario, under5_newly_beyond DESC, {column}"""


PEOPLE = ("under5_newly_beyond", "under5_newly_within", "deprived_under5_newly_beyond", "registered_newly_beyond",
          "target_families_newly_beyond")


def compute_figures(con: duckdb.DuckDBPyConnection, points: pd.DataFrame, radius: float,
                    deprived_deciles: int) -> dict[str, pd.DataFrame]:
    """Summary per scenario, by decile, by reach area, by ward and the LSOAs whose distance changes
    (scenario = index).

    Only the LSOAs a scenario can change are in imp_lsoa; every other LSOA keeps its distance (a change of
    zero), so each figure is today's value plus what the changed LSOAs add.
    """
    r = float(radius)
    deprived = int(deprived_deciles)
    attrs = points.assign(i=range(len(points)))[ATTRS]
    con.register("imp_attrs", pa.Table.from_pandas(attrs, preserve_index=False))
    con.execute(f"CREATE OR REPLACE TEMP TABLE imp_flags AS {_flags(radius)}")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE imp_now AS
        SELECT a.*, b.before, coalesce(b.before <= {r}, FALSE) AS within_before
        FROM imp_attrs a JOIN imp_base b USING (i)""")
    summary = con.sql(f"""
        WITH now AS (
            SELECT count(*) AS lsoas, sum(under5) AS under5,
                   sum(under5) FILTER (WHERE within_before) AS under5_within_before,
                   sum(under5) FILTER (WHERE before IS NOT NULL) AS located_w,
                   sum(under5 * before) FILTER (WHERE before IS NOT NULL) AS located_wd
            FROM imp_now),
        per AS (
            SELECT scenario,
                   sum(under5) FILTER (WHERE newly_beyond) AS under5_newly_beyond,
                   sum(under5) FILTER (WHERE newly_within) AS under5_newly_within,
                   sum(under5) FILTER (WHERE newly_beyond AND imd_decile <= {deprived}) AS deprived_under5_newly_beyond,
                   count(*) FILTER (WHERE newly_beyond) AS lsoas_newly_beyond,
                   count(*) FILTER (WHERE newly_beyond AND imd_decile <= {deprived}) AS deprived_lsoas_newly_beyond,
                   sum(registered) FILTER (WHERE newly_beyond) AS registered_newly_beyond,
                   sum(target_families) FILTER (WHERE newly_beyond) AS target_families_newly_beyond,
                   count(*) FILTER (WHERE after IS NULL) AS lsoas_without_centre,
                   coalesce(sum(under5) FILTER (WHERE after IS NULL AND before IS NOT NULL), 0) AS lost_w,
                   coalesce(sum(under5 * before) FILTER (WHERE after IS NULL AND before IS NOT NULL), 0) AS lost_wd,
                   coalesce(sum(under5) FILTER (WHERE change IS NOT NULL), 0) AS changed_w,
                   coalesce(sum(under5 * change) FILTER (WHERE change IS NOT NULL), 0) AS changed_wd
            FROM imp_flags GROUP BY scenario),
        base AS (
            SELECT s.scenario, per.* EXCLUDE (scenario), now.*,
                   now.located_w - coalesce(per.lost_w, 0) AS denom
            FROM imp_scenarios s CROSS JOIN now LEFT JOIN per ON per.scenario = s.scenario),
        dist AS (  -- the changed LSOAs, plus one row holding every unchanged child at a change of zero
            SELECT scenario, change, under5 FROM imp_flags WHERE change IS NOT NULL AND under5 > 0
            UNION ALL
            SELECT scenario, 0.0, denom - coalesce(changed_w, 0) FROM base WHERE denom - coalesce(changed_w, 0) > 0),
        cum AS (
            SELECT scenario, change,
                   sum(under5) OVER (PARTITION BY scenario ORDER BY change ROWS UNBOUNDED PRECEDING) AS cum,
                   sum(under5) OVER (PARTITION BY scenario) AS total
            FROM dist),
        p90 AS (SELECT scenario, min(change) FILTER (WHERE cum >= 0.9 * total) AS p90_change FROM cum GROUP BY ALL),
        worst AS (SELECT scenario, arg_max(lsoa_code, change) AS worst_lsoa, max(change) AS worst_change,
                         arg_max(area, change) AS worst_area, arg_max(after, change) AS worst_after
                  FROM imp_flags WHERE change > 0 GROUP BY ALL)
        SELECT b.scenario, b.lsoas, b.under5, b.under5_within_before,
               b.under5_within_before - coalesce(b.under5_newly_beyond, 0) + coalesce(b.under5_newly_within, 0)
                   AS under5_within_after,
               b.under5_newly_beyond, b.under5_newly_within, b.deprived_under5_newly_beyond,
               coalesce(b.lsoas_newly_beyond, 0) AS lsoas_newly_beyond,
               coalesce(b.deprived_lsoas_newly_beyond, 0) AS deprived_lsoas_newly_beyond,
               b.registered_newly_beyond, b.target_families_newly_beyond,
               coalesce(b.lsoas_without_centre, 0) AS lsoas_without_centre,
               (b.located_wd - coalesce(b.lost_wd, 0)) / nullif(b.denom, 0) AS mean_before,
               (b.located_wd - coalesce(b.lost_wd, 0) + coalesce(b.changed_wd, 0)) / nullif(b.denom, 0) AS mean_after,
               coalesce(b.changed_wd, 0) / nullif(b.denom, 0) AS mean_change,
               p90.p90_change, w.worst_lsoa, w.worst_area, coalesce(w.worst_change, 0.0) AS worst_change,
               w.worst_after
        FROM base b LEFT JOIN p90 USING (scenario) LEFT JOIN worst w USING (scenario)
        ORDER BY b.scenario""").df()
    deciles = con.sql("""
        WITH now AS (
            SELECT imd_decile, count(*) AS lsoas, sum(under5) AS under5,
                   sum(under5) FILTER (WHERE within_before) AS under5_within_before
            FROM imp_now GROUP BY ALL),
        per AS (
            SELECT scenario, imd_decile,
                   sum(under5) FILTER (WHERE newly_beyond) AS under5_newly_beyond,
                   sum(under5) FILTER (WHERE newly_within) AS under5_newly_within,
                   sum(registered) FILTER (WHERE newly_beyond) AS registered_newly_beyond,
                   sum(target_families) FILTER (WHERE newly_beyond) AS target_families_newly_beyond,
                   count(*) FILTER (WHERE newly_beyond) AS lsoas_newly_beyond
            FROM imp_flags GROUP BY ALL)
        SELECT s.scenario, now.imd_decile, now.lsoas, now.under5, now.under5_within_before,
               coalesce(now.under5_within_before, 0) - coalesce(per.under5_newly_beyond, 0)
                   + coalesce(per.under5_newly_within, 0) AS under5_within_after,
               per.under5_newly_beyond, per.under5_newly_within, per.registered_newly_beyond,
               per.target_families_newly_beyond, coalesce(per.lsoas_newly_beyond, 0) AS lsoas_newly_beyond
        FROM imp_scenarios s CROSS JOIN now
        LEFT JOIN per ON per.scenario = s.scenario AND per.imd_decile IS NOT DISTINCT FROM now.imd_decile
        ORDER BY s.scenario, now.imd_decile NULLS LAST""").df()
    areas = con.sql(_by_place("area", "Outside every reach area")).df()
    wards = con.sql(_by_place("ward", "Ward not known")).df()
    changed = con.sql("""
        SELECT scenario, lsoa_code, area, ward, imd_decile, under5, registered, target_families, before, after, change,
               newly_beyond, newly_within, within_after
        FROM imp_flags WHERE change IS DISTINCT FROM 0 ORDER BY scenario, change DESC NULLS FIRST, lsoa_code""").df()
    baseline = con.sql(f"""
        SELECT count(*) AS lsoas, sum(under5) AS under5,
               sum(under5) FILTER (WHERE within_before) AS under5_within,
               sum(under5) FILTER (WHERE imd_decile <= {deprived}) AS deprived_under5,
               sum(under5) FILTER (WHERE within_before AND imd_decile <= {deprived}) AS deprived_under5_within,
               sum(under5 * before) / nullif(sum(under5) FILTER (WHERE before IS NOT NULL), 0) AS mean_distance
        FROM imp_now""").df()
    for frame in (summary, deciles, areas, wards):
        for column in frame.columns:
            if column.startswith(("under5", "registered", "target", "deprived_under5")):
                frame[column] = frame[column].fillna(0).astype("int64")
    return {"summary": summary, "deciles": deciles, "areas": areas, "wards": wards, "lsoas": changed,
            "baseline": baseline}
