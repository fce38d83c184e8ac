"""A data contract compiled to a Great Expectations 1.x expectation suite (plain JSON; GX is not imported).

Each expectation carries ``meta.ccassure_code``: the problem code ccassure reports when it fails, so that
the GX engine and the pandera engine speak the same language. Ranges compile to two one-sided
expectations (at least / at most) because ccassure tells "too small" from "too large". Patterns are
anchored at the start, as pandera's str_matches (re.match) is.
"""

from __future__ import annotations

from typing import Any

from ccassure.contracts.model import Contract

GX_VERSION = "1.x"

# Expectations on values: what ``ccassure validate --engine gx`` runs (keys, foreign keys and date order are
# checked once, engine-independently, by validation/cross_table.py).
VALUE_CODES = frozenset({"required-value-missing", "value-not-allowed", "value-too-small", "value-too-large",
                         "pattern-mismatch", "duplicate-key"})


def anchored(pattern: str) -> str:
    """A regex that must match at the start of the value, as re.match does."""
    return pattern if pattern.startswith("^") else f"^(?:{pattern})"


def _expectation(kind: str, code: str | None, **kwargs: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"ccassure_code": code} if code else {}
    return {"type": kind, "kwargs": kwargs, "meta": meta}


def suite_dict(contract: Contract, present: frozenset[str] | None = None, *, structure: bool = True) -> dict[str, Any]:
    """The expectation suite of ``contract`` as GX 1.x JSON (``gx.ExpectationSuite(**suite_dict(...))``).

    ``present`` limits value expectations to the columns a source actually has (missing columns are
    reported once by the reader). ``structure`` adds column-existence and primary-key expectations, which a
    standalone suite needs and ccassure's own run does not.
    """
    expectations: list[dict[str, Any]] = []
    for spec in contract.columns:
        if structure and spec.required:
            expectations.append(_expectation("expect_column_to_exist", "missing-column", column=spec.name))
        if present is not None and spec.name not in present:
            continue
        if spec.required:
            expectations.append(_expectation("expect_column_values_to_not_be_null", "required-value-missing",
                                             column=spec.name))
        if spec.allowed is not None:
            expectations.append(_expectation("expect_column_values_to_be_in_set", "value-not-allowed",
                                             column=spec.name, value_set=list(spec.allowed)))
        if spec.minimum is not None:
            expectations.append(_expectation("expect_column_values_to_be_between", "value-too-small",
                                             column=spec.name, min_value=spec.minimum))
        if spec.maximum is not None:
            expectations.append(_expectation("expect_column_values_to_be_between", "value-too-large",
                                             column=spec.name, max_value=spec.maximum))
        if spec.pattern is not None:
            expectations.append(_expectation("expect_column_values_to_match_regex", "pattern-mismatch",
                                             column=spec.name, regex=anchored(spec.pattern)))
        if spec.unique:
            expectations.append(_expectation("expect_column_values_to_be_unique", "duplicate-key",
                                             column=spec.name))
    if structure and contract.primary_key:
        if len(contract.primary_key) == 1:
            expectations.append(_expectation("expect_column_values_to_be_unique", "duplicate-key",
                                             column=contract.primary_key[0]))
        else:
            expectations.append(_expectation("expect_compound_columns_to_be_unique", "duplicate-key",
                                             column_list=list(contract.primary_key)))
    for expectation in expectations:
        expectation["meta"]["ccassure_table"] = contract.table
    return {
        "name": contract.table,
        "expectations": expectations,
        "meta": {"generated_by": "ccassure", "great_expectations_version": GX_VERSION, "table": contract.table,
                 "title": contract.title, "dataset": contract.dataset, "sheet": contract.sheet},
        "notes": contract.description or None,
    }
