"""KPI -> DuckDB SQL. Nothing from a framework file reaches the database as text: filters are rendered by
the rules engine's checked expression tree, identifiers are quoted and literals escaped.

Each record-level table ``T`` is prepared once as ``"__k_T"``: its rows plus ``__centre`` (the centre, with a
linked site rolled up to the centre it belongs to), ``__cluster``, ``__provider`` and ``__authority`` from the
centres table. One query per KPI and table scans ``__k_T`` once and computes every measure for every window
instance as ``agg(...) FILTER (WHERE ...)``, grouped by the KPI's subject levels with GROUPING SETS. The SQL
is plain (GROUPING SETS, FILTER, IN sub-queries), so it ports to Spark or Trino.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ccassure.kpis.loader import POPULATION_TABLE, REACH_TABLE
from ccassure.kpis.model import Kpi, Measure
from ccassure.kpis.windows import WindowSpan, r12_start
from ccassure.rules.expr import quote_ident as q
from ccassure.rules.expr import sql_literal

LEVEL_COLUMN = {"centre": "__centre", "cluster": "__cluster", "provider": "__provider", "authority": "__authority"}


def prepared(table: str) -> str:
    return q(f"__k_{table}")


@dataclass(frozen=True)
class Aggregate:
    """One output column: a measure (with an optional extra condition) in one window."""

    name: str
    measure: Measure
    window: WindowSpan
    extra: str | None = None  # rendered SQL condition (gap groups)


def measure_filter(measure: Measure, window: WindowSpan, params: dict[str, Any], alias: str = "t",
                   having_sql=None, month_number=None, month_date=None) -> str:
    """SQL condition selecting the rows of ``measure`` that count in ``window``.

    ``having_sql(having, start, end, at_least, column_sql)``, when given, renders a having test against
    precomputed counts (the batched evaluator); by default it is an IN sub-query. ``month_number(column)``,
    when given, names a precomputed year*12+month column for a yyyy-mm column (``month_date``: its first day)."""
    col = lambda name: f"{alias}.{q(name)}"  # noqa: E731
    parts: list[str] = []
    bounds = (window.start, window.end)
    if measure.where is not None:
        parts.append(measure.where.sql({measure.table: alias}, params, bounds))
    if measure.dated:
        parts.append(f"{col(measure.dated)} BETWEEN {sql_literal(window.start)} AND {sql_literal(window.end)}")
    if measure.open:
        start, end = measure.open
        parts.append(f"{col(start)} <= {sql_literal(window.end)} AND "
                     f"({col(end)} IS NULL OR {col(end)} >= {sql_literal(window.start)})")
    if measure.age_below:
        months = int(measure.age_below.months.resolve(params) or 0)
        c = col(measure.age_below.column)
        day = window.start if measure.age_below.at == "start" else window.end
        number = month_number(measure.age_below.column) if month_number else \
            f"(TRY_CAST(substr({c}, 1, 4) AS INTEGER) * 12 + TRY_CAST(substr({c}, 6, 2) AS INTEGER))"
        age = f"({day.year * 12 + day.month} - {number})"
        parts.append(f"{age} >= 0 AND {age} < {months}")
    if measure.days_between:
        d = measure.days_between
        def as_date(column: str, is_month: bool) -> str:
            if is_month:
                return month_date(column) if month_date else f"TRY_CAST({col(column)} || '-01' AS DATE)"
            return f"CAST({col(column)} AS DATE)"

        start, end = as_date(d.start, d.start_is_month), as_date(d.end, d.end_is_month)
        parts.append(f"{col(d.start)} IS NOT NULL AND {col(d.end)} IS NOT NULL")
        for ref, op in ((d.at_most, "<="), (d.at_least, ">=")):
            if ref is not None:
                parts.append(f"date_diff('day', {start}, {end}) {op} {sql_literal(ref.resolve(params))}")
    if measure.rise:
        r = measure.rise
        parts.append(f"{col(r.from_)} IS NOT NULL AND {col(r.to)} IS NOT NULL AND "
                     f"{col(r.to)} - {col(r.from_)} >= {sql_literal(r.at_least.resolve(params))}")
    if measure.having:
        h = measure.having
        start = window.start if h.within == "window" else r12_start(window.end)
        if having_sql is not None:
            parts.append(having_sql(h, start, window.end, h.at_least.resolve(params), col(h.on)))
            return " AND ".join(f"({p})" for p in parts)
        inner: list[str] = []
        if h.where is not None:
            inner.append(h.where.sql({h.table: "h"}, params, (start, window.end)))
        if h.dated:
            inner.append(f"h.{q(h.dated)} BETWEEN {sql_literal(start)} AND {sql_literal(window.end)}")
        inner_where = " AND ".join(f"({p})" for p in inner) or "TRUE"
        parts.append(f"{col(h.on)} IN (SELECT h.{q(h.their_on)} FROM {q(h.table)} h WHERE {inner_where} "
                     f"GROUP BY h.{q(h.their_on)} HAVING count(*) >= {sql_literal(h.at_least.resolve(params))})")
    return " AND ".join(f"({p})" for p in parts) or "TRUE"


def aggregate_sql(agg: Aggregate, params: dict[str, Any], alias: str = "t") -> str:
    m = agg.measure
    condition = measure_filter(m, agg.window, params, alias)
    if agg.extra:
        condition = f"({condition}) AND ({agg.extra})"
    if m.distinct:
        expr = f"count(DISTINCT {alias}.{q(m.distinct)}) FILTER (WHERE {condition})"
    elif m.sum:
        expr = f"coalesce(sum({alias}.{q(m.sum)}) FILTER (WHERE {condition}), 0)"
    else:
        expr = f"count(*) FILTER (WHERE {condition})"
    return f"{expr} AS {q(agg.name)}"


def grouped_sql(table: str, aggregates: list[Aggregate], levels: tuple[str, ...], params: dict[str, Any]) -> str:
    """One scan of a prepared record-level table: every aggregate, per subject of every level."""
    sets = []
    for level in levels:
        sets.append("(__authority)" if level == "authority" else f"(__authority, {LEVEL_COLUMN[level]})")
    level_case = _level_case(levels)
    subject = "CASE " + " ".join(f"WHEN GROUPING({LEVEL_COLUMN[lv]}) = 0 THEN {LEVEL_COLUMN[lv]}"
                                 for lv in levels if lv != "authority") + " ELSE __authority END"
    if levels == ("authority",):
        subject = "__authority"
    columns = ", ".join(aggregate_sql(a, params) for a in aggregates)
    return (f"SELECT {level_case} AS level, __authority AS authority_code, {subject} AS subject_id, {columns} "
            f"FROM {prepared(table)} t GROUP BY GROUPING SETS ({', '.join(sets)})")


def _level_case(levels: tuple[str, ...]) -> str:
    whens = [f"WHEN GROUPING({LEVEL_COLUMN[lv]}) = 0 THEN '{lv}'" for lv in levels if lv != "authority"]
    if not whens:
        return "'authority'"
    return f"CASE {' '.join(whens)} ELSE 'authority' END"


def population_sql(aggregates: list[Aggregate], levels: tuple[str, ...], params: dict[str, Any],
                   have_reach: bool) -> str:
    """lsoa_population summed over each subject's reach-area LSOAs (authority: all of its LSOAs), for the
    latest population year at or before each window's end."""
    selects = []

    def cols(alias: str) -> str:
        out = []
        for agg in aggregates:
            year = (f"(SELECT max(y.{q('year')}) FROM {q(POPULATION_TABLE)} y "
                    f"WHERE y.{q('year')} <= {agg.window.end.year})")
            condition = measure_filter(agg.measure, agg.window, params, alias)
            out.append(f"coalesce(sum({alias}.{q(agg.measure.sum or 'under5')}) FILTER (WHERE {condition} AND "
                       f"{alias}.{q('year')} = {year}), 0) AS {q(agg.name)}")
        return ", ".join(out)

    below = tuple(lv for lv in levels if lv != "authority")
    if below and have_reach:
        sets = ", ".join(f"(m.authority_code, m.{lv})" for lv in below)
        case = "CASE " + " ".join(f"WHEN GROUPING(m.{lv}) = 0 THEN '{lv}'" for lv in below) + " END"
        subject = "CASE " + " ".join(f"WHEN GROUPING(m.{lv}) = 0 THEN m.{lv}" for lv in below) + " END"
        reach = (f"(SELECT DISTINCT r.{q('centre_id')}, r.{q('lsoa_code')} FROM {q(REACH_TABLE)} r)")
        selects.append(
            f"SELECT {case} AS level, m.authority_code AS authority_code, {subject} AS subject_id, {cols('p')} "
            f"FROM {q(POPULATION_TABLE)} p JOIN {reach} ra ON ra.{q('lsoa_code')} = p.{q('lsoa_code')} "
            f"JOIN {q('__k_units')} m ON m.centre_id = ra.{q('centre_id')} "
            f"GROUP BY GROUPING SETS ({sets})")
    if "authority" in levels:
        selects.append(
            f"SELECT 'authority' AS level, p.{q('authority_code')} AS authority_code, "
            f"p.{q('authority_code')} AS subject_id, {cols('p')} FROM {q(POPULATION_TABLE)} p "
            f"WHERE p.{q('authority_code')} IN (SELECT authority_code FROM {q('__k_units')}) "
            f"GROUP BY p.{q('authority_code')}")
    return " UNION ALL ".join(selects)


def kpi_aggregates(kpi: Kpi, windows: list[WindowSpan], params: dict[str, Any]) -> dict[str, list[Aggregate]]:
    """The aggregates of a KPI, by table: n<i> (numerator) and d<i> (denominator) for window i; for gap KPIs
    also no<i>/do<i> for the others, with n<i>/d<i> for the focus group."""
    by_table: dict[str, list[Aggregate]] = {}
    group_sql = kpi.group.sql({kpi.numerator.table: "t"}, params, (date.min, date.max)) if kpi.group else None
    for i, window in enumerate(windows):
        items: list[tuple[str, Measure, str | None]] = []
        if kpi.kind == "gap":
            items += [(f"n{i}", kpi.numerator, group_sql), (f"d{i}", kpi.denominator, group_sql),  # type: ignore[list-item]
                      (f"no{i}", kpi.numerator, f"NOT coalesce({group_sql}, TRUE)"),
                      (f"do{i}", kpi.denominator, f"NOT coalesce({group_sql}, TRUE)")]  # type: ignore[list-item]
        else:
            items.append((f"n{i}", kpi.numerator, None))
            if kpi.denominator is not None:
                items.append((f"d{i}", kpi.denominator, None))
        for name, measure, extra in items:
            by_table.setdefault(measure.table, []).append(Aggregate(name, measure, window, extra))
    return by_table
