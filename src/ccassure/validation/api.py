"""validate(): read a return, type it, check it against its contracts, and report every problem at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ccassure.contracts import Contract, ContractSet, load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.problems import Problem, group_problems
from ccassure.readers import RawReturn, RawTable, read_source
from ccassure.validation import cross_table, month_first, privacy
from ccassure.validation.across_datasets import Known, reference_problems
from ccassure.validation.coerce import coerce_column, excel_error_mask
from ccassure.validation.located import located_problem
from ccassure.validation.plausibility import plausibility_problems
from ccassure.validation.result import ValidationResult

ENGINES = ("pandera", "gx")
TYPE_CODES = {"integer": "type-integer", "number": "type-number", "boolean": "type-boolean", "date": "type-date",
              "month": "type-month"}


def validate(source: Path | str | RawReturn | Mapping[str, pd.DataFrame], *, contracts: ContractSet | None = None,
             dataset: str | None = None, engine: str = "pandera", against: Known | None = None) -> ValidationResult:
    """Validate a workbook, a folder of CSV/Parquet files, a single file, or a dict of DataFrames.

    ``against``: rows of another dataset (e.g. the centres of the provider returns) that references across
    datasets (a service change's centre) must match. Never raises for bad input: unreadable files come back
    as problems (``result.exit_code == 2``).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    contracts = contracts or load_contracts()
    raw = _as_raw(source, contracts, dataset)
    result = ValidationResult(source=raw.source, dataset=raw.dataset, engine=engine)
    problems: list[Problem] = list(raw.problems)
    if raw.unreadable:
        result.problems = problems
        return result
    typed_tables: dict[str, pd.DataFrame] = {}
    unreadable_cells: dict[str, dict[str, np.ndarray]] = {}
    month_first_seen = month_first.return_example(raw, contracts)
    for name, table in raw.tables.items():
        typed, bad, coercion_problems = _type_table(contracts[name], table, month_first_seen)
        typed_tables[name], unreadable_cells[name] = typed, bad
        problems += coercion_problems if engine != "gx" else _without_suite_codes(coercion_problems)
    if engine == "gx":  # the exported GX suite, alone, makes every contract check
        problems += _suite_checks(raw, typed_tables, contracts)
    for name, table in raw.tables.items():
        contract, typed = contracts[name], typed_tables[name]
        present = frozenset(table.frame.columns)
        if engine != "gx":
            problems += _value_checks(engine, contract, typed, table, unreadable_cells[name], present)
            problems += cross_table.primary_key_problems(contract, typed, table)
            problems += cross_table.foreign_key_problems(contract, typed, table, typed_tables, contracts)
            problems += cross_table.date_order_problems(contract, typed, table)
        problems += plausibility_problems(contract, typed, table, typed_tables, contracts)
        problems += privacy.content_problems(contract, typed, table)
    locators = {name: dataclasses.replace(table, frame=table.frame.iloc[:0], unsaved_formulas={})
                for name, table in raw.tables.items()}
    if against is not None:
        problems += reference_problems(typed_tables, locators, contracts, against)
    problems = privacy.header_problems(problems, {c.table: c for c in contracts})
    result.problems = group_problems(privacy.mask_problems(problems))
    result.tables = typed_tables
    result.row_counts = {name: len(frame) for name, frame in typed_tables.items()}
    result.locators = locators
    return result


def _as_raw(source: object, contracts: ContractSet, dataset: str | None) -> RawReturn:
    if isinstance(source, RawReturn):
        return source
    if isinstance(source, Mapping):
        return _raw_from_frames(source, contracts, dataset)
    return read_source(Path(source), contracts, dataset)  # type: ignore[arg-type]


def _raw_from_frames(frames: Mapping[str, pd.DataFrame], contracts: ContractSet, dataset: str | None) -> RawReturn:
    """DataFrames handed over in Python: rows are numbered from 1 in the order given."""
    raw = RawReturn(source="<data frames>", dataset=dataset)
    for name, frame in frames.items():
        if name not in contracts:
            raise KeyError(f"no contract for table {name!r}")
        known = [c for c in frame.columns if contracts[name].has_column(str(c))]
        raw.tables[name] = RawTable(name, "<data frames>", name, "frame", frame[known].reset_index(drop=True),
                                    np.arange(1, len(frame) + 1))
    if raw.dataset is None and raw.tables:
        raw.dataset = contracts[next(iter(raw.tables))].dataset
    return raw


def _type_table(contract: Contract, table: RawTable, month_first_seen: str | None = None,
                ) -> tuple[pd.DataFrame, dict[str, np.ndarray], list[Problem]]:
    columns: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for spec in contract.columns:
        if spec.name not in table.frame:
            continue
        raw_values = table.frame[spec.name]
        coerced = coerce_column(raw_values, spec)
        ambiguous = month_first.month_first_cells(raw_values, month_first_seen) if spec.type == "date" else None
        if ambiguous is not None:  # never read day first when the return shows month-first writing
            coerced.values = coerced.values.mask(pd.Series(ambiguous[0], index=coerced.values.index))
            coerced.bad = coerced.bad & ~ambiguous[0]
        columns[spec.name] = coerced.values
        # #N/A, #DIV/0!: reported as such, never read as text. In typed columns they already failed to
        # parse, so only those cells are looked at (the clean path costs nothing).
        if spec.type == "string":
            failed = excel_error_mask(raw_values)
        else:
            failed = np.zeros(len(raw_values), dtype=bool)
            if coerced.bad.any():
                failed[np.flatnonzero(coerced.bad)] = excel_error_mask(raw_values[coerced.bad])
        if failed.any():
            columns[spec.name] = coerced.values.mask(pd.Series(failed, index=coerced.values.index))
            problems.append(located_problem("excel-error", table, spec.name, np.flatnonzero(failed), raw_values))
        unsaved = table.unsaved_formulas.get(spec.name)
        if unsaved is not None and unsaved.any():
            unsaved = unsaved & ~failed
            problems.append(located_problem("formula-without-value", table, spec.name, np.flatnonzero(unsaved),
                                            raw_values))
            failed = failed | unsaved
        bad[spec.name] = coerced.bad | failed
        if ambiguous is not None:
            bad[spec.name] = bad[spec.name] | ambiguous[0]
            problems.append(located_problem("date-month-first", table, spec.name, np.flatnonzero(ambiguous[0]),
                                            raw_values, detail=ambiguous[1]))
        wrong = coerced.bad & ~failed
        out_of_range = wrong & coerced.out_of_range if len(coerced.out_of_range) else np.zeros_like(wrong)
        if out_of_range.any():
            problems.append(located_problem("date-out-of-range", table, spec.name, np.flatnonzero(out_of_range),
                                            _shown(raw_values)))
            wrong = wrong & ~out_of_range
        if wrong.any():
            problems.append(located_problem(TYPE_CODES[spec.type], table, spec.name, np.flatnonzero(wrong),
                                            raw_values))
        if coerced.full_birth_date.any():
            positions = np.flatnonzero(coerced.full_birth_date)
            bad[spec.name] = bad[spec.name] | coerced.full_birth_date
            problems.append(located_problem("personal-data-value", table, spec.name, positions, raw_values,
                                            detail="a full date of birth"))
    typed = conform(pd.DataFrame(columns, index=table.frame.index), contract)
    return typed, bad, problems


def _shown(raw_values: pd.Series) -> pd.Series:
    """Dates as the user typed them, or as Excel shows a real date (dd/mm/yyyy)."""
    if raw_values.dtype != object:
        return raw_values
    return raw_values.map(lambda v: v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v, na_action="ignore")


def _without_suite_codes(problems: list[Problem]) -> list[Problem]:
    from ccassure.validation.gx_backend import SUITE_CODES

    return [p for p in problems if p.code not in SUITE_CODES]


def _suite_checks(raw: RawReturn, typed_tables: dict[str, pd.DataFrame], contracts: ContractSet) -> list[Problem]:
    """--engine gx: each table's exported suite over the table prepared as a GX user prepares a CSV."""
    from ccassure.validation.gx_backend import run_gx, text_frame

    texts = {name: text_frame(table.frame) for name, table in raw.tables.items()}
    problems: list[Problem] = []
    for name, table in raw.tables.items():
        skip = {column: excel_error_mask(table.frame[column]) | table.unsaved_formulas.get(
            column, np.zeros(len(table.frame), dtype=bool)) for column in table.frame.columns}
        problems += run_gx(contracts[name], table, texts, typed_tables[name], skip, contracts)
    return problems


def _value_checks(engine: str, contract: Contract, typed: pd.DataFrame, table: RawTable,
                  unreadable: dict[str, np.ndarray], present: frozenset[str]) -> list[Problem]:
    from ccassure.validation.pandera_backend import run_pandera

    return run_pandera(contract, typed, table, unreadable, present)
