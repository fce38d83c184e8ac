"""Rules: declarative rule files, their safe test vocabulary, and the DuckDB evaluator.

    from ccassure.rules import load_rules, evaluate
    rules = load_rules()                       # the project's rules/ folder, checked against the contracts
    findings = evaluate(rules, tables, period="2016Q4")
    findings.to_frame(); findings.write("_output/findings")

Python checks for what the vocabulary cannot say: ``from ccassure.rules import check``.
"""

from ccassure.rules.checks import CheckContext, check, load_checks, registered_checks
from ccassure.rules.errors import RuleError, RuleErrors
from ccassure.rules.evaluator import Evaluator, evaluate, latest_period
from ccassure.rules.examples import run_examples
from ccassure.rules.loader import RuleSet, lint_rules, load_rule_file, load_rules
from ccassure.rules.model import STATUSES, Rule
from ccassure.rules.result import FINDING_COLUMNS, Finding, Findings

__all__ = [
    "FINDING_COLUMNS", "STATUSES", "CheckContext", "Evaluator", "Finding", "Findings", "Rule", "RuleError",
    "RuleErrors", "RuleSet", "check", "evaluate", "latest_period", "lint_rules", "load_checks", "load_rule_file",
    "load_rules", "registered_checks", "run_examples",
]
