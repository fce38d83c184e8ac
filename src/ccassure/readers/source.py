"""Read a return from a workbook, a folder of CSV or Parquet files, or a single file.

Sheets and files are matched to contracts by name (sheet name or table name, ignoring case, spaces and
underscores). The dataset (provider return, authority records or reference) is the one whose tables the
source names most; its required tables must be present.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ccassure.contracts import Contract, ContractSet
from ccassure.contracts.model import DATASETS
from ccassure.problems import make_problem
from ccassure.readers.csvfile import read_csv_grid
from ccassure.readers.limits import MAX_FILE_BYTES, MAX_XLSX_BYTES, ReadRefused
from ccassure.readers.model import RawReturn, RawTable, normalise_name
from ccassure.readers.parquetfile import read_parquet
from ccassure.readers.tables import header_problems, table_from_grid
from ccassure.readers.xlsx import has_macros, open_workbook

XLSX_SUFFIXES = {".xlsx", ".xlsm", ".ods"}  # calamine reads LibreOffice's .ods like .xlsx
# Sheets of instructions (the template's "Read me") are expected beside the tables, not warned about.
INSTRUCTION_SHEETS = {"readme", "instructions", "notes", "guidance"}
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
        result.problems = [make_problem(one.code, file=one.file or str(path), detail=one.detail)
                           for one in getattr(refused, "refusals", [refused])]
    except (OSError, MemoryError) as exc:
        result.unreadable = True
        result.tables.clear()
        result.problems = [make_problem("file-unreadable", file=getattr(exc, "filename", None) or str(path),
                                        detail=_os_reason(exc))]
    return result


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (ask whoever saved it to share it with you, or copy it somewhere you can read)"
    if isinstance(exc, MemoryError):
        return "it is too large to read on this computer"
    return getattr(exc, "strerror", None) or type(exc).__name__


def _regular_file(path: Path) -> None:
    """Refuse anything that is not a regular file (a device such as /dev/zero, a pipe that would never end,
    a socket, a broken link) before opening it."""
    try:
        mode = path.stat().st_mode  # follows links: a link to a regular file is read
    except FileNotFoundError:
        raise ReadRefused("file-unreadable", "it is a link to a file that does not exist", file=str(path)) from None
    if not stat.S_ISREG(mode):
        raise ReadRefused("file-unreadable", "it is not a regular file (a device, pipe or socket)", file=str(path))


def contract_for_name(name: str, contracts: ContractSet) -> Contract | None:
    """The contract a sheet or file is named for; a CSV that LibreOffice saved from one sheet of a workbook
    is named ``<book>-<Sheet>.csv`` (``return-Sessions.csv``), so the part after a hyphen counts too."""
    for candidate in _name_candidates(name):
        key = normalise_name(candidate)
        for contract in contracts:
            if key in (normalise_name(contract.sheet), normalise_name(contract.table)):
                return contract
    return None


def _name_candidates(name: str) -> list[str]:
    """The name itself, then each part after a hyphen, longest first (``my-return-Board members``)."""
    return [name] + [name[i + 1:] for i, char in enumerate(name) if char == "-" and name[i + 1:].strip()]


def is_instruction_name(name: str) -> bool:
    """A sheet of instructions (the template's "Read me"), also as LibreOffice's ``<book>-Read me.csv``."""
    return any(normalise_name(candidate) in INSTRUCTION_SHEETS for candidate in _name_candidates(name))


def _read_into(result: RawReturn, path: Path, contracts: ContractSet, dataset: str | None) -> None:
    if not path.exists() and not path.is_symlink():
        raise ReadRefused("file-not-found", "")
    if path.is_dir():
        members = sorted(p for p in path.iterdir() if p.suffix.lower() in TABLE_SUFFIXES and not p.is_dir())
        if not members:
            raise ReadRefused("no-known-tables", "no .csv or .parquet files in the folder")
        _read_members(result, members, contracts, dataset, single=False)
        return
    _regular_file(path)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size == 0:
        raise ReadRefused("file-empty", "")
    if suffix in XLSX_SUFFIXES:
        if size > MAX_XLSX_BYTES:
            raise ReadRefused("file-too-large", f"{size / 1e6:,.0f} MB")
        _read_workbook(result, path, contracts, dataset)
    elif suffix in TABLE_SUFFIXES:
        _read_members(result, [path], contracts, dataset, single=True)
    elif suffix == ".xls":
        raise ReadRefused("file-unreadable", "the old .xls format is not supported; save it as .xlsx")
    else:
        raise ReadRefused("file-unreadable", f"files ending {suffix or '(no extension)'} are not supported; "
                                             "use .xlsx, .csv or .parquet")


def _read_workbook(result: RawReturn, path: Path, contracts: ContractSet, dataset: str | None) -> None:
    with open_workbook(path) as workbook:
        names = workbook.sheet_names
        matched = {name: contract for name in names if (contract := contract_for_name(name, contracts))}
        chosen = _choose_dataset(result, matched.values(), contracts, dataset, str(path), names)
        for name in names:
            if name not in matched and not is_instruction_name(name):
                result.problems.append(make_problem("unknown-sheet", file=str(path), sheet=name))
        first = _first_per_table(result, [(name, matched[name]) for name in names if name in matched], str(path))
        if has_macros(path):
            result.problems.append(make_problem("macros-ignored", file=str(path)))
        any_rows = False
        for sheet, grid in workbook.grids(set(first)):
            any_rows |= len(grid.frame) > 0
            _add_table(result, grid.frame, matched[sheet], str(path), sheet, "xlsx", grid.unsaved)
    if not any_rows:
        raise ReadRefused("file-empty", "")
    _missing_tables(result, contracts, chosen, str(path))


def _first_per_table(result: RawReturn, matched: list[tuple[str, Contract]], file: str) -> set[str]:
    """The first sheet or file given for each table; any later one is an error (never silently preferred)."""
    seen: dict[str, str] = {}
    for name, contract in matched:
        if contract.table in seen:
            result.problems.append(make_problem("table-given-twice", file=file, table=contract.table, sheet=name,
                                                detail=seen[contract.table]))
        else:
            seen[contract.table] = name
    return set(seen.values())


def _read_members(result: RawReturn, members: list[Path], contracts: ContractSet, dataset: str | None,
                  *, single: bool) -> None:
    matched = {member.name: contract for member in members if (contract := contract_for_name(member.stem, contracts))}
    chosen = _choose_dataset(result, matched.values(), contracts, dataset, result.source,
                             [member.stem for member in members])
    first = _first_per_table(result, [(m.name, matched[m.name]) for m in members if m.name in matched],
                             result.source)
    refused: list[ReadRefused] = []
    for member in members:
        contract = matched.get(member.name)
        if contract is None:
            if not is_instruction_name(member.stem):
                result.problems.append(make_problem("unknown-sheet", file=str(member), sheet=member.name))
            continue
        if member.name not in first:
            continue
        try:
            _read_member(result, member, contract)
        except ReadRefused as exc:  # every unreadable file of the folder is reported, not just the first
            exc.file = exc.file or str(member)
            refused.append(exc)
        except OSError as exc:
            refused.append(ReadRefused("file-unreadable", _os_reason(exc), file=str(member)))
    if refused:
        raise _Refusals(refused)
    if not single:
        _missing_tables(result, contracts, chosen, result.source)


class _Refusals(ReadRefused):
    def __init__(self, refusals: list[ReadRefused]):
        super().__init__(refusals[0].code, refusals[0].detail, file=refusals[0].file)
        self.refusals = refusals


def _read_member(result: RawReturn, member: Path, contract: Contract) -> None:
    _regular_file(member)
    size = member.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadRefused("file-too-large", f"{size / 1e6:,.0f} MB")
    if size == 0:
        raise ReadRefused("file-empty", f"{member.name} is empty")
    if member.suffix.lower() == ".csv":
        _add_table(result, read_csv_grid(member), contract, str(member), member.name, "csv")
    else:
        _add_parquet(result, member, contract)


def _add_table(result: RawReturn, grid: pd.DataFrame, contract: Contract, file: str, sheet: str,
               kind: str, unsaved: list[tuple[str, int]] | None = None) -> None:
    table, problems = table_from_grid(grid, contract, file=file, sheet=sheet, kind=kind,  # type: ignore[arg-type]
                                      unsaved=unsaved or ())
    result.problems.extend(problems)
    if table is not None:
        result.tables[contract.table] = table


def _add_parquet(result: RawReturn, member: Path, contract: Contract) -> None:
    frame, match = read_parquet(member, contract)
    where = {"file": str(member), "table": contract.table, "sheet": member.name}
    result.problems.extend(header_problems(contract, match.columns.values(), match.unknown.values(),
                                           match.duplicates, where))
    result.tables[contract.table] = RawTable(contract.table, str(member), member.name, "parquet",
                                             frame, np.arange(1, len(frame) + 1))


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
                p.table == contract.table and p.code in ("header-not-found", "sheet-empty") for p in result.problems):
            result.problems.append(make_problem("missing-table", file=file, table=contract.table,
                                                sheet=contract.sheet))
