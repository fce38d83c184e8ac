"""The contract between a test type and the rest of the engine.

A test type is one module with one class: ``parse`` turns the ``test:`` mapping of a rule file into a typed
spec (checking tables, columns, expressions and parameters against the data contracts, with located
errors), and ``compile`` turns a spec into a plan the evaluator executes. The evaluator never looks inside a
spec: it asks for ``tables(spec)``, calls ``compile`` and runs the plan, which returns one row per subject
with these columns:

    subject_id  outcome (pass | warn | fail | missing | na)  observed  threshold  evidence  detail

``evidence`` is a list of JSON texts {"table": ..., "keys": {...}} (the subject's own row is added by the
evaluator). Adding a test type = adding a module here and registering it in ``testtypes/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from ccassure.contracts.model import Contract, ContractSet
from ccassure.nodes.errors import Locator
from ccassure.nodes.ref import Ref
from ccassure.periods import Period
from ccassure.rules.expr import Condition, ExpressionError, Scope, parse_condition, quote_ident, sql_literal
from ccassure.rules.model import SubjectDef

TOTAL_KEY = "evidence_total"  # the last evidence item of a row-listing test: how many rows matched in all
RESULT_COLUMNS = ("subject_id", "outcome", "observed", "threshold", "evidence", "detail")
MISSING_CHOICES = ("not_met", "not_evaluable", "not_applicable", "at_risk")
# what a choice made in a rule file (e.g. if_no_match: not_met) means as a test outcome
CHOICE_OUTCOME = {"not_met": "fail", "not_evaluable": "missing", "not_applicable": "na", "at_risk": "warn",
                  "met": "pass"}


# Loading ------------------------------------------------------------------------------------------------

@dataclass
class LoadContext:
    contracts: ContractSet
    subject: SubjectDef
    subject_contract: Contract
    parameters: dict[str, Any]  # name -> default value
    loc: Locator
    checks: Callable[[str], bool] = lambda name: False

    def table(self, name: Any, *steps: Any) -> Contract:
        if not isinstance(name, str) or name not in self.contracts:
            raise self.loc.error(f"unknown table {name!r}: no data contract defines it "
                                 f"(tables: {', '.join(sorted(self.contracts.tables))})", *steps)
        return self.contracts[name]

    def column(self, contract: Contract, name: Any, *steps: Any, types: Sequence[str] | None = None) -> str:
        if not isinstance(name, str) or not contract.has_column(name):
            raise self.loc.error(f"unknown column {name!r} in table {contract.table} "
                                 f"(columns: {', '.join(contract.column_names)})", *steps)
        kind = contract.column(name).type
        if types and kind not in types:
            raise self.loc.error(f"{contract.table}.{name} is a {kind} column; this needs {' or '.join(types)}",
                                 *steps)
        return name

    def condition(self, text: Any, tables: dict[str, Contract], default: str | None, *steps: Any) -> Condition:
        scope = Scope(tables=tables, default=default, parameters=self.parameters)
        try:
            return parse_condition(text, scope)
        except ExpressionError as exc:
            raise self.loc.error(str(exc), *steps) from None

    def ref(self, value: Any, *steps: Any, numeric: bool = True) -> Ref:
        """A threshold: a number, or the name of a declared parameter."""
        if isinstance(value, str):
            if value not in self.parameters:
                raise self.loc.error(f"{value!r} is not a parameter of this rule; declare it under parameters: "
                                     f"(declared: {', '.join(sorted(self.parameters)) or 'none'})", *steps)
            default = self.parameters[value]
            if numeric and (isinstance(default, bool) or not isinstance(default, (int, float))):
                raise self.loc.error(f"parameter {value!r} must have a number as default to be used here", *steps)
            return Ref(param=value)
        if numeric and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise self.loc.error(f"expected a number or a parameter name, found {value!r}", *steps)
        return Ref(value=value)

    def column_ref(self, text: Any, tables: dict[str, Contract], default: str | None, *steps: Any,
                   types: Sequence[str] | None = None) -> tuple[str, str]:
        """``column`` (of the default table) or ``table.column`` (of a table this test reads)."""
        if not isinstance(text, str) or not text:
            raise self.loc.error(f"expected a column name, found {text!r}", *steps)
        if text in ("period_start", "period_end"):
            return ("", text)
        table, _, column = text.rpartition(".")
        table = table or (default or "")
        if table not in tables:
            raise self.loc.error(f"{text!r}: {table or '(no table)'} is not a table this test reads "
                                 f"({', '.join(sorted(tables))})", *steps)
        self.column(tables[table], column, *steps, types=types)
        return (table, column)

    def choice(self, value: Any, default: str, *steps: Any) -> str:
        if value is None:
            return CHOICE_OUTCOME[default]
        if value not in MISSING_CHOICES:
            raise self.loc.error(f"expected one of {', '.join(MISSING_CHOICES)}, found {value!r}", *steps)
        return CHOICE_OUTCOME[value]


@dataclass(frozen=True)
class Thresholds:
    """Bounds on a number: below at_least (or above at_most) fails; below warn_below (above warn_above) warns."""

    at_least: Ref | None = None
    at_most: Ref | None = None
    warn_below: Ref | None = None
    warn_above: Ref | None = None

    @staticmethod
    def parse(raw: dict[str, Any], ctx: LoadContext, required: bool = True) -> Thresholds:
        found = {key: ctx.ref(raw[key], key) for key in ("at_least", "at_most", "warn_below", "warn_above")
                 if raw.get(key) is not None}
        if required and not found:
            raise ctx.loc.error("give at least one of at_least, at_most, warn_below, warn_above")
        return Thresholds(**found)

    def params(self) -> set[str]:
        return {ref.param for ref in (self.at_least, self.at_most, self.warn_below, self.warn_above)
                if ref is not None and ref.param}

    def outcome_sql(self, value_sql: str, parameters: dict[str, Any]) -> str:
        """CASE expression: 'fail', 'warn' or 'pass' for a non-null value."""
        cases = []
        if self.at_least is not None:
            cases.append(f"WHEN {value_sql} < {sql_literal(self.at_least.resolve(parameters))} THEN 'fail'")
        if self.at_most is not None:
            cases.append(f"WHEN {value_sql} > {sql_literal(self.at_most.resolve(parameters))} THEN 'fail'")
        if self.warn_below is not None:
            cases.append(f"WHEN {value_sql} < {sql_literal(self.warn_below.resolve(parameters))} THEN 'warn'")
        if self.warn_above is not None:
            cases.append(f"WHEN {value_sql} > {sql_literal(self.warn_above.resolve(parameters))} THEN 'warn'")
        return f"(CASE {' '.join(cases)} ELSE 'pass' END)"

    def text(self, parameters: dict[str, Any], unit: str = "") -> str:
        parts = []
        suffix = f" {unit}" if unit else ""
        if self.at_least is not None:
            parts.append(f">= {_fmt(self.at_least.resolve(parameters))}{suffix}")
        if self.at_most is not None:
            parts.append(f"<= {_fmt(self.at_most.resolve(parameters))}{suffix}")
        if self.warn_below is not None:
            parts.append(f"at risk below {_fmt(self.warn_below.resolve(parameters))}{suffix}")
        if self.warn_above is not None:
            parts.append(f"at risk above {_fmt(self.warn_above.resolve(parameters))}{suffix}")
        return "; ".join(parts)


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Lookup:
    """One row of another table for each subject: ``on`` maps lookup column -> subject column."""

    table: str
    on: tuple[tuple[str, str], ...]
    where: Condition | None = None
    latest: str | None = None
    if_no_match: str = "missing"

    @staticmethod
    def parse(raw: Any, ctx: LoadContext, *steps: Any) -> Lookup:
        if not isinstance(raw, dict):
            raise ctx.loc.error("lookup must be a mapping with table and on", *steps)
        contract = ctx.table(raw.get("table"), *steps, "table")
        on_raw = raw.get("on") or {}
        if not isinstance(on_raw, dict) or not on_raw:
            raise ctx.loc.error("lookup.on must map lookup-table columns to subject columns", *steps, "on")
        on = []
        for theirs, ours in on_raw.items():
            ctx.column(contract, theirs, *steps, "on", theirs)
            ctx.column(ctx.subject_contract, ours, *steps, "on", theirs)
            on.append((theirs, ours))
        where = None
        if raw.get("where") is not None:
            where = ctx.condition(raw["where"], {contract.table: contract}, contract.table, *steps, "where")
        latest = None
        if raw.get("latest") is not None:
            latest = ctx.column(contract, raw["latest"], *steps, "latest", types=("date", "integer", "number"))
        keys = {theirs for theirs, _ in on}
        if latest is None and contract.primary_key and not set(contract.primary_key) <= keys:
            raise ctx.loc.error(f"lookup on {', '.join(sorted(keys))} may match several {contract.table} rows "
                                f"(its key is {', '.join(contract.primary_key)}); add latest: <column>", *steps)
        return Lookup(contract.table, tuple(on), where, latest,
                      ctx.choice(raw.get("if_no_match"), "not_evaluable", *steps, "if_no_match"))


# Compiling ----------------------------------------------------------------------------------------------

@dataclass
class CompileContext:
    """Everything a compiler may use. ``subjects`` is a relation of the applicable subjects: the subject
    table's columns plus __subject_id, __subject_name, __authority and __provider."""

    rule_id: str
    subject: SubjectDef
    subjects: str
    params: dict[str, Any]
    period: Period
    contracts: ContractSet
    present: set[str]
    evidence_limit: int = 20
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def period_bounds(self) -> tuple[Any, Any]:
        return (self.period.start, self.period.end)

    def relation(self, table: str) -> str:
        return quote_ident(table)

    def cond(self, condition: Condition | None, aliases: dict[str, str]) -> str:
        if condition is None:
            return "TRUE"
        return condition.sql(aliases, self.params, self.period_bounds)

    def pk(self, table: str) -> tuple[str, ...]:
        contract = self.contracts[table]
        return contract.primary_key or tuple(contract.column_names[:1])

    def row_evidence(self, table: str, alias: str) -> str:
        """SQL: JSON text pointing at one row (NULL when the row is absent)."""
        keys = ", ".join(f"{sql_literal(k)}: {alias}.{quote_ident(k)}" for k in self.pk(table))
        first = quote_ident(self.pk(table)[0])
        return (f"CASE WHEN {alias}.{first} IS NULL THEN NULL ELSE "
                f"to_json({{'table': {sql_literal(table)}, 'keys': {{{keys}}}}})::VARCHAR END")

    def rows_evidence(self, table: str, alias: str, filter_sql: str = "TRUE", *, with_others: bool = False) -> str:
        """SQL aggregate: up to ``evidence_limit`` JSON texts pointing at the rows that match the filter; with
        ``with_others``, followed by up to as many linked rows that did not match (marked "matched": false),
        so that a not_met finding still points at the rows that decided it. Last comes one
        ``{"evidence_total": n}`` item, the exact number of distinct matching rows, which the evaluator takes
        off the list (:data:`TOTAL_KEY`)."""
        pk = self.pk(table)
        limit = int(self.evidence_limit)
        if len(pk) == 1:  # top-N of a plain value is much cheaper than of a struct
            value = f"{alias}.{quote_ident(pk[0])}"
            keys = f"{{{sql_literal(pk[0])}: k}}"
        else:
            value = "{" + ", ".join(f"{sql_literal(k)}: {alias}.{quote_ident(k)}" for k in pk) + "}"
            keys = "k"

        def part(condition: str, flag: str) -> str:
            extra = f", 'matched': {flag}" if with_others else ""
            return (f"list_transform(min({value}, {limit}) FILTER (WHERE {condition}), "
                    f"lambda k: to_json({{'table': {sql_literal(table)}, 'keys': {keys}{extra}}})::VARCHAR)")

        total = f"[to_json({{'{TOTAL_KEY}': count(DISTINCT {value}) FILTER (WHERE {filter_sql})}})::VARCHAR]"
        if not with_others:
            return f"list_concat(coalesce({part(filter_sql, 'true')}, []), {total})"
        others = part(f"NOT coalesce({filter_sql}, FALSE)", "false")
        return f"list_concat(coalesce({part(filter_sql, 'true')}, []), coalesce({others}, []), {total})"

    def lookup_join(self, lookup: Lookup, alias: str, subject_alias: str = "s") -> str:
        """SQL: LEFT JOIN the looked-up row (the latest one if ``latest`` is set) as ``alias``."""
        inner_alias = "l"
        where = self.cond(lookup.where, {lookup.table: inner_alias})
        keys = ", ".join(f"{inner_alias}.{quote_ident(theirs)}" for theirs, _ in lookup.on)
        if lookup.latest:
            pick = (f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY "
                    f"{inner_alias}.{quote_ident(lookup.latest)} DESC NULLS LAST) = 1")
        else:
            pick = f" QUALIFY row_number() OVER (PARTITION BY {keys}) = 1"
        inner = f"(SELECT * FROM {self.relation(lookup.table)} {inner_alias} WHERE {where}{pick})"
        on = " AND ".join(f"{alias}.{quote_ident(theirs)} = {subject_alias}.{quote_ident(ours)}"
                          for theirs, ours in lookup.on)
        return f"LEFT JOIN {inner} {alias} ON {on}"

    def lookup_matched(self, lookup: Lookup, alias: str) -> str:
        return f"({alias}.{quote_ident(lookup.on[0][0])} IS NOT NULL)"


class Plan:
    def execute(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class SqlPlan(Plan):
    sql: str

    def execute(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        # execute + fetch: the same frame as con.sql(...).df() without building a relation first (cheaper)
        return con.execute(self.sql).df()


@dataclass
class PythonPlan(Plan):
    function: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]

    def execute(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        return self.function(con)


class TestType:
    """Base class of test types; subclasses set ``name`` and ``schema`` and implement the methods."""

    name: str = ""
    summary: str = ""
    schema: dict[str, Any] = {}
    uses_all_parameters = False  # true when the test hands every parameter to code (Python checks)

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> Any:
        raise NotImplementedError

    def tables(self, spec: Any) -> list[str]:
        raise NotImplementedError

    def params(self, spec: Any) -> set[str]:
        """Parameter names the spec uses (so lint can report declared parameters that are never used)."""
        return set()

    def compile(self, spec: Any, ctx: CompileContext) -> Plan:
        raise NotImplementedError

    def describe(self, spec: Any) -> str:
        return self.name
