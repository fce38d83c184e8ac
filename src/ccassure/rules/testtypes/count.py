"""``count`` and ``exists``: how many rows of a table, linked to the subject, match a condition.

    test:
      type: count
      table: sessions
      where: "on_site AND min_age_months < 60"
      dated_by: date          # optional: only rows dated in the period (or within: 12 months)
      coverage: provider      # optional: not_evaluable when the table has no rows in the window for the
                              #           subject's provider at all (the return did not cover the period)
      distinct: service_category   # optional: count distinct values instead of rows
      at_least: 1

``exists`` is ``count`` with ``at_least: 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccassure.rules.expr import Condition, quote_ident, sql_literal
from ccassure.rules.testtypes.base import CompileContext, LoadContext, SqlPlan, TestType, Thresholds
from ccassure.rules.testtypes.common import (
    EXPRESSION,
    LINK,
    THRESHOLDS,
    WINDOW,
    Window,
    parse_link,
    parse_window,
)
from ccassure.rules.words import words


@dataclass(frozen=True)
class CountSpec:
    table: str
    link: tuple[tuple[str, str], ...]
    where: Condition | None
    window: Window | None
    distinct: str | None
    coverage: str | None
    thresholds: Thresholds
    group_places: bool = False  # rows at a linked site count for the centre it belongs to (s.5A(4))


class Count(TestType):
    name = "count"
    summary = "Count the rows of a table linked to the subject that match a condition."
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "table"],
        "properties": {
            "type": {"const": "count"},
            "table": {"type": "string", "description": "The table whose rows are counted."},
            "where": EXPRESSION,
            "link": LINK,
            **WINDOW,
            "distinct": {"type": "string", "description": "Count distinct values of this column instead of rows."},
            "coverage": {"enum": ["provider", "authority"],
                         "description": "not_evaluable when the table has no rows at all in the window for the "
                                        "subject's provider (or authority)."},
            "group_places": {"type": "boolean",
                             "description": "A centre may be a group of places (s.5A(4)): rows at a linked site "
                                            "count for the centre named in its parent_centre_id."},
            **THRESHOLDS,
        },
    }
    default_at_least: int | None = None

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> CountSpec:
        contract = ctx.table(raw.get("table"), "table")
        link = parse_link(raw.get("link"), contract, ctx, "link")
        where = None
        if raw.get("where") is not None:
            where = ctx.condition(raw["where"], {contract.table: contract}, contract.table, "where")
        window = parse_window(raw, contract, ctx)
        distinct = ctx.column(contract, raw["distinct"], "distinct") if raw.get("distinct") else None
        coverage = raw.get("coverage")
        if coverage == "provider" and ctx.subject.provider is None:
            raise ctx.loc.error(f"coverage: provider needs a subject with a provider; a {ctx.subject.type} has none",
                                "coverage")
        raw_thresholds = dict(raw)
        if self.default_at_least is not None and not any(
                raw.get(k) is not None for k in ("at_least", "at_most", "warn_below", "warn_above")):
            raw_thresholds["at_least"] = self.default_at_least
        thresholds = Thresholds.parse(raw_thresholds, ctx)
        group_places = bool(raw.get("group_places"))
        if group_places and (ctx.subject.table != "centres" or not contract.has_column("centre_id")):
            raise ctx.loc.error("group_places needs a centre subject and a table with centre_id", "group_places")
        return CountSpec(contract.table, link, where, window, distinct, coverage, thresholds, group_places)

    def tables(self, spec: CountSpec) -> list[str]:
        return [spec.table]

    def params(self, spec: CountSpec) -> set[str]:
        return spec.thresholds.params() | (spec.where.parameters if spec.where else set())

    def compile(self, spec: CountSpec, ctx: CompileContext) -> SqlPlan:
        t = "t"
        where = ctx.cond(spec.where, {spec.table: t})
        window_sql, window_text = "TRUE", ""
        if spec.window is not None:
            start, end = spec.window.bounds(*ctx.period_bounds)
            column = f"{t}.{quote_ident(spec.window.column)}"
            window_sql = f"{column} BETWEEN {sql_literal(start)} AND {sql_literal(end)}"
            window_text = f" {spec.window.describe()} ({start} to {end})"
        keys = [theirs for theirs, _ in spec.link]
        key_select = ", ".join(f"{t}.{quote_ident(k)} AS k{i}" for i, k in enumerate(keys))
        group = ", ".join(f"{t}.{quote_ident(k)}" for k in keys)
        counted = (f"count(DISTINCT {t}.{quote_ident(spec.distinct)})" if spec.distinct else "count(*)")
        agg = (f"SELECT {key_select}, {counted} FILTER (WHERE {where}) AS n, count(*) AS n_all, "
               f"{ctx.rows_evidence(spec.table, t, where, with_others=True)} AS ev "
               f"FROM {_grouped(ctx.relation(spec.table)) if spec.group_places else ctx.relation(spec.table)} {t} "
               f"WHERE {window_sql} GROUP BY {group}")
        join = " AND ".join(f"a.k{i} = s.{quote_ident(ours)}" for i, (_, ours) in enumerate(spec.link))
        n = "coalesce(a.n, 0)"
        outcome = spec.thresholds.outcome_sql(n, ctx.params)
        if spec.coverage:
            part = "s.__provider" if spec.coverage == "provider" else "s.__authority"
            covered = f"sum(coalesce(a.n_all, 0)) OVER (PARTITION BY {part})"
            outcome = f"(CASE WHEN {covered} = 0 THEN 'missing' ELSE {outcome} END)"
            who = "provider" if spec.coverage == "provider" else "authority"
            detail = (f"(CASE WHEN {covered} = 0 THEN 'no {spec.table} rows{window_text} from this {who}: '"
                      f" || 'the data do not cover the period' END)")
        else:
            detail = "NULL"
        what = f"distinct {spec.distinct}" if spec.distinct else f"{spec.table} rows"
        threshold = f"{what}{window_text}: {spec.thresholds.text(ctx.params)}"
        sql = (f"WITH a AS ({agg}) "
               f"SELECT s.__subject_id AS subject_id, {outcome} AS outcome, CAST({n} AS VARCHAR) AS observed, "
               f"{sql_literal(threshold)} AS threshold, a.ev AS evidence, {detail} AS detail "
               f"FROM {ctx.subjects} s LEFT JOIN a ON {join}")
        return SqlPlan(sql)

    def describe(self, spec: CountSpec) -> str:
        what = f"distinct {words(spec.distinct)} values" if spec.distinct else "rows"
        text = f"count {what} of {words(spec.table)}"
        if spec.where:
            text += f" where {spec.where.words}"
        if spec.window:
            text += f", dated by {words(spec.window.column)} {spec.window.describe()}"
        return text


def _grouped(relation: str) -> str:
    """The table with each linked site's rows credited to the centre it belongs to."""
    return (f"(SELECT r.* REPLACE (coalesce(g.parent_centre_id, r.centre_id) AS centre_id) FROM {relation} r "
            "LEFT JOIN centres g ON g.centre_id = r.centre_id AND g.designation = 'linked_site' "
            "AND g.parent_centre_id IS NOT NULL)")


class Exists(Count):
    name = "exists"
    summary = "At least one row of a table linked to the subject matches a condition (count with at_least: 1)."
    schema = {**Count.schema, "properties": {**Count.schema["properties"], "type": {"const": "exists"}}}
    default_at_least = 1
