"""Record or compare the engine's answers: findings and KPI results of the demo and of sample_data/.

Why: issue #12 rewrites how data reach the rules and KPIs; the answers (status, values, evidence counts)
must not move unless a defect was fixed on purpose. The rule set itself changes legitimately (the law lane
corrects readings), so this is a script whose differences are read and explained, not a test.

    python scripts/golden.py record  golden.json [--scale 0.3]   # on the commit to compare against
    python scripts/golden.py compare golden.json [new.json]      # on the new code: lists every difference
    python scripts/golden.py diff    golden.json new.json        # two recorded files

The demo is generated at ``--scale`` into a temporary folder, validated and submitted to a fresh store, and
checked by ``make report``'s own check stage (so the results folder it writes is what is compared); the
sample data are checked by ``ccassure check`` with no store, one run per quarter. Synthetic data only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

FINDING_KEY = ("source", "rule_id", "subject_type", "subject_id", "authority_code", "period")
FINDING_VALUES = ("status", "observed", "threshold", "evidence_count")
KPI_KEY = ("source", "framework", "kpi_id", "subject_type", "subject_id", "authority_code", "period", "window")
KPI_VALUES = ("numerator", "denominator", "value", "target", "rag")
SAMPLE_QUARTERS = ("2016Q2", "2016Q3", "2016Q4", "2017Q1")


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value) if not isinstance(value, (int, bool)) else value


def _evidence_count(row: dict[str, Any]) -> int | None:
    """Entries of the evidence list (the same count before and after format 2 added evidence_total)."""
    text = row.get("evidence")
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return 0
    return len(json.loads(text))


def _findings(frame: pd.DataFrame, source: str) -> list[dict[str, Any]]:
    rows = []
    for row in frame.to_dict(orient="records"):
        row = {**row, "source": source, "evidence_count": _evidence_count(row)}
        rows.append({k: _plain(row.get(k)) for k in (*FINDING_KEY, *FINDING_VALUES)})
    return rows


def _kpis(frame: pd.DataFrame, source: str) -> list[dict[str, Any]]:
    rows = []
    for row in frame.to_dict(orient="records"):
        row = {**row, "source": source}
        rows.append({k: _plain(row.get(k)) for k in (*KPI_KEY, *KPI_VALUES)})
    return rows


def _read_folder(folder: Path, source: str) -> dict[str, list[dict[str, Any]]]:
    findings = pd.read_parquet(folder / "findings.parquet")
    # older writers also appended the KPI cross-checks to findings: count them once, from kpi_findings
    findings = findings[~findings["rule_id"].astype(str).str.startswith("KPI-XCHECK-")]
    out = {"findings": _findings(findings, source), "kpi_results": [], "kpi_findings": []}
    if (folder / "kpi_results.parquet").is_file():
        out["kpi_results"] = _kpis(pd.read_parquet(folder / "kpi_results.parquet"), source)
    if (folder / "kpi_findings.parquet").is_file():
        out["kpi_findings"] = _findings(pd.read_parquet(folder / "kpi_findings.parquet"), source)
    return out


def run_demo(scale: float, work: Path, reuse: Path | None = None) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """The demo's answers; with ``reuse``, the demo and store already there (benchmarks/check_bench.py --keep
    leaves them; the generator is deterministic) are checked again instead of generated and submitted."""
    from ccassure.demo import make_report

    results = work / "results"
    if reuse is not None and (reuse / "summary.json").is_file():
        summary = json.loads((reuse / "summary.json").read_text())
        work = reuse
    else:
        summary = make_report.generate(work / "demo", scale)
        make_report.validate_and_submit(summary, results, work / "store.duckdb")
    started = time.perf_counter()
    make_report.check(summary, results, work / "store.duckdb")
    return _read_folder(results, "demo"), time.perf_counter() - started


def run_sample(work: Path) -> dict[str, list[dict[str, Any]]]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "CCASSURE_PROJECT": str(root), "PYTHONPATH": str(root / "src")}
    env.pop("CCASSURE_STORE", None)
    store = root / ".ccassure" / "store.duckdb"
    if store.exists():
        raise SystemExit(f"{store} exists: the sample data are read only when there is no project store")
    collected: dict[str, list[dict[str, Any]]] = {"findings": [], "kpi_results": [], "kpi_findings": []}
    for quarter in SAMPLE_QUARTERS:
        out = work / f"sample-{quarter}"
        done = subprocess.run([sys.executable, "-m", "ccassure", "check", "--period", quarter, "--output", str(out)],
                              env=env, cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise SystemExit(f"ccassure check --period {quarter} failed:\n{done.stderr[-2000:]}")
        for name, rows in _read_folder(out, "sample").items():
            collected[name].extend(rows)
    return collected


def collect(scale: float, reuse: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ccassure-golden-") as tmp:
        work = Path(tmp)
        demo, seconds = run_demo(scale, work, reuse)
        sample = run_sample(work)
    answers = {name: sorted(demo[name] + sample[name], key=lambda r: json.dumps(r, sort_keys=True))
               for name in demo}
    print(f"demo check stage: {seconds:.1f} s at scale {scale}", flush=True)
    return {"scale": scale, **answers}


RENAMED = {"rag": {"not_evaluable": "not_rated"},  # format 2 of the results folder renames these values
           "window": {"ytd": "year_to_date", "r12": "rolling_12_months"}}


def _renamed(row: dict[str, Any]) -> dict[str, Any]:
    return {k: RENAMED.get(k, {}).get(v, v) if isinstance(v, str) else v for k, v in row.items()}


def _index(rows: list[dict[str, Any]], key: tuple[str, ...]) -> dict[tuple, dict[str, Any]]:
    out: dict[tuple, dict[str, Any]] = {}
    for row in map(_renamed, rows):
        out.setdefault(tuple(row.get(k) for k in key), row)
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Every difference, one line each: rows only on one side, and changed values."""
    lines = []
    for name, key, values in (("findings", FINDING_KEY, FINDING_VALUES), ("kpi_findings", FINDING_KEY, FINDING_VALUES),
                              ("kpi_results", KPI_KEY, KPI_VALUES)):
        before, after = _index(old.get(name, []), key), _index(new.get(name, []), key)
        for k in sorted(set(before) - set(after), key=str):
            lines.append(f"{name}: only before: {dict(zip(key, k, strict=False))} {[before[k].get(v) for v in values]}")
        for k in sorted(set(after) - set(before), key=str):
            lines.append(f"{name}: only after: {dict(zip(key, k, strict=False))} {[after[k].get(v) for v in values]}")
        for k in sorted(set(before) & set(after), key=str):
            changed = {v: (before[k].get(v), after[k].get(v)) for v in values if before[k].get(v) != after[k].get(v)}
            if changed:
                lines.append(f"{name}: changed: {dict(zip(key, k, strict=False))} {changed}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("record", "compare", "diff"))
    parser.add_argument("golden", type=Path)
    parser.add_argument("other", type=Path, nargs="?", help="compare: also save the new answers here; "
                                                            "diff: the second recorded file")
    parser.add_argument("--scale", type=float, default=None, help="demo volume (default: the recorded one, else 1.0)")
    parser.add_argument("--reuse", type=Path, help="a folder with the demo and its store already submitted "
                                                   "(as benchmarks/check_bench.py --keep leaves it)")
    args = parser.parse_args(argv)
    if args.action == "record":
        answers = collect(args.scale or 1.0, args.reuse)
        args.golden.write_text(json.dumps(answers, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {', '.join(f'{len(answers[n])} {n}' for n in ('findings', 'kpi_results', 'kpi_findings'))} "
              f"in {args.golden}")
        return 0
    old = json.loads(args.golden.read_text(encoding="utf-8"))
    if args.action == "diff":
        new = json.loads(args.other.read_text(encoding="utf-8"))
    else:
        new = collect(args.scale or old.get("scale", 1.0), args.reuse)
        if args.other:
            args.other.write_text(json.dumps(new, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    lines = compare(old, new)
    for line in lines:
        print(line)
    print(f"{len(lines)} difference(s)")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
