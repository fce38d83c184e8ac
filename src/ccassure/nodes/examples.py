"""The one examples runner: a node's own examples, run the same way whatever kind of node it is.

Each kind says how to judge one of its examples (:class:`ExampleCase`: typed tables -> problems); the runner
builds the typed tables from the rows the example gives, judges them and reports each example the same
way. ``ccassure rules test``, ``ccassure kpis test`` and the pytest suites all come through here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ccassure.contracts import ContractSet, load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.nodes.example import Example

Tables = dict[str, pd.DataFrame]
RowFiller = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ExampleCase:
    """One example of one node and how its kind judges it: ``judge(tables, contracts)`` returns the
    problems (none: the example passed). ``fill_row`` completes a given row with the columns the kind
    assumes (KPI examples need not repeat a centre's authority). Every table given is typed by its data
    contract."""

    node_id: str
    source: str
    example: Example
    judge: Callable[[Tables, ContractSet], list[str]]
    fill_row: RowFiller | None = None


@dataclass(frozen=True)
class ExampleResult:
    node_id: str
    example: str
    line: int | None
    source: str
    problems: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def mismatches(self) -> list[str]:
        return list(self.problems)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        if self.passed:
            return f"ok     {self.node_id} — {self.example}"
        return f"FAILED {self.node_id} — {self.example} ({where})" + "".join(f"\n       {p}" for p in self.problems)


def example_tables(example: Example, contracts: ContractSet, *, fill_row: RowFiller | None = None) -> Tables:
    """Typed DataFrames for the rows an example gives (synthetic rows written in the node's file)."""
    tables = {}
    for table, rows in example.given.items():
        rows = [fill_row(table, row) for row in rows] if fill_row else rows
        frame = pd.DataFrame(rows, columns=sorted({k for row in rows for k in row})) if rows else pd.DataFrame()
        tables[table] = conform(frame, contracts[table])
    return tables


def run_case(case: ExampleCase, contracts: ContractSet | None = None) -> ExampleResult:
    contracts = contracts or load_contracts()
    tables = example_tables(case.example, contracts, fill_row=case.fill_row)
    problems = case.judge(tables, contracts)
    return ExampleResult(case.node_id, case.example.name, case.example.line, case.source, tuple(problems))


def run_cases(cases: Iterable[ExampleCase], contracts: ContractSet | None = None) -> list[ExampleResult]:
    contracts = contracts or load_contracts()
    return [run_case(case, contracts) for case in cases]
