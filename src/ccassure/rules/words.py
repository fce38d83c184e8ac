"""A checked rule expression said in plain words, for ``rules show``, the results manifest and the catalogue.

``on_site AND (min_age_months IS NULL OR min_age_months < :under5_months)`` becomes "on site is yes and
(min age months is blank or min age months is below under5 months)". It walks the checked tree
(:class:`ccassure.rules.expr.Node`), never the rule text, so what it says is what the engine runs.
"""

from __future__ import annotations

from typing import Any

from ccassure.rules.expr import Node

_DATE_WORDS = {"<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after"}
_NUMBER_WORDS = {"<": "is below", "<=": "is at most", ">": "is above", ">=": "is at least"}
_PERIOD_WORDS = {"period_start": "the start of the period", "period_end": "the end of the period"}


def words(name: Any) -> str:
    return str(name).replace("_", " ").strip()


def column_words(ref: tuple[str, str]) -> str:
    """'close date of consultations' for a (table, column) reference; the column alone without a table."""
    table, column = ref
    return f"{words(column)} of {words(table)}" if table else words(column)


def _value(node: Node) -> str:
    if node.kind == "col":
        _table, column = node.value
        return words(column)
    if node.kind == "param":
        return words(node.value)
    if node.kind == "period":
        return _PERIOD_WORDS.get(str(node.value), words(node.value))
    if node.kind == "lit":
        if node.type == "boolean":
            return "yes" if node.value else "no"
        if node.value is None:
            return "blank"
        return words(node.value) if isinstance(node.value, str) else f"{node.value:g}"
    return _condition(node)


def _comparison(node: Node) -> str:
    left, right = node.children
    op = str(node.value)
    if op == "=":
        verb = "is"
    elif op in ("!=", "<>"):
        verb = "is not"
    else:
        dated = "date" in {left.type, right.type} or "month" in {left.type, right.type}
        verb = (_DATE_WORDS if dated else _NUMBER_WORDS).get(op, op)
    if left.kind == right.kind == "col" and left.value[1] == right.value[1] and left.value[0] != right.value[0]:
        return f"{column_words(left.value)} {verb} {column_words(right.value)}"  # same column, two tables
    return f"{_value(left)} {verb} {_value(right)}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _condition(node: Node, inside: str | None = None) -> str:
    kind = node.kind
    if kind in ("and", "or"):
        parts = [_condition(child, kind) for child in node.children]
        text = f" {kind} ".join(parts)
        return f"({text})" if inside and inside != kind else text
    if kind == "not":
        (inner,) = node.children
        if inner.kind == "isnull":
            return f"{_value(inner.children[0])} is filled in"
        if inner.kind == "col":
            return f"{_value(inner)} is no"
        return f"not ({_condition(inner)})"
    if kind == "isnull":
        return f"{_value(node.children[0])} is blank"
    if kind == "cmp":
        return _comparison(node)
    if kind == "in":
        subject, *items = node.children
        return f"{_value(subject)} is {_listed([_value(i) for i in items])}"
    if kind == "between":
        subject, low, high = node.children
        return f"{_value(subject)} is between {_value(low)} and {_value(high)}"
    if kind == "col":
        return f"{_value(node)} is yes"
    if kind == "lit":
        return "always" if node.value else "never"
    return _value(node)


def condition_words(root: Node) -> str:
    """The whole condition in plain words."""
    return _condition(root)
