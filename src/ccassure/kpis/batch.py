"""The batched plan: every KPI of every framework over one table in one scan.

For a record-level table ``T`` whose KPIs count distinct values of (and whose having-tests match on) at most
one column ``K`` (``family_ref`` in practice):

1. stage 1 scans ``T`` once, joined to the centre map, ``GROUP BY`` centre, cluster, provider, authority and
   ``K``: one column per distinct condition used anywhere (``count(*) FILTER``, ``sum(x) FILTER`` or
   ``bool_or`` for distinct counts; identical conditions from different KPIs share a column);
2. having-tests of other tables on ``T`` (families with 3+ contacts in 12 months) read per-key totals of
   stage 1 (one small table per ``T``), so ``T`` is never rescanned per KPI or window;
3. stage 2 rolls stage 1 up to centre, cluster, provider and authority. When every key belongs to one centre
   (checked), a distinct count is a sum of per-centre counts; otherwise it is an exact
   ``count(DISTINCT)`` per level.

Tables outside this shape fall back to one query per KPI (:func:`ccassure.kpis.compiler.grouped_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from ccassure.kpis.compiler import Aggregate, aggregate_sql, measure_filter
from ccassure.kpis.loader import POPULATION_TABLE
from ccassure.kpis.model import LEVELS, Having
from ccassure.rules.expr import quote_ident as q
from ccassure.rules.expr import sql_literal

LEVEL_COLUMN = {"centre": "__centre", "cluster": "__cluster", "provider": "__provider", "authority": "__authority"}
UNIT_KEYS = "__authority, __centre, __cluster, __provider"


@dataclass
class Request:
    """One aggregate of one KPI, with the KPI's parameter values."""

    kpi: str
    agg: Aggregate
    params: dict[str, Any]


@dataclass
class TablePlan:
    table: str
    key: str | None
    columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, sql) -> stage-1 column
    havings: dict[tuple[str, str], str] = field(default_factory=dict)  # (their_on, condition sql) -> column
    requests: list[tuple[Request, str]] = field(default_factory=list)  # request -> column


def _sql_kind(agg: Aggregate) -> tuple[str, str | None]:
    m = agg.measure
    if m.distinct:
        return "distinct", m.distinct
    if m.sum:
        return "sum", m.sum
    return "count", None


class BatchEvaluator:
    """Runs every request; ``frame_for(kpi_id)`` then gives (level, authority_code, subject_id, n0, d0, ...)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, present: set[str], month_columns: dict[str, set[str]]):
        self.con = con
        self.present = present
        self.month_columns = month_columns
        self.results: dict[str, pd.DataFrame] = {}  # table -> stage-2 frame
        self.mapping: dict[str, dict[str, tuple[str, str]]] = {}  # kpi -> agg name -> (table, column)
        self.having_tables: dict[tuple[str, str], tuple[str, dict[tuple[str, str], str]]] = {}

    # planning -------------------------------------------------------------------------------------------

    def plan(self, requests: list[Request]) -> tuple[dict[str, TablePlan], list[Request]]:
        by_table: dict[str, list[Request]] = {}
        for request in requests:
            by_table.setdefault(request.agg.measure.table, []).append(request)
        # the key each table is reduced on: its distinct columns and the having keys others test against it
        keys: dict[str, set[str]] = {t: set() for t in by_table}
        for request in requests:
            m = request.agg.measure
            if m.distinct:
                keys.setdefault(m.table, set()).add(m.distinct)
            if m.having is not None:
                keys.setdefault(m.having.table, set()).add(m.having.their_on)
        plans: dict[str, TablePlan] = {}
        fallback: list[Request] = []
        for table, key_set in keys.items():
            if table == POPULATION_TABLE or len(key_set) > 1:
                fallback += by_table.get(table, [])
                continue
            plans[table] = TablePlan(table, next(iter(key_set)) if key_set else None)
        for table, items in by_table.items():
            if table in plans:
                # a having-test on a table that is not batched (it has several keys) runs on its own
                planned = [r for r in items if r.agg.measure.having is None or r.agg.measure.having.table in plans]
                fallback += [r for r in items if r not in planned]
                plans[table].requests = [(r, "") for r in planned]
        return plans, fallback

    # execution ------------------------------------------------------------------------------------------

    def _register_having(self, plan: TablePlan, h: Having, request: Request) -> None:
        for start, end in self._having_spans(h, request):
            condition = self._having_condition(h, start, end, request.params)
            key = (h.their_on, condition)
            if key not in plan.havings:
                plan.havings[key] = f"h{len(plan.havings)}"

    @staticmethod
    def _having_spans(h: Having, request: Request):
        from ccassure.kpis.windows import r12_start

        window = request.agg.window
        start = window.start if h.within == "window" else r12_start(window.end)
        yield start, window.end

    @staticmethod
    def _having_condition(h: Having, start, end, params: dict[str, Any]) -> str:
        parts = []
        if h.where is not None:
            parts.append(h.where.sql({h.table: "t"}, params, (start, end)))
        if h.dated:
            parts.append(f"t.{q(h.dated)} BETWEEN {sql_literal(start)} AND {sql_literal(end)}")
        return " AND ".join(f"({p})" for p in parts) or "TRUE"

    def _having_sql(self, plan_by_table: dict[str, TablePlan], params: dict[str, Any], joins: dict[tuple[str, str], str]):
        """Having tests read the per-key totals of the tested table, joined once to the scanned table."""
        def render(h: Having, start, end, at_least, column_sql: str) -> str:
            plan = plan_by_table.get(h.table)
            condition = self._having_condition(h, start, end, params)
            column = plan.havings.get((h.their_on, condition)) if plan else None
            if plan is None or column is None:
                raise KeyError("having not planned")
            alias = joins.setdefault((h.table, h.on), f"hv{len(joins)}")
            return f"coalesce({alias}.{q(column)}, 0) >= {sql_literal(at_least)}"
        return render

    def _month(self, table: str):
        months = self.month_columns.get(table, set())

        def number(column: str) -> str:
            return f"t.{q('__mn_' + column)}" if column in months else \
                f"(TRY_CAST(substr(t.{q(column)}, 1, 4) AS INTEGER) * 12 + TRY_CAST(substr(t.{q(column)}, 6, 2) AS INTEGER))"
        return number

    def _month_date(self, table: str):
        months = self.month_columns.get(table, set())

        def first_day(column: str) -> str:
            return f"t.{q('__md_' + column)}" if column in months else f"TRY_CAST(t.{q(column)} || '-01' AS DATE)"
        return first_day

    def _execute(self, plan: TablePlan) -> None:
        table = plan.table
        plans = self._plans
        select: list[str] = []
        resolved: list[tuple[Request, str]] = []
        joins: dict[tuple[str, str], str] = {}
        for request, _ in plan.requests:
            agg = request.agg
            kind, column = _sql_kind(agg)
            condition = measure_filter(agg.measure, agg.window, request.params, "t",
                                       having_sql=self._having_sql(plans, request.params, joins),
                                       month_number=self._month(table), month_date=self._month_date(table))
            if agg.extra:
                condition = f"({condition}) AND ({agg.extra})"
            key = (f"{kind}:{column}", condition)
            if key not in plan.columns:
                name = f"c{len(plan.columns)}"
                plan.columns[key] = name
                if kind == "distinct":
                    expr = f"coalesce(bool_or({condition}), FALSE)"
                elif kind == "sum":
                    expr = f"coalesce(sum(t.{q(column)}) FILTER (WHERE {condition}), 0)"
                else:
                    expr = f"count(*) FILTER (WHERE {condition})"
                select.append(f"{expr} AS {name}")
            resolved.append((request, plan.columns[key]))
        plan.requests = resolved
        for (_, condition), name in plan.havings.items():
            select.append(f"count(*) FILTER (WHERE {condition}) AS {name}")
        key_sql = f", t.{q(plan.key)} AS __key" if plan.key else ""
        having_joins = "".join(f" LEFT JOIN {q('__h_' + other)} {alias} ON t.{q(on)} = {alias}.__key"
                               for (other, on), alias in joins.items())
        units = "m.authority_code, m.centre, m.cluster, m.provider"
        group = f"{units}, t.{q(plan.key)}" if plan.key else units
        stage1 = q(f"__s1_{table}")
        self._sql(f"CREATE OR REPLACE TEMP TABLE {stage1} AS SELECT m.authority_code AS __authority, "
                  f"m.centre AS __centre, m.cluster AS __cluster, m.provider AS __provider{key_sql}, "
                  f"{', '.join(select) if select else '0 AS __none'} FROM {q(table)} t "
                  f"LEFT JOIN __k_units m ON t.centre_id = m.centre_id{having_joins} GROUP BY {group}")
        if plan.havings:
            sums = ", ".join(f"sum({name}) AS {name}" for name in plan.havings.values())
            self._sql(f"CREATE OR REPLACE TEMP TABLE {q('__h_' + table)} AS SELECT __key, {sums} "
                      f"FROM {stage1} GROUP BY __key")
        if not plan.columns:
            return
        distinct = [name for (kind, _), name in plan.columns.items() if kind.startswith("distinct")]
        additive = [name for (kind, _), name in plan.columns.items() if not kind.startswith("distinct")]
        unique = True
        if distinct and plan.key:
            shared = self._sql(f"SELECT count(*) FROM (SELECT __key FROM {stage1} WHERE __authority IS NOT NULL "
                               f"GROUP BY __key HAVING count(*) > 1)")[0][0]
            unique = shared == 0
        self.results[table] = self._stage2(stage1, additive, distinct, unique)
        for request, column in plan.requests:
            self.mapping.setdefault(request.kpi, {})[request.agg.name] = (table, column)

    def _stage2(self, stage1: str, additive: list[str], distinct: list[str], unique: bool) -> pd.DataFrame:
        per_unit = [f"sum({c}) AS {c}" for c in additive]
        if unique:
            per_unit += [f"count(*) FILTER (WHERE {c}) AS {c}" for c in distinct]
        units = (f"SELECT {UNIT_KEYS}, {', '.join(per_unit)} FROM {stage1} WHERE __authority IS NOT NULL "
                 f"GROUP BY {UNIT_KEYS}")
        sets = ", ".join("(__authority)" if lv == "authority" else f"(__authority, {LEVEL_COLUMN[lv]})"
                         for lv in LEVELS)
        level = ("CASE WHEN GROUPING(__centre) = 0 THEN 'centre' WHEN GROUPING(__cluster) = 0 THEN 'cluster' "
                 "WHEN GROUPING(__provider) = 0 THEN 'provider' ELSE 'authority' END")
        subject = ("CASE WHEN GROUPING(__centre) = 0 THEN __centre WHEN GROUPING(__cluster) = 0 THEN __cluster "
                   "WHEN GROUPING(__provider) = 0 THEN __provider ELSE __authority END")
        rolled = [f"sum({c}) AS {c}" for c in additive] + ([f"sum({c}) AS {c}" for c in distinct] if unique else [])
        frame = self.con.sql(f"WITH u AS ({units}) SELECT {level} AS level, __authority AS authority_code, "
                             f"{subject} AS subject_id, {', '.join(rolled)} FROM u GROUP BY GROUPING SETS ({sets})"
                             ).df() if rolled else None
        if not unique:
            exact = [f"count(DISTINCT __key) FILTER (WHERE {c}) AS {c}" for c in distinct]
            extra = self.con.sql(f"SELECT {level} AS level, __authority AS authority_code, {subject} AS subject_id, "
                                 f"{', '.join(exact)} FROM {stage1} WHERE __authority IS NOT NULL "
                                 f"GROUP BY GROUPING SETS ({sets})").df()
            frame = extra if frame is None else frame.merge(extra, on=["level", "authority_code", "subject_id"],
                                                           how="outer")
        frame = frame[frame["subject_id"].notna()]
        return frame

    def _empty_having(self, plan: TablePlan) -> None:
        if plan.havings:
            cols = ", ".join(f"CAST(0 AS BIGINT) AS {name}" for name in plan.havings.values())
            self._sql(f"CREATE OR REPLACE TEMP TABLE {q('__h_' + plan.table)} AS SELECT CAST(NULL AS VARCHAR) "
                      f"AS __key, {cols} WHERE FALSE")

    def _sql(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    _plans: dict[str, TablePlan] = {}

    def execute_all(self, requests: list[Request]) -> list[Request]:
        plans, fallback = self.plan(requests)
        self._plans = plans
        for request in requests:
            h = request.agg.measure.having
            if h is not None and h.table in plans:
                self._register_having(plans[h.table], h, request)
        tested = {r.agg.measure.having.table for r in requests if r.agg.measure.having is not None}
        for table in sorted(plans, key=lambda t: (t not in tested, t)):
            plan = plans[table]
            if table not in self.present:
                self._empty_having(plan)
                continue
            self._execute(plan)
        return fallback

    def frame_for(self, kpi: str, names: list[str]) -> tuple[pd.DataFrame | None, list[str]]:
        """(level, authority_code, subject_id, <names>) for a KPI, and the names that had no data."""
        mapping = self.mapping.get(kpi, {})
        merged: pd.DataFrame | None = None
        missing = []
        key = ["level", "authority_code", "subject_id"]
        by_table: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            if name not in mapping:
                missing.append(name)
                continue
            table, column = mapping[name]
            by_table.setdefault(table, []).append((name, column))
        for table, pairs in by_table.items():
            source = self.results[table]
            part = source[key].copy()
            for name, column in pairs:
                part[name] = source[column].to_numpy()
            merged = part if merged is None else merged.merge(part, on=key, how="outer")
        return merged, missing


def fallback_sql(table: str, aggregates: list[Aggregate], levels: tuple[str, ...], params: dict[str, Any]) -> str:
    from ccassure.kpis.compiler import grouped_sql

    sql = grouped_sql(table, aggregates, levels, params)
    return sql.replace(" GROUP BY GROUPING SETS", " WHERE t.__authority IS NOT NULL GROUP BY GROUPING SETS")


__all__ = ["BatchEvaluator", "Request", "aggregate_sql", "fallback_sql"]
