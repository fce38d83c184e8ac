"""Which version of a rule was in force: a rule carries ``valid_from`` / ``valid_to`` (and a ``predecessor``).

Why: the law and the guidance change. A change decided in 2013 must be judged by the text and thresholds in
force on its decision date, not by today's, and a duty that ended (e.g. the five-year inspection interval)
must not be applied to later periods. A change subject is dated by its decision date (else its
implementation date, else the end of the period); every other subject by the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ccassure.periods import Period


@dataclass(frozen=True)
class InForce:
    valid_from: date
    valid_to: date | None = None
    predecessor: str | None = None

    def describe(self) -> str:
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
    when = f"coalesce(s.\"decision_date\", s.\"implementation_date\", DATE '{period.end.isoformat()}')"
    upper = f" AND {when} <= DATE '{in_force.valid_to.isoformat()}'" if in_force.valid_to else ""
    return f"({when} >= DATE '{in_force.valid_from.isoformat()}'{upper})"


def not_in_force_detail(in_force: InForce, subject_type: str) -> str:
    dated = "decided" if subject_type == "change" else "judged for a period"
    return f"this version of the rule is {in_force.describe()}, and this {subject_type} is {dated} outside it"
