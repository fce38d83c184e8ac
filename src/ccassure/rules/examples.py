"""Run each rule's own examples: given rows -> expected statuses. Used by ``ccassure rules test`` and pytest."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ccassure.contracts import ContractSet, load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.rules.evaluator import Evaluator
from ccassure.rules.model import Example, Rule


@dataclass
class ExampleResult:
    rule_id: str
    example: str
    line: int | None
    source: str
    passed: bool
    mismatches: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        mark = "ok" if self.passed else "FAILED"
        text = f"{mark:6} {self.rule_id} — {self.example} ({where})"
        return text + "".join(f"\n       {m}" for m in self.mismatches)


def example_tables(example: Example, contracts: ContractSet) -> dict[str, pd.DataFrame]:
    """Typed DataFrames for the rows an example gives (synthetic rows written in the rule file)."""
    tables = {}
    for table, rows in example.given.items():
        contract = contracts[table]
        frame = pd.DataFrame(rows, columns=sorted({k for row in rows for k in row})) if rows else pd.DataFrame()
        tables[table] = conform(frame, contract)
    return tables


def run_example(rule: Rule, example: Example, contracts: ContractSet | None = None) -> ExampleResult:
    contracts = contracts or load_contracts()
    evaluator = Evaluator(example_tables(example, contracts), contracts=contracts)
    findings = evaluator.evaluate(rule, example.period, {rule.id: example.parameters})
    mismatches = []
    for subject_id, expected in example.expect.items():
        got = [f for f in findings if (f.subject_id or "*") == subject_id]
        status = got[0].status if got else None
        if status != expected:
            message = got[0].message if got else "no finding for this subject"
            mismatches.append(f"{subject_id}: expected {expected}, got {status} — {message}")
    return ExampleResult(rule.id, example.name, example.line, str(rule.source), not mismatches, mismatches)


def run_examples(rules, contracts: ContractSet | None = None) -> list[ExampleResult]:
    contracts = contracts or load_contracts()
    items = [rules] if isinstance(rules, Rule) else list(rules)
    return [run_example(rule, example, contracts) for rule in items for example in rule.examples]
