"""Plausibility checks a contract declares (its ``plausibility:`` block): facts about values that types and
ranges cannot state, across the columns of a row or across tables. Executed by validation.plausibility.

Each check is one of a few kinds, so a contract can say what it means and never hold code:

- ``at_most``: ``column`` <= ``than`` (a column of the same row), e.g. min age <= max age, numerator <= denominator;
  with ``kpi`` (the column naming a KPI), only rows of a share the project defines (numerator and denominator
  from one table); a KPI counted against an estimate (registrations against the under-five population) or
  unknown to the project is left out
- ``not_before``: ``column`` is not before ``than`` (a column of the row), e.g. registration not before birth
- ``not_in_future``: ``column`` (a date or month) is not after today, e.g. a birth month
- ``ratio``: ``column`` = ``numerator`` / ``denominator`` (times one of ``scales``) within ``tolerance``
- ``within_life``: ``column`` (a date) lies between ``start`` and ``end`` of the row of ``table`` named by ``key``
- ``no_cycles``: following ``column`` to the row whose ``key`` it names never comes back (no self-parent)
- ``financial_year``: text like 2016-17 names consecutive years (2016-18 is refused)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

KINDS = ("at_most", "not_before", "not_in_future", "ratio", "within_life", "no_cycles", "financial_year")
Kind = Literal["at_most", "not_before", "not_in_future", "ratio", "within_life", "no_cycles", "financial_year"]


@dataclass(frozen=True)
class PlausibilityCheck:
    check: Kind
    column: str
    severity: Literal["error", "warning"] = "warning"
    than: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    scales: tuple[float, ...] = (1.0,)
    tolerance: float = 0.0
    table: str | None = None
    key: str | None = None
    start: str | None = None
    end: str | None = None
    kpi: str | None = None        # at_most: the column naming a KPI (only the project's shares are judged)
    message: str = ""             # what is implausible, in words ("is above the maximum age")

    @property
    def own_columns(self) -> tuple[str, ...]:
        """Columns of the contract's own table that the check reads."""
        names = [self.column]
        if self.check in ("at_most", "not_before") and self.than:
            names.append(self.than)
        if self.check == "at_most" and self.kpi:
            names.append(self.kpi)
        if self.check == "ratio":
            names += [n for n in (self.numerator, self.denominator) if n]
        if self.check == "within_life" and self.key:
            names.append(self.key)
        return tuple(names)


def parse_plausibility(items: Any) -> tuple[PlausibilityCheck, ...]:
    """The contract's ``plausibility`` list (already checked against the JSON Schema)."""
    checks = []
    for item in items or ():
        checks.append(PlausibilityCheck(
            check=item["check"], column=item["column"], severity=item.get("severity", "warning"),
            than=item.get("than"), numerator=item.get("numerator"), denominator=item.get("denominator"),
            scales=tuple(float(s) for s in item.get("scales", (1,))), tolerance=float(item.get("tolerance", 0)),
            table=item.get("table"), key=item.get("key"), start=item.get("start"), end=item.get("end"),
            kpi=item.get("kpi"),
            message=" ".join(str(item.get("message", "")).split()),
        ))
    return tuple(checks)


def plausibility_errors(checks: tuple[PlausibilityCheck, ...], column_names: list[str]) -> list[tuple[int, str]]:
    """(index, message) for every check that names a column the contract does not declare."""
    errors = []
    for index, check in enumerate(checks):
        for name in check.own_columns:
            if name not in column_names:
                errors.append((index, f"plausibility check {check.check} names {name!r}, which is not a column"))
        if check.check in ("at_most", "not_before") and not check.than:
            errors.append((index, f"plausibility check {check.check} needs 'than'"))
        if check.check == "ratio" and not (check.numerator and check.denominator):
            errors.append((index, "plausibility check ratio needs 'numerator' and 'denominator'"))
        if check.check == "within_life" and not (check.table and check.key and check.start):
            errors.append((index, "plausibility check within_life needs 'table', 'key' and 'start'"))
        if check.kpi and check.check != "at_most":
            errors.append((index, f"plausibility check {check.check} does not take 'kpi'"))
        if check.check == "no_cycles" and not check.key:
            errors.append((index, "plausibility check no_cycles needs 'key'"))
    return errors
