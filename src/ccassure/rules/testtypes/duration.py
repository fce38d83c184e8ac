"""``duration``: the time between two dates, against thresholds.

Between two dates of the subject (or looked-up rows):

    test:
      type: duration
      lookup: [{table: consultations, on: {consultation_id: consultation_id}}]
      from: consultations.open_date
      to: consultations.close_date
      unit: days
      at_least: fail_below_days
      warn_below: warn_below_days

Or the age of the latest matching row of a table at the end of the period:

    test:
      type: duration
      table: data_feeds
      where: "feed_type = 'live_births'"
      latest: received_date       # from = the latest received_date on or before the period end
      to: period_end
      unit: months
      warn_above: max_age_months
      if_none: not_met            # no row at all

Durations are measured in days; weeks are 7 days, months 30.4375 days and years 365.25 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccassure.rules.expr import Condition, quote_ident, sql_literal
from ccassure.rules.testtypes.base import CompileContext, LoadContext, Lookup, SqlPlan, TestType, Thresholds
from ccassure.rules.testtypes.common import CHOICE, COLUMN, EXPRESSION, LINK, THRESHOLDS, link_sql, parse_link
from ccassure.rules.testtypes.compare import (
    LOOKUPS_SCHEMA,
    aliases_for,
    lookup_sql,
    observed_sql,
    parse_lookups,
    scope_tables,
)
from ccassure.rules.words import column_words, words

UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}


@dataclass(frozen=True)
class DurationSpec:
    start: tuple[str, str]
    end: tuple[str, str]
    unit: str
    thresholds: Thresholds
    lookups: tuple[Lookup, ...]
    table: str | None
    link: tuple[tuple[str, str], ...]
    where: Condition | None
    if_none: str


class Duration(TestType):
    name = "duration"
    summary = "Time between two dates (or since the latest matching row) against thresholds."
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "unit"],
        "properties": {
            "type": {"const": "duration"},
            "from": {**COLUMN, "description": "Start date column (or use table + latest)."},
            "to": {**COLUMN, "description": "End date column, or period_end / period_start."},
            "unit": {"enum": list(UNIT_DAYS)},
            "lookup": LOOKUPS_SCHEMA,
            "table": {"type": "string", "description": "Measure from the latest matching row of this table."},
            "link": LINK,
            "where": EXPRESSION,
            "latest": {"type": "string", "description": "Date column of table: the latest value is the start."},
            "if_none": {**CHOICE, "description": "Status when table has no matching row (default not_met)."},
            **THRESHOLDS,
        },
    }

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> DurationSpec:
        unit = raw.get("unit")
        thresholds = Thresholds.parse(raw, ctx)
        if raw.get("table") is not None:
            contract = ctx.table(raw["table"], "table")
            if raw.get("latest") is None:
                raise ctx.loc.error("with table, give latest: the date column measured from", "latest")
            if raw.get("lookup") is not None or raw.get("from") is not None:
                raise ctx.loc.error("use either table + latest, or from (with lookup), not both", "table")
            latest = ctx.column(contract, raw["latest"], "latest", types=("date",))
            link = parse_link(raw.get("link"), contract, ctx, "link")
            where = None
            if raw.get("where") is not None:
                where = ctx.condition(raw["where"], {contract.table: contract}, contract.table, "where")
            end = ctx.column_ref(raw.get("to", "period_end"), {ctx.subject_contract.table: ctx.subject_contract},
                                 ctx.subject_contract.table, "to", types=("date",))
            return DurationSpec((contract.table, latest), end, unit, thresholds, (), contract.table, link, where,
                                ctx.choice(raw.get("if_none"), "not_met", "if_none"))
        lookups = parse_lookups(raw.get("lookup"), ctx)
        tables = scope_tables(ctx, lookups)
        default = ctx.subject_contract.table
        if raw.get("from") is None:
            raise ctx.loc.error("give from (a date column) or table + latest", "from")
        start = ctx.column_ref(raw["from"], tables, default, "from", types=("date",))
        end = ctx.column_ref(raw.get("to", "period_end"), tables, default, "to", types=("date",))
        return DurationSpec(start, end, unit, thresholds, lookups, None, (), None, "missing")

    def tables(self, spec: DurationSpec) -> list[str]:
        return [spec.table] if spec.table else [lookup.table for lookup in spec.lookups]

    def params(self, spec: DurationSpec) -> set[str]:
        return spec.thresholds.params() | (spec.where.parameters if spec.where else set())

    def compile(self, spec: DurationSpec, ctx: CompileContext) -> SqlPlan:
        subject_table = ctx.subject.table or "authority"
        factor = UNIT_DAYS[spec.unit]
        threshold = spec.thresholds.text(ctx.params, spec.unit)
        if spec.table:
            return self._compile_latest(spec, ctx, factor, threshold)
        aliases = aliases_for(ctx, spec.lookups)
        joins, branches, evidence, details = lookup_sql(ctx, spec.lookups)

        def col(ref: tuple[str, str]) -> str:
            table, column = ref
            if table == "":
                return sql_literal(ctx.period.start if column == "period_start" else ctx.period.end)
            return f"{aliases[table]}.{quote_ident(column)}"

        value = f"(date_diff('day', {col(spec.start)}, {col(spec.end)}) / {factor})"
        outcome = (f"CASE {' '.join(branches)} WHEN {value} IS NULL THEN 'missing' "
                   f"ELSE {spec.thresholds.outcome_sql(value, ctx.params)} END")
        observed = f"CAST(round({value}, 1) AS VARCHAR) || ' {spec.unit}'"
        dates = observed_sql([spec.start, spec.end], aliases, subject_table, ctx.period_bounds)
        detail = f"CASE {' '.join(details)} ELSE {dates} END" if details else dates
        ev = "[" + ", ".join(evidence) + "]" if evidence else "[]::VARCHAR[]"
        sql = (f"SELECT s.__subject_id AS subject_id, {outcome} AS outcome, {observed} AS observed, "
               f"{sql_literal(threshold)} AS threshold, list_filter({ev}, lambda x: x IS NOT NULL) AS evidence, "
               f"{detail} AS detail FROM {ctx.subjects} s {joins}")
        return SqlPlan(sql)

    def _compile_latest(self, spec: DurationSpec, ctx: CompileContext, factor: float, threshold: str) -> SqlPlan:
        t = "t"
        table, latest = spec.start
        end_table, end_column = spec.end
        end = (sql_literal(ctx.period.start if end_column == "period_start" else ctx.period.end)
               if end_table == "" else f"s.{quote_ident(end_column)}")
        where = ctx.cond(spec.where, {table: t})
        latest_col = f"{t}.{quote_ident(latest)}"
        pk = ", ".join(f"{sql_literal(k)}: {t}.{quote_ident(k)}" for k in ctx.pk(table))
        inner = (f"SELECT s.__subject_id AS sid, max({latest_col}) AS latest, "
                 f"arg_max({{{pk}}}, {latest_col}) AS key "
                 f"FROM {ctx.subjects} s JOIN {ctx.relation(table)} {t} ON {link_sql(spec.link, t)} "
                 f"WHERE {where} AND {latest_col} <= {end} GROUP BY s.__subject_id")
        value = f"(date_diff('day', m.latest, {end}) / {factor})"
        outcome = (f"CASE WHEN m.latest IS NULL THEN {sql_literal(spec.if_none)} "
                   f"ELSE {spec.thresholds.outcome_sql(value, ctx.params)} END")
        observed = f"CAST(round({value}, 1) AS VARCHAR) || ' {spec.unit}'"
        evidence = (f"CASE WHEN m.key IS NULL THEN []::VARCHAR[] ELSE "
                    f"[to_json({{'table': {sql_literal(table)}, 'keys': m.key}})::VARCHAR] END")
        detail = (f"CASE WHEN m.latest IS NULL THEN {sql_literal(f'no matching {table} row on or before the end date')}"
                  f" ELSE 'latest {latest} ' || CAST(m.latest AS VARCHAR) END")
        sql = (f"WITH m AS ({inner}) SELECT s.__subject_id AS subject_id, {outcome} AS outcome, "
               f"{observed} AS observed, {sql_literal(threshold)} AS threshold, {evidence} AS evidence, "
               f"{detail} AS detail FROM {ctx.subjects} s LEFT JOIN m ON m.sid = s.__subject_id")
        return SqlPlan(sql)

    def describe(self, spec: DurationSpec) -> str:
        if spec.table:
            return f"{spec.unit} since the latest {words(spec.start[1])} in {words(spec.table)}"
        return f"{spec.unit} from {column_words(spec.start)} to {column_words(spec.end)}"
