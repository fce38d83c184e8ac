"""The Great Expectations engine: the exported suite, and nothing else, judges each table.

``ccassure validate --engine gx`` prepares each table exactly as docs/exports.md tells a GX user to
prepare a CSV (every cell as text, trimmed; referenced keys joined beside each foreign key; dates parsed
beside their text for the date-order checks) and runs the suite ``ccassure contracts export --to gx``
writes. Every contract check (types, required values, allowed values, ranges, patterns, keys, foreign
keys, date order) comes from the suite; ccassure adds only what is not a contract check: the reader's
findings about the file and the personal-data scans.

Imported only for ``--engine gx`` (GX takes seconds to import). One ephemeral context per process, held in
memory, with progress bars and analytics off: nothing is written to disk and nothing goes on the network.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import warnings
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ccassure.contracts import Contract, ContractSet
from ccassure.contracts.to_gx import date_name, joined_name, suite_dict
from ccassure.problems import Problem, make_problem
from ccassure.readers import RawTable
from ccassure.validation.located import located_problem

DATASOURCE = "ccassure"
# The problem codes the suite reports; for --engine gx the typing step's own reports of these are dropped.
SUITE_CODES = frozenset({"type-integer", "type-number", "type-boolean", "type-date", "type-month",
                         "date-out-of-range", "personal-data-value"})
TRIMMED = " \t\r\n\u00a0\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_asset_numbers = itertools.count(1)


def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    return gx


@lru_cache(maxsize=1)
def context() -> Any:
    """An in-memory GX context (mode="ephemeral") with progress bars and usage statistics off."""
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                               progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
                               analytics_enabled=False)
    return gx.get_context(mode="ephemeral", project_config=config)


@lru_cache(maxsize=1)
def _datasource() -> Any:
    return context().data_sources.add_pandas(DATASOURCE)


# ------------------------------------------------------------------------------------ preparing the data


def _cell_text(value: object) -> object:
    """A workbook cell as the text a spreadsheet saves to CSV (dates ISO, 3.0 as 3, TRUE as yes)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as trimmed text, empty cells missing: what the documented ``read_csv`` gives."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_string_dtype(column.dtype) and column.dtype != object):
            column = column.astype(object).map(_cell_text)
        text = column.astype("str").str.strip(TRIMMED)
        columns[name] = text.mask(text.eq("").fillna(True)).astype(object).where(lambda s: s.notna(), None)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def prepare(contract: Contract, texts: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The table the suite runs on: its text, each referenced key joined, the checked dates parsed."""
    frame = texts[contract.table].copy()
    for fk in contract.foreign_keys:
        target = texts.get(fk.ref_table)
        if target is None or fk.column not in frame or fk.ref_column not in target:
            continue
        known = set(target[fk.ref_column].dropna())
        frame[joined_name(fk.ref_table, fk.ref_column)] = frame[fk.column].where(frame[fk.column].isin(known), None)
    for column in {c for order in contract.date_order for c in (order.start, order.end)}:
        if column in frame:
            frame[date_name(column)] = parse_dates(frame[column])
    return frame


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates as the documented recipe parses them: ISO 8601 first, then day-first (13/01/2016)."""
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    rest = text.where(iso.isna() & text.notna())
    if rest.notna().any():
        iso = iso.fillna(pd.to_datetime(rest, format="mixed", dayfirst=True, errors="coerce"))
    return iso


# --------------------------------------------------------------------------------------------- running


def run_gx(contract: Contract, raw: RawTable, texts: Mapping[str, pd.DataFrame], typed: pd.DataFrame,
           skip: Mapping[str, np.ndarray], contracts: ContractSet) -> list[Problem]:
    """Run the exported suite over one table; ``skip`` masks cells the reader already reported
    (a formula error such as #N/A, a formula without a saved value)."""
    present = frozenset(raw.frame.columns)
    data = suite_dict(contract, present, structure=False, tables=frozenset(texts))
    if not data["expectations"]:
        return []
    gx = _gx()
    suite = gx.ExpectationSuite(**data)
    frame = prepare(contract, texts)
    datasource = _datasource()
    name = f"{contract.table}-{next(_asset_numbers)}"
    asset = datasource.add_dataframe_asset(name)
    try:
        batch = asset.add_batch_definition_whole_dataframe("whole table").get_batch(
            batch_parameters={"dataframe": frame})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    finally:
        datasource.delete_asset(name)  # a long notebook session must not pile up assets
    problems: list[Problem] = []
    for item in outcome.results:
        if item.success:
            continue
        config = item.expectation_config
        code = (config.meta or {}).get("ccassure_code")
        column = config.kwargs.get("column") or config.kwargs.get("column_A")
        raised = bool(item.exception_info and item.exception_info.get("raised_exception"))
        if raised or code is None:
            problems.append(make_problem("engine-error", file=raw.file, table=raw.table, sheet=raw.sheet,
                                         column=column, detail=f"Great Expectations ({config.type})"))
            continue
        positions = np.asarray(item.result.get("unexpected_index_list") or [], dtype="int64")
        problem = _located(code, config.kwargs, positions, contract, raw, frame, typed, skip, contracts)
        if problem is not None:
            problems.append(problem)
    return problems


def _located(code: str, kwargs: Mapping[str, Any], positions: np.ndarray, contract: Contract, raw: RawTable,
             frame: pd.DataFrame, typed: pd.DataFrame, skip: Mapping[str, np.ndarray],
             contracts: ContractSet) -> Problem | None:
    """One failed expectation as ccassure's located problem, worded as the pandera engine words it."""
    keys = list(kwargs.get("column_list") or [])
    if code == "date-order":
        start, end = (_undated(kwargs["column_B"]), _undated(kwargs["column_A"]))
        column = end
    else:
        column = kwargs.get("column") or kwargs.get("column_A")
    for name in keys or [column]:
        mask = skip.get(name)
        if mask is not None and len(positions):
            positions = positions[~mask[positions]]
    if len(positions) == 0:
        return None
    positions = np.sort(np.unique(positions))
    primary = bool(keys) or (list(contract.primary_key) == [column] and not contract.column(column).unique)
    if code == "duplicate-key" and primary:  # GX lists every copy of a primary key; the first is the one kept
        key_columns = keys or [column]
        repeated = frame[key_columns].iloc[positions].duplicated(keep="first").to_numpy(dtype=bool)
        positions = positions[repeated]
        if len(positions) == 0:
            return None
        shown = typed[key_columns].astype("str").agg(" / ".join, axis=1)
        return located_problem(code, raw, " + ".join(key_columns), positions, shown)
    if code == "foreign-key":
        fk = next(fk for fk in contract.foreign_keys if fk.column == column)
        ref_sheet = contracts[fk.ref_table].sheet
        return located_problem(code, raw, column, positions, typed[column],
                               detail=f"{fk.ref_column} on the {ref_sheet} sheet", detail_sheet=ref_sheet)
    if code == "date-order":
        first = typed[start].iloc[positions[0]]
        return located_problem(code, raw, end, positions, typed[end].dt.strftime("%d/%m/%Y"),
                               detail=f"{start} ({first:%d/%m/%Y})")
    spec = contract.column(column)
    if code == "personal-data-value":
        return located_problem(code, raw, column, positions, raw.frame[column], detail="a full date of birth")
    if code == "date-out-of-range":
        return located_problem(code, raw, column, positions, _typed_as_shown(raw.frame[column]))
    if code in SUITE_CODES:
        return located_problem(code, raw, column, positions, raw.frame[column])
    return located_problem(code, raw, column, positions, _shown(raw, typed, column), detail=_detail(code, spec),
                           example=spec.example, detail_sheet=raw.sheet)


def _undated(name: str) -> str:
    return name.removesuffix(date_name(""))


def _shown(raw: RawTable, typed: pd.DataFrame, column: str) -> pd.Series:
    return raw.frame[column] if column in raw.frame else typed[column]


def _typed_as_shown(values: pd.Series) -> pd.Series:
    if values.dtype != object:
        return values
    return values.map(lambda v: v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v, na_action="ignore")


def _detail(code: str, spec: Any) -> str | None:
    """The same detail wording as the pandera engine, so both engines print the same messages."""
    from ccassure.validation.pandera_backend import _detail as pandera_detail

    return pandera_detail(code, spec)
