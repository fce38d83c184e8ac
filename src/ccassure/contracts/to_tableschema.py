"""A data contract compiled to a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/).

The schema describes a CSV of the table: field types, constraints, the primary key and foreign keys. It
says what ccassure's reader accepts wherever Table Schema can (contracts/accepted.py): yes/no words in
three letter cases, dates in any common format (``format: any``) within 1900-2100. What it cannot say is
listed in ``NOT_EXPRESSED`` and in docs/exports.md: those cells are errors under the schema although
ccassure reads them (numbers with thousands separators, pound or percent signs; 3.0 in a whole-number
column; cells with spaces around them; Excel serial numbers as dates), and checks that Table Schema has no
words for (the order of two dates). A ``datapackage.json`` (contracts/to_datapackage.py) adds the foreign
keys between tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ccassure.contracts import accepted
from ccassure.contracts.model import ColumnSpec, Contract

TABLE_SCHEMA_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
                      "date": "date", "month": "string"}
FIRST_DATE, LAST_DATE = "1900-01-01", "2100-12-31"

# What ccassure accepts that a Table Schema cannot express: each such cell is an error under the schema.
NARROWER = (
    "numbers written with thousands separators (351,709), a pound sign (£12) or a percent sign (82.1%)",
    "3.0 (or 3.) in a whole-number column",
    "spaces before or after a value",
    "yes/no words in mixed letter case (yEs), and Excel serial day numbers as dates (42675)",
    "a month written as a full date on the 1st (2015-06-01)",
)


def _cased(words: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for word in words:
        for form in (word, word.capitalize(), word.upper()):
            if form not in out:
                out.append(form)
    return out


def table_pattern(pattern: str) -> str:
    """A contract regex as Table Schema writes one: the whole value must match, so no ``^`` or ``$``, and
    plain groups rather than Python's ``(?:...)`` (XML Schema regexes have neither)."""
    body = pattern[1:] if pattern.startswith("^") else pattern
    if body.endswith("$") and not body.endswith(r"\$"):
        body = body[:-1]
    elif not pattern.startswith("^") or not pattern.endswith("$"):
        body = body + ".*"  # the contract pattern need only match the start of the value (re.match)
    return body.replace("(?:", "(")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field(spec: ColumnSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name, "type": TABLE_SCHEMA_TYPES[spec.type]}
    if spec.description:
        out["description"] = spec.description
    if spec.example is not None:
        out["example"] = str(_plain(spec.example))
    if spec.type == "boolean":
        out["trueValues"], out["falseValues"] = _cased(accepted.TRUE_WORDS), _cased(accepted.FALSE_WORDS)
    if spec.type == "date":
        out["format"] = "any"
    constraints: dict[str, Any] = {}
    if spec.required:
        constraints["required"] = True
    if spec.unique:
        constraints["unique"] = True
    if spec.allowed is not None:
        constraints["enum"] = [str(v) for v in spec.allowed]
    if spec.minimum is not None:
        constraints["minimum"] = int(spec.minimum) if spec.type == "integer" else spec.minimum
    if spec.maximum is not None:
        constraints["maximum"] = int(spec.maximum) if spec.type == "integer" else spec.maximum
    if spec.type == "date":
        constraints["minimum"], constraints["maximum"] = FIRST_DATE, LAST_DATE
    if spec.type == "month":
        constraints["pattern"] = table_pattern(accepted.full(accepted.MONTH_ONLY_TEXT))
    if spec.pattern is not None:
        constraints["pattern"] = table_pattern(spec.pattern)
    if constraints:
        out["constraints"] = constraints
    return out


def not_expressed(contract: Contract) -> list[str]:
    """The contract's checks that a Table Schema has no words for."""
    return [f"{order.end} is not before {order.start}" for order in contract.date_order]


def table_schema(contract: Contract, tables: set[str] | None = None) -> dict[str, Any]:
    """The Table Schema of ``contract``; foreign keys to tables outside ``tables`` (when given) are left
    out, as a data package holding only some tables cannot resolve them."""
    schema: dict[str, Any] = {
        "title": contract.title,
        "description": contract.description or contract.title,
        "fields": [field(spec) for spec in contract.columns],
        "missingValues": [""],
    }
    if contract.primary_key:
        schema["primaryKey"] = list(contract.primary_key)
    keys = [fk for fk in contract.foreign_keys
            if tables is None or fk.ref_table in tables or fk.ref_table == contract.table]
    if keys:
        schema["foreignKeys"] = [
            {"fields": fk.column, "reference": {"resource": "" if fk.ref_table == contract.table else fk.ref_table,
                                                "fields": fk.ref_column}}
            for fk in keys
        ]
    gaps = not_expressed(contract)
    if gaps:
        schema["x-ccassure-not-expressed"] = gaps
    return schema
