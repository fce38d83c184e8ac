"""Pieces several test types share: linking a table to the subject, time windows, schema fragments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ccassure.contracts.model import Contract
from ccassure.rules.expr import quote_ident
from ccassure.rules.testtypes.base import LoadContext

_WINDOW = re.compile(r"^\s*(\d{1,3})\s+(day|days|week|weeks|month|months|year|years)\s*$")


def parse_link(raw: Any, contract: Contract, ctx: LoadContext, *steps: Any) -> tuple[tuple[str, str], ...]:
    """``link`` maps columns of the test's table to columns of the subject; by default the subject key."""
    if raw is None:
        key = ctx.subject.key
        if not contract.has_column(key):
            raise ctx.loc.error(f"{contract.table} has no column {key!r} to link it to the {ctx.subject.type}; "
                                f"add link: {{<{contract.table} column>: <{ctx.subject.type} column>}}", *steps)
        return ((key, key),)
    if not isinstance(raw, dict) or not raw:
        raise ctx.loc.error("link must map columns of the table to columns of the subject", *steps)
    pairs = []
    for theirs, ours in raw.items():
        ctx.column(contract, theirs, *steps, theirs)
        ctx.column(ctx.subject_contract, ours, *steps, theirs)
        pairs.append((str(theirs), str(ours)))
    return tuple(pairs)


def link_sql(link: tuple[tuple[str, str], ...], table_alias: str, subject_alias: str = "s") -> str:
    return " AND ".join(f"{table_alias}.{quote_ident(theirs)} = {subject_alias}.{quote_ident(ours)}"
                        for theirs, ours in link)


@dataclass(frozen=True)
class Window:
    """Rows dated within the period being checked, or within the N days/weeks/months/years ending on its last day."""

    column: str
    amount: int | None = None  # None: the period itself
    unit: str = "months"

    def bounds(self, period_start: date, period_end: date) -> tuple[date, date]:
        if self.amount is None:
            return period_start, period_end
        unit = self.unit.rstrip("s")
        if unit == "day":
            return period_end - timedelta(days=self.amount - 1), period_end
        if unit == "week":
            return period_end - timedelta(weeks=self.amount) + timedelta(days=1), period_end
        months = self.amount * (12 if unit == "year" else 1)
        after = period_end + timedelta(days=1)
        year, month = divmod(after.year * 12 + after.month - 1 - months, 12)
        return date(year, month + 1, min(after.day, 28)), period_end

    def describe(self) -> str:
        return "in the period" if self.amount is None else f"in the {self.amount} {self.unit} to the period end"


def parse_window(raw: dict[str, Any], contract: Contract, ctx: LoadContext) -> Window | None:
    if raw.get("dated_by") is None:
        if raw.get("within") is not None:
            raise ctx.loc.error("within needs dated_by: the date column that places each row in time", "within")
        return None
    column = ctx.column(contract, raw["dated_by"], "dated_by", types=("date",))
    within = raw.get("within", "period")
    if within == "period":
        return Window(column)
    match = _WINDOW.match(str(within))
    if not match:
        raise ctx.loc.error(f"within must be 'period' or a span such as '12 months', found {within!r}", "within")
    unit = match.group(2) if match.group(2).endswith("s") else match.group(2) + "s"
    return Window(column, int(match.group(1)), unit)


# JSON Schema fragments ------------------------------------------------------------------------------------

NUMBER_OR_PARAM = {"oneOf": [{"type": "number"}, {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}],
                   "description": "A number, or the name of one of the rule's parameters."}
THRESHOLDS = {
    "at_least": {**NUMBER_OR_PARAM, "description": "Fails (the rule's severity) below this."},
    "at_most": {**NUMBER_OR_PARAM, "description": "Fails above this."},
    "warn_below": {**NUMBER_OR_PARAM, "description": "at_risk below this (and not below at_least)."},
    "warn_above": {**NUMBER_OR_PARAM, "description": "at_risk above this (and not above at_most)."},
}
EXPRESSION = {"type": "string", "minLength": 1,
              "description": "A condition over columns: comparisons, AND/OR/NOT, IN (...), IS [NOT] NULL, BETWEEN."}
COLUMN = {"type": "string", "pattern": r"^([a-z][a-z0-9_]*\.)?[a-z][a-z0-9_]*$"}
LINK = {"type": "object", "additionalProperties": {"type": "string"},
        "description": "Columns of the table mapped to columns of the subject (default: the subject's key)."}
CHOICE = {"enum": ["not_met", "not_evaluable", "not_applicable", "at_risk"]}
LOOKUP = {
    "type": "object", "additionalProperties": False, "required": ["table", "on"],
    "description": "Bring one row of another table alongside each subject.",
    "properties": {
        "table": {"type": "string"},
        "on": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "Columns of the looked-up table mapped to columns of the subject."},
        "where": EXPRESSION,
        "latest": {"type": "string", "description": "When several rows match, take the one with the latest value here."},
        "if_no_match": {**CHOICE, "description": "Status when no row matches (default not_evaluable)."},
    },
}
WINDOW = {
    "dated_by": {"type": "string", "description": "Date column that places each row in time."},
    "within": {"type": "string", "pattern": r"^(period|\d{1,3} (day|week|month|year)s?)$",
               "description": "'period' (default) or a span ending on the period's last day, e.g. '12 months'."},
}
