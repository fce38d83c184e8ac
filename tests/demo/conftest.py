"""Shared fixtures for the demo-data tests: a small generated demo, the contracts, and a strict typed reader."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

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
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(raw.columns) == contract.column_names, f"{path}: headers differ from the contract"
    columns = {}
    for spec in contract.columns:
        text = raw[spec.name].astype(object)
        blank = text.eq("")
        where = f"{path.name}:{spec.name}"
        if spec.required:
            assert not blank.any(), f"{where}: required column has blanks"
        present = text[~blank]
        if spec.type in FORMATS:
            bad = present[~present.str.fullmatch(FORMATS[spec.type])]
            assert bad.empty, f"{where}: not {spec.type}: {bad.head(3).tolist()}"
        if spec.type == "date":
            value = pd.to_datetime(text.where(~blank), format="%Y-%m-%d")
        elif spec.type == "boolean":
            value = text.map({"yes": True, "no": False}).where(~blank)
        elif spec.type in ("integer", "number"):
            value = pd.to_numeric(text.where(~blank))
        else:
            value = text.where(~blank)
        if spec.allowed is not None:
            bad = present[~present.isin([str(a) for a in spec.allowed])]
            assert bad.empty, f"{where}: values outside the allowed list: {bad.unique()[:5].tolist()}"
        if spec.pattern is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "has match groups": we only test for a match
                bad = present[~present.astype(str).str.contains(spec.pattern, regex=True)]
            assert bad.empty, f"{where}: values not matching {spec.pattern}: {bad.head(3).tolist()}"
        if spec.minimum is not None:
            assert (value.dropna() >= spec.minimum).all(), f"{where}: below minimum"
        if spec.maximum is not None:
            assert (value.dropna() <= spec.maximum).all(), f"{where}: above maximum"
        columns[spec.name] = value
    typed = conform(pd.DataFrame(columns), contract)
    for spec in contract.columns:
        assert str(typed[spec.name].dtype) == str(pd.Series(dtype=PANDAS_DTYPES[spec.type]).dtype), where
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
