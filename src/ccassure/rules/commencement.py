"""Which version of a rule was in force: a rule carries ``valid_from`` / ``valid_to`` (and a ``predecessor``).

Why: the law and the guidance change. A change decided in 2013 must be judged by the text and thresholds in
force on its decision date, not by today's, and a duty that ended (e.g. the five-year inspection interval)
must not be applied to later periods. A change subject is dated by its decision date (else its
implementation date, else the end of the period); every other subject by the period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from ccassure.periods import Period


@dataclass(frozen=True)
class InForce:
    valid_from: date
    valid_to: date | None = None
    predecessor: str | None = None
    shown: InForce | None = None  # the rule's whole window, when this is one piece of it (dated parameters)

    def describe(self) -> str:
        if self.shown is not None:
            return self.shown.describe()
        until = f" to {self.valid_to:%-d %B %Y}" if self.valid_to else " (no end date)"
        before = f"; before that, {self.predecessor}" if self.predecessor else ""
        return f"in force from {self.valid_from:%-d %B %Y}{until}{before}"

    def covers_period(self, period: Period) -> bool:
        return period.end >= self.valid_from and (self.valid_to is None or period.start <= self.valid_to)


def parse_in_force(raw: dict) -> InForce:
    """From the rule file's ``valid_from`` / ``valid_to`` / ``predecessor`` (the schema requires valid_from)."""
    return InForce(_date(raw["valid_from"]), _date(raw.get("valid_to")), raw.get("predecessor"))


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def in_force_sql(in_force: InForce | None, subject_type: str, period: Period) -> str:
    """A condition over the subject row (alias ``s``): true where this version of the rule judges it."""
    if in_force is None:
        return "TRUE"
    if subject_type != "change":
        return "TRUE" if in_force.covers_period(period) else "FALSE"
    when = subject_date_sql(period)
    upper = f" AND {when} <= DATE '{in_force.valid_to.isoformat()}'" if in_force.valid_to else ""
    return f"({when} >= DATE '{in_force.valid_from.isoformat()}'{upper})"


def not_in_force_detail(in_force: InForce, subject_type: str) -> str:
    dated = "decided" if subject_type == "change" else "judged for a period"
    return f"this version of the rule is {in_force.describe()}, and this {subject_type} is {dated} outside it"


# Dated parameter values ------------------------------------------------------------------------------------
# Why: a threshold can change while the rule's test stays the same (new guidance, a new data release). As in
# OpenFisca, a parameter may list several values, each with the date it took effect and its legal reference;
# a subject is judged with the value in force on its date (the same dating as the rule's own window).


@dataclass(frozen=True)
class ParameterValue:
    """One value of a parameter and the day it took effect (in force until the next value's valid_from)."""

    valid_from: date
    value: Any
    reference: str = ""


def parse_parameter_values(raw: list[dict[str, Any]], rule_valid_from: date | None) -> tuple[ParameterValue, ...]:
    """From a parameter's ``values:`` list. Raises ValueError (with the item's index) on a value the engine
    could not date: no ``valid_from``, two values from the same day, or none in force when the rule commences."""
    versions = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("valid_from") in (None, ""):
            raise ValueError(f"value {index + 1} has no valid_from: a dated value must say when it took effect")
        if "value" not in item:
            raise ValueError(f"value {index + 1} has no value")
        versions.append(ParameterValue(_date(item["valid_from"]), item["value"],
                                       " ".join(str(item.get("reference", "")).split())))
    kinds = {"number" if isinstance(v.value, (int, float)) and not isinstance(v.value, bool) else type(v.value).__name__
             for v in versions}
    if len(kinds) > 1:
        raise ValueError(f"the values mix kinds ({', '.join(sorted(kinds))}): every value must be the same kind")
    versions.sort(key=lambda v: v.valid_from)
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.valid_from == later.valid_from:
            raise ValueError(f"two values take effect on {later.valid_from.isoformat()}")
    if rule_valid_from is not None and versions and versions[0].valid_from > rule_valid_from:
        raise ValueError(f"the first value takes effect on {versions[0].valid_from.isoformat()}, after the rule "
                         f"commences ({rule_valid_from.isoformat()}): say which value applied from then")
    return tuple(versions)


def value_in_force(parameter_versions: tuple[ParameterValue, ...] | list[ParameterValue], on_date: date) -> Any:
    """The value in force on ``on_date``: the latest whose valid_from is on or before it (None before the first)."""
    found = None
    for version in sorted(parameter_versions, key=lambda v: v.valid_from):
        if version.valid_from <= on_date:
            found = version.value
    return found


def describe_values(parameter_versions: tuple[ParameterValue, ...]) -> list[str]:
    """One line per value, oldest first, for ``rules show``."""
    lines = []
    for index, version in enumerate(parameter_versions):
        nxt = parameter_versions[index + 1].valid_from if index + 1 < len(parameter_versions) else None
        until = f" to {nxt - timedelta(days=1):%-d %B %Y}" if nxt else " (still in force)"
        ref = f" — {version.reference}" if version.reference else ""
        lines.append(f"{version.value} from {version.valid_from:%-d %B %Y}{until}{ref}")
    return lines


def subject_date_sql(period: Period, alias: str = "s") -> str:
    """The date a change subject is judged on: its decision date, else implementation date, else period end."""
    return (f"coalesce({alias}.\"decision_date\", {alias}.\"implementation_date\", "
            f"DATE '{period.end.isoformat()}')")


def _dated(rule) -> bool:
    return any(getattr(p, "versions", ()) for p in rule.parameters.values())


def _at(rule, on_date: date):
    """The rule with each dated parameter's default set to the value in force on ``on_date``."""
    params = {name: (replace(p, default=value_in_force(p.versions, on_date)) if getattr(p, "versions", ()) else p)
              for name, p in rule.parameters.items()}
    return replace(rule, parameters=params)


def _epochs(rule) -> list[tuple[date, date | None]]:
    """The rule's window cut at every day a dated parameter changes value: one parameter set per piece."""
    start, end = rule.in_force.valid_from, rule.in_force.valid_to
    points = sorted({v.valid_from for p in rule.parameters.values() for v in getattr(p, "versions", ())
                     if start < v.valid_from and (end is None or v.valid_from <= end)})
    bounds = [start, *points]
    return [(lo, (bounds[i + 1] - timedelta(days=1)) if i + 1 < len(bounds) else end) for i, lo in enumerate(bounds)]


def judge_on_dates(rule, period: Period, overrides, run: Callable, subject_dates: Callable):
    """Evaluate ``rule`` so that each subject meets the parameter values in force on its date.

    ``run(rule, period, overrides)`` evaluates one version (the evaluator's own path); ``subject_dates()``
    returns ``{subject_id: date}`` for change subjects. A rule without dated values runs once, unchanged. An
    authority's override (ccassure.yml) replaces a value for every date. Other subjects are judged with the
    values in force at the end of the period (or the rule's last day, if it ended before).
    """
    if rule.in_force is None or not _dated(rule):
        return run(rule, period, overrides)
    if rule.subject != "change":
        on = period.end if rule.in_force.valid_to is None else min(period.end, rule.in_force.valid_to)
        return run(_at(rule, max(on, rule.in_force.valid_from)), period, overrides)
    epochs = _epochs(rule)
    dates = subject_dates()
    kept, problems, seen = [], [], set()
    for index, (lo, hi) in enumerate(epochs):
        first, last = index == 0, index == len(epochs) - 1
        version = replace(_at(rule, lo), in_force=replace(rule.in_force, valid_from=lo, valid_to=hi,
                                                          shown=rule.in_force))
        findings = run(version, period, overrides)
        for finding in findings:
            when = dates.get(finding.subject_id)
            # a finding with no subject (a table not supplied) is reported once, from the first piece
            mine = first if when is None else (when >= lo or first) and (hi is None or when <= hi or last)
            if mine and finding.subject_id not in seen:
                seen.add(finding.subject_id)
                kept.append(finding)
        problems += [p for p in findings.problems if p not in problems]
    return type(findings)(kept, period=period.label, problems=problems)
