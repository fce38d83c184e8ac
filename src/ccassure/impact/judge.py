"""How the project's own sufficiency and reach rules judge the authority now and after each scenario.

The rules are the real ones from rules/ (with the authority's parameters from ccassure.yml), evaluated
on the state after the scenario: every centre the scenario closes, merges away or de-designates removed
at once, every centre it opens added.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ccassure.impact.proposal import Scenario
from ccassure.impact.state import CurrentState, state_after

SUFFICIENCY_RULES = ("CA06-S5A-NONE", "CA06-S5A-REACH-ALL", "CA06-S5A-REACH-DEPRIVED")
REACH_RULE = "CA06-S5A-REACH-ALL"
DEPRIVED_RULE = "CA06-S5A-REACH-DEPRIVED"
CURRENT = "Current state"
# only these tables feed the sufficiency rules; registering fewer keeps 100 scenarios fast
RULE_TABLES = ("centres", "lsoa_population", "deprivation", "authorities")


def impact_rules(project: Any, contracts: Any) -> Any:
    """The project's rules an assessment runs: only their files are read when each is named after its id
    (as in rules/), else every rule file."""
    from ccassure.impact.checklist import CHECKLIST_RULES
    from ccassure.rules.loader import RuleSet, load_checks, load_rule_file, load_rules, rule_files

    wanted = set(SUFFICIENCY_RULES) | set(CHECKLIST_RULES)
    files = [p for p in rule_files(project.rules_dir) if p.stem in wanted]
    if {p.stem for p in files} != wanted:
        return load_rules(project.rules_dir, contracts=contracts, checks_dir=project.checks_dir)
    load_checks(project.checks_dir)
    try:
        rules = {rule.id: rule for rule in (load_rule_file(p, contracts) for p in files)}
    except ValueError:  # a broken rule file: the full load reports every problem with its line
        return load_rules(project.rules_dir, contracts=contracts, checks_dir=project.checks_dir)
    if set(rules) != wanted:
        return load_rules(project.rules_dir, contracts=contracts, checks_dir=project.checks_dir)
    return RuleSet(rules)


def rule_parameters(rules: Any, project_parameters: dict[str, Any] | None) -> dict[str, Any]:
    """The reach distance and deprived-decile settings in force (rule defaults + ccassure.yml)."""
    overrides = project_parameters or {}
    reach = rules[REACH_RULE].parameter_values(overrides.get(REACH_RULE))
    deprived = rules[DEPRIVED_RULE].parameter_values(overrides.get(DEPRIVED_RULE))
    return {"max_distance_m": float(reach["max_distance_m"]), "min_share_percent": float(reach["min_share_percent"]),
            "most_deprived_deciles": int(deprived["most_deprived_deciles"]), "iod_version": deprived["iod_version"],
            "deprived_min_share_percent": float(deprived["min_share_percent"]),
            "deprived_max_distance_m": float(deprived["max_distance_m"])}


def judge_sufficiency(state: CurrentState, scenarios: list[Scenario], rules: Any, contracts: Any,
                      parameters: dict[str, Any] | None) -> pd.DataFrame:
    """One row per (current state or scenario) x rule: status, observed and message."""
    from ccassure.rules.evaluator import Evaluator

    selected = rules.select([r for r in SUFFICIENCY_RULES if r in rules])
    rows = []
    states = [(CURRENT, state.tables)] + [(s.name, state_after(state, s)) for s in scenarios]
    for name, tables in states:
        data = {t: tables[t] for t in RULE_TABLES if t in tables}
        evaluator = Evaluator(data, contracts=contracts, authority=state.authority)
        for finding in evaluator.evaluate(selected, state.period, parameters):
            rows.append({"scenario": name, "rule_id": finding.rule_id, "title": finding.title,
                         "status": finding.status, "observed": finding.observed, "message": finding.message})
    return pd.DataFrame(rows, columns=["scenario", "rule_id", "title", "status", "observed", "message"])
