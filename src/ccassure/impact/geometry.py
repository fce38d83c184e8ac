"""Distances to the nearest centre before and after every scenario, in one DuckDB pass.

Distances are straight lines between British National Grid eastings and northings (metres), in plain SQL
(no spatial extension: it would download at run time). The LSOA-to-centre distances are computed once;
a scenario only recomputes the LSOAs whose nearest centre it removes (from each LSOA's few nearest
centres, or among all centres when the scenario removes all of those), and adds the distances to the
centres it opens. So 100 scenarios cost little more than one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from ccassure.impact.proposal import Scenario
from ccassure.impact.state import SCENARIO, CurrentState, Network, centres_after


@dataclass
class Geometry:
    points: pd.DataFrame  # one row per located LSOA: population, ward, decile, area, registered, nearest before
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
                          "northing": pop.loc[located, "northing"].astype("float64").to_numpy(),
                          "ward": _ward_names(pop.loc[located])})
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


def _ward_names(pop: pd.DataFrame) -> list[str | None]:
    """The ward each LSOA is in, by name (its code where the name is not given; None where neither is)."""
    names = pop["ward_name"] if "ward_name" in pop.columns else pd.Series(None, index=pop.index, dtype=object)
    codes = pop["ward_code"] if "ward_code" in pop.columns else pd.Series(None, index=pop.index, dtype=object)
    out = []
    for name, code in zip(names.astype(object), codes.astype(object), strict=True):
        if isinstance(name, str) and name.strip():
            out.append(name.strip())
        else:
            out.append(code.strip() if isinstance(code, str) and code.strip() else None)
    return out


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
    names = state.names
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


def scenario_frames(state: CurrentState, scenarios: list[Scenario],
                    network: Network) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sites now, centres each scenario removes, centres each scenario adds) as plain frames.

    Both come from the reach rule's definition of a site (``network``) applied to the centres now and to
    the centres after each scenario, so a centre counts here exactly when the reach rules would count it.
    """
    centres = state.centres
    located = centres["easting"].notna() & centres["northing"].notna()
    net = centres[network.counts(centres) & located.to_numpy()]
    sites = pd.DataFrame({"centre_id": net["centre_id"].astype(str).to_numpy(),
                          "easting": net["easting"].astype("float64").to_numpy(),
                          "northing": net["northing"].astype("float64").to_numpy()})
    after = centres_after(state, scenarios)
    counted = after[network.counts(after) & (after["easting"].notna() & after["northing"].notna()).to_numpy()]
    kept = set(zip(counted[SCENARIO].tolist(), counted["centre_id"].astype(str).tolist(), strict=True))
    now = set(sites["centre_id"])
    removed = [{"scenario": index, "centre_id": cid} for index in range(len(scenarios)) for cid in sites["centre_id"]
               if (index, cid) not in kept]
    new = counted[~counted["centre_id"].astype(str).isin(now)]
    removed_frame = pd.DataFrame(removed, columns=["scenario", "centre_id"]).astype({"scenario": "int64"})
    added_frame = pd.DataFrame({"scenario": new[SCENARIO].astype("int64").to_numpy(),
                                "centre_id": new["centre_id"].astype(str).to_numpy(),
                                "easting": new["easting"].astype(float).to_numpy(),
                                "northing": new["northing"].astype(float).to_numpy()})
    return sites, removed_frame, added_frame


# How many nearest centres are kept per LSOA. A scenario that removes all of an LSOA's TOP nearest centres
# is rare (they are spread apart); for those LSOAs the nearest kept centre is found among all centres.
TOP = 2

NEAREST_SQL = """
-- every LSOA's K nearest centres now (K = TOP, or fewer when no scenario removes that many): a top-K
-- aggregate of squared distances keeps a small heap per LSOA, far cheaper than ranking all pairs
CREATE OR REPLACE TEMP TABLE imp_top AS
    SELECT i, unnest(js) AS j, sqrt(unnest(d2s)) AS dist FROM (
        SELECT p.i, min_by(s.j, (s.easting - p.easting) ^ 2 + (s.northing - p.northing) ^ 2, {k}) AS js,
               min((s.easting - p.easting) ^ 2 + (s.northing - p.northing) ^ 2, {k}) AS d2s
        FROM imp_points p CROSS JOIN imp_sites s GROUP BY p.i);
CREATE OR REPLACE TEMP TABLE imp_base AS
    SELECT p.i, p.easting, p.northing, min(t.dist) AS before,
           arg_min(t.j, {{'d': t.dist, 'j': t.j}}) AS nearest  -- ties: the lower number
    FROM imp_points p LEFT JOIN imp_top t ON t.i = p.i GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE imp_hit AS  -- LSOAs whose nearest centre the scenario removes
    SELECT r.scenario, b.i FROM imp_base b JOIN imp_removed r ON r.j = b.nearest;
CREATE OR REPLACE TEMP TABLE imp_recomputed AS  -- their nearest among the K the scenario keeps
    SELECT h.scenario, h.i, min(t.dist) AS dist
    FROM imp_hit h JOIN imp_top t ON t.i = h.i
    WHERE NOT EXISTS (SELECT 1 FROM imp_removed r WHERE r.scenario = h.scenario AND r.j = t.j)
    GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE imp_stranded AS  -- the few whose K nearest all go
    SELECT h.scenario, h.i, b.easting, b.northing FROM imp_hit h JOIN imp_base b ON b.i = h.i
    ANTI JOIN imp_recomputed rc ON rc.scenario = h.scenario AND rc.i = h.i;
CREATE OR REPLACE TEMP TABLE imp_kept AS  -- (scenario, centre) for the scenarios that strand any
    SELECT k.scenario, s.* FROM (SELECT DISTINCT scenario FROM imp_stranded) k CROSS JOIN imp_sites s
    ANTI JOIN imp_removed r ON r.scenario = k.scenario AND r.j = s.j;
INSERT INTO imp_recomputed  -- their nearest among every centre the scenario keeps
    SELECT x.scenario, x.i, min(sqrt((k.easting - x.easting) ^ 2 + (k.northing - x.northing) ^ 2))
    FROM imp_stranded x JOIN imp_kept k ON k.scenario = x.scenario GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE imp_opened AS  -- the nearest centre a scenario opens, where nearer than today's
    -- nearest, or wherever the scenario removes today's nearest (the new centre may then be the nearest left)
    SELECT a.scenario, b.i, min(sqrt((a.easting - b.easting) ^ 2 + (a.northing - b.northing) ^ 2)) AS dist
    FROM imp_added a CROSS JOIN imp_base b
    LEFT JOIN imp_hit h ON h.scenario = a.scenario AND h.i = b.i
    WHERE b.before IS NULL OR h.i IS NOT NULL
       OR (a.easting - b.easting) ^ 2 + (a.northing - b.northing) ^ 2 < b.before ^ 2
    GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE imp_lsoa AS
    WITH candidates AS (SELECT scenario, i FROM imp_hit UNION SELECT scenario, i FROM imp_opened)
    SELECT c.scenario, c.i, b.before,
           CASE WHEN h.i IS NULL THEN o.dist
                WHEN o.dist IS NULL THEN rc.dist
                WHEN rc.dist IS NULL THEN o.dist
                ELSE least(rc.dist, o.dist) END AS after
    FROM candidates c JOIN imp_base b ON b.i = c.i
    LEFT JOIN imp_hit h ON h.scenario = c.scenario AND h.i = c.i
    LEFT JOIN imp_recomputed rc ON rc.scenario = c.scenario AND rc.i = c.i
    LEFT JOIN imp_opened o ON o.scenario = c.scenario AND o.i = c.i;
"""


def nearest_distances(con: duckdb.DuckDBPyConnection, points: pd.DataFrame, sites: pd.DataFrame,
                      removed: pd.DataFrame, added: pd.DataFrame, n_scenarios: int) -> None:
    """Fill imp_base (i, before, nearest: every LSOA's nearest centre now) and imp_lsoa (scenario, i, before,
    after: only the LSOAs a scenario can change) on ``con``. LSOAs and centres are numbered (i, j) so the
    joins run on integers; NULL distance = no centre at all."""
    index = {cid: j for j, cid in enumerate(sites["centre_id"])}
    con.register("imp_points", pa.table({"i": pa.array(range(len(points)), pa.int64()),
                                         "easting": points["easting"].to_numpy(float),
                                         "northing": points["northing"].to_numpy(float)}))
    con.register("imp_sites", pa.table({"j": pa.array(range(len(sites)), pa.int64()),
                                        "easting": sites["easting"].to_numpy(float),
                                        "northing": sites["northing"].to_numpy(float)}))
    kept = removed[removed["centre_id"].isin(index)]
    con.register("imp_removed", pa.table({"scenario": kept["scenario"].to_numpy("int64"),
                                          "j": kept["centre_id"].map(index).to_numpy("int64")}))
    con.register("imp_added", pa.table({"scenario": added["scenario"].to_numpy("int64"),
                                        "easting": added["easting"].to_numpy(float),
                                        "northing": added["northing"].to_numpy(float)}))
    con.register("imp_scenarios", pa.table({"scenario": pa.array(range(n_scenarios), pa.int64())}))
    most_removed = int(kept.groupby("scenario").size().max()) if len(kept) else 0
    con.execute(NEAREST_SQL.format(k=max(1, min(TOP, most_removed + 1))))
