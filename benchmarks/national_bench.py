"""National benchmark: every statutory rule plus the three KPI frameworks, one check, against the SUM of one
hand-written DuckDB query per rule and per KPI, with the peak memory of the engine run (issue #12, item 7).

    .venv/bin/python benchmarks/national_bench.py                       # 150 authorities, 10M sessions, 10M contacts
    .venv/bin/python benchmarks/national_bench.py --scale 0.1 --runs 3  # a quick try
    .venv/bin/python benchmarks/national_bench.py --scale 0.3 --profile _output/national.prof

All data are SYNTHETIC (benchmarks/national_data.py: random numbers, no real centre, family or child).

The engine runs the way a real check runs: ccassure.assessment.run_check over the frames (every rule in
rules/statutory, every KPI framework in rules/kpis, period 2016Q4, the repository's project settings), --runs
times, median wall and CPU (process CPU: DuckDB's threads included). The baseline, in the same process on the
same frames, is benchmarks/national_queries.py: registering the frames plus one plain query per rule and per
KPI, each timed; the sum per run, median over runs. Every rule and KPI the engine evaluated is either in that
table or printed with the reason it is not. Both sides' answers are compared (status counts per rule; summed
numerators and denominators per KPI, level and window) and every disagreement is printed.

Peak memory, measured first, while this process is still small (a child's ru_maxrss starts at its parent's
RSS): a subprocess generates the frames and saves them as Parquet; then a small runner process starts one
child that reads them and calls run_check once, and reports resource.getrusage(RUSAGE_CHILDREN).ru_maxrss
after it ends: the engine run's RSS high-water mark, frames included. The data-only high-water mark is the
child's own ru_maxrss read just before run_check; /proc/self/status VmRSS is also
sampled every 20 ms during run_check for the engine phase's own peak. The baseline's peak is measured the
same way in a second subprocess.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import national_data  # noqa: E402
import national_queries  # noqa: E402

PERIOD = national_data.PERIOD
# what the engine evaluates that has no query of its own in national_queries.py, and why
NOT_WRITTEN = {
    "KPI cross-check (kpi_returns)": "provider-reported figures compared with the recomputed CORE-REG-U5 values: "
                                     "a join of the engine's own results with kpi_returns (3,000 rows), no scan",
}


def _project():
    from ccassure.project import load_project

    return load_project(REPO)


# the engine ---------------------------------------------------------------------------------------------------
def run_engine(tables: dict[str, pd.DataFrame], project, engine):
    from ccassure.assessment import run_check

    return run_check(data=tables, period=PERIOD, project=project, engine=engine)


PHASES: dict[str, list[float]] = {"rules (Evaluator.evaluate)": [], "KPIs (run_kpis)": []}


def _timed(function, phase: str):
    """The function, recording its wall time under ``phase`` (how run_check's two halves are told apart)."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PHASES[phase].append(time.perf_counter() - start)
    return wrapper


def phase_timers() -> None:
    import ccassure.kpis.evaluator as kpi_evaluator
    from ccassure.rules.evaluator import Evaluator

    Evaluator.evaluate = _timed(Evaluator.evaluate, "rules (Evaluator.evaluate)")
    kpi_evaluator.run_kpis = _timed(kpi_evaluator.run_kpis, "KPIs (run_kpis)")


def time_engine(tables, project, engine, runs: int) -> tuple[list[float], list[float], object]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_engine(tables, project, engine)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


# the baseline -------------------------------------------------------------------------------------------------
def run_baseline(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, float], dict[str, float], dict[str, list]]:
    """One pass: setup, then every query; (wall per item, CPU per item, rows per query)."""
    walls, cpus, rows = {}, {}, {}
    con = duckdb.connect()
    wall, cpu = time.perf_counter(), time.process_time()
    national_queries.setup(con, tables)
    walls["(setup: register frames, authorities, units, spans)"] = time.perf_counter() - wall
    cpus["(setup: register frames, authorities, units, spans)"] = time.process_time() - cpu
    items = [(rid, sql) for rid, sql in national_queries.RULE_SQL.items()]
    items += [(kid, national_queries.kpi_sql(kid)) for kid in national_queries.KPI_SQL]
    for name, sql in items:
        wall, cpu = time.perf_counter(), time.process_time()
        rows[name] = con.sql(sql).fetchall()
        walls[name] = time.perf_counter() - wall
        cpus[name] = time.process_time() - cpu
    con.close()
    return walls, cpus, rows


# the comparison -----------------------------------------------------------------------------------------------
ENGINE_CLASS = {"met": "pass", "at_risk": "short", "not_met": "short", "not_evaluable": "missing",
                "not_applicable": "na"}
QUERY_CLASS = {"pass": "pass", "warn": "short", "fail": "short", "missing": "missing", "na": "na"}


def compare_rules(findings: pd.DataFrame, rows: dict[str, list]) -> tuple[list[str], list[str]]:
    agree, differ = [], []
    for rule_id, group in findings.groupby("rule_id"):
        engine = group["status"].map(ENGINE_CLASS).value_counts().to_dict()
        if rule_id not in rows:
            continue
        mine = pd.Series([QUERY_CLASS[o] for _, o in rows[rule_id]]).value_counts().to_dict()
        (agree if engine == mine else differ).append(
            rule_id if engine == mine else f"{rule_id}: engine {engine} / query {mine}")
    return agree, differ


def compare_kpis(results: pd.DataFrame, rows: dict[str, list]) -> tuple[list[str], list[str], list[str]]:
    """Summed numerator and denominator per KPI, level and window, current instance. Gap KPIs are compared on
    the denominator of the focus group (FSM-eligible) only, being four counts in the engine."""
    agree, differ, skipped = [], [], []
    for kpi_id in national_queries.KPI_SQL:
        levels, windows = national_queries.KPI_SHAPE[kpi_id]
        below = [lv for lv in levels if lv != "authority"]
        gap = national_queries.KPI_SQL[kpi_id][0] is national_queries._GAP
        names = ["window", "instance", "authority_code", *below] + (["fsm"] if gap else []) + ["num", "den"]
        frame = pd.DataFrame(rows[kpi_id], columns=names)
        frame = frame[frame["instance"] == "current"]
        if gap:
            frame = frame[frame["fsm"] == True]  # noqa: E712 - the focus group
        frame = frame.assign(level=frame[below].notna().idxmax(axis=1).where(frame[below].notna().any(axis=1),
                                                                             "authority") if below else "authority")
        if below:
            for lv in below:
                frame.loc[frame[lv].notna(), "level"] = lv
        mine = frame.groupby(["level", "window"])[["num", "den"]].sum(min_count=1)
        theirs = results[results["kpi_id"] == kpi_id].groupby(["subject_type", "window"])[
            ["numerator", "denominator"]].sum(min_count=1)
        bad = []
        for (level, window), row in theirs.iterrows():
            if (level, window) not in mine.index:
                if (row.fillna(0) != 0).any():
                    bad.append(f"{level}/{window}: engine {row.tolist()}, query none")
                continue
            ours = mine.loc[(level, window)]
            pairs = [("den", "denominator")] if gap else [("num", "numerator"), ("den", "denominator")]
            for a, b in pairs:
                x, y = ours[a], row[b]
                if (pd.isna(x) and pd.isna(y)) or (not pd.isna(x) and not pd.isna(y) and abs(float(x) - float(y)) < 1e-6):
                    continue
                if pd.isna(x) and float(y) == 0:
                    continue
                bad.append(f"{level}/{window} {b}: engine {y}, query {x}")
        (differ.append(f"{kpi_id}: " + "; ".join(bad[:4])) if bad else agree.append(kpi_id))
    return agree, differ, skipped


# memory -------------------------------------------------------------------------------------------------------
def _rss_kib() -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def save_tables(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """The frames as Parquet plus their dtypes, for the memory subprocesses (reading them back costs far less
    memory than generating them, so the child's high-water mark is the check's, not the generator's)."""
    folder.mkdir(parents=True, exist_ok=True)
    dtypes = {}
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        dtypes[name] = {column: str(dtype) for column, dtype in frame.dtypes.items()}
    (folder / "dtypes.json").write_text(json.dumps(dtypes))


def load_tables(folder: Path) -> dict[str, pd.DataFrame]:
    dtypes = json.loads((folder / "dtypes.json").read_text())
    return {name: pd.read_parquet(folder / f"{name}.parquet").astype(types) for name, types in dtypes.items()}


def child(part: str, folder: Path) -> None:
    """Subprocess body: read the saved frames, then run the engine (or the baseline) once; print JSON figures."""
    tables = load_tables(folder)
    data_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = _rss_kib()
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if part == "engine":
        project = _project()
        from ccassure.assessment import load_engine

        run_engine(tables, project, load_engine(project))
    else:
        run_baseline(tables)
    done.set()
    sampler.join()
    print(json.dumps({"data_maxrss_kib": data_peak, "rss_before_kib": before, "sampled_peak_kib": peak[0],
                      "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def _script(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(REPO / "src"))}
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def runner(part: str, folder: Path) -> None:
    """A fresh, small process whose only child is the measured one, so that RUSAGE_CHILDREN is that child's
    high-water mark (a child inherits its parent's RSS as the floor of its own ru_maxrss)."""
    figures = json.loads(_script("--child", part, "--data", str(folder)))
    figures["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(figures))


def measure_memory(scale: float) -> tuple[dict[str, float], dict[str, float]]:
    """Before this process holds any data: one subprocess generates and saves the frames, then a runner each
    for the engine and for the baseline."""
    with tempfile.TemporaryDirectory(prefix="national_bench_") as scratch:
        _script("--save", scratch, "--scale", str(scale))
        engine = json.loads(_script("--runner", "engine", "--data", scratch))
        baseline = json.loads(_script("--runner", "baseline", "--data", scratch))
    return engine, baseline


# main ---------------------------------------------------------------------------------------------------------
def _gib(kib: float) -> str:
    return f"{kib / 1024 / 1024:.2f} GiB"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (default 1.0)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the two memory subprocesses")
    parser.add_argument("--profile", type=Path, help="also run the engine once under cProfile, stats to this file")
    parser.add_argument("--child", choices=("engine", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--runner", choices=("engine", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.data)
        return {}
    if args.runner:
        runner(args.runner, args.data)
        return {}
    if args.save:
        save_tables(national_data.national_tables(args.scale), args.save)
        print("saved")
        return {}
    memory = None if args.no_memory else measure_memory(args.scale)
    from ccassure.assessment import load_engine

    started = time.perf_counter()
    tables = national_data.national_tables(args.scale)
    made = time.perf_counter() - started
    print(f"SYNTHETIC national data (scale {args.scale:g}) generated in {made:.1f} s; rows: "
          + ", ".join(f"{k} {v:,}" for k, v in national_data.row_counts(tables).items()))
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; DuckDB {duckdb.__version__}")
    project = _project()
    engine = load_engine(project)  # parsed and linted once per process, as make report does
    phase_timers()
    load_before = os.getloadavg()[0]
    base_walls, base_cpus, rows = [], [], {}
    eng_walls, eng_cpus = [], []
    result = None
    per_item: dict[str, list[float]] = {}
    for _ in range(args.runs):  # interleaved, so that a noisy neighbour hurts both sides alike
        walls, cpus, rows = run_baseline(tables)
        base_walls.append(sum(walls.values()))
        base_cpus.append(sum(cpus.values()))
        for name, value in walls.items():
            per_item.setdefault(name, []).append(value)
        w, c, result = time_engine(tables, project, engine, 1)
        eng_walls += w
        eng_cpus += c
    findings = result.findings.to_frame()
    kpis = result.kpis.frame
    evaluated_rules = sorted(findings["rule_id"].unique())
    evaluated_kpis = sorted(kpis["kpi_id"].unique())
    missing = [i for i in evaluated_rules if i not in national_queries.RULE_SQL] + \
              [i for i in evaluated_kpis if i not in national_queries.KPI_SQL]
    unused = [i for i in national_queries.RULE_SQL if i not in evaluated_rules] + \
             [i for i in national_queries.KPI_SQL if i not in evaluated_kpis]
    eng, eng_cpu = statistics.median(eng_walls), statistics.median(eng_cpus)
    base, base_cpu = statistics.median(base_walls), statistics.median(base_cpus)
    print(f"load average during the runs: {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
    print(f"engine (run_check: {len(evaluated_rules)} rules, {len(evaluated_kpis)} KPIs -> {len(findings):,} findings, "
          f"{len(kpis):,} KPI results): median {eng:.2f} s wall, {eng_cpu:.2f} s CPU "
          f"(runs {[round(x, 2) for x in eng_walls]})")
    print(f"hand-written sum ({len(national_queries.RULE_SQL)} rule + {len(national_queries.KPI_SQL)} KPI queries "
          f"+ setup): median {base:.2f} s wall, {base_cpu:.2f} s CPU (runs {[round(x, 2) for x in base_walls]})")
    print(f"RATIO engine / hand-written sum: {eng / base:.2f}x wall, {eng_cpu / base_cpu:.2f}x CPU (target <= 4x)")
    heaviest = sorted(((statistics.median(v), k) for k, v in per_item.items()), reverse=True)[:8]
    print("  heaviest hand-written items (median wall): " + "; ".join(f"{k} {t:.2f} s" for t, k in heaviest))
    rules_part = sum(statistics.median(per_item[k]) for k in national_queries.RULE_SQL)
    kpi_part = sum(statistics.median(per_item[k]) for k in national_queries.KPI_SQL)
    print(f"  hand-written: rules {rules_part:.2f} s, KPIs {kpi_part:.2f} s, setup "
          f"{statistics.median(per_item['(setup: register frames, authorities, units, spans)']):.2f} s")
    rules_phase = statistics.median(PHASES["rules (Evaluator.evaluate)"])
    kpi_phase = statistics.median(PHASES["KPIs (run_kpis)"])
    print(f"  by part (median wall): rules engine {rules_phase:.2f} s / hand-written {rules_part:.2f} s = "
          f"{rules_phase / rules_part:.1f}x; KPIs engine {kpi_phase:.2f} s / hand-written {kpi_part:.2f} s = "
          f"{kpi_phase / kpi_part:.1f}x; rest of run_check {eng - rules_phase - kpi_phase:.2f} s")
    print("evaluated by the engine without a hand-written query: " + ("; ".join(missing) or "none"))
    for name, reason in NOT_WRITTEN.items():
        print(f"  not in the table: {name}: {reason}")
    if unused:
        print("hand-written queries for ids the engine did not evaluate: " + ", ".join(unused))
    agree, differ = compare_rules(findings, rows)
    print(f"rules with the same status counts as the engine: {len(agree)} of {len(agree) + len(differ)}")
    for line in differ:
        print(f"  DIFFERS {line}")
    kagree, kdiffer, _ = compare_kpis(kpis, rows)
    print(f"KPIs with the same summed numerators/denominators (current window, every level): "
          f"{len(kagree)} of {len(kagree) + len(kdiffer)}")
    for line in kdiffer:
        print(f"  DIFFERS {line}")
    out = {"engine": eng, "engine_cpu": eng_cpu, "baseline": base, "baseline_cpu": base_cpu, "ratio": eng / base}
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_engine(tables, project, engine)
        profiler.disable()
        args.profile.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(args.profile))
        print(f"cProfile of one engine run written to {args.profile}")
    if memory is not None:
        figures, base_fig = memory
        print(f"peak memory, engine subprocess (RUSAGE_CHILDREN ru_maxrss): {_gib(figures['children_maxrss_kib'])} "
              f"(reading the frames alone {_gib(figures['data_maxrss_kib'])}; VmRSS before run_check {_gib(figures['rss_before_kib'])},"
              f" sampled peak during it {_gib(figures['sampled_peak_kib'])})")
        print(f"peak memory, hand-written subprocess (RUSAGE_CHILDREN ru_maxrss): {_gib(base_fig['children_maxrss_kib'])} "
              f"(VmRSS before the queries {_gib(base_fig['rss_before_kib'])}, sampled peak during them "
              f"{_gib(base_fig['sampled_peak_kib'])})")
        out.update(engine_maxrss_kib=figures["children_maxrss_kib"], baseline_maxrss_kib=base_fig["children_maxrss_kib"])
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
