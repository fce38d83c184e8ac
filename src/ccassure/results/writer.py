"""Write the results folder (docs/results.md, format 2) from the check runs of one or more periods.

Why one writer: ``ccassure check`` and ``make report`` must hand reports the same folder; reports read
only it (through ``ccassure.reports.results``), never rule files or guessed field names.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccassure.results.manifest import build_manifest, validation_summaries
from ccassure.safe_text import FORMULA_PREFIXES, csv_safe

FORMAT_VERSION = "2.0"
RECORD_TABLES = ("centres", "providers", "boards", "board_members", "inspections", "actions", "self_evaluations",
                 "service_changes",
                 "centre_targets", "comparators")
OWNED_FILES = ("manifest.json", "findings.parquet", "findings.csv", "findings.json", "kpi_results.parquet",
               "kpi_results.csv", "kpi_findings.parquet")
OWNED_FOLDERS = ("validation", "records")


def write_results(folder: Path | str, runs: Sequence[Any], *, project: Any, engine: Any,
                  synthetic: bool = False, generated_at: datetime | None = None) -> dict[str, Path]:
    """Write findings, KPI results, KPI cross-check findings (once), the validation summary of every
    submission used, the records tables and manifest.json; returns the main paths."""
    from ccassure.kpis.results import empty_findings, empty_results
    from ccassure.results.frames import findings_frame, kpi_frame

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name in OWNED_FILES:  # a re-run never leaves files of an earlier run beside the new ones
        (out / name).unlink(missing_ok=True)
    for name in OWNED_FOLDERS:
        if (out / name).is_dir():
            shutil.rmtree(out / name)
    runs = sorted(runs, key=lambda r: (r.period.end, r.period.label))
    findings = findings_frame([_with_totals(r.findings) for r in runs])
    kpis = kpi_frame([r.kpis.frame for r in runs if r.kpis is not None]) if any(r.kpis is not None for r in runs) \
        else empty_results()
    flagged = [r.kpis.findings for r in runs if r.kpis is not None and len(r.kpis.findings)]
    kpi_findings = findings_frame(flagged) if flagged else findings_frame([empty_findings()])
    paths = {"findings": out / "findings.parquet", "kpi_results": out / "kpi_results.parquet",
             "kpi_findings": out / "kpi_findings.parquet", "manifest": out / "manifest.json"}
    findings.to_parquet(paths["findings"], index=False)
    kpis.to_parquet(paths["kpi_results"], index=False)
    kpi_findings.to_parquet(paths["kpi_findings"], index=False)
    _csv(findings, out / "findings.csv")
    _csv(kpis, out / "kpi_results.csv")
    (out / "findings.json").write_text(findings.to_json(orient="records", force_ascii=False, indent=1),
                                       encoding="utf-8")
    latest = runs[-1] if runs else None
    if latest is not None:
        records = out / "records"
        for table in RECORD_TABLES:
            frame = latest.data.tables.get(table)
            if frame is not None:
                records.mkdir(exist_ok=True)
                frame.drop(columns=["submission_id"], errors="ignore").to_parquet(records / f"{table}.parquet",
                                                                                 index=False)
    summaries = validation_summaries(runs)
    if summaries:
        (out / "validation").mkdir(exist_ok=True)
        for summary in summaries:
            (out / "validation" / f"{summary['submission_id']}.json").write_text(
                json.dumps(summary, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    manifest = build_manifest(runs, project=project, engine=engine, synthetic=synthetic,
                              generated_at=generated_at or datetime.now(UTC), submissions=summaries)
    manifest["format_version"] = FORMAT_VERSION
    paths["manifest"].write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n",
                                 encoding="utf-8")
    return paths


def _with_totals(findings: Any) -> pd.DataFrame:
    """The findings table plus the evaluator's exact count of matching rows per finding (``evidence_total``;
    the evidence lists at most 20 of them)."""
    frame = findings.to_frame()
    frame["evidence_total"] = pd.array([getattr(f, "evidence_total", None) for f in findings], dtype="Int64")
    return frame


def _csv(frame: pd.DataFrame, path: Path) -> None:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column].dtype):
            safe[column] = _csv_safe_column(safe[column])
    safe.to_csv(path, index=False, lineterminator="\n")


def _csv_safe_column(values: pd.Series) -> pd.Series:
    """csv_safe on every text cell (as object values, as written), found with one vectorised prefix test: a
    results table has some 200,000 cells and only a handful start like a formula."""
    out = values.astype(object)
    if values.dtype == object:
        risky = np.fromiter((isinstance(v, str) and v.startswith(FORMULA_PREFIXES) for v in out), dtype=bool,
                            count=len(out))
    else:
        risky = values.str.startswith(FORMULA_PREFIXES).fillna(False).to_numpy(dtype=bool)
    if risky.any():
        out = out.copy()
        out[risky] = [csv_safe(v) for v in out[risky]]
    return out
