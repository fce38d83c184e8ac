"""How the project's own sufficiency and reach rules judge the authority now and after each scenario.

The rules are the real ones from rules/ (with the authority's parameters from ccassure.yml), evaluated
on the state after the scenario: every centre the scenario closes, merges away or de-designates removed
at once, every centre it opens added.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ccassure.impact.proposal import Scenario
from ccassure.impact.state import SCENARIO, CurrentState, Network, centres_after

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


def reach_network(rules: Any, project_parameters: dict[str, Any] | None, period: Any) -> Network:
    """The reach rule's own definition of the centres that count (its sites' condition and parameters)."""
    rule = rules[REACH_RULE]
    sites = getattr(rule.test, "sites", None)
    values = rule.parameter_values((project_parameters or {}).get(REACH_RULE))
    return Network(getattr(sites, "where", None), values, period)


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
                      points: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (current state or scenario) x rule: status, observed and message.

    Every state is evaluated in ONE run of the rules: each is given its own stand-in authority code, with
    its own centres (the state after the scenario) and neighbourhoods. Given the geometry (``points``:
    every located neighbourhood's distance now; ``changed``: the neighbourhoods whose distance a scenario
    changes, with the distance after), each state's neighbourhoods are pooled (see :class:`Pooling`), which
    leaves every share the rules compute unchanged; without it every neighbourhood is listed.
    """
    from ccassure.rules.evaluator import Evaluator

    selected = rules.select([r for r in SUFFICIENCY_RULES if r in rules])
    codes = {f"S{index:06d}": name for index, name in enumerate([CURRENT, *(s.name for s in scenarios)])}
    code_list = list(codes)
    pop = _latest(state.tables.get("lsoa_population"))
    after = centres_after(state, scenarios)
    after = after.assign(authority_code=after.pop(SCENARIO).add(1).map(dict(enumerate(code_list))))
    data = {"centres": pd.concat([state.centres.assign(authority_code=code_list[0]), after], ignore_index=True),
            "authorities": pd.DataFrame({"authority_code": code_list, "authority_name": state.authority_name})}
    if pop is not None:
        if points is not None and changed is not None:  # the current state (position 0) changes nothing
            number = {s.name: index + 1 for index, s in enumerate(scenarios)}
            pooled = Pooling(pop, points, rule_parameters(rules, parameters)).pooled(
                changed["scenario"].map(number).to_numpy(), changed["lsoa_code"],
                changed["after"].astype("Float64").to_numpy(dtype=float, na_value=np.nan), len(code_list))
            pooled = pooled.assign(authority_code=pooled.pop(SCENARIO).map(dict(enumerate(code_list))))
        else:
            pooled = pd.concat([pop.assign(authority_code=code) for code in code_list], ignore_index=True)
        data["lsoa_population"] = pooled
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


class Pooling:
    """Every state's neighbourhoods pooled by what the sufficiency rules' shares depend on.

    A pool is one (within the reach distance, within the deprived-area distance, deprivation class) after
    the scenario: the rules' shares only count under-fives per pool, so one point per pool, placed at a real
    member of it (which is within or beyond each distance exactly as the pool is) and carrying the pool's
    under-fives, gives the rules the same shares as listing every neighbourhood. A neighbourhood keeps its
    distance now unless the geometry lists it as changed by the scenario. Neighbourhoods without
    coordinates are kept as they are (the rules count them apart).
    """

    def __init__(self, pop: pd.DataFrame, points: pd.DataFrame, settings: dict[str, Any]):
        self.pop = pop.reset_index(drop=True)
        self.radii = (float(settings["max_distance_m"]), float(settings["deprived_max_distance_m"]))
        codes = self.pop["lsoa_code"].astype(str).to_numpy(dtype=object)
        self.codes = pd.Index(codes)
        at = pd.Index(points["lsoa_code"].astype(str).to_numpy(dtype=object)).get_indexer(codes)
        located = at >= 0
        decile = points["imd_decile"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        deprived = np.full(len(codes), -1, dtype="int64")
        deprived[located] = np.where(np.isnan(decile[at[located]]), 2,
                                     np.where(decile[at[located]] <= int(settings["most_deprived_deciles"]), 0, 1))
        self.kind = deprived  # 0 deprived, 1 other, 2 unknown decile, -1 without coordinates
        before = points["before"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        self.before = np.full(len(codes), np.nan)
        self.before[located] = before[at[located]]
        self.weight = self.pop["under5"].fillna(0).astype("int64").to_numpy()
        self.unlocated = np.flatnonzero(~located)
        self.key_now = self._key(self.before, self.kind)
        self.members = {int(k): np.flatnonzero(self.key_now == k).tolist() for k in np.unique(self.key_now[located])}

    def _key(self, distance: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """Pool number (kind x 4 + within the reach distance x 2 + within the deprived distance); -1 unlocated."""
        with np.errstate(invalid="ignore"):
            near = (distance <= self.radii[0]).astype("int64") * 2 + (distance <= self.radii[1]).astype("int64")
        return np.where(kind >= 0, kind * 4 + near, -1)

    def pooled(self, scenario: np.ndarray, lsoa_code: pd.Series, after: np.ndarray, n_states: int) -> pd.DataFrame:
        """The points of every state, stacked (``__scenario``: the state's position), given each changed
        LSOA's (state position, code, distance after)."""
        found = self.codes.get_indexer(lsoa_code.astype(str).to_numpy(dtype=object))
        scenario = pd.to_numeric(pd.Series(scenario), errors="coerce").to_numpy(dtype=float)
        keep = (found >= 0) & ~np.isnan(scenario)
        keep[keep] = self.kind[found[keep]] >= 0
        found, state, after = found[keep], scenario[keep].astype("int64"), np.asarray(after, dtype=float)[keep]
        key_after = self._key(after, self.kind[found])
        order = np.argsort(state, kind="stable")
        bounds = np.searchsorted(state[order], np.arange(n_states + 1))
        total_now = {k: int(self.weight[m].sum()) for k, m in self.members.items()}
        rows, weights, owners = [], [], []
        for index in range(n_states):
            mine = order[bounds[index]:bounds[index + 1]]
            changed, moved_to = found[mine], key_after[mine]
            gone = set(changed.tolist())
            total = dict(total_now)
            head: dict[int, int] = {}
            for i, k in zip(changed.tolist(), moved_to.tolist(), strict=True):
                total[int(self.key_now[i])] -= int(self.weight[i])
                total[k] = total.get(k, 0) + int(self.weight[i])
                head.setdefault(k, i)
            for k, members in self.members.items():
                if k not in head:
                    first = next((i for i in members if i not in gone), None)
                    if first is not None:
                        head[k] = first
            picked = sorted(head.items())
            rows.extend([*self.unlocated.tolist(), *(i for _, i in picked)])
            weights.extend([*self.weight[self.unlocated].tolist(), *(total[k] for k, _ in picked)])
            owners.extend([index] * (len(self.unlocated) + len(picked)))
        frame = self.pop.iloc[rows].reset_index(drop=True)
        frame["under5"] = np.asarray(weights, dtype="int64")
        frame[SCENARIO] = np.asarray(owners, dtype="int64")
        return frame
