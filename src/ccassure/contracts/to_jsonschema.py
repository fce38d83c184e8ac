"""A data contract compiled to a JSON Schema (draft 2020-12) for one row, as an API or a form sends it.

A row is a JSON object of typed values: whole numbers as integers, yes/no as true/false, dates as
``yyyy-mm-dd`` text, months as ``yyyy-mm``; an optional column may be null or absent. ``json_rows``
converts the rows of a CSV (or any table ccassure reads) into such objects with ccassure's own reader, so
``13/01/2016`` becomes ``"2016-01-13"`` and ``YES`` becomes ``true``; a cell the reader cannot read is
kept as the text it was, so the schema names the problem (``'n/a' is not of type 'integer', 'null'``).
Validate with ``format`` asserted (``format_checker=Draft202012Validator.FORMAT_CHECKER``): JSON Schema
treats ``format`` as a note otherwise. docs/exports.md lists what one row's schema cannot check.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ccassure.contracts.model import ColumnSpec, Contract

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
              "date": "string", "month": "string"}


def _typed_example(spec: ColumnSpec) -> Any:
    """The contract's example as the JSON value a row holds (``"no"`` on a yes/no column is ``false``)."""
    return json_value(spec, spec.example)


def _property(spec: ColumnSpec) -> dict[str, Any]:
    kind = JSON_TYPES[spec.type]
    prop: dict[str, Any] = {"type": kind if spec.required else [kind, "null"]}
    if spec.type == "date":
        prop["format"] = "date"
    if spec.type == "month":
        prop["pattern"] = MONTH_PATTERN
    if spec.allowed is not None:
        prop["enum"] = [*spec.allowed] + ([] if spec.required else [None])
    if spec.minimum is not None:
        prop["minimum"] = spec.minimum
    if spec.maximum is not None:
        prop["maximum"] = spec.maximum
    if spec.pattern is not None:
        prop["pattern"] = spec.pattern
    if spec.description:
        prop["description"] = spec.description
    if spec.example is not None:
        prop["examples"] = [_typed_example(spec)]
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


def json_value(spec: ColumnSpec, value: Any) -> Any:
    """One cell as a row's JSON value, read as ccassure reads it; unreadable text stays text."""
    if value is None:
        return None
    converted = json_column(spec, pd.Series([value], dtype=object))
    return converted[0]


def json_column(spec: ColumnSpec, raw: pd.Series) -> list[Any]:
    """A column of cells as JSON values (None for empty cells)."""
    from ccassure.validation.coerce import coerce_column

    coerced = coerce_column(raw, spec)
    bad = coerced.bad | (coerced.full_birth_date if len(coerced.full_birth_date) else False)
    out: list[Any] = []
    for cell, typed, unreadable in zip(raw.tolist(), coerced.values.tolist(), bad, strict=True):
        if unreadable:
            out.append(cell.strip() if isinstance(cell, str) else cell)
        elif typed is None or typed is pd.NA or (isinstance(typed, float) and typed != typed) or typed is pd.NaT:
            out.append(None)
        elif spec.type == "date":
            out.append(pd.Timestamp(typed).date().isoformat())
        elif spec.type == "integer":
            out.append(int(typed))
        elif spec.type == "number":
            out.append(float(typed))
        elif spec.type == "boolean":
            out.append(bool(typed))
        else:
            out.append(str(typed))
    return out


def json_rows(contract: Contract, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a table (read as text, e.g. ``pd.read_csv(path, dtype=str, keep_default_na=False)``)
    as JSON objects for ``json_schema(contract)``: contract columns only, empty cells left out."""
    columns = {spec.name: json_column(spec, frame[spec.name].astype(object)) for spec in contract.columns
               if spec.name in frame}
    rows = []
    for position in range(len(frame)):
        rows.append({name: values[position] for name, values in columns.items() if values[position] is not None})
    return rows
