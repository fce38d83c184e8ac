"""What a loaded KPI framework is: plain, frozen data (the loader checks it; the compiler turns it into SQL).

A framework is one file of ``rules/kpis/``: an id, a version, named parameters with defaults, and a list of
KPIs. A KPI is a numerator and (except for plain counts) a denominator, each a :class:`Measure` over a
record-level table, with a unit, a direction, a target and an amber threshold, the windows it is reported
for and the subject levels it is rolled up to. Ref, Parameter, Basis and Example are the shared node model
(:mod:`ccassure.nodes`); the result and finding columns are the results contract's
(:mod:`ccassure.result_columns`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ccassure.nodes import Basis, Example, Parameter, Ref
from ccassure.result_columns import FINDING_COLUMNS
from ccassure.result_columns import KPI_RESULT_COLUMNS as RESULT_COLUMNS
from ccassure.rules.expr import Condition

TITLE_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

Window = Literal["quarter", "ytd", "r12"]
WINDOWS: tuple[str, ...] = ("quarter", "ytd", "r12")
LEVELS: tuple[str, ...] = ("centre", "cluster", "provider", "authority")
UNITS: tuple[str, ...] = ("percent", "count", "average", "rate", "points")
RAGS: tuple[str, ...] = ("green", "amber", "red", "not_evaluable")
KINDS: tuple[str, ...] = ("ratio", "count", "gap")

@dataclass(frozen=True)
class AgeBelow:
    """Children born and younger than ``months`` (a Ref) at the end (or start) of the window, from a yyyy-mm
    month column."""

    column: str
    months: Ref
    at: str = "end"


@dataclass(frozen=True)
class DaysBetween:
    """Rows where ``end`` - ``start`` is at most ``at_most`` and at least ``at_least`` days (both present; a
    yyyy-mm month column counts from the first day of the month)."""

    start: str
    end: str
    at_most: Ref | None
    at_least: Ref | None = None
    start_is_month: bool = False
    end_is_month: bool = False


@dataclass(frozen=True)
class Rise:
    """Rows where ``to`` - ``from_`` is at least ``at_least`` (both values present)."""

    from_: str
    to: str
    at_least: Ref


@dataclass(frozen=True)
class Having:
    """Keep only rows whose ``on`` value has at least ``at_least`` matching rows of ``table`` in the window
    (``within``: the KPI's window, or the 12 months to its end)."""

    table: str
    on: str
    their_on: str
    where: Condition | None
    dated: str | None
    within: Literal["window", "r12"]
    at_least: Ref


@dataclass(frozen=True)
class Measure:
    """Count rows, count distinct values of a column, or sum a column, over one table, filtered.

    ``dated``: only rows whose date column falls in the window. ``open``: only episodes (start, end) open at
    some point in the window. ``where`` may use ``period_start``/``period_end``, which are the window's first
    and last day. The population table ``lsoa_population`` is summed over the subject's reach-area LSOAs
    (authority level: every LSOA of the authority) for the latest year at or before the window's end.
    """

    table: str
    distinct: str | None = None
    sum: str | None = None
    where: Condition | None = None
    dated: str | None = None
    open: tuple[str, str] | None = None
    age_below: AgeBelow | None = None
    days_between: DaysBetween | None = None
    rise: Rise | None = None
    having: Having | None = None

    @property
    def tables(self) -> tuple[str, ...]:
        extra = (self.having.table,) if self.having else ()
        return (self.table, *extra)

    def params(self) -> set[str]:
        used: set[str] = set()
        if self.where is not None:
            used |= self.where.parameters
        for ref in (self.age_below and self.age_below.months, self.days_between and self.days_between.at_most,
                    self.days_between and self.days_between.at_least,
                    self.rise and self.rise.at_least, self.having and self.having.at_least):
            if ref and ref.param:
                used.add(ref.param)
        if self.having is not None and self.having.where is not None:
            used |= self.having.where.parameters
        return used


@dataclass(frozen=True)
class Kpi:
    id: str
    version: int
    title: str
    basis: Basis
    kind: str  # ratio | count | gap
    unit: str
    direction: Literal["higher", "lower"]
    windows: tuple[str, ...]
    levels: tuple[str, ...]
    numerator: Measure
    denominator: Measure | None
    group: Condition | None  # gap: the focus group (value = others' share - group's share)
    target: Ref | None
    amber_from: Ref | None
    parameters: dict[str, Parameter]
    examples: tuple[Example, ...]
    description: str = ""
    line: int | None = None
    areas: tuple[str, ...] = ()  # inspection areas it evidences (ccassure.areas)

    def title_for(self, values: dict[str, Any]) -> str:
        """The title with each ``{parameter}`` filled in from the values in force, so a report never shows
        a placeholder and an authority that changes a threshold sees its own number in the title."""
        def fill(match: re.Match[str]) -> str:
            value = values.get(match.group(1))
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return match.group(0) if value is None else str(value)
        return TITLE_PLACEHOLDER.sub(fill, self.title)

    @property
    def tables(self) -> tuple[str, ...]:
        out: list[str] = []
        for measure in (self.numerator, self.denominator):
            if measure is not None:
                out += [t for t in measure.tables if t not in out]
        return tuple(out)


@dataclass(frozen=True)
class Framework:
    id: str
    version: int
    title: str
    description: str
    basis: Basis
    parameters: dict[str, Parameter]
    kpis: tuple[Kpi, ...]
    source: Path | None = None
    examples: tuple[Example, ...] = field(default_factory=tuple)

    def kpi(self, kpi_id: str) -> Kpi:
        for kpi in self.kpis:
            if kpi.id == kpi_id:
                return kpi
        raise KeyError(kpi_id)

    def parameter_values(self, kpi: Kpi, overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """Framework defaults < KPI defaults < authority's framework overrides < authority's KPI overrides."""
        overrides = overrides or {}
        values = {name: p.default for name, p in self.parameters.items()}
        values.update({name: p.default for name, p in kpi.parameters.items()})
        for scope in (self.id, kpi.id):
            for name, value in (overrides.get(scope) or {}).items():
                if name in values:
                    values[name] = value
        return values


__all__ = ["FINDING_COLUMNS", "KINDS", "LEVELS", "RAGS", "RESULT_COLUMNS", "TITLE_PLACEHOLDER", "UNITS", "WINDOWS",
           "XCHECK_PREFIX", "AgeBelow", "Basis", "CrossCheck", "DaysBetween", "Example", "Framework", "Having", "Kpi", "Measure", "Parameter", "Ref",
           "Rise", "Window"]


XCHECK_PREFIX = "KPI-XCHECK-"
XCHECK_GUIDANCE = ("Ask the provider how the figure was produced; the recomputed value counts the rows named in the "
                   "evidence and the KPI definition (`ccassure kpis list`).")
UNKNOWN_XCHECK_GUIDANCE = "Check the KPI id against `ccassure kpis list`."


@dataclass(frozen=True)
class CrossCheck:
    """A node of its own kind: a figure a provider reports for a KPI (``kpi_returns``) agrees with the figure
    recomputed from its records. One per KPI id reported; an id no framework defines gives a cross-check with
    no KPI, whose findings are not evaluable."""

    kpi_id: str
    framework: Framework | None = None
    kpi: Kpi | None = None

    @property
    def id(self) -> str:
        return XCHECK_PREFIX + self.kpi_id

    @property
    def version(self) -> int:
        return self.kpi.version if self.kpi else 1

    def parameter_values(self, overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        if self.framework is None or self.kpi is None:
            return {}
        return self.framework.parameter_values(self.kpi, overrides)

    def tolerance(self, values: dict[str, Any]) -> float:
        return float(values.get("tolerance", 0) or 0)

    def title(self, values: dict[str, Any]) -> str:
        if self.kpi is None:
            return f"Provider-reported {self.kpi_id} is recomputed"
        return f"Provider-reported {self.kpi.title_for(values).lower()} agrees with the data"

    def describe(self, values: dict[str, Any]) -> dict[str, Any]:
        """The finding fields that say which node decided it (the findings shape: rule_id ... guidance)."""
        return {"rule_id": self.id, "rule_version": self.version, "title": self.title(values),
                "citation": self.kpi.basis.source if self.kpi else "", "severity": "not_met",
                "guidance": XCHECK_GUIDANCE if self.kpi else UNKNOWN_XCHECK_GUIDANCE}
