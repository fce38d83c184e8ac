"""Read a return from a workbook, a folder of CSV or Parquet files, or a single file.

Sheets and files are matched to contracts by name (sheet name or table name, ignoring case, spaces and
underscores). The dataset (provider return, authority records or reference) is the one whose tables the
source names most; its required tables must be present.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ccassure.contracts import Contract, ContractSet
from ccassure.contracts.model import DATASETS
from ccassure.problems import make_problem
from ccassure.readers.csvfile import read_csv_grid
from ccassure.readers.headers import match_header
from ccassure.readers.limits import MAX_FILE_BYTES, MAX_XLSX_BYTES, ReadRefused
from ccassure.readers.model import RawReturn, RawTable, normalise_name
from ccassure.readers.tables import header_problems, table_from_grid
from ccassure.readers.xlsx import iter_sheet_grids, sheet_names

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
TABLE_SUFFIXES = {".csv", ".parquet", ".pq"}


def read_source(path: Path | str, contracts: ContractSet, dataset: str | None = None) -> RawReturn:
    """Read everything ccassure knows from ``path``; never raises for bad input, reports it instead."""
    path = Path(path)
    result = RawReturn(source=str(path))
    try:
        _read_into(result, path, contracts, dataset)
    except ReadRefused as refused:
        result.unreadable = True
        result.tables.clear()
        result.problems = [make_problem(refused.code, file=str(path), detail=refused.detail)]
    except (OSError, MemoryError) as exc:
        result.unreadable = True
        result.tables.clear()
        result.problems = [make_problem("file-unreadable", file=str(path), detail=type(exc).__name__)]
    return result


def contract_for_name(name: str, contracts: ContractSet) -> Contract | None:
    key = normalise_name(name)
    for contract in contracts:
        if key in (normalise_name(contract.sheet), normalise_name(contract.table)):
            return contract
    return None


def _read_into(result: RawReturn, path: Path, contracts: ContractSet, dataset: str | None) -> None:
    if not path.exists():
        raise ReadRefused("file-not-found", "")
    if path.is_dir():
        members = sorted(p for p in path.iterdir() if p.suffix.lower() in TABLE_SUFFIXES and p.is_file())
        named = {p.stem: p for p in members}
        if not named:
            raise ReadRefused("no-known-tables", "no .csv or .parquet files in the folder")
        _read_members(result, named, contracts, dataset, single=False)
        return
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size == 0:
        raise ReadRefused("file-empty", "")
    if suffix in XLSX_SUFFIXES:
        if size > MAX_XLSX_BYTES:
            raise ReadRefused("file-too-large", f"{size / 1e6:,.0f} MB")
        _read_workbook(result, path, contracts, dataset)
    elif suffix in TABLE_SUFFIXES:
        _read_members(result, {path.stem: path}, contracts, dataset, single=True)
    elif suffix == ".xls":
        raise ReadRefused("file-unreadable", "the old .xls format is not supported; save it as .xlsx")
    else:
        raise ReadRefused("file-unreadable", f"files ending {suffix or '(no extension)'} are not supported; "
                                             "use .xlsx, .csv or .parquet")


def _read_workbook(result: RawReturn, path: Path, contracts: ContractSet, dataset: str | None) -> None:
    names = sheet_names(path)
    matched = {name: contract for name in names if (contract := contract_for_name(name, contracts))}
    chosen = _choose_dataset(result, matched.values(), contracts, dataset, str(path), names)
    for name in names:
        if name not in matched:
            result.problems.append(make_problem("unknown-sheet", file=str(path), sheet=name))
    any_rows = False
    for sheet, grid in iter_sheet_grids(path, set(matched)):
        any_rows |= len(grid) > 0
        _add_table(result, grid, matched[sheet], str(path), sheet, "xlsx")
    if not any_rows:
        raise ReadRefused("file-empty", "")
    _missing_tables(result, contracts, chosen, str(path))


def _read_members(result: RawReturn, named: dict[str, Path], contracts: ContractSet, dataset: str | None,
                  *, single: bool) -> None:
    matched = {stem: contract for stem in named if (contract := contract_for_name(stem, contracts))}
    chosen = _choose_dataset(result, matched.values(), contracts, dataset, result.source, list(named))
    for stem, member in named.items():
        contract = matched.get(stem)
        if contract is None:
            result.problems.append(make_problem("unknown-sheet", file=str(member), sheet=member.name))
            continue
        if member.stat().st_size > MAX_FILE_BYTES:
            raise ReadRefused("file-too-large", f"{member.name} is {member.stat().st_size / 1e6:,.0f} MB")
        if member.suffix.lower() == ".csv":
            if member.stat().st_size == 0:
                raise ReadRefused("file-empty", f"{member.name} is empty")
            _add_table(result, read_csv_grid(member), contract, str(member), member.name, "csv")
        else:
            _add_parquet(result, member, contract)
    if not single:
        _missing_tables(result, contracts, chosen, result.source)


def _add_table(result: RawReturn, grid: pd.DataFrame, contract: Contract, file: str, sheet: str,
               kind: str) -> None:
    table, problems = table_from_grid(grid, contract, file=file, sheet=sheet, kind=kind)  # type: ignore[arg-type]
    result.problems.extend(problems)
    if table is not None:
        result.tables[contract.table] = table


def _add_parquet(result: RawReturn, member: Path, contract: Contract) -> None:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(member).to_pandas()
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise ReadRefused("file-unreadable", f"{member.name} is not a readable Parquet file ({type(exc).__name__})") \
            from None
    match = match_header(list(frame.columns), contract)
    where = {"file": str(member), "table": contract.table, "sheet": member.name}
    result.problems.extend(header_problems(contract, match.columns.values(), match.unknown.values(),
                                           match.duplicates, where))
    picked = frame.iloc[:, list(match.columns)]
    picked.columns = list(match.columns.values())
    result.tables[contract.table] = RawTable(contract.table, str(member), member.name, "parquet",
                                             picked.reset_index(drop=True), np.arange(1, len(picked) + 1))


def _choose_dataset(result: RawReturn, matched: Iterable[Contract], contracts: ContractSet, dataset: str | None,
                    file: str, names: list[str]) -> str:
    found = list(matched)
    if dataset is not None:
        result.dataset = dataset
        return dataset
    if not found:
        known = ", ".join(sorted({c.sheet for c in contracts if c.dataset != "reference"}))
        raise ReadRefused("no-known-tables", f"found {', '.join(map(repr, names[:8])) or 'nothing'}; "
                                             f"expected sheets such as {known}")
    counts = {name: sum(c.dataset == name for c in found) for name in DATASETS}
    result.dataset = max(DATASETS, key=lambda name: counts[name])
    return result.dataset


def _missing_tables(result: RawReturn, contracts: ContractSet, dataset: str, file: str) -> None:
    for contract in contracts.in_dataset(dataset):
        if contract.required and contract.table not in result.tables and not any(
                p.table == contract.table and p.code == "header-not-found" for p in result.problems):
            result.problems.append(make_problem("missing-table", file=file, table=contract.table,
                                                sheet=contract.sheet))
