"""Batched KPI aggregates: every KPI over one record-level table computed from one scan of it.

For each record-level table ``T`` whose KPIs count distinct values of at most one column ``K``
(``family_ref`` in practice):

1. every having-test (families with 3+ contacts in 12 months, cases with 6+ casework contacts) reads a
   small per-key table of the tested table ``X`` and its key column (``__h_X__key``: one count column per
   distinct condition), built by one scan of ``X``, so ``X`` is never rescanned per KPI or window; a table
   tested on two keys (contacts by family and by case) gets one such table per key;
2. stage 1 scans ``T`` once, joined to the centre map and the per-key tables it tests against, ``GROUP BY``
   centre, cluster, provider, authority and ``K``: one column per distinct condition used anywhere
   (``count(*) FILTER``, ``sum(x) FILTER`` or ``bool_or`` for distinct counts; identical conditions from
   different KPIs share a column);
3. stage 2 rolls stage 1 up to centre, cluster, provider and authority. When every key belongs to one centre
   (checked), a distinct count is a sum of per-centre counts; otherwise it is an exact
   ``count(DISTINCT)`` per level. A blank key is never counted (as ``count(DISTINCT)`` does not).

Tables outside this shape (two distinct columns; the population table) fall back to one query per KPI
(:func:`ccassure.kpis.compiler.grouped_sql`).
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
    requests: list[tuple[Request, str]] = field(default_factory=list)  # request -> column


@dataclass
class HavingPlan:
    """The per-key counts of one tested table on one key column, one column per distinct condition."""

    table: str
    key: str
    columns: dict[str, str] = field(default_factory=dict)  # condition sql -> column

    @property
    def name(self) -> str:
        return q(f"__h_{self.table}__{self.key}")


def _sql_kind(agg: Aggregate) -> tuple[str, str | None]:
    m = agg.measure
    if m.distinct:
        return "distinct", m.distinct
    if m.sum:
        return "sum", m.sum
    return "count", None


class BatchEvaluator:
    """Runs every request; ``frame_for(kpi_id)`` then gives (level, authority_code, subject_id, n0, d0, ...)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, present: set[str], month_columns: dict[str, set[str]],
                 registered: set[str] | None = None):
        self.con = con
        self.present = present  # tables with rows (inside the centre map, for tables with a centre_id)
        self.registered = present if registered is None else registered  # every table readable by name
        self.month_columns = month_columns
        self.results: dict[str, pd.DataFrame] = {}  # table -> stage-2 frame
        self.mapping: dict[str, dict[str, tuple[str, str]]] = {}  # kpi -> agg name -> (table, column)
        self.havings: dict[tuple[str, str], HavingPlan] = {}  # (tested table, key column) -> its counts

    # planning -------------------------------------------------------------------------------------------

    def plan(self, requests: list[Request]) -> tuple[dict[str, TablePlan], list[Request]]:
        by_table: dict[str, list[Request]] = {}
        for request in requests:
            by_table.setdefault(request.agg.measure.table, []).append(request)
        plans: dict[str, TablePlan] = {}
        fallback: list[Request] = []
        for table, items in by_table.items():
            # the key a table is reduced on: the one column its own KPIs count distinct values of
            keys = {r.agg.measure.distinct for r in items if r.agg.measure.distinct}
            tests_population = any(r.agg.measure.having is not None and r.agg.measure.having.table == POPULATION_TABLE
                                   for r in items)
            if table == POPULATION_TABLE or len(keys) > 1 or tests_population:
                fallback += items
                continue
            plans[table] = TablePlan(table, next(iter(keys)) if keys else None, requests=[(r, "") for r in items])
        return plans, fallback

    # execution ------------------------------------------------------------------------------------------

    def _register_having(self, h: Having, request: Request) -> None:
        plan = self.havings.setdefault((h.table, h.their_on), HavingPlan(h.table, h.their_on))
        for start, end in self._having_spans(h, request):
            condition = self._having_condition(h, start, end, request.params)
            if condition not in plan.columns:
                plan.columns[condition] = f"h{len(plan.columns)}"

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

    def _having_sql(self, params: dict[str, Any], joins: dict[tuple[str, str, str], str]):
        """Having tests read the per-key counts of the tested table, joined once to the scanned table."""
        def render(h: Having, start, end, at_least, column_sql: str) -> str:
            plan = self.havings.get((h.table, h.their_on))
            condition = self._having_condition(h, start, end, params)
            column = plan.columns.get(condition) if plan else None
            if plan is None or column is None:
                raise KeyError("having not planned")
            alias = joins.setdefault((h.table, h.their_on, h.on), f"hv{len(joins)}")
            return f"coalesce({alias}.{q(column)}, 0) >= {sql_literal(at_least)}"
        return render

    def _count_having(self, plan: HavingPlan) -> None:
        """One scan of the tested table: per key, the rows meeting each condition (an unsupplied table: none)."""
        cols = ", ".join(f"count(*) FILTER (WHERE {condition}) AS {name}" for condition, name in plan.columns.items())
        if plan.table in self.registered:
            self._sql(f"CREATE OR REPLACE TEMP TABLE {plan.name} AS SELECT t.{q(plan.key)} AS __key, {cols} "
                      f"FROM {q(plan.table)} t GROUP BY t.{q(plan.key)}")
        else:
            zeros = ", ".join(f"CAST(0 AS BIGINT) AS {name}" for name in plan.columns.values())
            self._sql(f"CREATE OR REPLACE TEMP TABLE {plan.name} AS SELECT CAST(NULL AS VARCHAR) AS __key, {zeros} "
                      "WHERE FALSE")

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
        select: list[str] = []
        resolved: list[tuple[Request, str]] = []
        joins: dict[tuple[str, str, str], str] = {}
        for request, _ in plan.requests:
            agg = request.agg
            kind, column = _sql_kind(agg)
            condition = measure_filter(agg.measure, agg.window, request.params, "t",
                                       having_sql=self._having_sql(request.params, joins),
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
        key_sql = f", t.{q(plan.key)} AS __key" if plan.key else ""
        having_joins = "".join(f" LEFT JOIN {self.havings[(other, their_on)].name} {alias} ON t.{q(on)} = {alias}.__key"
                               for (other, their_on, on), alias in joins.items())
        units = "m.authority_code, m.centre, m.cluster, m.provider"
        group = f"{units}, t.{q(plan.key)}" if plan.key else units
        stage1 = q(f"__s1_{table}")
        self._sql(f"CREATE OR REPLACE TEMP TABLE {stage1} AS SELECT m.authority_code AS __authority, "
                  f"m.centre AS __centre, m.cluster AS __cluster, m.provider AS __provider{key_sql}, "
                  f"{', '.join(select) if select else '0 AS __none'} FROM {q('__r_' + table)} t "
                  f"LEFT JOIN __k_units m ON t.centre_id = m.centre_id{having_joins} GROUP BY {group}")
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
            per_unit += [f"count(*) FILTER (WHERE {c} AND __key IS NOT NULL) AS {c}" for c in distinct]
        units = (f"SELECT {UNIT_KEYS}, {', '.join(per_unit)} FROM {stage1} WHERE __authority IS NOT NULL "
                 f"GROUP BY {UNIT_KEYS}")
        sets = ", ".join("(__authority)" if lv == "authority" else f"(__authority, {LEVEL_COLUMN[lv]})"
                         for lv in LEVELS)
        level = ("CASE WHEN GROUPING(__centre) = 0 THEN 'centre' WHEN GROUPING(__cluster) = 0 THEN 'cluster' "
                 "WHEN GROUPING(__provider) = 0 THEN 'provider' ELSE 'authority' END")
        subject = ("CASE WHEN GROUPING(__centre) = 0 THEN __centre WHEN GROUPING(__cluster) = 0 THEN __cluster "
                   "WHEN GROUPING(__provider) = 0 THEN __provider ELSE __authority END")
        rolled = [f"sum({c}) AS {c}" for c in additive] + ([f"sum({c}) AS {c}" for c in distinct] if unique else [])
        frame = self.con.execute(f"WITH u AS ({units}) SELECT {level} AS level, __authority AS authority_code, "
                                 f"{subject} AS subject_id, {', '.join(rolled)} FROM u GROUP BY GROUPING SETS ({sets})"
                                 ).fetchdf() if rolled else None
        if not unique:
            exact = [f"count(DISTINCT __key) FILTER (WHERE {c}) AS {c}" for c in distinct]
            extra = self.con.execute(f"SELECT {level} AS level, __authority AS authority_code, {subject} AS subject_id, "
                                     f"{', '.join(exact)} FROM {stage1} WHERE __authority IS NOT NULL "
                                     f"GROUP BY GROUPING SETS ({sets})").fetchdf()
            frame = extra if frame is None else frame.merge(extra, on=["level", "authority_code", "subject_id"],
                                                           how="outer")
        frame = frame[frame["subject_id"].notna()]
        return frame

    def _sql(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def execute_all(self, requests: list[Request]) -> list[Request]:
        """Run every batchable request; returns the requests left for one query per KPI."""
        plans, fallback = self.plan(requests)
        for plan in plans.values():
            for request, _ in plan.requests:
                if request.agg.measure.having is not None:
                    self._register_having(request.agg.measure.having, request)
        for key in sorted(self.havings):
            self._count_having(self.havings[key])
        for table in sorted(plans):
            if table in self.present:
                self._execute(plans[table])
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
