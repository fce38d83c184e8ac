"""The pandas dtypes a validated table uses for each contract column type.

Every stage after validation (store, rules, KPIs, reports) can rely on these: strings are pandas'
pyarrow-backed ``str``, integers and numbers are nullable, dates are ``datetime64[s]`` at midnight,
months are ``yyyy-mm`` strings. Missing values are NA.
"""

from __future__ import annotations

import pandas as pd

from ccassure.contracts.model import Contract

PANDAS_DTYPES: dict[str, str] = {
    "string": "str",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[s]",
    "month": "str",
}

DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "month": "VARCHAR",
}


def empty_table(contract: Contract) -> pd.DataFrame:
    """A zero-row frame with every contract column at its validated dtype."""
    return pd.DataFrame({spec.name: pd.Series(dtype=PANDAS_DTYPES[spec.type]) for spec in contract.columns})


def conform(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Return ``frame`` with exactly the contract's columns, in order, at their validated dtypes.

    Columns the frame lacks are added as all-missing; values must already be clean (use validation for
    untrusted input).
    """
    out = {}
    for spec in contract.columns:
        dtype = PANDAS_DTYPES[spec.type]
        if spec.name in frame.columns:
            column = frame[spec.name]
            if spec.type == "date":
                column = pd.to_datetime(column).astype(dtype)
            out[spec.name] = column.astype(dtype)
        else:
            out[spec.name] = pd.Series(pd.NA, index=frame.index, dtype=dtype)
    return pd.DataFrame(out, index=frame.index)
