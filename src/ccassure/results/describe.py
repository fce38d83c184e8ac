"""Plain-word descriptions of rules and KPIs: the sentences ``ccassure rules show`` / ``kpis list`` print and
the results manifest records, written in one place so the two never drift apart."""

from __future__ import annotations

from typing import Any

SUBJECT_WORDS = {"centre": "children's centre", "site": "children's centre site", "board": "advisory board",
                 "change": "service change", "programme": "programme of changes", "provider": "provider",
                 "authority": "local authority"}
WINDOW_WORDS = {"quarter": "the quarter", "ytd": "the financial year to date", "r12": "the 12 months to date"}
WINDOW_NAMES = {"quarter": "quarter", "ytd": "year_to_date", "r12": "rolling_12_months"}


def rule_test_summary(rule: Any) -> str:
    """What the rule's test checks, as its test type describes it."""
    from ccassure.rules.testtypes import TEST_TYPES

    said = TEST_TYPES[rule.test_type].describe(rule.test)  # plain words (rules/words.py), no test-type code
    return said[:1].upper() + said[1:]


def rule_applies_to(rule: Any) -> str:
    """Which subjects the rule judges."""
    noun = SUBJECT_WORDS.get(rule.subject, rule.subject)
    if rule.applies_when is None:
        return f"each {noun}"
    return f"each {noun} where {applies_when_words(rule)}"


def applies_when_words(rule: Any) -> str:
    """The rule's applies_when condition in plain words ("always" when it has none)."""
    return rule.applies_when.words if rule.applies_when is not None else "always"


def kpi_summary(framework: Any, kpi: Any, values: dict[str, Any]) -> str:
    """What the KPI measures, with its direction, target and windows."""
    target = f"target {_number(kpi.target.resolve(values))}" if kpi.target else "no target"
    windows = ", ".join(WINDOW_WORDS.get(w, w) for w in kpi.windows)
    text = f"{kpi.kind}, {kpi.unit}, {kpi.direction} is better, {target}; reported for {windows}"
    return f"{kpi.description} ({text})" if kpi.description else text


def kpi_applies_to(kpi: Any) -> str:
    levels = [{"centre": "each children's centre", "cluster": "each cluster", "provider": "each provider",
               "authority": "each local authority"}.get(level, level) for level in kpi.levels]
    return ", ".join(levels)


def _number(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:g}"
