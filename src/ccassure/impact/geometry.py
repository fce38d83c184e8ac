"""Distances to the nearest centre before and after every scenario, in one DuckDB pass.

Distances are straight lines between British National Grid eastings and northings (metres), in plain SQL
(no spatial extension: it would download at run time). The LSOA-to-centre distances are computed once;
a scenario only recomputes the LSOAs whose nearest centre it removes, and adds the distances to the
centres it opens. So 100 scenarios cost little more than one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from ccassure.impact.proposal import Scenario
from ccassure.impact.state import CurrentState, in_network, resolve_ids


@dataclass
class Geometry:
    points: pd.DataFrame  # one row per located LSOA: population, decile, area, registered, nearest before
    lsoas: pd.DataFrame  # scenario x LSOA: distance before and after, within reach before and after
    unlocated: int  # LSOAs with under-fives but no coordinates (left out, as the reach rules do)
    year: int | None


def points_frame(state: CurrentState, iod_version: str) -> tuple[pd.DataFrame, int, int | None]:
    """LSOAs of the authority (latest population year) with decile, reach area and registrations."""
    pop = state.tables.get("lsoa_population")
    if pop is None or not len(pop):
        return _empty_points(), 0, None
    year = int(pop["year"].max())
    pop = pop[pop["year"] == year]
    located = pop["easting"].notna() & pop["northing"].notna()
    unlocated = int((~located).sum())
    frame = pd.DataFrame({"lsoa_code": pop.loc[located, "lsoa_code"].astype(str).to_numpy(),
                          "under5": pop.loc[located, "under5"].fillna(0).astype("int64").to_numpy(),
                          "easting": pop.loc[located, "easting"].astype("float64").to_numpy(),
                          "northing": pop.loc[located, "northing"].astype("float64").to_numpy()})
    dep = state.tables.get("deprivation")
    if dep is not None and len(dep):
        dep = dep[dep["iod_version"] == iod_version][["lsoa_code", "imd_decile"]].drop_duplicates("lsoa_code")
        frame = frame.merge(dep.astype({"lsoa_code": str}), on="lsoa_code", how="left")
    else:
        frame["imd_decile"] = pd.NA
    frame["imd_decile"] = frame["imd_decile"].astype("Int64")
    frame = frame.merge(_areas(state), on="lsoa_code", how="left")
    frame = frame.merge(_registered(state), on="lsoa_code", how="left")
    for column in ("registered", "target_families"):
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame, unlocated, year


def _empty_points() -> pd.DataFrame:
    return pd.DataFrame({"lsoa_code": pd.Series(dtype=str), "under5": pd.Series(dtype="int64"),
                         "easting": pd.Series(dtype=float), "northing": pd.Series(dtype=float),
                         "imd_decile": pd.Series(dtype="Int64"), "area": pd.Series(dtype=str),
                         "registered": pd.Series(dtype="int64"), "target_families": pd.Series(dtype="int64")})


def _areas(state: CurrentState) -> pd.DataFrame:
    """LSOA -> the reach area it belongs to, named after its centre (the area councillors know)."""
    reach = state.tables.get("reach_areas")
    if reach is None or not len(reach):
        return pd.DataFrame({"lsoa_code": pd.Series(dtype=str), "area": pd.Series(dtype=str)})
    names = dict(zip(state.centres["centre_id"].astype(str), state.centres["centre_name"].astype(str), strict=False))
    reach = reach.drop_duplicates("lsoa_code")
    return pd.DataFrame({"lsoa_code": reach["lsoa_code"].astype(str),
                         "area": [f"{names.get(str(c), str(c))} area" for c in reach["centre_id"]]})


def _registered(state: CurrentState) -> pd.DataFrame:
    """Registered children under five at the period end, and target-group families, by home LSOA."""
    regs = state.tables.get("registrations")
    empty = pd.DataFrame({"lsoa_code": pd.Series(dtype=str), "registered": pd.Series(dtype="int64"),
                          "target_families": pd.Series(dtype="int64")})
    if regs is None or not len(regs) or "lsoa_code" not in regs.columns:
        return empty
    cols = [c for c in ("child_ref", "family_ref", "lsoa_code", "target_group") if c in regs.columns]
    frame = regs[cols].copy()
    frame["born"] = (pd.to_datetime(regs["birth_month"].astype("string").str.slice(0, 7) + "-01", errors="coerce")
                     if "birth_month" in regs.columns else pd.NaT)
    con = duckdb.connect()
    con.register("regs", pa.Table.from_pandas(frame, preserve_index=False))
    end = state.period.end.isoformat()
    target = "target_group" if "target_group" in regs.columns else "FALSE"
    return con.sql(f"""
        SELECT CAST(lsoa_code AS VARCHAR) AS lsoa_code, count(DISTINCT child_ref) AS registered,
               count(DISTINCT family_ref) FILTER (WHERE coalesce({target}, FALSE)) AS target_families
        FROM regs WHERE lsoa_code IS NOT NULL
          AND (born IS NULL OR (born <= DATE '{end}' AND born > DATE '{end}' - INTERVAL 5 YEAR)) GROUP BY ALL""").df()


def scenario_frames(state: CurrentState, scenarios: list[Scenario]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sites now, centres each scenario removes, centres each scenario opens) as plain frames."""
    centres = state.centres
    net = centres[in_network(centres) & centres["easting"].notna() & centres["northing"].notna()]
    sites = pd.DataFrame({"centre_id": net["centre_id"].astype(str).to_numpy(),
                          "easting": net["easting"].astype("float64").to_numpy(),
                          "northing": net["northing"].astype("float64").to_numpy()})
    ids = resolve_ids(centres)
    removed, added = [], []
    for index, scenario in enumerate(scenarios):
        for change in scenario.changes:
            if change.action == "open":
                added.append({"scenario": index, "centre_id": change.centre, "easting": float(change.easting),
                              "northing": float(change.northing)})
            elif change.removes_centre:
                removed.append({"scenario": index, "centre_id": ids.get(change.centre, change.centre)})
    removed_frame = pd.DataFrame(removed, columns=["scenario", "centre_id"]).astype({"scenario": "int64"})
    added_frame = pd.DataFrame(added, columns=["scenario", "centre_id", "easting", "northing"]).astype(
        {"scenario": "int64", "easting": float, "northing": float})
    return sites, removed_frame, added_frame


NEAREST_SQL = """
CREATE OR REPLACE TEMP TABLE imp_dist AS
    SELECT p.lsoa_code, s.centre_id,
           sqrt((s.easting - p.easting) ^ 2 + (s.northing - p.northing) ^ 2) AS dist
    FROM imp_points p CROSS JOIN imp_sites s;
CREATE OR REPLACE TEMP TABLE imp_base AS
    SELECT p.lsoa_code, min(d.dist) AS before, arg_min(d.centre_id, d.dist) AS nearest
    FROM imp_points p LEFT JOIN imp_dist d USING (lsoa_code) GROUP BY p.lsoa_code;
CREATE OR REPLACE TEMP TABLE imp_lsoa AS
WITH hit AS (  -- LSOAs whose nearest centre the scenario removes
    SELECT r.scenario, b.lsoa_code FROM imp_base b JOIN imp_removed r ON r.centre_id = b.nearest),
recomputed AS (
    SELECT h.scenario, h.lsoa_code, min(d.dist) AS dist
    FROM hit h JOIN imp_dist d ON d.lsoa_code = h.lsoa_code
    LEFT JOIN imp_removed r ON r.scenario = h.scenario AND r.centre_id = d.centre_id
    WHERE r.centre_id IS NULL GROUP BY ALL),
opened AS (
    SELECT a.scenario, p.lsoa_code,
           min(sqrt((a.easting - p.easting) ^ 2 + (a.northing - p.northing) ^ 2)) AS dist
    FROM imp_added a CROSS JOIN imp_points p GROUP BY ALL),
grid AS (SELECT s.scenario, b.lsoa_code, b.before, b.nearest FROM imp_scenarios s CROSS JOIN imp_base b)
SELECT g.scenario, g.lsoa_code, g.before,
       CASE WHEN h.lsoa_code IS NULL THEN
                CASE WHEN o.dist IS NULL THEN g.before ELSE least(coalesce(g.before, o.dist), o.dist) END
            ELSE CASE WHEN o.dist IS NULL THEN rc.dist ELSE least(coalesce(rc.dist, o.dist), o.dist) END
       END AS after
FROM grid g
LEFT JOIN hit h ON h.scenario = g.scenario AND h.lsoa_code = g.lsoa_code
LEFT JOIN recomputed rc ON rc.scenario = g.scenario AND rc.lsoa_code = g.lsoa_code
LEFT JOIN opened o ON o.scenario = g.scenario AND o.lsoa_code = g.lsoa_code;
"""


def nearest_distances(con: duckdb.DuckDBPyConnection, points: pd.DataFrame, sites: pd.DataFrame,
                      removed: pd.DataFrame, added: pd.DataFrame, n_scenarios: int) -> None:
    """Fill imp_lsoa (scenario, lsoa_code, before, after) on ``con``; NULL distance = no centre at all."""
    con.register("imp_points", pa.Table.from_pandas(points[["lsoa_code", "easting", "northing"]], preserve_index=False))
    con.register("imp_sites", pa.Table.from_pandas(sites, preserve_index=False))
    con.register("imp_removed", pa.Table.from_pandas(removed, preserve_index=False))
    con.register("imp_added", pa.Table.from_pandas(added, preserve_index=False))
    con.register("imp_scenarios", pa.table({"scenario": pa.array(range(n_scenarios), pa.int64())}))
    con.execute(NEAREST_SQL)
