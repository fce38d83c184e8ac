"""Benchmark: ``make report``'s check phase on the synthetic demo (issue #12, target <= 8 s).

    PYTHONPATH=src .venv/bin/python benchmarks/check_bench.py               # scale 1.0, 3 runs
    PYTHONPATH=src .venv/bin/python benchmarks/check_bench.py --runs 5 --keep /tmp/demo-store

The demo is generated into a temporary folder, validated and submitted to a fresh store once (not timed);
then exactly the check phase (``make_report.check``: every rule and KPI, per quarter for every authority,
written by the results writer) is run ``--runs`` times, each into a fresh results folder, and the median is
printed. The first run pays the one-off cost of loading rules and frameworks, as ``make report`` does;
later runs reuse the loaded engine, so both the first and the median are given.

Each run is made twice, alternately: as ``make report`` makes it (the quarters in parallel worker
processes, one per core) and in one process (``workers=1``, the way before the quarters were parallel),
so the ratio of the two medians is measured on the same machine at the same load. The CPU time (all threads
of the process and of its finished workers) is printed beside the wall time: on a shared machine the wall
time also measures the other programs.

Baseline, measured in the same process on the same store: one hand-written DuckDB query over the store's
raw tables (sessions per centre per quarter), to show how loaded the machine was; the ratio is reported.
All data are synthetic.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _quiet(function, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the check's worker processes)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def prepare(work: Path, scale: float) -> tuple[dict, Path]:
    from ccassure.demo import make_report

    store = work / "store.duckdb"
    summary_file = work / "summary.json"
    if store.is_file() and summary_file.is_file():
        import json

        return json.loads(summary_file.read_text()), store
    summary = _quiet(make_report.generate, work / "demo", scale)
    _quiet(make_report.validate_and_submit, summary, work / "results-prepare", store)
    import json

    summary_file.write_text(json.dumps(summary, default=str))
    return summary, store


def baseline(store: Path) -> float:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        started = time.perf_counter()
        con.sql("SELECT centre_id, date_trunc('quarter', date) AS q, count(*), sum(attendances) FROM sessions "
                "GROUP BY ALL").fetchall()
        return time.perf_counter() - started
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate (or reuse) the demo store in this folder")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one extra run here")
    args = parser.parse_args(argv)
    os.environ.pop("CCASSURE_STORE", None)
    from ccassure.demo import make_report

    work = args.keep or Path(tempfile.mkdtemp(prefix="ccassure-check-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        summary, store = prepare(work, args.scale)
        times, bases, cpus, serial = [], [], [], []
        for run in range(args.runs):
            bases.append(baseline(store))
            for workers, into in ((None, times), (1, serial)):
                results = work / f"results-{run}-{workers or 'parallel'}"
                shutil.rmtree(results, ignore_errors=True)
                started, cpu = time.perf_counter(), _cpu()
                problems = _quiet(make_report.check, summary, results, store, workers)
                into.append(time.perf_counter() - started)
                if workers is None:
                    cpus.append(_cpu() - cpu)
                if problems:
                    print(f"run {run}: {problems} quarter(s) failed", file=sys.stderr)
            print(f"run {run}: check phase {times[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU (all threads and workers); "
                  f"in one process {serial[-1]:.2f} s; baseline query {bases[-1] * 1000:.0f} ms", flush=True)
        if args.profile:
            import cProfile

            results = work / "results-profile"
            shutil.rmtree(results, ignore_errors=True)
            cProfile.runctx("make_report.check(summary, results, store)", globals(),
                            {"make_report": make_report, "summary": summary, "results": results, "store": store},
                            str(args.profile))
        median, base = statistics.median(times), statistics.median(bases)
        print(f"check phase (scale {args.scale}, {len(summary['quarters'])} quarters, "
              f"{len(summary['authorities'])} authorities): first {times[0]:.2f} s, median {median:.2f} s "
              f"of {args.runs} (CPU median {statistics.median(cpus):.2f} s); in one process median "
              f"{statistics.median(serial):.2f} s (ratio {median / statistics.median(serial):.2f}); baseline query median {base * 1000:.0f} ms (ratio {median / base:.0f}x); "
              f"target <= 8 s: {'met' if median <= 8 else 'NOT met'}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
