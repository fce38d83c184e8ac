"""Arrow tables as frames at the contract dtypes (dtypes.py), without re-conforming what already fits.

Why here: DuckDB hands results back as Arrow, and the frame a reader gets must have exactly the dtypes
``dtypes.PANDAS_DTYPES`` promises every stage after validation. Keeping the Arrow-to-pandas mapping beside
those dtypes means one module to change when a dtype changes. Frames read from the store carry
``submission_id`` (the submission each row came from) after the contract columns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from ccassure.contracts.dtypes import PANDAS_DTYPES, conform, empty_table
from ccassure.contracts.model import Contract


def types_mapper(arrow_type: pa.DataType) -> Any:
    """The pandas dtype for an Arrow type (``Table.to_pandas(types_mapper=...)``): nullable numbers and
    booleans, pyarrow-backed strings; None leaves pyarrow's default (dates, timestamps)."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    return None


def arrow_to_frame(table: pa.Table, contract: Contract) -> pd.DataFrame:
    """A DuckDB result as a frame typed per dtypes.py, plus ``submission_id``."""
    frame = table.to_pandas(types_mapper=types_mapper, date_as_object=False)
    for spec in contract.columns:
        if spec.type == "date" and spec.name in frame and str(frame[spec.name].dtype) != "datetime64[s]":
            frame[spec.name] = frame[spec.name].astype("datetime64[s]")
    typed = conform_fast(frame.drop(columns=["submission_id"], errors="ignore"), contract)
    typed["submission_id"] = frame["submission_id"].astype("str") if "submission_id" in frame else \
        pd.Series(dtype="str", index=frame.index)
    return typed


_EMPTY: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}


def empty_frame(contract: Contract) -> pd.DataFrame:
    """A zero-row frame of the contract's columns plus ``submission_id``; built once per contract layout
    (a check reads many empty tables), a copy each call."""
    key = (contract.table, tuple(f"{spec.name}:{spec.type}" for spec in contract.columns))
    if key not in _EMPTY:
        frame = empty_table(contract)
        frame["submission_id"] = pd.Series(dtype="str")
        _EMPTY[key] = frame
    return _EMPTY[key].copy()


def conform_fast(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """conform(), skipped when the frame already has exactly the contract's columns at their dtypes."""
    names = contract.column_names
    if list(frame.columns) == names and all(
            str(frame[spec.name].dtype) == _dtype_name(spec.type) for spec in contract.columns):
        return frame
    return conform(frame, contract)


_DTYPE_NAMES: dict[str, str] = {}


def _dtype_name(column_type: str) -> str:
    """The dtype's name as pandas prints it (``str(Series.dtype)``), cached: compared for every column read."""
    if column_type not in _DTYPE_NAMES:
        _DTYPE_NAMES[column_type] = str(pd.Series(dtype=PANDAS_DTYPES[column_type]).dtype)
    return _DTYPE_NAMES[column_type]
