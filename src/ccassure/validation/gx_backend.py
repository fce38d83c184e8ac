"""The Great Expectations engine: the same contract, compiled to a GX suite, run over the typed table.

Imported only for ``--engine gx`` (GX takes seconds to import). One ephemeral context per process, held in
memory, with progress bars and analytics off: nothing is written to disk and nothing goes on the network.
Failures are mapped to the same problem codes, rows and cells as the pandera engine.
"""

from __future__ import annotations

import itertools
import logging
import os
import warnings
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ccassure.contracts import Contract
from ccassure.contracts.to_gx import suite_dict
from ccassure.problems import Problem, make_problem
from ccassure.readers import RawTable
from ccassure.validation.located import located_problem

DATASOURCE = "ccassure"
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


def run_gx(contract: Contract, typed: pd.DataFrame, raw: RawTable, unreadable: dict[str, np.ndarray],
           present: frozenset[str]) -> list[Problem]:
    """Validate one typed table with GX; ``unreadable`` masks cells already reported as unreadable."""
    data = suite_dict(contract, present, structure=False)
    if not data["expectations"]:
        return []
    gx = _gx()
    suite = gx.ExpectationSuite(**data)
    datasource = _datasource()
    name = f"{contract.table}-{next(_asset_numbers)}"
    asset = datasource.add_dataframe_asset(name)
    try:
        batch = asset.add_batch_definition_whole_dataframe("whole table").get_batch(
            batch_parameters={"dataframe": typed.reset_index(drop=True)})
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
        column = config.kwargs.get("column")
        raised = bool(item.exception_info and item.exception_info.get("raised_exception"))
        if raised or code is None or column is None:
            problems.append(make_problem("engine-error", file=raw.file, table=raw.table, sheet=raw.sheet,
                                         column=column, detail=f"Great Expectations ({config.type})"))
            continue
        positions = np.asarray(item.result.get("unexpected_index_list") or [], dtype="int64")
        skip = unreadable.get(column)
        if skip is not None and len(positions):
            positions = positions[~skip[positions]]
        if len(positions) == 0:
            continue
        positions = np.sort(np.unique(positions))
        spec = contract.column(column)
        shown = raw.frame[column] if column in raw.frame else typed[column]
        problems.append(located_problem(code, raw, column, positions, shown, detail=_detail(code, spec),
                                        example=spec.example, detail_sheet=raw.sheet))
    return problems


def _detail(code: str, spec: Any) -> str | None:
    """The same detail wording as the pandera engine, so both engines print the same messages."""
    from ccassure.validation.pandera_backend import _detail as pandera_detail

    return pandera_detail(code, spec)
