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

ATTRS = ["lsoa_code", "under5", "imd_decile", "area", "registered", "target_families"]


def _flags(radius: float) -> str:
    r = float(radius)
    return f"""
    SELECT l.scenario, l.lsoa_code, l.before, l.after, a.under5, a.imd_decile, a.area, a.registered, a.target_families,
           coalesce(l.before <= {r}, FALSE) AS within_before, coalesce(l.after <= {r}, FALSE) AS within_after,
           coalesce(l.before <= {r}, FALSE) AND NOT coalesce(l.after <= {r}, FALSE) AS newly_beyond,
           coalesce(l.after <= {r}, FALSE) AND NOT coalesce(l.before <= {r}, FALSE) AS newly_within,
           l.after - l.before AS change
    FROM imp_lsoa l JOIN imp_attrs a USING (lsoa_code)"""


def compute_figures(con: duckdb.DuckDBPyConnection, points: pd.DataFrame, radius: float,
                    deprived_deciles: int) -> dict[str, pd.DataFrame]:
    """Summary per scenario, by decile, by area and the LSOAs whose distance changes (scenario = index)."""
    con.register("imp_attrs", pa.Table.from_pandas(points[ATTRS], preserve_index=False))
    con.execute(f"CREATE OR REPLACE TEMP TABLE imp_flags AS {_flags(radius)}")
    deprived = int(deprived_deciles)
    summary = con.sql(f"""
        WITH cum AS (
            SELECT scenario, change, under5,
                   sum(under5) OVER (PARTITION BY scenario ORDER BY change ROWS UNBOUNDED PRECEDING) AS cum,
                   sum(under5) OVER (PARTITION BY scenario) AS total
            FROM imp_flags WHERE change IS NOT NULL AND under5 > 0),
        p90 AS (SELECT scenario, min(change) FILTER (WHERE cum >= 0.9 * total) AS p90_change FROM cum GROUP BY ALL),
        worst AS (SELECT scenario, arg_max(lsoa_code, change) AS worst_lsoa, max(change) AS worst_change,
                         arg_max(area, change) AS worst_area, arg_max(after, change) AS worst_after
                  FROM imp_flags WHERE change IS NOT NULL GROUP BY ALL)
        SELECT f.scenario, count(*) AS lsoas, sum(under5) AS under5,
               sum(under5) FILTER (WHERE within_before) AS under5_within_before,
               sum(under5) FILTER (WHERE within_after) AS under5_within_after,
               sum(under5) FILTER (WHERE newly_beyond) AS under5_newly_beyond,
               sum(under5) FILTER (WHERE newly_within) AS under5_newly_within,
               sum(under5) FILTER (WHERE newly_beyond AND imd_decile <= {deprived}) AS deprived_under5_newly_beyond,
               count(*) FILTER (WHERE newly_beyond) AS lsoas_newly_beyond,
               count(*) FILTER (WHERE newly_beyond AND imd_decile <= {deprived}) AS deprived_lsoas_newly_beyond,
               sum(registered) FILTER (WHERE newly_beyond) AS registered_newly_beyond,
               sum(target_families) FILTER (WHERE newly_beyond) AS target_families_newly_beyond,
               count(*) FILTER (WHERE after IS NULL) AS lsoas_without_centre,
               sum(under5 * before) FILTER (WHERE change IS NOT NULL) / nullif(sum(under5) FILTER (WHERE change IS NOT NULL), 0) AS mean_before,
               sum(under5 * after) FILTER (WHERE change IS NOT NULL) / nullif(sum(under5) FILTER (WHERE change IS NOT NULL), 0) AS mean_after,
               sum(under5 * change) FILTER (WHERE change IS NOT NULL) / nullif(sum(under5) FILTER (WHERE change IS NOT NULL), 0) AS mean_change,
               any_value(p90.p90_change) AS p90_change, any_value(w.worst_lsoa) AS worst_lsoa,
               any_value(w.worst_area) AS worst_area, any_value(w.worst_change) AS worst_change,
               any_value(w.worst_after) AS worst_after
        FROM imp_flags f LEFT JOIN p90 USING (scenario) LEFT JOIN worst w USING (scenario)
        GROUP BY f.scenario ORDER BY f.scenario""").df()
    deciles = con.sql("""
        SELECT scenario, imd_decile, count(*) AS lsoas, sum(under5) AS under5,
               sum(under5) FILTER (WHERE within_before) AS under5_within_before,
               sum(under5) FILTER (WHERE within_after) AS under5_within_after,
               sum(under5) FILTER (WHERE newly_beyond) AS under5_newly_beyond,
               sum(under5) FILTER (WHERE newly_within) AS under5_newly_within,
               sum(registered) FILTER (WHERE newly_beyond) AS registered_newly_beyond,
               sum(target_families) FILTER (WHERE newly_beyond) AS target_families_newly_beyond,
               count(*) FILTER (WHERE newly_beyond) AS lsoas_newly_beyond
        FROM imp_flags GROUP BY ALL ORDER BY scenario, imd_decile NULLS LAST""").df()
    areas = con.sql("""
        SELECT scenario, coalesce(area, 'Outside every reach area') AS area, count(*) AS lsoas, sum(under5) AS under5,
               sum(under5) FILTER (WHERE newly_beyond) AS under5_newly_beyond,
               sum(registered) FILTER (WHERE newly_beyond) AS registered_newly_beyond,
               sum(target_families) FILTER (WHERE newly_beyond) AS target_families_newly_beyond,
               min(imd_decile) FILTER (WHERE newly_beyond) AS most_deprived_decile_newly_beyond,
               max(change) AS largest_change
        FROM imp_flags GROUP BY ALL HAVING count(*) FILTER (WHERE newly_beyond) > 0
        ORDER BY scenario, under5_newly_beyond DESC, area""").df()
    changed = con.sql("""
        SELECT scenario, lsoa_code, area, imd_decile, under5, registered, target_families, before, after, change,
               newly_beyond, newly_within, within_after
        FROM imp_flags WHERE change IS DISTINCT FROM 0 ORDER BY scenario, change DESC NULLS FIRST, lsoa_code""").df()
    baseline = con.sql(f"""
        SELECT count(*) AS lsoas, sum(under5) AS under5,
               sum(under5) FILTER (WHERE within_before) AS under5_within,
               sum(under5) FILTER (WHERE imd_decile <= {deprived}) AS deprived_under5,
               sum(under5) FILTER (WHERE within_before AND imd_decile <= {deprived}) AS deprived_under5_within,
               sum(under5 * before) / nullif(sum(under5) FILTER (WHERE before IS NOT NULL), 0) AS mean_distance
        FROM imp_flags WHERE scenario = 0""").df()
    for frame in (summary, deciles, areas):
        for column in frame.columns:
            if column.startswith(("under5", "registered", "target", "deprived_under5")):
                frame[column] = frame[column].fillna(0).astype("int64")
    return {"summary": summary, "deciles": deciles, "areas": areas, "lsoas": changed, "baseline": baseline}
