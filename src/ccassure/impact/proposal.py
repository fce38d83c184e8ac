"""Read a change proposal (YAML) into scenarios of changes, checked against its JSON Schema.

A proposal is what a council consults on before deciding: one or more scenarios, each a set of changes
to named centres from a date. This module only checks the file's shape; whether the centres exist and
the changes fit together is judged against the current state in :mod:`ccassure.impact.checks`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ccassure.yamlload import YamlFileError, line_of, load_yaml

ACTIONS = ("close", "merge", "reduce", "de_designate", "open")
# what each action does to the network of centres that counts for reach
REMOVES_CENTRE = {"close", "merge", "de_designate"}
# the service_changes change type each action is recorded as (reduce depends on below_definition)
CHANGE_TYPES = {"close": "close", "merge": "merge", "de_designate": "de_designate", "open": "open"}


class ProposalError(ValueError):
    """Problems with a proposal, each naming the file, the scenario and the change."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Change:
    number: int  # 1-based position in its scenario ("change 2")
    line: int | None
    action: str
    centre: str
    effective: date
    into: str | None = None
    name: str | None = None
    easting: int | None = None
    northing: int | None = None
    designation: str = "childrens_centre"
    activities: tuple[str, ...] = ()
    hours_before: float | None = None
    hours_after: float | None = None
    below_definition: bool = False
    note: str | None = None

    @property
    def removes_centre(self) -> bool:
        return self.action in REMOVES_CENTRE or (self.action == "reduce" and self.below_definition)

    @property
    def change_type(self) -> str:
        if self.action == "reduce":
            return "reduce_below_definition" if self.below_definition else "significant_change"
        return CHANGE_TYPES[self.action]


@dataclass(frozen=True)
class Assumption:
    kind: str
    description: str
    replaces: str | None = None


@dataclass(frozen=True)
class Consultation:
    opens: date | None = None
    closes: date | None = None
    decision: date | None = None
    reasons_given: bool | None = None
    alternatives_given: bool | None = None
    usage_data_given: bool | None = None
    equality_assessment: date | None = None
    responses_analysed: date | None = None
    savings_committed: date | None = None
    outcomes_assessed: bool | None = None
    disadvantaged_assessed: bool | None = None
    sufficiency_assessed: bool | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    line: int | None
    changes: tuple[Change, ...]
    description: str = ""
    assumptions: tuple[Assumption, ...] = ()
    consultation: Consultation = field(default_factory=Consultation)


@dataclass(frozen=True)
class Proposal:
    title: str
    scenarios: tuple[Scenario, ...]
    path: str = "the proposal"
    authority: str | None = None
    synthetic: bool = False


def schema() -> dict[str, Any]:
    text = resources.files("ccassure.schemas").joinpath("proposal.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def read_proposal(path: Path | str) -> Proposal:
    """Parse and check a proposal file; raise ProposalError listing every problem found."""
    path = Path(path)
    if not path.is_file():
        raise ProposalError([f"{path}: no such proposal file"])
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ProposalError([f"{path}: a proposal is a YAML file (.yaml or .yml)"])
    try:
        document = load_yaml(path)
    except YamlFileError as exc:
        raise ProposalError([str(exc)]) from None
    return proposal_from_document(document, str(path))


def proposal_from_document(document: Any, source: str = "the proposal") -> Proposal:
    """Build a Proposal from parsed YAML (or a plain dict), after checking it against the schema."""
    import jsonschema

    plain = json.loads(json.dumps(document, default=str))
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(plain), key=lambda e: list(e.absolute_path)):
        where = _where(plain, list(error.absolute_path))
        line = line_of(document, list(error.absolute_path))
        at = f"{source}:{line}" if line else source
        problems.append(f"{at}: {where}{_message(error)}")
    problems += _bad_dates(document, plain, source)
    if problems:
        raise ProposalError(problems)
    defaults = _consultation(plain.get("consultation") or {})
    scenarios, seen = [], set()
    for s_index, raw in enumerate(plain["scenarios"]):
        line = line_of(document, ["scenarios", s_index])
        name = raw["name"].strip()
        if name in seen:
            problems.append(f"{source}:{line}: scenario '{name}' is named twice; give each scenario its own name")
        seen.add(name)
        changes = tuple(_change(c_index + 1, line_of(document, ["scenarios", s_index, "changes", c_index]), c)
                        for c_index, c in enumerate(raw["changes"]))
        assumptions = tuple(Assumption(a.get("kind", "other"), a["description"], a.get("replaces"))
                            for a in raw.get("assumptions") or [])
        consultation = _consultation({**(plain.get("consultation") or {}), **(raw.get("consultation") or {})}) \
            if raw.get("consultation") else defaults
        scenarios.append(Scenario(name, line, changes, raw.get("description", ""), assumptions, consultation))
    if problems:
        raise ProposalError(problems)
    return Proposal(plain["title"], tuple(scenarios), source, plain.get("authority"), bool(plain.get("synthetic")))


def _change(number: int, line: int | None, raw: dict[str, Any]) -> Change:
    return Change(number, line, raw["action"], raw["centre"].strip(), date.fromisoformat(raw["from"]),
                  into=(raw.get("into") or "").strip() or None, name=raw.get("name"), easting=raw.get("easting"),
                  northing=raw.get("northing"), designation=raw.get("designation", "childrens_centre"),
                  activities=tuple(raw.get("activities") or ()), hours_before=raw.get("hours_before"),
                  hours_after=raw.get("hours_after"), below_definition=bool(raw.get("below_definition", False)),
                  note=raw.get("note"))


def _consultation(raw: dict[str, Any]) -> Consultation:
    values = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = date.fromisoformat(value)
        values[key] = value
    return Consultation(**values)


def _bad_dates(document: Any, plain: dict[str, Any], source: str) -> list[str]:
    """Dates that match YYYY-MM-DD but do not exist (2017-02-30)."""
    found = []

    def visit(node: Any, steps: list[Any]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                visit(value, [*steps, key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, [*steps, index])
        elif isinstance(node, str) and len(node) == 10 and node[4:5] == "-" and node[7:8] == "-" \
                and node[:4].isdigit():
            try:
                date.fromisoformat(node)
            except ValueError:
                line = line_of(document, steps)
                found.append(f"{source}:{line}: {_where(plain, steps)}{node!r} is not a real date")

    visit(plain, [])
    return found


def _where(plain: Any, steps: list[Any]) -> str:
    """'scenario 'B', change 2: ' for a path into the document."""
    parts = []
    node = plain
    for i, step in enumerate(steps):
        if isinstance(node, list) and isinstance(step, int):
            parent = steps[i - 1] if i else None
            if parent == "scenarios":
                name = node[step].get("name") if isinstance(node[step], dict) else None
                parts.append(f"scenario '{name}'" if name else f"scenario {step + 1}")
            elif parent == "changes":
                parts.append(f"change {step + 1}")
            elif parent == "assumptions":
                parts.append(f"assumption {step + 1}")
            else:
                parts.append(f"item {step + 1}")
        elif step not in ("scenarios", "changes", "assumptions"):
            parts.append(str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return (", ".join(parts) + ": ") if parts else ""


def _message(error: Any) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return f"{', '.join(missing)} is required"
    if error.validator == "additionalProperties":
        return f"unknown field ({error.message.split('(')[-1].rstrip(')')})"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern" and "[0-9]{4}-" in str(error.validator_value):
        return f"{error.instance!r} is not a date written YYYY-MM-DD"
    if error.validator == "minItems" and error.validator_value == 1:
        return "needs at least one entry"
    return error.message
