"""Benchmark: every statutory rule over a national-scale SYNTHETIC data set.

    .venv/bin/python benchmarks/rules_bench.py             # 150 authorities, 3,000 centres, 10,000,000 sessions
    .venv/bin/python benchmarks/rules_bench.py --scale 0.01 --runs 1

Prints the median of N runs of the full evaluation (DuckDB registration, subject lists, data-version hashes,
every rule in rules/statutory, findings objects) and, measured in the same process on the same frames, two
baselines for the single heaviest piece of work: a hand-written DuckDB query and a pandas groupby doing the
on-site activity count per centre for the quarter. Target: under 30 s on 2 cores.
All data are invented (random numbers); nothing here describes a real centre or family.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

REPO = Path(__file__).resolve().parents[1]
PERIOD = "2016Q4"
SERVICE_CATEGORIES = ["early_years", "la_social_care", "health", "jcp_employment", "info_advice"]


def _ids(prefix: str, n: int, width: int = 7) -> pa.Array:
    numbers = pc.cast(pa.array(np.arange(n, dtype=np.int64)), pa.string())
    padded = pc.utf8_lpad(numbers, width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), padded, pa.scalar(""))


def _str(values) -> pd.Series:
    """A pandas "str" (pyarrow-backed) column, as validated tables have."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.to_pandas().astype("str")
    return pd.Series(values, dtype="str")


def _dates(start: str, days: np.ndarray) -> pd.Series:
    return pd.Series((np.datetime64(start, "s") + days.astype("timedelta64[D]")).astype("datetime64[s]"))


def generate(authorities: int = 150, centres: int = 3000, sessions: int = 10_000_000, lsoas_per_authority: int = 220,
             seed: int = 2016) -> dict[str, pd.DataFrame]:
    """Typed tables (dtypes per contracts/dtypes.py) built with vectorised numpy/pyarrow."""
    rng = np.random.default_rng(seed)
    la_codes = np.array([f"E06{900000 + i:06d}" for i in range(authorities)])
    per = max(centres // authorities, 1)
    centre_la = np.repeat(np.arange(authorities), per)[:centres]
    centres = len(centre_la)
    centre_ids = np.array([f"CC-{i:05d}" for i in range(centres)])
    origin_e = rng.integers(200_000, 600_000, authorities)
    origin_n = rng.integers(100_000, 600_000, authorities)
    board_of = np.array([f"BRD-{i // 5:05d}" for i in range(centres)])
    status = np.where(rng.random(centres) < 0.95, "open", "closed")
    frame_centres = pd.DataFrame({
        "centre_id": _str(centre_ids), "centre_name": _str([f"Centre {i}" for i in range(centres)]),
        "urn": pd.array(20_000 + np.arange(centres), dtype="Int64"), "authority_code": _str(la_codes[centre_la]),
        "provider_id": _str([f"PRV-{la // 1:04d}-{i % 2}" for i, la in enumerate(centre_la)]),
        "designation": _str(np.where(rng.random(centres) < 0.9, "childrens_centre", "linked_site")),
        "parent_centre_id": pd.Series([None] * centres, dtype="str"), "status": _str(status),
        "easting": pd.array(origin_e[centre_la] + rng.integers(0, 12_000, centres), dtype="Int64"),
        "northing": pd.array(origin_n[centre_la] + rng.integers(0, 12_000, centres), dtype="Int64"),
        "advisory_board_id": _str(board_of), "managing_body": _str(["Trust"] * centres),
        "la_contract_ref": _str(np.where(rng.random(centres) < 0.98, "CON-1", None).tolist()),
    })
    boards = np.unique(board_of)
    board_la = la_codes[centre_la[np.searchsorted(board_of, boards)]]
    frame_boards = pd.DataFrame({"board_id": _str(boards), "board_name": _str(boards), "authority_code": _str(board_la)})
    members = []
    for role in ("authority", "parent"):
        members.append(pd.DataFrame({"board_id": boards, "member_ref": f"M-{role}", "role": role,
                                     "represents_centre_id": None}))
    members.append(pd.DataFrame({"board_id": board_of, "member_ref": [f"M-{c}" for c in centre_ids], "role": "centre",
                                 "represents_centre_id": centre_ids}))
    frame_members = pd.concat(members, ignore_index=True).astype("str")
    frame_members["start_date"] = pd.Series(pd.NaT, index=frame_members.index, dtype="datetime64[s]")
    frame_members["end_date"] = pd.Series(pd.NaT, index=frame_members.index, dtype="datetime64[s]")
    meeting_boards = np.repeat(boards, 4)
    frame_meetings = pd.DataFrame({"board_id": _str(meeting_boards),
                                   "meeting_date": _dates("2016-01-15", np.tile([0, 91, 182, 273], len(boards)))})
    svc_centre = np.repeat(centre_ids, 5)
    availability = np.where(rng.random(len(svc_centre)) < 0.97, "provided_on_site", "signposting_only")
    frame_services = pd.DataFrame({"centre_id": _str(svc_centre), "service_category": _str(SERVICE_CATEGORIES * centres),
                                   "availability": _str(availability)})
    # sessions: the big table
    n = sessions
    session_centre = rng.integers(0, centres, n)
    frame_sessions = pd.DataFrame({
        "session_id": _str(_ids("S-", n, 8)),
        "centre_id": _str(pc.take(pa.array(centre_ids), pa.array(session_centre))),
        "date": _dates("2016-01-01", rng.integers(0, 366, n)),
        "activity": _str(pc.take(pa.array(["Stay and play", "Baby group", "Parenting", "Health clinic"]),
                                 pa.array(rng.integers(0, 4, n)))),
        "on_site": pd.array(rng.random(n) < 0.8, dtype="boolean"),
        "min_age_months": pd.array(rng.choice([0, 0, 12, 24, 96], n), dtype="Int64"),
        "max_age_months": pd.array(np.full(n, 60), dtype="Int64"),
        "attendances": pd.array(rng.integers(1, 30, n), dtype="Int64"),
    })
    # authority records
    changes = authorities * 6
    change_centre = rng.integers(0, centres, changes)
    consult_open = rng.integers(0, 900, changes)
    length = rng.choice([21, 30, 42, 70, 84], changes)
    decision = consult_open + length + rng.integers(-10, 60, changes)
    frame_consultations = pd.DataFrame({
        "consultation_id": _str([f"CONS-{i:05d}" for i in range(changes)]),
        "authority_code": _str(la_codes[centre_la[change_centre]]), "title": _str(["Review"] * changes),
        "open_date": _dates("2014-01-01", consult_open), "close_date": _dates("2014-01-01", consult_open + length),
        "reasons_given": pd.array(rng.random(changes) < 0.9, dtype="boolean"),
        "alternatives_given": pd.array(rng.random(changes) < 0.8, dtype="boolean"),
        "analysis_date": _dates("2014-01-01", consult_open + length + 10),
    })
    frame_changes = pd.DataFrame({
        "change_id": _str([f"CHG-{i:05d}" for i in range(changes)]),
        "authority_code": _str(la_codes[centre_la[change_centre]]), "centre_id": _str(centre_ids[change_centre]),
        "change_type": _str(rng.choice(["open", "significant_change", "merge", "reduce_below_definition", "close",
                                        "de_designate"], changes)),
        "decision_date": _dates("2014-01-01", decision), "implementation_date": _dates("2014-01-01", decision + 90),
        "consultation_id": _str(np.where(rng.random(changes) < 0.9, frame_consultations["consultation_id"], None).tolist()),
        "eqia_date": _dates("2014-01-01", decision - rng.integers(-20, 60, changes)),
        "disadvantaged_impact_assessed": pd.array(rng.random(changes) < 0.9, dtype="boolean"),
        "outcomes_impact_assessed": pd.array(rng.random(changes) < 0.9, dtype="boolean"),
        "sufficiency_after_assessed": pd.array(rng.random(changes) < 0.9, dtype="boolean"),
        "responses_analysis_before_decision": pd.array(rng.random(changes) < 0.9, dtype="boolean"),
        "savings_committed_date": _dates("2014-01-01", consult_open + rng.integers(-60, 200, changes)),
    })
    frame_needs = pd.DataFrame({
        "assessment_id": _str([f"NA-{i}" for i in range(authorities)]), "authority_code": _str(la_codes),
        "assessment_date": _dates("2012-01-01", rng.integers(0, 1800, authorities)),
        "covers_under5_population": pd.array([True] * authorities, dtype="boolean"),
        "covers_deprivation": pd.array([True] * authorities, dtype="boolean"),
        "covers_cross_border": pd.array(rng.random(authorities) < 0.8, dtype="boolean"),
    })
    feeds = authorities * 12
    frame_feeds = pd.DataFrame({
        "feed_id": _str([f"F-{i}" for i in range(feeds)]), "authority_code": _str(np.repeat(la_codes, 12)),
        "feed_type": _str(["live_births"] * feeds), "received_date": _dates("2016-01-05", np.tile(np.arange(12) * 30, authorities)),
    })
    lsoas = authorities * lsoas_per_authority
    lsoa_la = np.repeat(np.arange(authorities), lsoas_per_authority)
    lsoa_codes = np.array([f"E01{i:06d}" for i in range(lsoas)])
    frame_population = pd.DataFrame({
        "lsoa_code": _str(lsoa_codes), "year": pd.array(np.full(lsoas, 2016), dtype="Int64"),
        "authority_code": _str(la_codes[lsoa_la]), "under5": pd.array(rng.integers(20, 200, lsoas), dtype="Int64"),
        "easting": pd.array(origin_e[lsoa_la] + rng.integers(-3000, 15_000, lsoas), dtype="Int64"),
        "northing": pd.array(origin_n[lsoa_la] + rng.integers(-3000, 15_000, lsoas), dtype="Int64"),
    })
    frame_deprivation = pd.DataFrame({"lsoa_code": _str(lsoa_codes), "iod_version": _str(["IoD2019"] * lsoas),
                                      "imd_decile": pd.array(rng.integers(1, 11, lsoas), dtype="Int64")})
    frame_gias = pd.DataFrame({"urn": pd.array(20_000 + np.arange(centres), dtype="Int64"),
                               "name": _str([f"Centre {i}" for i in range(centres)]),
                               "status": _str(np.where(rng.random(centres) < 0.97, status, "open"))})
    metrics = []
    for year in (2014, 2015, 2016):
        for group, base in (("advantaged", 70), ("disadvantaged", 52)):
            metrics.append(pd.DataFrame({"authority_code": la_codes, "metric": "gld_percent", "year": year,
                                         "group": group, "value": base + rng.normal(0, 3, authorities)}))
    frame_metrics = pd.concat(metrics, ignore_index=True)
    frame_metrics = frame_metrics.astype({"authority_code": "str", "metric": "str", "group": "str",
                                          "year": "Int64", "value": "Float64"})
    return {"centres": frame_centres, "boards": frame_boards, "board_members": frame_members,
            "board_meetings": frame_meetings, "services": frame_services, "sessions": frame_sessions,
            "consultations": frame_consultations, "service_changes": frame_changes, "needs_assessments": frame_needs,
            "data_feeds": frame_feeds, "lsoa_population": frame_population, "deprivation": frame_deprivation,
            "gias_centres": frame_gias, "outcome_metrics": frame_metrics, "inspections": _empty("inspections")}


def _empty(table: str) -> pd.DataFrame:
    from ccassure.contracts import load_contracts
    from ccassure.contracts.dtypes import empty_table

    return empty_table(load_contracts(REPO / "data_contracts")[table])


PHASES: dict[str, list[float]] = {"load rules": [], "register tables": [], "evaluate (incl. data hashes)": []}


def run_rules(tables: dict[str, pd.DataFrame]):
    """End to end: load and check the rule files, register the tables, evaluate every rule."""
    from ccassure.contracts import load_contracts
    from ccassure.rules import Evaluator, load_rules

    start = time.perf_counter()
    contracts = load_contracts(REPO / "data_contracts")
    rules = load_rules(REPO / "rules" / "statutory", contracts=contracts, checks_dir=REPO / "checks")
    loaded = time.perf_counter()
    evaluator = Evaluator(tables, contracts=contracts)
    registered = time.perf_counter()
    findings = evaluator.evaluate(rules, PERIOD)
    done = time.perf_counter()
    for name, value in zip(PHASES, (loaded - start, registered - loaded, done - registered), strict=True):
        PHASES[name].append(value)
    return findings


def baseline_duckdb(tables: dict[str, pd.DataFrame]) -> int:
    con = duckdb.connect()
    con.register("sessions_df", tables["sessions"])
    con.register("centres_df", tables["centres"])
    rows = con.sql("""
        SELECT c.centre_id, count(s.session_id) AS n
        FROM centres_df c LEFT JOIN sessions_df s
          ON s.centre_id = c.centre_id AND s.on_site AND s.min_age_months < 60
         AND CAST(s.date AS DATE) BETWEEN DATE '2016-10-01' AND DATE '2016-12-31'
        GROUP BY c.centre_id""").fetchall()
    return len(rows)


def baseline_pandas(tables: dict[str, pd.DataFrame]) -> int:
    s = tables["sessions"]
    mask = s["on_site"].fillna(False) & (s["min_age_months"] < 60).fillna(False) & \
        s["date"].between(pd.Timestamp("2016-10-01"), pd.Timestamp("2016-12-31"))
    counts = s.loc[mask].groupby("centre_id").size()
    return len(counts.reindex(tables["centres"]["centre_id"], fill_value=0))


def timed(function, *args, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    authorities = max(int(150 * args.scale), 2)
    centres = max(int(3000 * args.scale), authorities * 2)
    sessions = max(int(10_000_000 * args.scale), 1000)
    start = time.perf_counter()
    tables = generate(authorities, centres, sessions)
    generated = time.perf_counter() - start
    print(f"synthetic data: {authorities} authorities, {len(tables['centres']):,} centres, "
          f"{len(tables['sessions']):,} sessions, {len(tables['lsoa_population']):,} LSOAs "
          f"(generated in {generated:.1f} s); cores available: {os.cpu_count()}")
    rules_time, findings = timed(run_rules, tables, runs=args.runs)
    duck_time, _ = timed(baseline_duckdb, tables, runs=args.runs)
    pandas_time, _ = timed(baseline_pandas, tables, runs=args.runs)
    counts = findings.counts()
    print(f"all statutory rules: median {rules_time:.2f} s over {args.runs} runs -> {len(findings):,} findings "
          f"({', '.join(f'{k} {v}' for k, v in counts.items())})")
    print("  phases (median): " + "; ".join(f"{k} {statistics.median(v):.2f} s" for k, v in PHASES.items()))
    print(f"baseline, one hand-written DuckDB query (on-site activity count): median {duck_time:.2f} s; "
          f"ratio {rules_time / duck_time:.1f}x")
    print(f"baseline, pandas groupby for the same count: median {pandas_time:.2f} s; "
          f"ratio {rules_time / pandas_time:.1f}x")
    target = 30.0 * max(args.scale, 0)
    if args.scale == 1.0:
        print(f"target: under 30 s -> {'MET' if rules_time < 30 else 'MISSED'}")
    return {"rules": rules_time, "duckdb": duck_time, "pandas": pandas_time, "findings": len(findings),
            "target": target}


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
