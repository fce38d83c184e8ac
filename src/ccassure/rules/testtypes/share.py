"""``share``: the percentage of a table's rows (or of a weight column) linked to the subject that match.

    test:
      type: share
      table: board_members
      where: "end_date IS NULL OR end_date >= period_end"   # the rows counted at all (denominator)
      numerator: "role = 'parent'"                          # the rows that count towards the share
      weight: null                                          # optional number column to sum instead of rows
      at_least: 25                                          # percent
      if_empty: not_evaluable                               # no rows in the denominator
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccassure.rules.expr import Condition, quote_ident, sql_literal
from ccassure.rules.testtypes.base import CompileContext, LoadContext, SqlPlan, TestType, Thresholds
from ccassure.rules.testtypes.common import (
    CHOICE,
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
class ShareSpec:
    table: str
    link: tuple[tuple[str, str], ...]
    where: Condition | None
    numerator: Condition
    weight: str | None
    window: Window | None
    thresholds: Thresholds
    if_empty: str


class Share(TestType):
    name = "share"
    summary = "Percentage of linked rows (or of a weight) that match a condition."
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "table", "numerator"],
        "properties": {
            "type": {"const": "share"},
            "table": {"type": "string"},
            "link": LINK,
            "where": {**EXPRESSION, "description": "Rows in the denominator."},
            "numerator": {**EXPRESSION, "description": "Rows (of the denominator) in the numerator."},
            "weight": {"type": "string", "description": "Number column summed instead of counting rows."},
            **WINDOW,
            "if_empty": {**CHOICE, "description": "Status when the denominator is zero (default not_evaluable)."},
            **THRESHOLDS,
        },
    }

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> ShareSpec:
        contract = ctx.table(raw.get("table"), "table")
        scope = {contract.table: contract}
        link = parse_link(raw.get("link"), contract, ctx, "link")
        where = ctx.condition(raw["where"], scope, contract.table, "where") if raw.get("where") else None
        numerator = ctx.condition(raw.get("numerator"), scope, contract.table, "numerator")
        weight = None
        if raw.get("weight") is not None:
            weight = ctx.column(contract, raw["weight"], "weight", types=("integer", "number"))
        return ShareSpec(contract.table, link, where, numerator, weight, parse_window(raw, contract, ctx),
                         Thresholds.parse(raw, ctx), ctx.choice(raw.get("if_empty"), "not_evaluable", "if_empty"))

    def tables(self, spec: ShareSpec) -> list[str]:
        return [spec.table]

    def params(self, spec: ShareSpec) -> set[str]:
        used = spec.thresholds.params() | spec.numerator.parameters
        return used | (spec.where.parameters if spec.where else set())

    def compile(self, spec: ShareSpec, ctx: CompileContext) -> SqlPlan:
        t = "t"
        aliases = {spec.table: t}
        where = ctx.cond(spec.where, aliases)
        numerator = ctx.cond(spec.numerator, aliases)
        if spec.window is not None:
            start, end = spec.window.bounds(*ctx.period_bounds)
            where = (f"({where} AND {t}.{quote_ident(spec.window.column)} "
                     f"BETWEEN {sql_literal(start)} AND {sql_literal(end)})")
        amount = f"coalesce({t}.{quote_ident(spec.weight)}, 0)" if spec.weight else "1"
        keys = [theirs for theirs, _ in spec.link]
        key_select = ", ".join(f"{t}.{quote_ident(k)} AS k{i}" for i, k in enumerate(keys))
        group = ", ".join(f"{t}.{quote_ident(k)}" for k in keys)
        agg = (f"SELECT {key_select}, sum({amount}) AS den, sum({amount}) FILTER (WHERE {numerator}) AS num, "
               f"{ctx.rows_evidence(spec.table, t, numerator)} AS ev "
               f"FROM {ctx.relation(spec.table)} {t} WHERE {where} GROUP BY {group}")
        join = " AND ".join(f"a.k{i} = s.{quote_ident(ours)}" for i, (_, ours) in enumerate(spec.link))
        value = "(100.0 * coalesce(a.num, 0) / a.den)"
        outcome = (f"CASE WHEN coalesce(a.den, 0) = 0 THEN {sql_literal(spec.if_empty)} "
                   f"ELSE {spec.thresholds.outcome_sql(value, ctx.params)} END")
        observed = (f"CASE WHEN coalesce(a.den, 0) = 0 THEN NULL ELSE CAST(round({value}, 1) AS VARCHAR) || '%' END")
        detail = (f"CASE WHEN coalesce(a.den, 0) = 0 THEN {sql_literal(f'no {spec.table} rows to take a share of')} "
                  f"ELSE CAST(coalesce(a.num, 0) AS VARCHAR) || ' of ' || CAST(a.den AS VARCHAR) END")
        threshold = f"share where {spec.numerator.text}: {spec.thresholds.text(ctx.params, '%')}"
        sql = (f"WITH a AS ({agg}) SELECT s.__subject_id AS subject_id, {outcome} AS outcome, {observed} AS observed, "
               f"{sql_literal(threshold)} AS threshold, a.ev AS evidence, {detail} AS detail "
               f"FROM {ctx.subjects} s LEFT JOIN a ON {join}")
        return SqlPlan(sql)

    def describe(self, spec: ShareSpec) -> str:
        base = f"share of {words(spec.table)}" + (f" weighted by {words(spec.weight)}" if spec.weight else " rows")
        return base + f" where {spec.numerator.words}"
