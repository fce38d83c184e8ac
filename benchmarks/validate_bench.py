"""Benchmark: validating a return with 1,000,000 session rows, against plain pandas doing the same checks.

The return is synthetic. It is written as a CSV folder and read once (loading is timed apart); then
``ccassure.validate`` runs on what was read, median of several runs, and the same checks hand-written
as pandas masks run on the same raw text in the same process as the baseline.

    .venv/bin/python benchmarks/validate_bench.py [--rows 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ccassure.contracts import load_contracts
from ccassure.readers import read_source
from ccassure.validation import validate


def make_return(folder: Path, rows: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    centres = 40
    centre_ids = np.array([f"C{i:03d}" for i in range(centres)])
    pd.DataFrame({
        "centre_id": centre_ids, "centre_name": [f"Centre {i}" for i in range(centres)],
        "authority_code": "E10000901", "provider_id": "P1", "designation": "childrens_centre", "status": "open",
        "advisory_board_id": "B1",
    }).to_csv(folder / "centres.csv", index=False)
    pd.DataFrame({"board_id": ["B1"], "board_name": ["Board"], "authority_code": ["E10000901"]}).to_csv(
        folder / "boards.csv", index=False)
    pd.DataFrame({"board_id": ["B1", "B1"], "member_ref": ["M1", "M2"], "role": ["parent", "authority"]}).to_csv(
        folder / "board_members.csv", index=False)
    categories = ["early_years", "la_social_care", "health", "jcp_employment", "info_advice"]
    pd.DataFrame({"centre_id": np.repeat(centre_ids, 5), "service_category": categories * centres,
                  "availability": "provided_on_site"}).to_csv(folder / "services.csv", index=False)
    days = pd.Timestamp("2016-10-01") + pd.to_timedelta(rng.integers(0, 92, rows), unit="D")
    pd.DataFrame({
        "session_id": [f"S{i:07d}" for i in range(rows)],
        "centre_id": centre_ids[rng.integers(0, centres, rows)],
        "date": days.strftime("%d/%m/%Y"),
        "activity": rng.choice(["Stay and play", "Baby massage", "Messy play", "Parenting course"], rows),
        "activity_type": rng.choice(["stay_and_play", "early_learning", "parenting"], rows),
        "on_site": rng.choice(["yes", "no"], rows),
        "min_age_months": rng.integers(0, 24, rows).astype(str),
        "max_age_months": rng.integers(24, 60, rows).astype(str),
        "attendances": rng.integers(1, 40, rows).astype(str),
    }).to_csv(folder / "sessions.csv", index=False)
    n = rows // 10
    pd.DataFrame({
        "child_ref": [f"CH-{i:07d}" for i in range(n)], "family_ref": [f"FM-{i // 2:07d}" for i in range(n)],
        "centre_id": centre_ids[rng.integers(0, centres, n)], "registration_date": "2016-10-01",
        "birth_month": "2015-06", "lsoa_code": "E01900001", "target_group": rng.choice(["yes", "no"], n),
    }).to_csv(folder / "registrations.csv", index=False)
    pd.DataFrame({
        "contact_id": [f"CT-{i:07d}" for i in range(n)], "family_ref": [f"FM-{i // 3:07d}" for i in range(n)],
        "centre_id": centre_ids[rng.integers(0, centres, n)], "date": "2016-11-01", "contact_type": "session",
    }).to_csv(folder / "contacts.csv", index=False)


def plain_pandas(raw) -> int:
    """The same checks, hand-written: typing, required, allowed values, ranges, keys, foreign keys."""
    failures = 0
    centres = raw.tables["centres"].frame
    for name, table in raw.tables.items():
        frame = table.frame
        if name == "sessions":
            dates = pd.to_datetime(frame["date"], format="%d/%m/%Y", errors="coerce")
            failures += int(dates.isna().sum())
            on_site = frame["on_site"].str.lower().map({"yes": True, "no": False})
            failures += int(on_site.isna().sum())
            for column, low, high in (("min_age_months", 0, 240), ("max_age_months", 0, 300), ("attendances", 0, 500)):
                numbers = pd.to_numeric(frame[column], errors="coerce")
                failures += int((numbers.isna() | (numbers < low) | (numbers > high)).sum())
            failures += int((~frame["activity_type"].isin(["stay_and_play", "early_learning", "parenting", "health",
                                                          "adult_learning", "employment_support", "family_support",
                                                          "other"])).sum())
            failures += int(frame["session_id"].isna().sum() + frame["activity"].isna().sum())
            failures += int(frame["session_id"].duplicated().sum())
            failures += int((~frame["centre_id"].isin(centres["centre_id"])).sum())
        elif "centre_id" in frame and name != "centres":
            failures += int((~frame["centre_id"].isin(centres["centre_id"])).sum())
    return failures


def median_time(func, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    contracts = load_contracts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_return(folder, args.rows)
        start = time.perf_counter()
        raw = read_source(folder, contracts)
        load = time.perf_counter() - start
    ours, result = median_time(lambda: validate(raw, contracts=contracts), args.runs)
    base, base_failures = median_time(lambda: plain_pandas(raw), args.runs)
    print(f"sessions rows        {args.rows:,} (+ {sum(len(t.frame) for t in raw.tables.values()) - args.rows:,} "
          "rows in other tables)")
    print(f"loading (CSV read)   {load:.2f} s (not part of validation)")
    print(f"ccassure validate    {ours:.2f} s median of {args.runs}; errors={len(result.errors)}")
    print(f"plain pandas         {base:.2f} s median of {args.runs}; failures={base_failures}")
    print(f"ratio                {ours / base:.2f}x (target: under 2 s and within 3x)")


if __name__ == "__main__":
    main()
