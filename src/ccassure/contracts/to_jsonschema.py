"""A data contract compiled for other tools: a Frictionless Table Schema, or a JSON Schema for one row.

Table Schema (https://specs.frictionlessdata.io/table-schema/) describes a CSV of the table: field types,
constraints, primary and foreign keys. The JSON Schema (draft 2020-12) describes one row as a JSON object,
as an API or a form would send it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ccassure.contracts.model import ColumnSpec, Contract

TRUE_VALUES = ["yes", "y", "true", "Yes", "Y", "TRUE", "True", "1"]
FALSE_VALUES = ["no", "n", "false", "No", "N", "FALSE", "False", "0"]
TABLE_SCHEMA_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
                      "date": "date", "month": "yearmonth"}
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_schema(contract: Contract) -> dict[str, Any]:
    """The Frictionless Table Schema of ``contract``."""
    fields = []
    for spec in contract.columns:
        field: dict[str, Any] = {"name": spec.name, "type": TABLE_SCHEMA_TYPES[spec.type]}
        if spec.description:
            field["description"] = spec.description
        if spec.example is not None:
            field["example"] = _plain(spec.example)
        if spec.type == "boolean":
            field["trueValues"], field["falseValues"] = TRUE_VALUES, FALSE_VALUES
        constraints: dict[str, Any] = {}
        if spec.required:
            constraints["required"] = True
        if spec.unique:
            constraints["unique"] = True
        if spec.allowed is not None:
            constraints["enum"] = list(spec.allowed)
        if spec.minimum is not None:
            constraints["minimum"] = spec.minimum
        if spec.maximum is not None:
            constraints["maximum"] = spec.maximum
        if spec.pattern is not None:
            constraints["pattern"] = spec.pattern
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if contract.primary_key:
        schema["primaryKey"] = list(contract.primary_key)
    if contract.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": fk.column, "reference": {"resource": "" if fk.ref_table == contract.table else fk.ref_table,
                                                "fields": fk.ref_column}}
            for fk in contract.foreign_keys
        ]
    return {"name": contract.table, "title": contract.title, "description": contract.description or contract.title,
            "schema": schema}


def _property(spec: ColumnSpec) -> dict[str, Any]:
    kinds: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "integer": {"type": "integer"},
        "number": {"type": "number"},
        "boolean": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "month": {"type": "string", "pattern": MONTH_PATTERN},
    }
    prop = dict(kinds[spec.type])
    if spec.allowed is not None:
        prop["enum"] = list(spec.allowed)
    if spec.minimum is not None:
        prop["minimum"] = spec.minimum
    if spec.maximum is not None:
        prop["maximum"] = spec.maximum
    if spec.pattern is not None:
        prop["pattern"] = spec.pattern
    if spec.description:
        prop["description"] = spec.description
    if spec.example is not None:
        prop["examples"] = [_plain(spec.example)]
    if not spec.required:
        prop = {"anyOf": [prop, {"type": "null"}]} | ({"description": prop["description"]}
                                                        if "description" in prop else {})
    return prop


def json_schema(contract: Contract) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for one row of ``contract``; optional columns may be null or absent."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:ccassure:contract:{contract.table}",
        "title": contract.title,
        "description": contract.description or contract.title,
        "type": "object",
        "properties": {spec.name: _property(spec) for spec in contract.columns},
        "required": [spec.name for spec in contract.columns if spec.required],
        "additionalProperties": False,
    }
