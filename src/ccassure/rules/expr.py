"""Filter expressions in rule files (``where``, ``applies_when``, ``that``): parsed, checked, re-generated.

An expression is a SQL boolean condition over the columns of the tables a test reads. It is parsed with
sqlglot, then walked; only these nodes are accepted:

- column references (``on_site``, or ``consultations.close_date`` for a looked-up table), checked against
  the data contract of that table;
- literals: strings, numbers, true/false, null; parameters written ``:name``; ``period_start`` and
  ``period_end`` (the first and last day of the period being checked);
- comparisons ``= != <> < <= > >=``, ``AND``, ``OR``, ``NOT``, ``IN (literal, ...)``, ``IS [NOT] NULL``,
  ``BETWEEN``, parentheses.

Anything else (function calls, sub-queries, several statements, casts, arithmetic) is rejected, and so is a
comparison between incompatible types (a boolean with a number, a date with a non-date string). The SQL
that runs is generated here from the checked tree, with every identifier quoted and every literal escaped:
the text of the rule file never reaches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from ccassure.contracts.model import Contract

MAX_EXPRESSION_LENGTH = 2000
PERIOD_NAMES = ("period_start", "period_end")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_NUMERIC = {"integer", "number"}


class ExpressionError(ValueError):
    """An expression that is not allowed, with a reader-facing message."""


@dataclass
class Scope:
    """What an expression may name: tables (by qualifier), the default table, and parameters."""

    tables: dict[str, Contract]
    default: str | None
    parameters: dict[str, Any] = field(default_factory=dict)

    def resolve(self, qualifier: str | None, name: str) -> tuple[str, str]:
        if qualifier:
            if qualifier not in self.tables:
                raise ExpressionError(f"{qualifier}.{name}: {qualifier!r} is not a table this test reads "
                                      f"(it reads {', '.join(sorted(self.tables))})")
            table = qualifier
        else:
            table = self.default or ""
            if table not in self.tables:
                raise ExpressionError(f"column {name!r} must be written table.column here")
        contract = self.tables[table]
        if not contract.has_column(name):
            raise ExpressionError(f"unknown column {name!r}: table {table} has no such column "
                                  f"(columns: {', '.join(contract.column_names)})")
        return table, name


# Checked tree ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    kind: str  # col, lit, param, period, cmp, and, or, not, in, isnull, between
    type: str = "boolean"
    value: Any = None
    children: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A checked boolean expression; ``sql()`` renders it for given table aliases and parameter values."""

    text: str
    root: Node

    @property
    def columns(self) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()

        def walk(node: Node) -> None:
            if node.kind == "col":
                found.add(node.value)
            for child in node.children:
                walk(child)

        walk(self.root)
        return found

    @property
    def parameters(self) -> set[str]:
        found: set[str] = set()

        def walk(node: Node) -> None:
            if node.kind == "param":
                found.add(node.value)
            for child in node.children:
                walk(child)

        walk(self.root)
        return found

    @property
    def words(self) -> str:
        """The condition in plain words (rules/words.py), for readers of rules show and the catalogue."""
        from ccassure.rules.words import condition_words

        return condition_words(self.root)

    def sql(self, aliases: dict[str, str], parameters: dict[str, Any], period: tuple[date, date]) -> str:
        return _render(self.root, aliases, parameters, period)


def parse_condition(text: Any, scope: Scope) -> Condition:
    """Parse and check ``text``; raise ExpressionError saying what is wrong."""
    if isinstance(text, bool):
        return Condition(str(text).lower(), Node("lit", "boolean", text))
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("an expression must be non-empty text")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    if ";" in text:
        raise ExpressionError("';' is not allowed: an expression is one condition, not SQL statements")
    if "--" in text or "/*" in text:
        raise ExpressionError("SQL comments are not allowed in an expression")
    try:
        trees = sqlglot.parse(text, read="duckdb")
    except SqlglotError as exc:
        raise ExpressionError(f"cannot parse {text!r} as a condition: {_first_line(exc)}") from None
    if len(trees) != 1 or trees[0] is None:
        raise ExpressionError("an expression must be exactly one condition")
    node = _check(trees[0], scope)
    if node.type != "boolean":
        raise ExpressionError(f"{text!r} is not a true/false condition (it is a {node.type} value)")
    return Condition(text.strip(), node)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


_CMP = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}


def _check(tree: exp.Expression, scope: Scope) -> Node:
    if isinstance(tree, exp.Paren):
        return _check(tree.this, scope)
    if isinstance(tree, exp.Column):
        if tree.args.get("catalog") or tree.args.get("db"):
            raise ExpressionError(f"{tree.sql()}: only column or table.column may be named")
        name = tree.name
        qualifier = tree.table or None
        if not qualifier and name in PERIOD_NAMES:
            return Node("period", "date", name)
        table, column = scope.resolve(qualifier, name)
        return Node("col", scope.tables[table].column(column).type, (table, column))
    if isinstance(tree, exp.Boolean):
        return Node("lit", "boolean", bool(tree.this))
    if isinstance(tree, exp.Null):
        return Node("lit", "null", None)
    if isinstance(tree, exp.Literal):
        if tree.is_string:
            return Node("lit", "string", tree.this)
        number = float(tree.this) if any(c in tree.this for c in ".eE") else int(tree.this)
        return Node("lit", "number", number)
    if isinstance(tree, exp.Neg) and isinstance(tree.this, exp.Literal) and not tree.this.is_string:
        inner = _check(tree.this, scope)
        return Node("lit", "number", -inner.value)
    if isinstance(tree, exp.Placeholder):
        name = tree.name
        if name not in scope.parameters:
            raise ExpressionError(f":{name} is not a parameter of this rule "
                                  f"(parameters: {', '.join(sorted(scope.parameters)) or 'none'})")
        return Node("param", _value_type(scope.parameters[name]), name)
    if isinstance(tree, (exp.And, exp.Or)):
        left, right = _check(tree.this, scope), _check(tree.expression, scope)
        for side in (left, right):
            _need_boolean(side, tree)
        return Node("and" if isinstance(tree, exp.And) else "or", children=(left, right))
    if isinstance(tree, exp.Not):
        inner = _check(tree.this, scope)
        _need_boolean(inner, tree)
        return Node("not", children=(inner,))
    for klass, op in _CMP.items():
        if type(tree) is klass:
            left, right = _check(tree.this, scope), _check(tree.expression, scope)
            if "null" in (left.type, right.type):
                raise ExpressionError(f"{tree.sql()}: compare with null using IS NULL or IS NOT NULL")
            _compatible(left, right, tree)
            return Node("cmp", value=op, children=(left, right))
    if isinstance(tree, exp.Is):
        inner = _check(tree.this, scope)
        if not isinstance(tree.expression, exp.Null):
            raise ExpressionError(f"{tree.sql()}: only IS NULL and IS NOT NULL are allowed")
        return Node("isnull", children=(inner,))
    if isinstance(tree, exp.In):
        if tree.args.get("query") or tree.args.get("unnest") or tree.args.get("field"):
            raise ExpressionError(f"{tree.sql()}: IN takes a list of values, not a query")
        subject = _check(tree.this, scope)
        items = [_check(item, scope) for item in tree.expressions]
        if not items:
            raise ExpressionError(f"{tree.sql()}: IN needs at least one value")
        for item in items:
            if item.kind not in ("lit", "param") or item.type == "null":
                raise ExpressionError(f"{tree.sql()}: IN takes literal values only")
            _compatible(subject, item, tree)
        return Node("in", children=(subject, *items))
    if isinstance(tree, exp.Between):
        subject = _check(tree.this, scope)
        low, high = _check(tree.args["low"], scope), _check(tree.args["high"], scope)
        _compatible(subject, low, tree)
        _compatible(subject, high, tree)
        return Node("between", children=(subject, low, high))
    raise ExpressionError(f"{tree.sql()!r} is not allowed in a rule expression: use columns, values, comparisons, "
                          "AND/OR/NOT, IN (...), IS [NOT] NULL and BETWEEN only")


def _need_boolean(node: Node, tree: exp.Expression) -> None:
    if node.type not in ("boolean",):
        raise ExpressionError(f"{tree.sql()}: AND, OR and NOT need true/false conditions, "
                              f"but {_describe(node)} is a {node.type}")


def _describe(node: Node) -> str:
    if node.kind == "col":
        return ".".join(node.value)
    if node.kind == "param":
        return ":" + node.value
    return repr(node.value)


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str) and _ISO_DATE.match(value):
        return "date_string"
    return "string"


def _compatible(left: Node, right: Node, tree: exp.Expression) -> None:
    a, b = left.type, right.type
    families = []
    for _node, kind in ((left, a), (right, b)):
        if kind in _NUMERIC or kind == "number":
            families.append("number")
        elif kind == "date_string":
            families.append("date_string")
        else:
            families.append(kind)
    fa, fb = families
    if fa == fb:
        return
    pair = {fa, fb}
    if pair == {"date", "string"} or pair == {"date", "date_string"}:
        literal = right if fb != "date" else left
        if literal.kind == "lit" and not _ISO_DATE.match(str(literal.value)):
            raise ExpressionError(f"{tree.sql()}: {_describe(literal)} is not a date; write dates as 'yyyy-mm-dd'")
        if literal.kind == "lit":
            try:
                date.fromisoformat(str(literal.value))
            except ValueError:
                raise ExpressionError(f"{tree.sql()}: {_describe(literal)} is not a valid date") from None
        return
    if pair == {"string", "date_string"}:
        return
    if pair == {"month", "string"}:
        literal = right if fb == "string" else left
        if literal.kind == "lit" and not _MONTH.match(str(literal.value)):
            raise ExpressionError(f"{tree.sql()}: {_describe(literal)} is not a month; write months as 'yyyy-mm'")
        return
    raise ExpressionError(f"{tree.sql()}: cannot compare {_describe(left)} ({a}) with {_describe(right)} ({b})")


def check_allowed_values(condition: Condition, scope: Scope) -> list[str]:
    """Warnings for string literals compared with a column that lists allowed values but not that one."""
    problems: list[str] = []

    def literal_values(node: Node) -> list[Any]:
        return [child.value for child in node.children[1:] if child.kind == "lit" and child.type == "string"]

    def walk(node: Node) -> None:
        if node.kind in ("cmp", "in") and node.children and node.children[0].kind == "col":
            table, column = node.children[0].value
            allowed = scope.tables[table].column(column).allowed
            if allowed:
                for value in literal_values(node):
                    if value not in allowed:
                        problems.append(f"{value!r} is not an allowed value of {table}.{column} "
                                        f"(allowed: {', '.join(map(str, allowed))})")
        for child in node.children:
            walk(child)

    walk(condition.root)
    return problems


# SQL generation -------------------------------------------------------------------------------------------

def quote_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def sql_literal(value: Any) -> str:
    """A SQL literal for a Python value (strings escaped; ISO dates typed as DATE)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return "NULL"
        return repr(value)
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _render(node: Node, aliases: dict[str, str], parameters: dict[str, Any], period: tuple[date, date]) -> str:
    def r(child: Node) -> str:
        return _render(child, aliases, parameters, period)

    if node.kind == "col":
        table, column = node.value
        return f"{aliases[table]}.{quote_ident(column)}"
    if node.kind == "lit":
        return sql_literal(node.value)
    if node.kind == "param":
        value = parameters[node.value]
        if isinstance(value, str) and _ISO_DATE.match(value):
            return f"DATE '{value}'"
        return sql_literal(value)
    if node.kind == "period":
        return sql_literal(period[0] if node.value == "period_start" else period[1])
    if node.kind in ("and", "or"):
        return f"({r(node.children[0])} {node.kind.upper()} {r(node.children[1])})"
    if node.kind == "not":
        return f"(NOT {r(node.children[0])})"
    if node.kind == "cmp":
        left, right = node.children
        return f"({_typed(left, right, r)} {node.value} {_typed(right, left, r)})"
    if node.kind == "isnull":
        return f"({r(node.children[0])} IS NULL)"
    if node.kind == "in":
        subject, *items = node.children
        return f"({r(subject)} IN ({', '.join(_typed(item, subject, r) for item in items)}))"
    if node.kind == "between":
        subject, low, high = node.children
        return f"({r(subject)} BETWEEN {_typed(low, subject, r)} AND {_typed(high, subject, r)})"
    raise AssertionError(node.kind)


def _typed(node: Node, other: Node, r) -> str:
    """Render a string literal compared with a date column as a DATE literal."""
    if other.type == "date" and node.kind == "lit" and node.type == "string":
        return f"DATE '{node.value}'"
    return r(node)
