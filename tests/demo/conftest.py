"""Shared fixtures for the demo-data tests: a small generated demo, the contracts, and a strict typed reader."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccassure.contracts import Contract, ContractSet, load_contracts
from ccassure.contracts.dtypes import PANDAS_DTYPES, conform

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
DEMO_SCALE = 0.05

FORMATS = {"date": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-(0[1-9]|1[0-2])", "integer": r"-?\d+",
           "number": r"-?\d+(\.\d+)?", "boolean": r"yes|no"}


@pytest.fixture(scope="session")
def contracts() -> ContractSet:
    return load_contracts(REPO / "data_contracts")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One small demo (default seed), generated once for the whole session; its summary is returned."""
    from ccassure.demo.generate import generate_demo

    out = tmp_path_factory.mktemp("demo") / "demo"
    return generate_demo(out, seed=2016, scale=DEMO_SCALE)


@pytest.fixture(scope="session")
def demo_dir(demo_run: dict) -> Path:
    return Path(demo_run["output_dir"])


def read_typed(path: Path, contract: Contract) -> pd.DataFrame:
    """Read a generated CSV strictly: exact headers, ISO formats, allowed values, patterns and ranges,
    then type it with ``dtypes.conform`` (the typed-table convention every later stage relies on)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows and rows[0] == contract.column_names, f"{path}: headers differ from the contract"
    body = rows[1:]
    assert all(len(row) == len(rows[0]) for row in body), f"{path}: ragged rows"
    cells = list(zip(*body, strict=True)) if body else [()] * len(rows[0])
    columns = {}
    for spec, values in zip(contract.columns, cells, strict=True):
        where = f"{path.name}:{spec.name}"
        fmt = re.compile(FORMATS[spec.type]) if spec.type in FORMATS else None
        pattern = re.compile(spec.pattern) if spec.pattern else None
        allowed = {str(a) for a in spec.allowed} if spec.allowed is not None else None
        present = [v for v in values if v != ""]
        if spec.required:
            assert len(present) == len(values), f"{where}: required column has blanks"
        bad = [v for v in present if (fmt and not fmt.fullmatch(v)) or (pattern and not pattern.search(v))
               or (allowed is not None and v not in allowed)]
        assert not bad, f"{where}: invalid values {bad[:3]}"
        if spec.type == "date":
            value = np.array([v or "NaT" for v in values], dtype="datetime64[D]")
        elif spec.type == "boolean":
            value = pd.array([None if v == "" else v == "yes" for v in values], dtype="boolean")
        elif spec.type in ("integer", "number"):
            value = np.array([float(v) if v else np.nan for v in values], dtype=float)
            if spec.minimum is not None:
                assert not (value < spec.minimum).any(), f"{where}: below minimum"
            if spec.maximum is not None:
                assert not (value > spec.maximum).any(), f"{where}: above maximum"
            if spec.type == "integer":
                value = pd.array(value, dtype="Int64")
        else:
            value = np.array([v if v else None for v in values], dtype=object)
        columns[spec.name] = value
    typed = conform(pd.DataFrame(columns), contract)
    for spec in contract.columns:
        assert str(typed[spec.name].dtype) == str(pd.Series(dtype=PANDAS_DTYPES[spec.type]).dtype), spec.name
    return typed


@pytest.fixture(scope="session")
def read_folder(contracts: ContractSet) -> Callable[[Path], dict[str, pd.DataFrame]]:
    def read(folder: Path) -> dict[str, pd.DataFrame]:
        tables = {}
        for path in sorted(folder.glob("*.csv")):
            assert path.stem in contracts, f"{path} is not a contract table"
            tables[path.stem] = read_typed(path, contracts[path.stem])
        return tables

    return read


def check_keys(tables: dict[str, pd.DataFrame], contracts: ContractSet, where: str) -> None:
    """Primary keys unique and complete; foreign keys resolve to tables of the same folder."""
    for name, frame in tables.items():
        contract = contracts[name]
        if contract.primary_key:
            keys = frame[list(contract.primary_key)]
            assert keys.notna().all(axis=None), f"{where}/{name}: blank primary key"
            assert not keys.duplicated().any(), f"{where}/{name}: duplicate primary key"
        for fk in contract.foreign_keys:
            if fk.ref_table not in tables:
                continue
            values = frame[fk.column].dropna()
            known = set(tables[fk.ref_table][fk.ref_column].dropna())
            missing = set(values) - known
            assert not missing, f"{where}/{name}.{fk.column}: unknown {sorted(missing)[:5]}"


@pytest.fixture(scope="session")
def demo_data(demo_dir: Path, read_folder: Callable[[Path], dict[str, pd.DataFrame]]) -> dict:
    """Every generated folder, read strictly and typed: returns by (provider, quarter), records by authority."""
    returns = {(folder.parent.name, folder.name): read_folder(folder)
               for folder in sorted((demo_dir / "provider_return").glob("*/*"))}
    records = {folder.name: read_folder(folder) for folder in sorted((demo_dir / "authority_records").iterdir())}
    return {"returns": returns, "records": records, "reference": read_folder(demo_dir / "reference")}


def stacked(demo_data: dict, table: str) -> pd.DataFrame:
    """One table across every provider return, with provider and quarter columns."""
    frames = [frame[table].assign(provider=provider, quarter=quarter)
              for (provider, quarter), frame in demo_data["returns"].items()]
    return pd.concat(frames, ignore_index=True)


def records(demo_data: dict, table: str) -> pd.DataFrame:
    return pd.concat([tables[table] for tables in demo_data["records"].values()], ignore_index=True)
