"""The default engine: each contract compiles to a pandera schema, run lazily over the typed table.

Typing happened in coerce.py, so the schema checks values: required, allowed values, ranges, patterns and
uniqueness. pandera's failure cases are mapped back to sheet rows and cells and grouped by cause.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ccassure.contracts import ColumnSpec, Contract
from ccassure.contracts.dtypes import PANDAS_DTYPES
from ccassure.problems import Problem, make_problem
from ccassure.readers import RawTable
from ccassure.validation.located import located_problem


def column_checks(spec: ColumnSpec) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if spec.allowed is not None:
        checks.append(pa.Check.isin(list(spec.allowed)))
    if spec.minimum is not None:
        checks.append(pa.Check.ge(spec.minimum))
    if spec.maximum is not None:
        checks.append(pa.Check.le(spec.maximum))
    if spec.pattern is not None:
        checks.append(pa.Check.str_matches(spec.pattern))
    return checks


def build_schema(contract: Contract, present: frozenset[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a contract, limited to the columns present in the source (missing columns
    are reported once by the reader, not once per row)."""
    return _schema(contract, present if present is not None else frozenset(contract.column_names))


@lru_cache(maxsize=256)
def _schema(contract: Contract, present: frozenset[str]) -> pa.DataFrameSchema:
    columns = {
        spec.name: pa.Column(PANDAS_DTYPES[spec.type], checks=column_checks(spec), nullable=not spec.required,
                             unique=spec.unique, required=True, title=spec.name, description=spec.description)
        for spec in contract.columns if spec.name in present
    }
    return pa.DataFrameSchema(columns, name=contract.table, strict=False, coerce=False)


CHECK_CODES = (
    ("not_nullable", "required-value-missing"),
    ("isin", "value-not-allowed"),
    ("greater_than_or_equal_to", "value-too-small"),
    ("less_than_or_equal_to", "value-too-large"),
    ("str_matches", "pattern-mismatch"),
    ("field_uniqueness", "duplicate-key"),
)


def run_pandera(contract: Contract, typed: pd.DataFrame, raw: RawTable, unreadable: dict[str, np.ndarray],
                present: frozenset[str]) -> list[Problem]:
    """Validate one typed table; ``unreadable`` masks cells already reported as unreadable."""
    schema = build_schema(contract, present)
    try:
        schema.validate(typed, lazy=True)
        return []
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
    problems: list[Problem] = []
    failures = failures[failures["index"].notna()]
    for (column, check), group in failures.groupby(["column", "check"], sort=False):
        code = _code_for(str(check))
        spec = contract.column(str(column))
        positions = group["index"].astype("int64").to_numpy()
        skip = unreadable.get(str(column))
        if skip is not None:
            positions = positions[~skip[positions]]
        if len(positions) == 0:
            continue
        positions = np.sort(np.unique(positions))
        if code is None:
            problems.append(make_problem("engine-error", file=raw.file, table=raw.table, sheet=raw.sheet,
                                         column=str(column), detail=f"pandera ({check})"))
            continue
        problems.append(located_problem(code, raw, spec.name, positions, raw.frame[spec.name]
                                        if spec.name in raw.frame else typed[spec.name],
                                        detail=_detail(code, spec), example=spec.example,
                                        detail_sheet=raw.sheet))
    return problems


def _code_for(check: str) -> str | None:
    for prefix, code in CHECK_CODES:
        if check.startswith(prefix):
            return code
    return None


def _detail(code: str, spec: ColumnSpec) -> str | None:
    if code == "value-not-allowed":
        return ", ".join(str(v) for v in spec.allowed or ())
    if code == "value-too-small":
        return f"{spec.minimum:g}"
    if code == "value-too-large":
        return f"{spec.maximum:g}"
    if code == "pattern-mismatch":
        return f"for example {spec.example}" if spec.example is not None else f"pattern {spec.pattern}"
    return None
