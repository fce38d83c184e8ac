"""A return folder described as a Frictionless Data Package: one resource per CSV, each with its Table
Schema, so that ``frictionless validate datapackage.json`` checks foreign keys between the tables too.

The package is written into (or for) the folder of CSV files; resources name the files as ccassure's
template and exports name them (``sessions.csv``). Tables whose file is not in the folder are left out,
with the foreign keys that point at them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ccassure.contracts.model import Contract
from ccassure.contracts.to_tableschema import NARROWER, table_schema


def data_package(contracts: Iterable[Contract], name: str, files: dict[str, str] | None = None) -> dict[str, Any]:
    """The datapackage.json for ``contracts`` (``files``: table -> CSV file name, when only some are there)."""
    chosen = [c for c in contracts if files is None or c.table in files]
    tables = {c.table for c in chosen}
    resources = []
    for contract in chosen:
        resources.append({
            "name": contract.table,
            "path": (files or {}).get(contract.table, f"{contract.table}.csv"),
            "title": contract.title,
            "profile": "tabular-data-resource",
            "format": "csv",
            "schema": table_schema(contract, tables),
        })
    return {
        "name": name,
        "title": "A return checked by ccassure's data contracts",
        "profile": "tabular-data-package",
        "resources": resources,
        "x-ccassure-narrower-than-ccassure": list(NARROWER),
    }
