"""The findings table: one row per rule and subject, with the evidence and the versions that decided it.

Columns (:data:`ccassure.result_columns.FINDING_COLUMNS`, the one definition the results writer and reader use):

    rule_id rule_version title subject_type subject_id subject_name authority_code provider_id period
    status observed threshold message evidence parameters data_versions severity citation guidance

``evidence``, ``parameters`` and ``data_versions`` are JSON texts. Statuses are risk indicators, not
findings of unlawfulness (docs/legal/README.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.result_columns import FINDING_COLUMNS
from ccassure.rules.model import STATUSES
from ccassure.safe_text import csv_safe, html_safe

DISCLAIMER = ("Findings are risk indicators for assurance, not findings of unlawfulness: no children's centre "
              "closure has yet been quashed in court.")


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_version: int
    title: str
    subject_type: str
    subject_id: str | None
    subject_name: str | None
    authority_code: str | None
    provider_id: str | None
    period: str
    status: str
    observed: str | None
    threshold: str | None
    message: str
    evidence: str
    parameters: str
    data_versions: str
    severity: str
    citation: str
    guidance: str
    evidence_total: int | None = None  # rows that matched in all (the evidence lists at most 20 of them)

    @property
    def evidence_list(self) -> list[dict[str, Any]]:
        return json.loads(self.evidence or "[]")


class Findings:
    """A list of findings with table, file and notebook views."""

    def __init__(self, findings: list[Finding] | None = None, *, period: str | None = None,
                 problems: list[str] | None = None):
        self.findings = list(findings or [])
        self.period = period
        self.problems = list(problems or [])  # rules that could not run at all (each also a not_evaluable row)
        self.source: str | None = None  # where the data came from (set by check_project)
        self.notes: list[str] = []

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, index: int) -> Finding:
        return self.findings[index]

    def extend(self, other: Findings) -> None:
        self.findings.extend(other.findings)
        self.problems.extend(other.problems)

    def for_rule(self, rule_id: str) -> Findings:
        return Findings([f for f in self.findings if f.rule_id == rule_id], period=self.period)

    def status_of(self, rule_id: str, subject_id: str) -> str | None:
        for finding in self.findings:
            if finding.rule_id == rule_id and finding.subject_id == subject_id:
                return finding.status
        return None

    def to_frame(self) -> pd.DataFrame:
        if not self.findings:
            return pd.DataFrame({column: pd.Series(dtype="Int64" if column == "rule_version" else "str")
                                 for column in FINDING_COLUMNS})
        # built column by column from the attributes (dataclasses.asdict deep-copies every field: slow)
        return pd.DataFrame({column: pd.Series([getattr(f, column) for f in self.findings],
                                               dtype="Int64" if column == "rule_version" else "str")
                             for column in FINDING_COLUMNS})

    def summary(self) -> pd.DataFrame:
        """Counts of statuses by rule."""
        frame = self.to_frame()
        if frame.empty:
            return pd.DataFrame(columns=["rule_id", *STATUSES])
        table = frame.pivot_table(index="rule_id", columns="status", values="subject_type", aggfunc="count",
                                  fill_value=0)
        for status in STATUSES:
            if status not in table.columns:
                table[status] = 0
        return table[list(STATUSES)].reset_index()

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for finding in self.findings:
            result[finding.status] = result.get(finding.status, 0) + 1
        return result

    def write(self, directory: Path | str, stem: str = "findings") -> dict[str, Path]:
        """Write findings.parquet, findings.csv (formula-safe) and findings.json to ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        frame = self.to_frame()
        paths = {"parquet": directory / f"{stem}.parquet", "csv": directory / f"{stem}.csv",
                 "json": directory / f"{stem}.json"}
        frame.to_parquet(paths["parquet"], index=False)
        safe = frame.copy()
        for column in safe.columns:
            if column != "rule_version":
                safe[column] = safe[column].map(lambda v: csv_safe(v) if isinstance(v, str) else v).astype("object")
        safe.to_csv(paths["csv"], index=False)
        records = [{**asdict(f), "evidence": json.loads(f.evidence or "[]"), "parameters": json.loads(f.parameters),
                    "data_versions": json.loads(f.data_versions)} for f in self.findings]
        paths["json"].write_text(json.dumps({"period": self.period, "disclaimer": DISCLAIMER, "findings": records},
                                            indent=1, default=str), encoding="utf-8")
        return paths

    def __repr__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.counts().items() if v)
        return f"<Findings {len(self)} for {self.period or 'all periods'}: {counts or 'none'}>"

    def _repr_html_(self) -> str:
        shown = [f for f in self.findings if f.status != "not_applicable"][:200]
        colours = {"met": "#1a7f37", "not_met": "#b42318", "at_risk": "#b54708", "not_evaluable": "#475467",
                   "not_applicable": "#98a2b3"}
        head = "".join(f"<th>{html_safe(c)}</th>" for c in ("rule", "subject", "status", "observed", "message"))
        rows = "".join(
            f"<tr><td>{html_safe(f.rule_id)}</td><td>{html_safe(f.subject_name or f.subject_id)}</td>"
            f"<td style=\"color:{colours.get(f.status, '#000')}\"><b>{html_safe(f.status)}</b></td>"
            f"<td>{html_safe(f.observed)}</td><td>{html_safe(f.message)}</td></tr>" for f in shown)
        counts = ", ".join(f"{html_safe(k)}: {v}" for k, v in self.counts().items())
        more = "" if len(shown) == len(self.findings) else " (not_applicable rows and rows beyond 200 hidden)"
        return (f"<div><p><b>{len(self)} findings</b> for {html_safe(self.period)} — {counts}{more}</p>"
                f"<p><i>{html_safe(DISCLAIMER)}</i></p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


def finding_field_names() -> list[str]:
    return [f.name for f in fields(Finding)]
