"""A rule's examples for the one examples runner (:mod:`ccassure.nodes.examples`): given rows -> the
status expected per subject, judged by the rules evaluator."""

from __future__ import annotations

from ccassure.contracts import ContractSet
from ccassure.nodes.examples import ExampleCase, ExampleResult, Tables, example_tables, run_case, run_cases
from ccassure.rules.evaluator import Evaluator
from ccassure.rules.model import Example, Rule


def _judge(rule: Rule, example: Example):
    def judge(tables: Tables, contracts: ContractSet) -> list[str]:
        findings = Evaluator(tables, contracts=contracts).evaluate(rule, example.period, {rule.id: example.parameters})
        problems = []
        for subject_id, expected in example.expect.items():
            got = [f for f in findings if (f.subject_id or "*") == subject_id]
            status = got[0].status if got else None
            if status != expected:
                message = got[0].message if got else "no finding for this subject"
                problems.append(f"{subject_id}: expected {expected}, got {status} — {message}")
        return problems
    return judge


def example_case(rule: Rule, example: Example) -> ExampleCase:
    return ExampleCase(rule.id, str(rule.source), example, _judge(rule, example))


def example_cases(rules) -> list[ExampleCase]:
    items = [rules] if isinstance(rules, Rule) else list(rules)
    return [example_case(rule, example) for rule in items for example in rule.examples]


def run_example(rule: Rule, example: Example, contracts: ContractSet | None = None) -> ExampleResult:
    return run_case(example_case(rule, example), contracts)


def run_examples(rules, contracts: ContractSet | None = None) -> list[ExampleResult]:
    return run_cases(example_cases(rules), contracts)


__all__ = ["ExampleResult", "example_case", "example_cases", "example_tables", "run_example", "run_examples"]
