"""Impact benchmark: 100 scenarios for a 100-centre county with 30,000 neighbourhoods (LSOAs) of population.

    .venv/bin/python benchmarks/impact_bench.py                     # full size, median of 3 runs
    .venv/bin/python benchmarks/impact_bench.py --lsoas 3000 --runs 1   # smoke size

Synthetic data (numpy, fixed seed): centres on a jittered grid over a 120 km square, LSOAs scattered over
it with under-five counts and deprivation deciles. Each scenario closes 1 to 6 random centres (every
fourth also opens one). Timed: ``ccassure.impact.assess`` for all 100 scenarios, with the rule
re-judgement and the consultation checklist (the whole assessment, as the command runs it), and without
them (the figures only). The baseline, timed in the same run on the same tables, is one hand-written
DuckDB query for ONE scenario: nearest open centre before and after by a full LSOA x centre cross join,
then under-fives newly beyond reach by decile. Target: the full 100-scenario assessment in 10 s on 2 cores. Contracts and rules are loaded once, outside
the timings (a fixed cost of the command, printed apart).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import duckdb
import numpy as np
import pandas as pd

AUTHORITY = "E10000999"
RADIUS = 3000.0


def county(n_centres: int, n_lsoas: int, seed: int = 15) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    side = 120_000
    cols = int(np.ceil(np.sqrt(n_centres)))
    idx = np.arange(n_centres)
    ce = 400_000 + (idx % cols + 0.5) * side / cols + rng.normal(0, 2000, n_centres)
    cn = 200_000 + (idx // cols + 0.5) * side / cols + rng.normal(0, 2000, n_centres)
    centres = pd.DataFrame({
        "centre_id": [f"BEN-CC-{i:03d}" for i in idx], "centre_name": [f"Centre {i}" for i in idx],
        "authority_code": AUTHORITY, "provider_id": "PRV-BEN", "designation": "childrens_centre", "status": "open",
        "easting": ce.astype(int), "northing": cn.astype(int)})
    codes = [f"E01{i:06d}" for i in range(n_lsoas)]
    pop = pd.DataFrame({"lsoa_code": codes, "year": 2016, "authority_code": AUTHORITY,
                        "under5": rng.integers(20, 160, n_lsoas),
                        "easting": (400_000 + rng.random(n_lsoas) * side).astype(int),
                        "northing": (200_000 + rng.random(n_lsoas) * side).astype(int)})
    dep = pd.DataFrame({"lsoa_code": codes, "iod_version": "IoD2019", "imd_decile": rng.integers(1, 11, n_lsoas)})
    sessions = pd.DataFrame({"session_id": [f"S{i}" for i in range(n_centres)], "centre_id": centres["centre_id"],
                             "date": pd.Timestamp("2016-11-01"), "activity": "Stay and play", "on_site": True,
                             "min_age_months": 0, "attendances": 12})
    authorities = pd.DataFrame([{"authority_code": AUTHORITY, "authority_name": "Benchmark County Council"}])
    return {"centres": centres, "lsoa_population": pop, "deprivation": dep, "sessions": sessions,
            "authorities": authorities}


def proposal_document(n_scenarios: int, centres: pd.DataFrame, seed: int = 16) -> dict:
    rng = np.random.default_rng(seed)
    ids = centres["centre_id"].tolist()
    scenarios = []
    for s in range(n_scenarios):
        chosen = rng.choice(len(ids), size=int(rng.integers(1, 7)), replace=False)
        changes = [{"action": "close", "centre": ids[i], "from": "2017-10-01"} for i in chosen]
        if s % 4 == 0:
            changes.append({"action": "open", "centre": f"BEN-NEW-{s}", "name": f"New centre {s}",
                            "easting": int(400_000 + rng.random() * 120_000),
                            "northing": int(200_000 + rng.random() * 120_000), "from": "2018-01-01"})
        scenarios.append({"name": f"Option {s + 1}", "changes": changes})
    plan = {"opens": "2017-05-01", "closes": "2017-07-24", "decision": "2017-09-14", "reasons_given": True,
            "alternatives_given": True, "equality_assessment": "2017-09-01"}
    return {"title": "Benchmark programme", "authority": AUTHORITY, "synthetic": True, "consultation": plan,
            "scenarios": scenarios}


BASELINE_SQL = f"""
WITH d AS (
    SELECT p.lsoa_code, p.under5, c.centre_id,
           sqrt((CAST(c.easting AS DOUBLE) - p.easting) ^ 2 + (CAST(c.northing AS DOUBLE) - p.northing) ^ 2) AS dist
    FROM pop p CROSS JOIN centres c),
nearest AS (
    SELECT d.lsoa_code, any_value(d.under5) AS under5, min(dist) AS before,
           min(dist) FILTER (WHERE d.centre_id NOT IN (SELECT centre_id FROM closed)) AS after
    FROM d GROUP BY d.lsoa_code)
SELECT dep.imd_decile, sum(under5) FILTER (WHERE before <= {RADIUS} AND NOT coalesce(after <= {RADIUS}, FALSE)) AS lost
FROM nearest JOIN dep USING (lsoa_code) GROUP BY ALL ORDER BY 1
"""


def baseline(tables: dict[str, pd.DataFrame], closed: list[str]) -> float:
    con = duckdb.connect()
    con.register("pop", tables["lsoa_population"])
    con.register("centres", tables["centres"])
    con.register("dep", tables["deprivation"])
    con.register("closed", pd.DataFrame({"centre_id": closed}))
    started = time.perf_counter()
    con.sql(BASELINE_SQL).fetchall()
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centres", type=int, default=100)
    parser.add_argument("--lsoas", type=int, default=30_000)
    parser.add_argument("--scenarios", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from ccassure.contracts import load_contracts
    from ccassure.impact import assess
    from ccassure.impact.judge import impact_rules
    from ccassure.impact.proposal import proposal_from_document
    from ccassure.project import current_project

    tables = county(args.centres, args.lsoas)
    proposal = proposal_from_document(proposal_document(args.scenarios, tables["centres"]), "benchmark")
    first_closed = [c.centre for c in proposal.scenarios[0].changes if c.action == "close"]
    started = time.perf_counter()
    contracts = load_contracts()
    rules = impact_rules(current_project(), contracts)
    loading = time.perf_counter() - started
    fixed = {"data": tables, "period": "2016Q4", "parameters": {}, "rules": rules, "contracts": contracts}
    assess(proposal, judge=False, **fixed)  # warm imports and caches
    load_before = os.getloadavg()
    full, figures, base = [], [], []
    for _ in range(args.runs):
        base.append(baseline(tables, first_closed))
        started = time.perf_counter()
        result = assess(proposal, judge=False, **fixed)
        figures.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = assess(proposal, **fixed)
        full.append(time.perf_counter() - started)
    check = baseline_lost = None
    con = duckdb.connect()
    con.register("pop", tables["lsoa_population"])
    con.register("centres", tables["centres"])
    con.register("dep", tables["deprivation"])
    con.register("closed", pd.DataFrame({"centre_id": first_closed}))
    baseline_lost = sum(int(v or 0) for _, v in con.sql(BASELINE_SQL).fetchall())
    check = int(result.summary.iloc[0]["under5_newly_beyond"])
    b, f, w = statistics.median(base), statistics.median(figures), statistics.median(full)
    load_after = os.getloadavg()
    print(f"{args.scenarios} scenarios, {args.centres} centres, {args.lsoas:,} LSOAs, median of {args.runs} run(s); "
          f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} cores:")
    print(f"  baseline: one scenario, hand-written DuckDB cross join      {b:7.3f} s")
    print(f"  impact figures for all scenarios (no rule re-judgement)      {f:7.3f} s  ({f / b:5.1f} x baseline)")
    print(f"  whole assessment (figures + rules + checklist)               {w:7.3f} s  ({w / b:5.1f} x baseline; "
          f"{w / args.scenarios * 1000:.0f} ms a scenario; target 10 s)")
    print(f"  (once per command: loading the contracts and the 13 rules it runs     {loading:7.3f} s)")
    print(f"  first scenario, under-fives newly beyond reach: impact {check:,}, baseline {baseline_lost:,}"
          f" ({'agree' if check == baseline_lost else 'DISAGREE'})")


if __name__ == "__main__":
    main()
