"""Each KPI's own examples (given rows -> expected figures and RAG) pass, and a wrong expectation fails."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ccassure.kpis.examples import run_example
from ccassure.kpis.loader import load_frameworks

REPO = Path(__file__).resolve().parents[2]
FRAMEWORKS = load_frameworks(REPO / "rules" / "kpis")
CASES = [(f, k, e) for f, k in FRAMEWORKS.kpis() for e in k.examples]


@pytest.mark.parametrize(("framework", "kpi", "example"), CASES,
                         ids=[f"{k.id}:{e.name[:40]}" for _, k, e in CASES])
def test_kpi_example(framework, kpi, example):
    outcome = run_example(framework, kpi, example)
    assert outcome.passed, str(outcome)


def test_a_wrong_expectation_fails():
    framework, kpi = FRAMEWORKS.find("CORE-REG-U5")
    example = kpi.examples[0]
    wrong = dataclasses.replace(example, expect={**example.expect, "numerator": example.expect["numerator"] + 1})
    outcome = run_example(framework, kpi, wrong)
    assert not outcome.passed
    assert "numerator: expected 4" in outcome.problems[0]
