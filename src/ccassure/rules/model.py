"""What a loaded rule is: plain, frozen data. Test specs are produced by the test type that parses them.

Basis, Parameter and Example are the shared node model (:mod:`ccassure.nodes`), re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ccassure.contracts.model import ColumnSpec, Contract
from ccassure.nodes import Basis, Example, Parameter
from ccassure.rules.expr import Condition

Status = Literal["met", "not_met", "at_risk", "not_evaluable", "not_applicable"]
STATUSES: tuple[str, ...] = ("met", "not_met", "at_risk", "not_evaluable", "not_applicable")
# What a test says about one subject; the evaluator turns outcomes into statuses.
OUTCOMES: tuple[str, ...] = ("pass", "warn", "fail", "missing", "na")
SUBJECT_TYPES: tuple[str, ...] = ("centre", "site", "board", "change", "programme", "provider", "authority")


@dataclass(frozen=True)
class SubjectDef:
    """Where the subjects of a rule come from."""

    type: str
    table: str | None  # None: derived (authority)
    key: str
    name: str | None
    authority: str | None = "authority_code"
    provider: str | None = None


SUBJECTS: dict[str, SubjectDef] = {
    "centre": SubjectDef("centre", "centres", "centre_id", "centre_name", "authority_code", "provider_id"),
    "site": SubjectDef("site", "centres", "centre_id", "centre_name", "authority_code", "provider_id"),
    "board": SubjectDef("board", "boards", "board_id", "board_name", "authority_code", None),
    "change": SubjectDef("change", "service_changes", "change_id", "description", "authority_code", None),
    # changes decided together (service_changes.programme_ref); see rules/programmes.py
    "programme": SubjectDef("programme", "service_changes", "programme_ref", None, "authority_code", None),
    "provider": SubjectDef("provider", "providers", "provider_id", "provider_name", "authority_code", "provider_id"),
    "authority": SubjectDef("authority", None, "authority_code", None, "authority_code", None),
}

# The derived authority subject has one column.
AUTHORITY_CONTRACT = Contract(
    table="authority", title="Local authority (derived)", dataset="reference", sheet="Authority",
    columns=(ColumnSpec("authority_code", "string", required=True),), primary_key=("authority_code",),
)


@dataclass(frozen=True)
class Rule:
    id: str
    version: int
    title: str
    basis: Basis
    subject: str
    applies_when: Condition | None
    test_type: str
    test: Any  # the typed spec the test type parsed
    severity: Literal["not_met", "at_risk"]
    cap: str | None  # "at_risk" when a failing test may not say not_met (e.g. wording not yet verified)
    cap_reason: str
    messages: dict[str, str]
    guidance: str
    parameters: dict[str, Parameter]
    examples: tuple[Example, ...]
    tables: tuple[str, ...]  # every table the rule reads, subject table first
    source: Path | None = None
    line: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    areas: tuple[str, ...] = field(default_factory=tuple)  # inspection areas it evidences (ccassure.areas)
    in_force: Any = None  # rules.commencement.InForce: valid_from / valid_to / predecessor
    blank_means: dict[str, str] = field(default_factory=dict)  # rules.blanks: column -> status when blank

    @property
    def subject_def(self) -> SubjectDef:
        return SUBJECTS[self.subject]

    def parameter_values(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        values = {name: p.default for name, p in self.parameters.items()}
        for name, value in (overrides or {}).items():
            if name in values:
                values[name] = value
        return values

    @property
    def effective_severity(self) -> str:
        return "at_risk" if self.cap == "at_risk" else self.severity

    def _repr_html_(self) -> str:
        from ccassure.safe_text import html_safe

        params = "".join(f"<li>{html_safe(p.name)} = {html_safe(p.default)} {html_safe(p.unit)} "
                         f"(<i>{html_safe(p.basis)}</i>)</li>" for p in self.parameters.values())
        return (f"<div><h4>{html_safe(self.id)} v{self.version}: {html_safe(self.title)}</h4>"
                f"<p><b>{html_safe(self.basis.citation)}</b> ({html_safe(self.basis.wording_checked)}) — "
                f"{html_safe(self.basis.wording)}</p><p>Subject: {html_safe(self.subject)}; test: "
                f"{html_safe(self.test_type)}; a failing test gives {html_safe(self.effective_severity)}</p>"
                f"<ul>{params}</ul><p>{html_safe(self.guidance)}</p></div>")


__all__ = ["AUTHORITY_CONTRACT", "OUTCOMES", "STATUSES", "SUBJECTS", "SUBJECT_TYPES", "Basis", "Example", "Parameter",
           "Rule", "Status", "SubjectDef"]
