"""Benchmark: loading the engine (contracts, rules, KPI frameworks) in a fresh process, as every command does.

    PYTHONPATH=src .venv/bin/python benchmarks/engine_load_bench.py --runs 5

Each run starts a new Python that imports ``ccassure.assessment`` and calls ``load_engine()``; the baseline,
run alternately in the same loop, only imports the module. The median difference is the cost of loading the
74 YAML files, checking them against their schemas and linting them. CPU time of the child is measured too
(the machine is shared, so wall time mostly measures the other programs).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

LOAD = "from ccassure.assessment import load_engine; load_engine()"
IMPORT = "import ccassure.assessment"


def _run(code: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=os.environ.copy())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    loads, imports = [], []
    for _ in range(args.runs):
        imports.append(_run(IMPORT))
        loads.append(_run(LOAD))
    wall = statistics.median(w for w, _ in loads) - statistics.median(w for w, _ in imports)
    cpu = statistics.median(c for _, c in loads) - statistics.median(c for _, c in imports)
    print(f"engine load: {wall:.2f} s wall, {cpu:.2f} s CPU (median of {args.runs} fresh processes, minus an import "
          f"baseline of {statistics.median(w for w, _ in imports):.2f} s wall, "
          f"{statistics.median(c for _, c in imports):.2f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
