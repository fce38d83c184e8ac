"""What a re-record changed: the recorded answers of a git revision against those in the working tree.

    PYTHONPATH=src .venv/bin/python -m tests.golden.diff [REVISION] [--data-start CASE=YYYY-MM-DD ...]

Prints, per case and table, the rows only in one side and the values changed per column. With
``--data-start``, it also checks the KPI changes against the coverage rule (docs/kpis.md, Results): a
``change_on_previous`` or ``change_on_year_before`` is missing now exactly when it was missing before or its
earlier window starts before the case's data start, and is otherwise the same as recorded. Exits 1 when
anything else changed.
"""

from __future__ import annotations

import argparse
import gzip
import io
import subprocess
import sys
from datetime import date

import pandas as pd

from ccassure.kpis.windows import previous, span
from tests.golden.answers import CASES, HERE, REPO, TABLES, recorded

KINDS = {"quarter": "quarter", "year_to_date": "ytd", "rolling_12_months": "r12", "ytd": "ytd", "r12": "r12"}
CHANGES = ("change_on_previous", "change_on_year_before")


def at_revision(revision: str, case: str, name: str) -> pd.DataFrame:
    path = (HERE / case / f"{name}.csv.gz").relative_to(REPO).as_posix()
    blob = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=REPO, check=True, capture_output=True).stdout
    return pd.read_csv(io.StringIO(gzip.decompress(blob).decode()), dtype=str, keep_default_na=False)


def earlier_starts(frame: pd.DataFrame) -> dict[str, list[date]]:
    """First day of the earlier window of each row, for each change column."""
    out: dict[str, list[date]] = {c: [] for c in CHANGES}
    for period, window in zip(frame["period"].tolist(), frame["window"].tolist(), strict=True):
        kind = KINDS[window]
        out["change_on_previous"].append(span(previous(period, kind), kind).start)
        out["change_on_year_before"].append(span(f"{int(period[:4]) - 1}Q{period[-1]}", kind).start)
    return out


def compare(then: pd.DataFrame, now: pd.DataFrame, key: list[str], data_start: date | None) -> tuple[list[str], bool]:
    lines, clean = [], True
    merged = then.merge(now, on=key, how="outer", suffixes=("_then", "_now"), indicator=True)
    for side, label in (("left_only", "only recorded"), ("right_only", "only now")):
        count = int((merged["_merge"] == side).sum())
        if count:
            lines.append(f"  {label}: {count} rows")
            clean = False
    both = merged[merged["_merge"] == "both"].reset_index(drop=True)
    starts = earlier_starts(both) if data_start is not None and "window" in key else None
    for column in (c for c in then.columns if c not in key):
        old, new = both[f"{column}_then"], both[f"{column}_now"]
        changed = old != new
        if not changed.any():
            continue
        emptied = changed & (new == "") & (old != "")
        lines.append(f"  {column}: {int(changed.sum())} changed, {int(emptied.sum())} of them now missing, "
                     f"{int((changed & ~emptied).sum())} otherwise")
        if column not in CHANGES or starts is None:
            clean = False
            continue
        uncovered = pd.Series([start < data_start for start in starts[column]])
        expected_missing = uncovered & (old != "")
        wrong = (emptied != expected_missing) | (changed & ~emptied)
        lines.append(f"    earlier window before {data_start}: {int(uncovered.sum())} rows, "
                     f"{int(expected_missing.sum())} of them had a change recorded; "
                     f"rows not as the rule says: {int(wrong.sum())}")
        clean = clean and not wrong.any()
    return lines, clean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default="HEAD")
    parser.add_argument("--data-start", action="append", default=[], metavar="CASE=YYYY-MM-DD")
    args = parser.parse_args(argv)
    starts = {case: date.fromisoformat(day) for case, day in (item.split("=", 1) for item in args.data_start)}
    clean = True
    for case in sorted(CASES):
        now = recorded(case)
        for name, (key, _) in TABLES.items():
            lines, ok = compare(at_revision(args.revision, case, name), now[name], key, starts.get(case))
            print(f"{case}/{name}: {len(now[name]):,} rows, " + ("unchanged" if not lines else "changed"))
            print("\n".join(lines)) if lines else None
            clean = clean and ok
    print("only the changes the coverage rule expects" if clean else "OTHER DIFFERENCES")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
