"""Importers for real published reference data, one module per format.

Each ``read_<kind>(path)`` returns a frame conforming to ``data_contracts/reference/<table>.yaml`` or raises
:class:`ReferenceFileError` naming the file (and row/column where it applies).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ccassure.reference.common import ReferenceFileError

# import kind -> (reference table, "module:function")
KINDS: dict[str, tuple[str, str]] = {
    "gias": ("gias_centres", "ccassure.reference.gias:read_gias"),
    "iod": ("deprivation", "ccassure.reference.iod:read_iod"),
    "population": ("lsoa_population", "ccassure.reference.population:read_population"),
    "postcodes": ("postcodes", "ccassure.reference.postcodes:read_postcodes"),
    "eyfsp": ("eyfsp", "ccassure.reference.eyfsp:read_eyfsp"),
    "authorities": ("authorities", "ccassure.reference.authorities:read_authorities"),
    "comparators-eyfsp": ("comparators", "ccassure.reference.comparators:read_eyfsp_comparators"),
}


def reader(kind: str) -> Callable[[Path | str], pd.DataFrame]:
    import importlib

    if kind not in KINDS:
        raise ValueError(f"unknown reference kind {kind!r}; choose one of {', '.join(KINDS)}")
    module, function = KINDS[kind][1].split(":")
    return getattr(importlib.import_module(module), function)


def read_reference(kind: str, path: Path | str) -> tuple[str, pd.DataFrame]:
    """(table name, typed frame) for a reference file of the given kind."""
    function = reader(kind)
    return KINDS[kind][0], function(path)


__all__ = ["KINDS", "ReferenceFileError", "read_reference", "reader"]
