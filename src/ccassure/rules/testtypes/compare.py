"""``compare``: a condition that must hold for the subject's own row (and rows looked up for it).

    test:
      type: compare
      lookup:
        - {table: gias_centres, on: {urn: urn}, if_no_match: not_met}
      that: "gias_centres.status = status"
      if_unknown: not_evaluable     # when a value the condition needs is blank

``date_order``: dates that must come in order.

    test:
      type: date_order
      lookup: [{table: consultations, on: {consultation_id: consultation_id}, if_no_match: not_met}]
      first: consultations.close_date
      before: [decision_date, implementation_date]   # blank later dates are skipped
      strictly: true
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccassure.contracts.model import Contract
from ccassure.rules.expr import Condition, quote_ident, sql_literal
from ccassure.rules.testtypes.base import CompileContext, LoadContext, Lookup, SqlPlan, TestType
from ccassure.rules.testtypes.common import CHOICE, COLUMN, EXPRESSION, LOOKUP
from ccassure.rules.words import column_words

LOOKUPS_SCHEMA = {"oneOf": [LOOKUP, {"type": "array", "items": LOOKUP}]}


def parse_lookups(raw: Any, ctx: LoadContext) -> tuple[Lookup, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    lookups = []
    for index, item in enumerate(items):
        steps = ("lookup", index) if isinstance(raw, list) else ("lookup",)
        lookup = Lookup.parse(item, ctx, *steps)
        if lookup.table == ctx.subject_contract.table or any(lookup.table == other.table for other in lookups):
            raise ctx.loc.error(f"{lookup.table} is already read by this test; look each table up once", *steps)
        lookups.append(lookup)
    return tuple(lookups)


def scope_tables(ctx: LoadContext, lookups: tuple[Lookup, ...]) -> dict[str, Contract]:
    tables = {ctx.subject_contract.table: ctx.subject_contract}
    for lookup in lookups:
        tables[lookup.table] = ctx.contracts[lookup.table]
    return tables


def aliases_for(ctx: CompileContext, lookups: tuple[Lookup, ...]) -> dict[str, str]:
    subject_table = ctx.subject.table or "authority"
    aliases = {subject_table: "s"}
    for index, lookup in enumerate(lookups):
        aliases[lookup.table] = f"l{index}"
    return aliases


def lookup_sql(ctx: CompileContext, lookups: tuple[Lookup, ...]) -> tuple[str, list[str], list[str], list[str]]:
    """Joins, CASE branches for unmatched lookups, evidence items, detail branches."""
    joins, branches, evidence, details = [], [], [], []
    for index, lookup in enumerate(lookups):
        alias = f"l{index}"
        joins.append(ctx.lookup_join(lookup, alias))
        matched = ctx.lookup_matched(lookup, alias)
        branches.append(f"WHEN NOT {matched} THEN {sql_literal(lookup.if_no_match)}")
        evidence.append(ctx.row_evidence(lookup.table, alias))
        keys = ", ".join(ours for _, ours in lookup.on)
        details.append(f"WHEN NOT {matched} THEN {sql_literal(f'no matching {lookup.table} row for {keys}')}")
    return " ".join(joins), branches, evidence, details


def observed_sql(columns: list[tuple[str, str]], aliases: dict[str, str], subject_table: str,
                 period: tuple[Any, Any]) -> str:
    parts = []
    for table, column in columns:
        if table == "":
            value = sql_literal(period[0] if column == "period_start" else period[1])
            label = column
        else:
            value = f"{aliases[table]}.{quote_ident(column)}"
            label = column if table == subject_table else f"{table}.{column}"
        parts.append(f"{sql_literal(label + '=')} || coalesce(CAST({value} AS VARCHAR), 'blank')")
    return "concat_ws('; ', " + ", ".join(parts) + ")" if parts else "NULL"


@dataclass(frozen=True)
class CompareSpec:
    that: Condition
    lookups: tuple[Lookup, ...]
    if_unknown: str


class Compare(TestType):
    name = "compare"
    summary = "A condition over the subject's row (and looked-up rows) must hold."
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "that"],
        "properties": {
            "type": {"const": "compare"},
            "that": {**EXPRESSION, "description": "The condition that must be true for the subject."},
            "lookup": LOOKUPS_SCHEMA,
            "if_unknown": {**CHOICE, "description": "Status when a value the condition needs is blank "
                                                   "(default not_evaluable)."},
        },
    }

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> CompareSpec:
        lookups = parse_lookups(raw.get("lookup"), ctx)
        that = ctx.condition(raw.get("that"), scope_tables(ctx, lookups), ctx.subject_contract.table, "that")
        return CompareSpec(that, lookups, ctx.choice(raw.get("if_unknown"), "not_evaluable", "if_unknown"))

    def tables(self, spec: CompareSpec) -> list[str]:
        return [lookup.table for lookup in spec.lookups]

    def params(self, spec: CompareSpec) -> set[str]:
        return spec.that.parameters

    def compile(self, spec: CompareSpec, ctx: CompileContext) -> SqlPlan:
        aliases = aliases_for(ctx, spec.lookups)
        joins, branches, evidence, details = lookup_sql(ctx, spec.lookups)
        that = ctx.cond(spec.that, aliases)
        outcome = (f"CASE {' '.join(branches)} WHEN {that} THEN 'pass' WHEN NOT {that} THEN 'fail' "
                   f"ELSE {sql_literal(spec.if_unknown)} END")
        columns = sorted(spec.that.columns)
        observed = observed_sql(columns, aliases, ctx.subject.table or "authority", ctx.period_bounds)
        detail = f"CASE {' '.join(details)} ELSE NULL END" if details else "NULL"
        ev = "[" + ", ".join(evidence) + "]" if evidence else "[]::VARCHAR[]"
        sql = (f"SELECT s.__subject_id AS subject_id, {outcome} AS outcome, {observed} AS observed, "
               f"{sql_literal(spec.that.text)} AS threshold, list_filter({ev}, lambda x: x IS NOT NULL) AS evidence, "
               f"{detail} AS detail FROM {ctx.subjects} s {joins}")
        return SqlPlan(sql)

    def describe(self, spec: CompareSpec) -> str:
        return f"check that {spec.that.words}"


@dataclass(frozen=True)
class DateOrderSpec:
    first: tuple[str, str]
    before: tuple[tuple[str, str], ...]
    strictly: bool
    lookups: tuple[Lookup, ...]
    if_first_missing: str


class DateOrder(TestType):
    name = "date_order"
    summary = "A date must come before other dates (blank later dates are skipped)."
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "first", "before"],
        "properties": {
            "type": {"const": "date_order"},
            "first": {**COLUMN, "description": "The date that must come first."},
            "before": {"oneOf": [COLUMN, {"type": "array", "items": COLUMN, "minItems": 1}],
                       "description": "The date(s) it must come before."},
            "strictly": {"type": "boolean", "description": "true (default): strictly before; false: on or before."},
            "lookup": LOOKUPS_SCHEMA,
            "if_first_missing": {**CHOICE, "description": "Status when the first date is blank (default not_met)."},
        },
    }

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> DateOrderSpec:
        lookups = parse_lookups(raw.get("lookup"), ctx)
        tables = scope_tables(ctx, lookups)
        default = ctx.subject_contract.table
        first = ctx.column_ref(raw.get("first"), tables, default, "first", types=("date",))
        before_raw = raw.get("before")
        items = before_raw if isinstance(before_raw, list) else [before_raw]
        before = tuple(ctx.column_ref(item, tables, default, "before", types=("date",)) for item in items)
        strictly = raw.get("strictly", True)
        if not isinstance(strictly, bool):
            raise ctx.loc.error("strictly must be true or false", "strictly")
        return DateOrderSpec(first, before, strictly, lookups,
                             ctx.choice(raw.get("if_first_missing"), "not_met", "if_first_missing"))

    def tables(self, spec: DateOrderSpec) -> list[str]:
        return [lookup.table for lookup in spec.lookups]

    def compile(self, spec: DateOrderSpec, ctx: CompileContext) -> SqlPlan:
        aliases = aliases_for(ctx, spec.lookups)
        joins, branches, evidence, details = lookup_sql(ctx, spec.lookups)

        def col(ref: tuple[str, str]) -> str:
            table, column = ref
            if table == "":
                return sql_literal(ctx.period.start if column == "period_start" else ctx.period.end)
            return f"{aliases[table]}.{quote_ident(column)}"

        op = "<" if spec.strictly else "<="
        first = col(spec.first)
        later = [col(ref) for ref in spec.before]
        any_later = " OR ".join(f"{x} IS NOT NULL" for x in later)
        broken = " OR ".join(f"({x} IS NOT NULL AND NOT ({first} {op} {x}))" for x in later)
        outcome = (f"CASE {' '.join(branches)} WHEN {first} IS NULL THEN {sql_literal(spec.if_first_missing)} "
                   f"WHEN NOT ({any_later}) THEN 'missing' WHEN {broken} THEN 'fail' ELSE 'pass' END")
        subject_table = ctx.subject.table or "authority"
        observed = observed_sql([spec.first, *spec.before], aliases, subject_table, ctx.period_bounds)
        label = _label(spec.first, subject_table)
        word = "before" if spec.strictly else "on or before"
        threshold = f"{label} {word} {', '.join(_label(ref, subject_table) for ref in spec.before)}"
        gaps = ", ".join(f"CASE WHEN {first} IS NOT NULL AND {x} IS NOT NULL THEN "
                         f"{sql_literal(_label(ref, subject_table) + ' ')} || "
                         f"CAST(date_diff('day', {first}, {x}) AS VARCHAR) || ' days after' END"
                         for x, ref in zip(later, spec.before, strict=True))
        gap_text = f"concat_ws('; ', {gaps})"
        detail = f"CASE {' '.join(details)} ELSE {gap_text} END" if details else gap_text
        ev = "[" + ", ".join(evidence) + "]" if evidence else "[]::VARCHAR[]"
        sql = (f"SELECT s.__subject_id AS subject_id, {outcome} AS outcome, {observed} AS observed, "
               f"{sql_literal(threshold)} AS threshold, list_filter({ev}, lambda x: x IS NOT NULL) AS evidence, "
               f"{detail} AS detail FROM {ctx.subjects} s {joins}")
        return SqlPlan(sql)

    def describe(self, spec: DateOrderSpec) -> str:
        return f"{column_words(spec.first)} is before {' and '.join(column_words(r) for r in spec.before)}"


def _label(ref: tuple[str, str], subject_table: str) -> str:
    table, column = ref
    return column if table in ("", subject_table) else f"{table}.{column}"
