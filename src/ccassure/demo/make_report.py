"""What `make report` runs: the whole flow on the synthetic demo, from nothing to rendered reports.

    generate the demo -> validate every return (summaries kept for the reports) -> submit each to a fresh
    store -> check every rule and KPI per authority and quarter -> assess the demo county's change proposal
    -> render HTML and PDF reports (the change-impact document among them)

Outputs go under the project's output folder (``_output/`` by default): ``demo/`` (the generated data),
``store.duckdb``, ``results/`` (findings, KPI results, validation summaries) and ``reports/``.
Each stage prints what it did; the exit code is non-zero if any stage failed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.project import current_project


def stage(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def done(started: float, detail: str) -> None:
    print(f"   {detail} ({time.perf_counter() - started:.1f} s)", flush=True)


def generate(out: Path, scale: float) -> dict[str, Any]:
    from ccassure.demo.generate import generate_demo

    started = stage("Generating the synthetic demo (three fictional authorities, FY 2016-17)")
    if out.exists():
        shutil.rmtree(out)
    summary = generate_demo(out, scale=scale)
    rows = sum(summary["row_counts"].values())
    done(started, f"{len(summary['authorities'])} authorities, {len(summary['provider_returns'])} provider returns, "
                  f"{rows:,} rows in {out}")
    return summary


def validate_and_submit(summary: dict[str, Any], results: Path, store_path: Path) -> int:
    from ccassure.store import Store
    from ccassure.validation import validate

    started = stage("Validating every return and submitting it to the store")
    if store_path.exists():
        store_path.unlink()
    store = Store(store_path)
    failures = 0
    items = [(r["path"], r["provider_id"], r["period"], r["authority_code"]) for r in summary["provider_returns"]]
    quarters = summary["quarters"]
    items += [(path, code, quarters[0], code) for code, path in summary["authority_records"].items()]
    for path, provider, period, _authority in items:
        result = validate(Path(path))  # its summary is kept by the store; the results writer copies it
        if result.has_errors:
            failures += 1
            print(f"   {provider} {period}: {result.summary()}")
            continue
        store.submit(result, provider=provider, period=period, submitter="make report", accept_warnings=True)
    reference = validate(Path(summary["reference"]), dataset="reference")
    if reference.has_errors:
        failures += 1
        print(f"   reference: {reference.summary()}")
    else:
        store.import_reference_tables(reference, submitter="make report")
    history = store.history()
    done(started, f"{len(items) - failures} returns stored ({len(history)} submissions), {failures} refused")
    return failures


def check(summary: dict[str, Any], results: Path, store_path: Path, workers: int | None = None) -> int:
    """Each quarter checked once for every authority (rules and frameworks loaded once; the quarters in
    parallel, one worker process per core unless ``workers`` says otherwise), written by the one results
    writer that ``ccassure check`` uses."""
    from ccassure.assessment import check_store_periods, load_engine
    from ccassure.project import current_project
    from ccassure.results import write_results
    from ccassure.store import Store

    started = stage("Checking every statutory rule and KPI, per quarter for every authority")
    project = current_project()
    engine = load_engine(project)
    runs, failures = check_store_periods(Store(store_path), summary["quarters"], project=project, engine=engine,
                                         workers=workers)
    for label, message in failures:
        print(f"   {label}: check failed: {message}")
    problems = len(failures)
    write_results(results, runs, project=project, engine=engine, synthetic=bool(summary.get("synthetic", True)))
    findings = pd.read_parquet(results / "findings.parquet")
    kpis = pd.read_parquet(results / "kpi_results.parquet")
    flagged = pd.read_parquet(results / "kpi_findings.parquet")
    counts = findings["status"].value_counts().to_dict() if len(findings) else {}
    by_status = ", ".join(f"{counts[status]:,} {status.replace('_', ' ')}" for status in
                          ("met", "not_met", "at_risk", "not_evaluable", "not_applicable") if counts.get(status))
    disagree = int((flagged["status"] == "not_met").sum()) if len(flagged) else 0
    done(started, f"{len(findings):,} findings ({by_status or 'none'}); {len(kpis):,} KPI results; "
                  f"{disagree} provider KPI figures disagree with the data")
    return problems


def render(results: Path, reports: Path, formats: str) -> int:
    from ccassure.cli.render_cmd import render as render_command

    started = stage("Rendering the reports")
    args = ["--results", str(results), "--output-dir", str(reports), "--to", formats]
    try:
        render_command.main(args=args, standalone_mode=False)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    done(started, f"reports in {reports}")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the demo, check it and render every report.")
    parser.add_argument("--scale", type=float, default=1.0, help="demo volume (1.0 = realistic)")
    parser.add_argument("--to", default="html,pdf", help="report formats")
    args = parser.parse_args(argv)
    project = current_project()
    out = project.output_dir
    results, reports = out / "results", out / "reports"
    if results.exists():
        shutil.rmtree(results)
    summary = generate(out / "demo", args.scale)
    failed = validate_and_submit(summary, results, out / "store.duckdb")
    failed += check(summary, results, out / "store.duckdb")
    from ccassure.demo.impact_demo import assess_demo  # the demo county's change proposal (#15)

    failed += assess_demo(out / "demo", out / "store.duckdb", results)  # kept with the results: rendered below
    failed += render(results, reports, args.to)
    print(f"\n{'All done' if not failed else 'Finished with problems'}: open {reports / 'index.html'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
