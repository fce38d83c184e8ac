"""KpiResults: one row per KPI, subject, period and window (RAG rated), plus the cross-check findings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ccassure.kpis.model import FINDING_COLUMNS, RESULT_COLUMNS
from ccassure.safe_text import csv_safe, html_safe

RESULTS_FILE = "kpi_results"
FINDINGS_FILE = "kpi_findings"
RAG_ORDER = {"red": 0, "amber": 1, "not_evaluable": 2, "green": 3}


def empty_results() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c in ("framework_version", "kpi_version") else
                                      "float64" if c in _NUMERIC else "str") for c in RESULT_COLUMNS})


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "rule_version" else "str") for c in FINDING_COLUMNS})


_NUMERIC = {"numerator", "denominator", "value", "target", "amber_from", "change_on_previous", "change_on_year_before",
            "framework_version",
            "kpi_version"}


@dataclass
class KpiResults:
    """KPI results (columns: :data:`ccassure.kpis.model.RESULT_COLUMNS`) and cross-check findings (the
    findings shape of the rules engine: :data:`ccassure.kpis.model.FINDING_COLUMNS`)."""

    frame: pd.DataFrame = field(default_factory=empty_results)
    findings: pd.DataFrame = field(default_factory=empty_findings)
    period: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def __len__(self) -> int:
        return len(self.frame)

    def rag_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.frame["rag"].value_counts().items()}

    def for_subject(self, subject_id: str) -> pd.DataFrame:
        return self.frame[self.frame["subject_id"] == subject_id]

    def get(self, kpi_id: str, subject_id: str, period: str | None = None, window: str | None = None) -> dict:
        """The one result row for a KPI and subject (the run's last quarter and the KPI's first window by default)."""
        f = self.frame
        rows = f[(f["kpi_id"] == kpi_id) & (f["subject_id"] == subject_id)]
        if period is not None:
            rows = rows[rows["period"] == period]
        else:
            rows = rows[rows["period"] == rows["period"].max()]
        if window is not None:
            rows = rows[rows["window"] == window]
        if len(rows) != 1:
            raise KeyError(f"{len(rows)} results for {kpi_id} / {subject_id} / {period} / {window}")
        return rows.iloc[0].to_dict()

    def as_findings(self):
        """The cross-check findings as the rules engine's ``Findings`` (to extend ``ccassure check``'s table)."""
        from ccassure.rules.result import Finding, Findings

        items = []
        for row in self.findings.to_dict(orient="records"):
            clean = {k: (None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v)
                     for k, v in row.items()}
            clean["rule_version"] = int(clean["rule_version"] or 1)
            clean["subject_type"] = clean["subject_type"] or "centre"
            items.append(Finding(**clean))
        return Findings(items, period=self.period)

    def write(self, directory: Path | str) -> dict[str, Path]:
        """kpi_results.parquet/.csv/.json and kpi_findings.parquet/.csv/.json (CSV cells made formula-safe)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for stem, frame in ((RESULTS_FILE, self.frame), (FINDINGS_FILE, self.findings)):
            frame = frame.reset_index(drop=True)
            frame.to_parquet(out / f"{stem}.parquet", index=False)
            safe = frame.copy()
            for column in safe.columns:
                if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column].dtype):
                    safe[column] = safe[column].map(csv_safe).astype(object)
            safe.to_csv(out / f"{stem}.csv", index=False, lineterminator="\n")
            records = json.loads(frame.to_json(orient="records", date_format="iso"))
            (out / f"{stem}.json").write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
            paths[stem] = out / f"{stem}.parquet"
        return paths

    def summary(self) -> str:
        counts = self.rag_counts()
        parts = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("green", "amber", "red", "not_evaluable"))
        flagged = int((self.findings["status"] == "not_met").sum()) if len(self.findings) else 0
        return (f"{len(self.frame)} KPI results for {self.period}: {parts}; "
                f"{flagged} provider figure(s) disagree with the data")

    def _repr_html_(self) -> str:
        shown = self.frame.head(200)
        head = "".join(f"<th>{html_safe(c)}</th>" for c in ("kpi_id", "subject_id", "period", "window",
                                                            "numerator", "denominator", "value", "target", "rag"))
        body = []
        for row in shown.itertuples():
            cells = [row.kpi_id, row.subject_id, row.period, row.window, _num(row.numerator), _num(row.denominator),
                     _num(row.value), _num(row.target), row.rag]
            body.append("<tr>" + "".join(f"<td>{html_safe(c)}</td>" for c in cells) + "</tr>")
        more = f"<p>{len(self.frame) - len(shown)} more rows</p>" if len(self.frame) > len(shown) else ""
        return (f"<p>{html_safe(self.summary())}</p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>{more}")


def _num(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.1f}"
