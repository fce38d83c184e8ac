"""A data contract compiled to a Great Expectations 1.x expectation suite (plain JSON; GX is not imported).

The suite checks a table as a GX user reads it from CSV: every cell as text (``PREPARE`` in each suite's
meta, and docs/exports.md, say exactly how), so that a mistyped cell is seen rather than silently turned
into a missing value. Types, dates, months, yes/no and ranges are regular expressions over that text
(contracts/accepted.py, the same rules ccassure's reader applies); foreign keys compare each reference with
the referenced table's key joined beside it; date order compares the dates parsed beside the text.

Each expectation carries ``meta.ccassure_code``: the problem code ccassure reports for the same failure.
A cell that fails its type expectation fails no other (the range, year and privacy expectations pass text
that is not of the column's type), so each bad cell is reported once, as ccassure does.
"""

from __future__ import annotations

from typing import Any

from ccassure.contracts import accepted
from ccassure.contracts.model import Contract

GX_VERSION = "1.x"
TYPE_CODES = {"integer": "type-integer", "number": "type-number", "boolean": "type-boolean", "date": "type-date",
              "month": "type-month"}

# How the suites expect a CSV to be read (pandas.read_csv keyword arguments): every cell as text, only
# empty cells missing (pandas' default list would turn "n/a", "NA" or "null" into missing values).
READ_CSV = {"dtype": "str", "keep_default_na": False, "na_values": [""], "encoding": "utf-8-sig"}
PREPARE_DOC = "docs/exports.md#great-expectations"


def anchored(pattern: str) -> str:
    """A regex that must match at the start of the value, as re.match does."""
    return pattern if pattern.startswith("^") else f"^(?:{pattern})"


def joined_name(ref_table: str, ref_column: str) -> str:
    """The column a foreign key's referenced key is joined in as (``centres.centre_id``)."""
    return f"{ref_table}.{ref_column}"


def date_name(column: str) -> str:
    """The column a date is parsed into, beside its text, for the date-order expectations."""
    return f"{column} (date)"


def _expectation(kind: str, code: str | None, **kwargs: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"ccassure_code": code} if code else {}
    return {"type": kind, "kwargs": kwargs, "meta": meta}


def _column_expectations(spec: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    name = spec.name
    if spec.required:
        out.append(_expectation("expect_column_values_to_not_be_null", "required-value-missing", column=name))
    text = accepted.type_text(spec.type)
    if text is not None:
        out.append(_expectation("expect_column_values_to_match_regex", TYPE_CODES[spec.type], column=name,
                                regex=accepted.full(text)))
    if spec.type == "date":
        out.append(_expectation("expect_column_values_to_match_regex", "date-out-of-range", column=name,
                                regex=accepted.date_year_in_range()))
    if spec.type == "month":
        out.append(_expectation("expect_column_values_to_match_regex", "personal-data-value", column=name,
                                regex=accepted.not_a_birth_date()))
    if spec.allowed is not None:
        out.append(_expectation("expect_column_values_to_be_in_set", "value-not-allowed", column=name,
                                value_set=[str(v) for v in spec.allowed]))
    if spec.type in ("integer", "number"):
        if spec.minimum is not None:
            out.append(_expectation("expect_column_values_to_match_regex", "value-too-small", column=name,
                                    regex=accepted.number_check_text(spec.type, spec.minimum, None)))
        if spec.maximum is not None:
            out.append(_expectation("expect_column_values_to_match_regex", "value-too-large", column=name,
                                    regex=accepted.number_check_text(spec.type, None, spec.maximum)))
    if spec.pattern is not None:
        out.append(_expectation("expect_column_values_to_match_regex", "pattern-mismatch", column=name,
                                regex=anchored(spec.pattern)))
    if spec.unique:
        out.append(_expectation("expect_column_values_to_be_unique", "duplicate-key", column=name))
    return out


def prepare_steps(contract: Contract) -> dict[str, Any]:
    """What to do to a CSV before running the suite: read it as text, trim cells, join each foreign key's
    referenced keys, parse the dates whose order is checked."""
    dates = sorted({c for order in contract.date_order for c in (order.start, order.end)})
    return {
        "read_csv": READ_CSV,
        "trim": "strip spaces at both ends of every cell; a cell left empty is missing",
        "joins": [{"column": fk.column, "table": fk.ref_table, "ref_column": fk.ref_column,
                   "as": joined_name(fk.ref_table, fk.ref_column)} for fk in contract.foreign_keys],
        "dates": [{"column": column, "as": date_name(column),
                   "to_datetime": [{"format": "ISO8601", "errors": "coerce"},
                                   {"format": "mixed", "dayfirst": True, "errors": "coerce"}]} for column in dates],
        "documentation": PREPARE_DOC,
    }


def suite_dict(contract: Contract, present: frozenset[str] | None = None, *, structure: bool = True,
               tables: frozenset[str] | None = None) -> dict[str, Any]:
    """The expectation suite of ``contract`` as GX 1.x JSON (``gx.ExpectationSuite(**suite_dict(...))``).

    ``present`` limits value expectations to the columns a source actually has (missing columns are
    reported once by the reader); ``tables`` limits foreign keys to referenced tables that are there.
    ``structure`` adds column-existence expectations, which a standalone suite needs.
    """
    expectations: list[dict[str, Any]] = []
    for spec in contract.columns:
        if structure and spec.required:
            expectations.append(_expectation("expect_column_to_exist", "missing-column", column=spec.name))
        if present is not None and spec.name not in present:
            continue
        expectations += _column_expectations(spec)
    keys = list(contract.primary_key)
    if keys and (present is None or set(keys) <= present):
        if len(keys) == 1:
            if not contract.column(keys[0]).unique:
                expectations.append(_expectation("expect_column_values_to_be_unique", "duplicate-key",
                                                 column=keys[0]))
        else:
            expectations.append(_expectation("expect_compound_columns_to_be_unique", "duplicate-key",
                                             column_list=keys, ignore_row_if="any_value_is_missing"))
    for fk in contract.foreign_keys:
        if (present is not None and fk.column not in present) or (tables is not None and fk.ref_table not in tables):
            continue
        expectations.append(_expectation("expect_column_pair_values_to_be_equal", "foreign-key", column_A=fk.column,
                                         column_B=joined_name(fk.ref_table, fk.ref_column),
                                         ignore_row_if="both_values_are_missing"))
    for order in contract.date_order:
        if present is not None and not {order.start, order.end} <= present:
            continue
        expectations.append(_expectation("expect_column_pair_values_a_to_be_greater_than_b", "date-order",
                                         column_A=date_name(order.end), column_B=date_name(order.start),
                                         or_equal=True, ignore_row_if="either_value_is_missing"))
    for expectation in expectations:
        expectation["meta"]["ccassure_table"] = contract.table
    return {
        "name": contract.table,
        "expectations": expectations,
        "meta": {"generated_by": "ccassure", "great_expectations_version": GX_VERSION, "table": contract.table,
                 "title": contract.title, "dataset": contract.dataset, "sheet": contract.sheet,
                 "ccassure_prepare": prepare_steps(contract),
                 "ccassure_reading": ("Uniqueness expectations list every copy of a repeated key; ccassure "
                                      "reports the copies after the first.")},
        "notes": contract.description or None,
    }
