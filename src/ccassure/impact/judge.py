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
                      parameters: dict[str, Any] | None, changed: pd.DataFrame | None = None,
                      pools: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per (current state or scenario) x rule: status, observed and message.

    Every state is evaluated in ONE run of the rules: each is given its own stand-in authority code, with
    its own centres (the state after the scenario) and neighbourhoods. Given ``changed`` (the LSOAs whose
    nearest distance a scenario changes, from the geometry), a scenario's unchanged neighbourhoods are
    pooled: one point per (within reach now, deprivation class), placed at a real member of the pool and
    carrying the pool's under-fives. Unchanged neighbourhoods keep their distance, so each pool is within
    reach after the scenario exactly when it is now, and the shares the rules compute are the same as
    with every neighbourhood listed (the evidence lists the pools' representatives instead).
    """
    from ccassure.rules.evaluator import Evaluator

    selected = rules.select([r for r in SUFFICIENCY_RULES if r in rules])
    codes = {f"S{index:06d}": name for index, name in enumerate([CURRENT, *(s.name for s in scenarios)])}
    pop = _latest(state.tables.get("lsoa_population"))
    pooler = _Pooler(pop, pools) if pop is not None and pools and changed is not None else None
    centres = []
    points = []
    by_scenario = ({name: group.tolist() for name, group in changed.groupby("scenario")["lsoa_code"]}
                   if changed is not None and len(changed) else {})
    for index, (code, name) in enumerate(codes.items()):
        tables = state.tables if index == 0 else state_after(state, scenarios[index - 1])
        centres.append(tables["centres"].assign(authority_code=code))
        if pop is None:
            continue
        if index == 0 or pooler is None:
            points.append(pop.assign(authority_code=code))
        else:
            points.append(pooler.pooled(by_scenario.get(name, ())).assign(authority_code=code))
    data = {"centres": pd.concat(centres, ignore_index=True),
            "authorities": pd.DataFrame({"authority_code": list(codes), "authority_name": state.authority_name})}
    if points:
        data["lsoa_population"] = pd.concat(points, ignore_index=True)
    if "deprivation" in state.tables:
        data["deprivation"] = state.tables["deprivation"]
    evaluator = Evaluator(data, contracts=contracts, authority=None)
    rows = []
    for finding in evaluator.evaluate(selected, state.period, parameters):
        rows.append({"scenario": codes.get(str(finding.subject_id), finding.subject_id), "rule_id": finding.rule_id,
                     "title": finding.title, "status": finding.status, "observed": finding.observed,
                     "message": finding.message})
    order = {name: i for i, name in enumerate(codes.values())}
    frame = pd.DataFrame(rows, columns=["scenario", "rule_id", "title", "status", "observed", "message"])
    return frame.sort_values("scenario", key=lambda s: s.map(order), kind="stable", ignore_index=True)


def _latest(pop: pd.DataFrame | None) -> pd.DataFrame | None:
    if pop is None or not len(pop):
        return None
    return pop[pop["year"] == pop["year"].max()].reset_index(drop=True)


class _Pooler:
    """Pools of unchanged located LSOAs by key; a scenario's changed LSOAs are taken out of their pools."""

    def __init__(self, pop: pd.DataFrame, pools: dict[str, str]):
        self.pop = pop.reset_index(drop=True)
        codes = self.pop["lsoa_code"].astype(str).tolist()
        self.position = {code: i for i, code in enumerate(codes)}
        self.keys = [pools.get(code) for code in codes]
        self.weight = self.pop["under5"].fillna(0).astype("int64").to_numpy()
        self.always = [i for i, key in enumerate(self.keys) if key is None]  # unlocated: kept as they are
        self.members: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            if key is not None:
                self.members.setdefault(key, []).append(i)
        self.total = {key: int(self.weight[m].sum()) for key, m in self.members.items()}

    def pooled(self, changed_codes: Any) -> pd.DataFrame:
        changed = {self.position[c] for c in changed_codes if c in self.position}
        rows, weights = [], []
        for i in sorted(changed | set(self.always)):
            rows.append(i)
            weights.append(int(self.weight[i]))
        for key, members in self.members.items():
            head = next((i for i in members if i not in changed), None)
            if head is None:
                continue
            rows.append(head)
            weights.append(self.total[key] - sum(int(self.weight[i]) for i in changed if self.keys[i] == key))
        frame = self.pop.iloc[rows].copy()
        frame["under5"] = weights
        return frame
