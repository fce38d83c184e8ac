"""A node's own examples: synthetic rows given, the answers expected, and how both are read from a file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ccassure.contracts.model import Contract
from ccassure.nodes.errors import Locator
from ccassure.periods import parse_period

DEFAULT_EXAMPLE_PERIOD = "2016Q4"


@dataclass(frozen=True)
class Example:
    """Rows given per table -> the answers expected for ``period``.

    Rules expect a status per subject id (``expect``: {subject_id or "*": status}); KPIs expect figures
    (numerator, denominator, value, rag) for one ``subject`` at one ``level`` and ``window``."""

    name: str
    given: dict[str, list[dict[str, Any]]]
    expect: dict[str, Any]
    period: str
    parameters: dict[str, Any]
    line: int | None
    subject: str | None = None
    level: str | None = None
    window: str | None = None


def example_period(raw: dict[str, Any], loc: Locator, *steps: Any) -> str:
    period = raw.get("period", DEFAULT_EXAMPLE_PERIOD)
    try:
        parse_period(period)
    except ValueError as exc:
        raise loc.error(str(exc), *steps, "period") from None
    return period


def example_parameters(raw: dict[str, Any], declared: Iterable[str], owner: str, loc: Locator,
                       *steps: Any) -> dict[str, Any]:
    """The parameter values an example sets; each must be one the node has (``owner``: "rule", "KPI")."""
    names = set(declared)
    for name in raw.get("parameters") or {}:
        if name not in names:
            raise loc.error(f"example sets parameter {name!r}, which the {owner} does not declare",
                            *steps, "parameters", name)
    return dict(raw.get("parameters") or {})


def example_given(raw: dict[str, Any], contract_for: Callable[[str, tuple[Any, ...]], Contract], loc: Locator,
                  *steps: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows an example gives, per table: each table known to a contract (``contract_for`` raises a
    located error otherwise), each column one of its columns; dates kept as ISO text."""
    given: dict[str, list[dict[str, Any]]] = {}
    for table, rows in (raw.get("given") or {}).items():
        contract = contract_for(table, (*steps, "given", table))
        clean = []
        for row_index, row in enumerate(rows):
            for column in row:
                if not contract.has_column(column):
                    raise loc.error(f"example row: {table} has no column {column!r}",
                                    *steps, "given", table, row_index, column)
            clean.append({k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in row.items()})
        given[table] = clean
    return given
