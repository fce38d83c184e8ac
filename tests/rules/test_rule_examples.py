"""Every rule's own examples (given rows -> expected statuses) run as tests."""

from pathlib import Path

import pytest

from ccassure.contracts import load_contracts
from ccassure.rules import load_rules
from ccassure.rules.examples import run_example

REPO = Path(__file__).resolve().parents[2]
_CONTRACTS = load_contracts(REPO / "data_contracts")
_RULES = load_rules(REPO / "rules", contracts=_CONTRACTS, checks_dir=REPO / "checks")
CASES = [(rule, example) for rule in _RULES for example in rule.examples]


@pytest.mark.parametrize("rule, example", CASES, ids=[f"{r.id}: {e.name}" for r, e in CASES])
def test_rule_example(rule, example):
    result = run_example(rule, example, _CONTRACTS)
    assert result.passed, "\n".join(result.mismatches)


def test_every_rule_has_a_failing_or_unevaluable_example():
    """An example set that only ever says met cannot show the rule can fail."""
    for rule in _RULES:
        statuses = {s for e in rule.examples for s in e.expect.values()}
        assert statuses - {"met"}, rule.id
        assert "met" in statuses, rule.id
