"""The findings and KPI-results tables as docs/results.md (format 2) lays them out."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from ccassure.result_columns import FINDING_COLUMNS, RESULTS_FINDING_COLUMNS
from ccassure.result_columns import KPI_RESULT_COLUMNS as RESULT_COLUMNS
from ccassure.rules.model import SUBJECTS

WINDOW_NAMES = {"quarter": "quarter", "ytd": "year_to_date", "r12": "rolling_12_months"}
RAG_NAMES = {"not_evaluable": "not_rated"}


def not_evaluable_reason(status: str | None, message: str | None) -> str | None:
    """Why a finding could not be evaluated, from what the evaluator said (null unless not_evaluable)."""
    if status != "not_evaluable":
        return None
    text = (message or "").lower()
    if "not supplied" in text or "was not given" in text:
        return "table_not_supplied"
    if "blank" in text:
        return "field_blank"
    if "too few" in text:
        return "too_few"
    return "no_data"


def _evidence_total(text: object, subject_type: object, subject_id: object) -> int:
    """Evidence rows recorded beyond the pointer to the subject's own row: for findings that do not carry the
    evaluator's exact total (KPI cross-checks, findings written by an older ccassure)."""
    if not isinstance(text, str) or not text:
        return 0
    subject = SUBJECTS.get(str(subject_type))
    own = {"table": subject.table, "keys": {subject.key: subject_id}} if subject and subject.table else None
    return sum(1 for item in json.loads(text) if item != own)


def findings_frame(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [p for p in parts if p is not None and len(p.columns)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(FINDING_COLUMNS))
    frame["reason"] = [not_evaluable_reason(s, m) for s, m in zip(frame["status"], frame["message"], strict=True)]
    given = frame["evidence_total"] if "evidence_total" in frame else pd.Series(pd.NA, index=frame.index)
    frame["evidence_total"] = pd.array([int(g) if not pd.isna(g) else _evidence_total(e, t, i) for g, e, t, i in
                                        zip(given, frame["evidence"], frame["subject_type"], frame["subject_id"],
                                            strict=True)], dtype="Int64")
    frame["reason"] = frame["reason"].astype("string")
    return frame[list(RESULTS_FINDING_COLUMNS)].reset_index(drop=True)


def kpi_frame(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else parts[0].copy()
    frame["window"] = frame["window"].map(lambda w: WINDOW_NAMES.get(w, w))
    frame["rag"] = frame["rag"].map(lambda r: RAG_NAMES.get(r, r))
    return frame[list(RESULT_COLUMNS)].reset_index(drop=True)
