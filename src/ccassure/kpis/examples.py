"""Run the examples each KPI carries (given rows -> expected numerator, denominator, value and RAG)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ccassure.contracts import ContractSet, load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.kpis.evaluator import run_kpis
from ccassure.kpis.loader import REACH_CONTRACT, REACH_TABLE, FrameworkSet
from ccassure.kpis.model import Example, Framework, Kpi

CENTRE_DEFAULTS = {"authority_code": "E06000001", "provider_id": "PRV-1", "designation": "childrens_centre",
                   "status": "open"}
VALUE_TOLERANCE = 0.01


@dataclass(frozen=True)
class ExampleOutcome:
    framework: str
    kpi_id: str
    example: str
    passed: bool
    problems: tuple[str, ...]
    line: int | None
    source: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        if self.passed:
            return f"ok    {self.kpi_id}: {self.example}"
        return f"FAIL  {self.kpi_id}: {self.example} ({where})\n      " + "\n      ".join(self.problems)


def example_tables(example: Example, contracts: ContractSet) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for name, rows in example.given.items():
        if name == "centres":
            rows = [{**CENTRE_DEFAULTS, "centre_name": row.get("centre_id"), **row} for row in rows]
        frame = pd.DataFrame(rows)
        contract = REACH_CONTRACT if name == REACH_TABLE else contracts[name]
        tables[name] = conform(frame, contract)
    return tables


def run_example(framework: Framework, kpi: Kpi, example: Example,
                contracts: ContractSet | None = None) -> ExampleOutcome:
    contracts = contracts or load_contracts()
    single = FrameworkSet({framework.id: Framework(framework.id, framework.version, framework.title,
                                                   framework.description, framework.basis, framework.parameters,
                                                   (kpi,), framework.source)})
    results = run_kpis(example_tables(example, contracts), example.period,
                       parameters={kpi.id: example.parameters}, frameworks=single)
    frame = results.frame
    rows = frame[(frame["subject_type"] == example.level) & (frame["subject_id"] == example.subject)
                 & (frame["period"] == example.period) & (frame["window"] == example.window)]
    problems: list[str] = []
    if len(rows) != 1:
        problems.append(f"expected one result for {example.level} {example.subject} in {example.period} "
                        f"({example.window}), found {len(rows)}")
    else:
        row = rows.iloc[0]
        for key, expected in example.expect.items():
            actual = row[key]
            if key == "rag":
                ok = actual == expected
            elif expected is None:
                ok = actual is None or (isinstance(actual, float) and math.isnan(actual))
            else:
                ok = actual is not None and not pd.isna(actual) and abs(float(actual) - float(expected)) <= VALUE_TOLERANCE
            if not ok:
                problems.append(f"{key}: expected {expected}, got {actual}")
    return ExampleOutcome(framework.id, kpi.id, example.name, not problems, tuple(problems), example.line,
                          str(framework.source or ""))


def run_examples(frameworks: FrameworkSet, ids: list[str] | None = None,
                 contracts: ContractSet | None = None) -> list[ExampleOutcome]:
    contracts = contracts or load_contracts()
    outcomes = []
    for framework, kpi in frameworks.select(ids).kpis():
        for example in kpi.examples:
            outcomes.append(run_example(framework, kpi, example, contracts))
    return outcomes
