"""A KPI's examples for the one examples runner (:mod:`ccassure.nodes.examples`): given rows -> the
numerator, denominator, value and RAG expected for one subject, level and window, judged by the KPI evaluator."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ccassure.contracts import ContractSet
from ccassure.kpis.evaluator import run_kpis
from ccassure.kpis.loader import FrameworkSet
from ccassure.kpis.model import Example, Framework, Kpi
from ccassure.nodes.examples import ExampleCase, ExampleResult, Tables, example_tables, run_case, run_cases

CENTRE_DEFAULTS = {"authority_code": "E06000001", "provider_id": "PRV-1", "designation": "childrens_centre",
                   "status": "open"}
VALUE_TOLERANCE = 0.01


def fill_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A centre given in a KPI example only needs its id: the rest is a plain open centre of one authority."""
    if table == "centres":
        return {**CENTRE_DEFAULTS, "centre_name": row.get("centre_id"), **row}
    return row


def _agrees(key: str, expected: Any, actual: Any) -> bool:
    if key == "rag":
        return actual == expected
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    return actual is not None and not pd.isna(actual) and abs(float(actual) - float(expected)) <= VALUE_TOLERANCE


def _judge(framework: Framework, kpi: Kpi, example: Example):
    single = FrameworkSet({framework.id: Framework(framework.id, framework.version, framework.title,
                                                   framework.description, framework.basis, framework.parameters,
                                                   (kpi,), framework.source)})

    def judge(tables: Tables, contracts: ContractSet) -> list[str]:
        frame = run_kpis(tables, example.period, parameters={kpi.id: example.parameters}, frameworks=single).frame
        rows = frame[(frame["subject_type"] == example.level) & (frame["subject_id"] == example.subject)
                     & (frame["period"] == example.period) & (frame["window"] == example.window)]
        if len(rows) != 1:
            return [f"expected one result for {example.level} {example.subject} in {example.period} "
                    f"({example.window}), found {len(rows)}"]
        row = rows.iloc[0]
        return [f"{key}: expected {expected}, got {row[key]}" for key, expected in example.expect.items()
                if not _agrees(key, expected, row[key])]
    return judge


def example_case(framework: Framework, kpi: Kpi, example: Example) -> ExampleCase:
    return ExampleCase(kpi.id, str(framework.source or ""), example, _judge(framework, kpi, example),
                       fill_row=fill_row)


def example_cases(frameworks: FrameworkSet, ids: list[str] | None = None) -> list[ExampleCase]:
    return [example_case(framework, kpi, example) for framework, kpi in frameworks.select(ids).kpis()
            for example in kpi.examples]


def run_example(framework: Framework, kpi: Kpi, example: Example,
                contracts: ContractSet | None = None) -> ExampleResult:
    return run_case(example_case(framework, kpi, example), contracts)


def run_examples(frameworks: FrameworkSet, ids: list[str] | None = None,
                 contracts: ContractSet | None = None) -> list[ExampleResult]:
    return run_cases(example_cases(frameworks, ids), contracts)


__all__ = ["CENTRE_DEFAULTS", "example_case", "example_cases", "example_tables", "run_example", "run_examples"]
