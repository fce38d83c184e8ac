"""The answers a change to the engine must not alter (issue #12, "same answers"), and how they are recorded.

Two cases, both synthetic: the demo (generated, validated, submitted to a fresh store and checked quarter
by quarter exactly as ``make report`` does, at a reduced scale so the test stays quick) and the project's
sample data (checked from ``--data`` paths, each of its four quarters). For each case three tables are kept, reduced
to the answer columns: findings (status, observed, threshold, evidence count and a digest of the evidence
ids), KPI results (numerator, denominator, value, target, RAG and changes) and KPI cross-check findings.
Wording (titles, messages, citations) and data-version ids are left out on purpose: they may change
without the answer changing.

Re-record only after a deliberate change of answers, listed in the closing note:

    PYTHONPATH=src .venv/bin/python -m tests.golden.record

and see that only the intended answers changed, against the last commit (``tests/golden/diff.py``):

    PYTHONPATH=src .venv/bin/python -m tests.golden.diff HEAD
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEMO_SCALE = 0.25

FINDING_KEY = ["rule_id", "subject_type", "subject_id", "period"]
FINDING_ANSWER = ["rule_version", "status", "reason", "observed", "threshold", "evidence_total", "evidence_digest"]
KPI_KEY = ["framework", "kpi_id", "subject_type", "subject_id", "period", "window"]
KPI_ANSWER = ["kpi_version", "numerator", "denominator", "value", "target", "target_source", "amber_from", "rag",
              "rating_reason", "change_on_previous", "change_on_year_before"]
TABLES = {"findings": (FINDING_KEY, FINDING_ANSWER), "kpi_results": (KPI_KEY, KPI_ANSWER),
          "kpi_findings": (FINDING_KEY, FINDING_ANSWER)}


def _digest(value: object) -> str:
    return "" if value is None or pd.isna(value) else hashlib.sha256(str(value).encode()).hexdigest()[:16]


def answers(results: Path) -> dict[str, pd.DataFrame]:
    """The answer columns of a results folder, sorted by key, every value as text (floats to 9 places)."""
    out = {}
    for name, (key, answer) in TABLES.items():
        frame = pd.read_parquet(results / f"{name}.parquet")
        if "evidence" in frame:
            frame["evidence_digest"] = frame["evidence"].map(_digest)
        frame = frame[key + answer].copy()
        for column in frame.columns:
            if pd.api.types.is_float_dtype(frame[column]):
                frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:.9g}")
            else:
                frame[column] = frame[column].astype("string").fillna("")
        out[name] = frame.sort_values(key, kind="stable").reset_index(drop=True)
    return out


def check_demo(work: Path) -> Path:
    """The demo through make report's own stages into ``work``; returns the results folder."""
    from ccassure.demo import make_report

    results, store = work / "results", work / "store.duckdb"
    with contextlib.redirect_stdout(io.StringIO()):
        summary = make_report.generate(work / "demo", DEMO_SCALE)
        make_report.validate_and_submit(summary, results, store)
        make_report.check(summary, results, store)
    return results


SAMPLE_QUARTERS = ("2016Q2", "2016Q3", "2016Q4", "2017Q1")


def check_sample(work: Path) -> Path:
    """The project's sample data given as ``--data`` paths, each quarter they cover, through the results writer."""
    from ccassure.assessment import SAMPLE_FOLDERS, load_engine, run_check
    from ccassure.project import current_project
    from ccassure.results import write_results

    project = current_project()
    engine = load_engine(project)
    folders = [REPO / "sample_data" / name for name in SAMPLE_FOLDERS]
    runs = [run_check(data=folders, period=quarter, project=project, engine=engine) for quarter in SAMPLE_QUARTERS]
    results = work / "results"
    write_results(results, runs, project=project, engine=engine, synthetic=True)
    return results


CASES = {"demo": check_demo, "sample": check_sample}


def recorded(case: str) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(HERE / case / f"{name}.csv.gz", dtype=str, keep_default_na=False)
            for name in TABLES}
