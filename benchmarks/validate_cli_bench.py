"""Benchmark: `ccassure validate` on a 20,000-row provider workbook, start-up included (target < 3 s wall).

Builds a synthetic return (every value invented) with a few planted mistakes, then times the console
command three times and prints the median. Usage:

    .venv/bin/python benchmarks/validate_cli_bench.py [--rows 20000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

CENTRES = [f"KNT-CC-{i:03d}" for i in range(1, 41)]


def build_workbook(path: Path, rows: int = 20_000, seed: int = 7) -> Path:
    """Sessions, registrations and contacts share ``rows`` (50/20/30 %); centres, boards, services small."""
    rng = random.Random(seed)
    n_sessions, n_registrations = rows // 2, rows // 5
    n_contacts = rows - n_sessions - n_registrations
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})  # shared strings, as Excel saves
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    start = dt.datetime(2016, 10, 1)

    def sheet(name: str, header: list[str], body) -> None:  # noqa: ANN001 - an iterable of rows
        ws = workbook.add_worksheet(name)
        ws.write_row(0, 0, header)
        for r, row in enumerate(body, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, date)
                elif value is not None:
                    ws.write(r, c, value)

    sheet("Centres", ["centre_id", "centre_name", "authority_code", "provider_id", "designation", "status",
                      "advisory_board_id", "open_date", "postcode"],
          ([cid, f"Centre {i}", "E10000016", "PRV-1", "childrens_centre", "open", "BRD-01",
            dt.datetime(2006, 9, 1), "ME14 1XX"] for i, cid in enumerate(CENTRES)))
    sheet("Boards", ["board_id", "board_name", "authority_code"], [["BRD-01", "North Board", "E10000016"]])
    sheet("Board members", ["board_id", "member_ref", "role"],
          [["BRD-01", f"M{i:02d}", role] for i, role in enumerate(["parent", "authority", "centre", "partner"])])
    sheet("Services", ["centre_id", "service_category", "availability", "notes"],
          ([cid, cat, "provided_on_site", "synthetic"] for cid in CENTRES
           for cat in ("early_years", "health", "info_advice")))
    sheet("Sessions", ["session_id", "centre_id", "date", "activity", "activity_type", "on_site",
                       "min_age_months", "max_age_months", "attendances"],
          ([f"S-{i:06d}", rng.choice(CENTRES), start + dt.timedelta(days=rng.randrange(90)), "Stay and play",
            "stay_and_play", rng.choice(["yes", "no"]), 0, 60,
            999 if i % 2500 == 7 else rng.randrange(1, 40)] for i in range(n_sessions)))
    sheet("Registrations", ["child_ref", "family_ref", "centre_id", "registration_date", "birth_month",
                            "lsoa_code", "target_group"],
          ([f"CH-{i:06d}", f"FM-{i // 2:06d}", rng.choice(CENTRES), start + dt.timedelta(days=rng.randrange(90)),
            f"{rng.randrange(2012, 2017)}-{rng.randrange(1, 13):02d}", f"E0{rng.randrange(1000000, 1099999)}",
            rng.choice(["yes", "no"])] for i in range(n_registrations)))
    sheet("Contacts", ["contact_id", "family_ref", "centre_id", "date", "contact_type"],
          ([f"CT-{i:07d}", f"FM-{rng.randrange(n_registrations // 2):06d}", rng.choice(CENTRES),
            "not a date" if i % 3000 == 11 else start + dt.timedelta(days=rng.randrange(90)),
            rng.choice(["session", "home_visit", "phone"])] for i in range(n_contacts)))
    workbook.close()
    return path


def time_command(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds per run; CPU is what wall would be on an idle machine."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(f"validate failed ({done.returncode}):\n{done.stderr}")
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the workbook in this folder")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ccassure-bench-"))
    try:
        path = build_workbook(folder / "return_20k.xlsx", options.rows)
        command = shutil.which("ccassure", path=str(Path(sys.executable).parent)) or ""
        args = [command, "validate", str(path)] if command else [sys.executable, "-m", "ccassure", "validate",
                                                                 str(path)]
        walls, cpus = time_command(args, options.runs)
        print(f"ccassure validate, {options.rows:,} data rows ({path.stat().st_size / 1e6:.1f} MB): "
              f"median {statistics.median(walls):.2f} s wall ({', '.join(f'{t:.2f}' for t in walls)}), "
              f"median {statistics.median(cpus):.2f} s CPU, over {len(walls)} runs; target < 3 s wall "
              f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        if options.keep:
            options.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, options.keep / path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
