"""KPI benchmark: all three frameworks (rules/kpis/) for 150 authorities and 10,000,000 contact rows.

    .venv/bin/python benchmarks/kpi_bench.py                 # full size, median of 3 runs
    .venv/bin/python benchmarks/kpi_bench.py --contacts 200000 --authorities 10 --runs 1   # smoke size

Synthetic, vectorised (numpy) data with the typed dtypes of contracts/dtypes.py. The baseline, measured in
the same run on the same tables, is a hand-written DuckDB GROUP BY computing one KPI (sustained engagement
of target-group families per centre for one quarter), scaled by the number of KPIs: what running every KPI
as one hand-written query each would cost. Target: the engine under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd

PERIOD = "2017Q1"
FIRST_DAY = np.datetime64("2016-01-01")
LAST_DAY = np.datetime64("2017-03-31")


def _codes(prefix: str, n: int, width: int) -> pd.Series:
    """prefix + zero-padded numbers, built in Arrow (numpy string arrays are slow at 10M rows)."""
    return pd.Series(pd.array(_arrow_codes(prefix, n, width), dtype="str"))


def _arrow_codes(prefix: str, n: int, width: int):
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(pa.scalar(prefix), pc.utf8_lpad(pa.array(np.arange(n)).cast(pa.string()),
                                                                       width, "0"), "")


def _take(values, index: np.ndarray) -> pd.Series:
    """values[index] as a pandas str column, without Python objects."""
    import pyarrow as pa

    return pd.Series(pd.array(pa.array(values).take(pa.array(index)), dtype="str"))


def make_tables(authorities: int = 150, contacts: int = 10_000_000, centres_per_authority: int = 20,
                seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_centres = authorities * centres_per_authority
    centre_ids = _codes("C", n_centres, 6)
    authority_index = np.arange(n_centres) // centres_per_authority
    authority_codes = np.char.add("E06", np.char.zfill((100000 + np.arange(authorities)).astype(str), 6))
    within = np.arange(n_centres) % centres_per_authority
    centres = pd.DataFrame({
        "centre_id": centre_ids, "centre_name": centre_ids.str.replace("C", "Centre ", regex=False),
        "authority_code": pd.Series(authority_codes[authority_index], dtype="str"),
        "provider_id": pd.Series(np.char.add(np.char.add("P", authority_index.astype(str)),
                                             np.char.add("-", (within % 3).astype(str))), dtype="str"),
        "designation": pd.Series(np.where(within == centres_per_authority - 1, "linked_site", "childrens_centre"),
                                 dtype="str"),
        "parent_centre_id": pd.Series(np.where(within == centres_per_authority - 1,
                                               centre_ids.to_numpy()[np.maximum(np.arange(n_centres) - 1, 0)], None),
                                      dtype="str"),
        "status": pd.Series(["open"] * n_centres, dtype="str"),
        "cluster": pd.Series(np.char.add(np.char.add("K", authority_index.astype(str)),
                                         np.char.add("-", (within // 4).astype(str))), dtype="str"),
    })
    lsoas_per_centre = 8
    n_lsoa = n_centres * lsoas_per_centre
    lsoa_codes = pd.Series(np.char.add("E01", np.char.zfill(np.arange(n_lsoa).astype(str), 6)), dtype="str")
    lsoa_centre = np.arange(n_lsoa) // lsoas_per_centre
    under5 = rng.integers(70, 131, n_lsoa)
    population = pd.DataFrame({
        "lsoa_code": pd.concat([lsoa_codes, lsoa_codes], ignore_index=True),
        "year": pd.array(np.repeat([2015, 2016], n_lsoa), dtype="Int64"),
        "authority_code": pd.Series(np.tile(authority_codes[authority_index[lsoa_centre]], 2), dtype="str"),
        "under5": pd.array(np.concatenate([under5 - 2, under5]), dtype="Int64"),
    })
    reach = pd.DataFrame({"centre_id": pd.Series(centre_ids.to_numpy()[lsoa_centre], dtype="str"),
                          "lsoa_code": lsoa_codes})
    # families and children: about 11 contacts per family over 15 months
    n_fam = max(100, contacts // 11)
    n_child = int(n_fam * 1.3)
    child_family = np.concatenate([np.arange(n_fam), rng.integers(0, n_fam, n_child - n_fam)])
    family_centre = rng.integers(0, n_centres, n_fam)
    family_centre = np.where(within[family_centre] == centres_per_authority - 1, family_centre - 1, family_centre)
    family_refs = _codes("F", n_fam, 8)
    birth = np.datetime64("2011-06", "M") + rng.integers(0, 70, n_child)
    reg_day = birth.astype("datetime64[D]") + rng.integers(10, 400, n_child)
    target = rng.random(n_fam) < 0.35
    eligible = rng.random(n_child) < 0.2
    has_gld = rng.random(n_child) < 0.25
    registrations = pd.DataFrame({
        "child_ref": _codes("K", n_child, 9), "family_ref": family_refs.to_numpy()[child_family],
        "centre_id": centre_ids.to_numpy()[family_centre[child_family]],
        "registration_date": reg_day.astype("datetime64[s]"),
        "birth_month": pd.Series(np.datetime_as_string(birth, unit="M"), dtype="str"),
        "lsoa_code": lsoa_codes.to_numpy()[family_centre[child_family] * lsoas_per_centre],
        "target_group": pd.array(target[child_family], dtype="boolean"),
        "eligible_2yo_funding": pd.array(eligible, dtype="boolean"),
        "took_up_2yo_place": pd.array(np.where(eligible, rng.random(n_child) < 0.74, False), dtype="boolean"),
        "fsm_eligible": pd.array(rng.random(n_child) < 0.15, dtype="boolean"),
        "eyfsp_gld": pd.array(np.where(has_gld, rng.random(n_child) < 0.7, False), dtype="boolean"),
    })
    registrations.loc[~has_gld, "eyfsp_gld"] = pd.NA
    for column in ("family_ref", "centre_id", "lsoa_code"):
        registrations[column] = registrations[column].astype("str")
    fam = rng.integers(0, n_fam, contacts)
    days = rng.integers(0, int((LAST_DAY - FIRST_DAY).astype(int)) + 1, contacts)
    kinds = np.array(["session", "home_visit", "phone", "outreach", "casework", "birth_visit", "volunteering"])
    kind_index = rng.choice(len(kinds), contacts, p=[0.55, 0.12, 0.12, 0.06, 0.12, 0.02, 0.01])
    contact_frame = pd.DataFrame({
        "contact_id": _codes("T", contacts, 9), "family_ref": _take(family_refs.array, fam),
        "centre_id": _take(centre_ids.array, family_centre[fam]),
        "date": (FIRST_DAY + days).astype("datetime64[s]"),
        "contact_type": _take(list(kinds), kind_index),
    })
    n_cases = max(10, n_fam // 10)
    case_fam = rng.integers(0, n_fam, n_cases)
    start = FIRST_DAY - 120 + rng.integers(0, 480, n_cases)
    end = start + rng.integers(40, 260, n_cases)
    star = np.round(rng.uniform(2, 6, n_cases), 1)
    cases = pd.DataFrame({
        "case_id": _codes("CS", n_cases, 8), "family_ref": family_refs.to_numpy()[case_fam],
        "centre_id": centre_ids.to_numpy()[family_centre[case_fam]],
        "level": np.array(["level_2", "level_3", "level_4"])[rng.choice(3, n_cases, p=[0.4, 0.45, 0.15])],
        "complex_needs": pd.array(rng.random(n_cases) < 0.2, dtype="boolean"),
        "start_date": start.astype("datetime64[s]"),
        "end_date": pd.Series(np.where(end <= LAST_DAY, end, np.datetime64("NaT")).astype("datetime64[s]")),
        "engagements": pd.array(rng.integers(0, 30, n_cases), dtype="Int64"),
        "star_start": pd.array(star, dtype="Float64"),
        "star_review": pd.array(star + 0.5, dtype="Float64"),
        "star_end": pd.array(np.where(end <= LAST_DAY, star + rng.uniform(-0.5, 3, n_cases), np.nan), dtype="Float64"),
    })
    for column in ("family_ref", "centre_id", "level"):
        cases[column] = cases[column].astype("str")
    casework = contact_frame["contact_type"].to_numpy() == "casework"  # casework is recorded against a case
    case_ids = pd.Series(pd.NA, index=contact_frame.index, dtype="string")
    case_ids[casework] = cases["case_id"].to_numpy()[rng.integers(0, n_cases, int(casework.sum()))]
    contact_frame["case_id"] = case_ids
    n_sessions = n_centres * 150
    sessions = pd.DataFrame({
        "session_id": _codes("S", n_sessions, 8), "centre_id": centre_ids.to_numpy()[rng.integers(0, n_centres, n_sessions)],
        "date": (FIRST_DAY + rng.integers(0, 455, n_sessions)).astype("datetime64[s]"),
        "activity": pd.Series(["Stay and play"] * n_sessions, dtype="str"),
        "on_site": pd.array(rng.random(n_sessions) < 0.85, dtype="boolean"),
        "attendances": pd.array(rng.integers(0, 30, n_sessions), dtype="Int64"),
    })
    sessions["centre_id"] = sessions["centre_id"].astype("str")
    main = centres[centres["designation"] == "childrens_centre"]["centre_id"].to_numpy()
    kpi_returns = pd.DataFrame({"kpi_id": "CORE-REG-U5", "subject_id": main, "period": PERIOD,
                                "numerator": np.nan, "denominator": np.nan,
                                "value": np.round(rng.uniform(40, 95, len(main)), 1)})
    kpi_returns["value"] = kpi_returns["value"].astype("Float64")
    return {"centres": centres, "lsoa_population": population, "reach_areas": reach, "registrations": registrations,
            "contacts": contact_frame, "cases": cases, "sessions": sessions, "kpi_returns": kpi_returns}


def baseline(tables: dict[str, pd.DataFrame]) -> tuple[float, float]:
    """One hand-written query: sustained engagement (3+ contacts in 12 months) of target-group families per
    centre at 2017Q1, including registering the frames."""
    import duckdb

    started, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    for name in ("centres", "registrations", "contacts"):
        con.register(name, tables[name])
    con.sql("""
        WITH engaged AS (
            SELECT family_ref FROM contacts WHERE date BETWEEN DATE '2016-04-01' AND DATE '2017-03-31'
            GROUP BY family_ref HAVING count(*) >= 3),
        fam AS (
            SELECT DISTINCT r.centre_id, r.family_ref FROM registrations r
            WHERE r.target_group AND r.registration_date <= DATE '2017-03-31')
        SELECT c.centre_id, count(*) AS den, count(e.family_ref) AS num, 100.0 * count(e.family_ref) / count(*) AS value
        FROM fam f JOIN centres c USING (centre_id) LEFT JOIN engaged e USING (family_ref)
        GROUP BY c.centre_id
    """).fetchall()
    con.close()
    return time.perf_counter() - started, time.process_time() - cpu


def engine(tables: dict[str, pd.DataFrame], frameworks) -> tuple[float, float, int]:
    from ccassure.kpis import run_kpis

    started, cpu = time.perf_counter(), time.process_time()
    results = run_kpis(tables, PERIOD, parameters={}, frameworks=frameworks)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    flagged = int((results.findings["status"] == "not_met").sum())
    assert len(results.frame) > 0 and flagged > 0, "the benchmark's random provider figures must be flagged"
    return elapsed, cpu, len(results.frame)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from ccassure.kpis.loader import load_frameworks

    frameworks = load_frameworks()
    n_kpis = sum(len(f.kpis) for f in frameworks)
    t0 = time.perf_counter()
    tables = make_tables(args.authorities, args.contacts)
    made = time.perf_counter() - t0
    rows = {name: len(frame) for name, frame in tables.items()}
    print(f"cores: {os.cpu_count()}; data generated in {made:.1f} s: {rows}")
    load = os.getloadavg()[0]
    base_runs = [baseline(tables) for _ in range(args.runs)]
    engine_runs = [engine(tables, frameworks) for _ in range(args.runs)]
    n_rows = engine_runs[-1][2]
    base = statistics.median(b[0] for b in base_runs)
    base_cpu = statistics.median(b[1] for b in base_runs)
    run = statistics.median(e[0] for e in engine_runs)
    run_cpu = statistics.median(e[1] for e in engine_runs)
    scaled = base * n_kpis
    print(f"load average before the runs: {load:.1f} on {os.cpu_count()} cores (other processes inflate wall time)")
    print(f"baseline, one hand-written KPI query: median {base:.2f} s wall, {base_cpu:.2f} s CPU "
          f"(runs {[round(b[0], 2) for b in base_runs]})")
    print(f"baseline scaled to {n_kpis} KPIs: {scaled:.1f} s wall, {base_cpu * n_kpis:.1f} s CPU")
    print(f"engine, {len(list(frameworks))} frameworks / {n_kpis} KPIs -> {n_rows} results: median {run:.1f} s "
          f"wall, {run_cpu:.1f} s CPU (runs {[round(e[0], 1) for e in engine_runs]})")
    print(f"ratio engine / scaled baseline: {run / scaled:.2f} wall, {run_cpu / (base_cpu * n_kpis):.2f} CPU; "
          f"engine / one query: {run / base:.1f}; target under 30 s wall: {'met' if run < 30 else 'NOT met'}")
    return {"baseline": base, "scaled_baseline": scaled, "engine": run, "engine_cpu": run_cpu}


if __name__ == "__main__":
    main()
