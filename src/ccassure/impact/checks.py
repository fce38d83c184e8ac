"""Does a proposal make sense against the current centres? Every problem names the scenario and the change.

Checked: centres that do not exist, a merge into a centre that is closed (now or by the same scenario),
two changes to one centre in a scenario, a scenario with no changes, opening a centre that exists already
or has no location, closing a centre that is already closed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ccassure.impact.proposal import Proposal, ProposalError, Scenario
from ccassure.impact.state import resolve_ids


def check_proposal(proposal: Proposal, centres: pd.DataFrame, counted: Sequence[bool]) -> None:
    """Raise ProposalError listing every problem; return quietly when the proposal can be assessed.
    ``counted`` flags the centres the reach rules count now (a merge must go into one of them)."""
    problems: list[str] = []
    ids = resolve_ids(centres)
    open_now = set(centres.loc[list(counted), "centre_id"].astype(str))
    names = dict(zip(centres["centre_id"].astype(str), centres.get("centre_name", centres["centre_id"]).astype(str),
                     strict=False))
    for scenario in proposal.scenarios:
        problems += _scenario_problems(proposal.path, scenario, ids, open_now, names)
    if problems:
        raise ProposalError(problems)


def _scenario_problems(source: str, scenario: Scenario, ids: dict[str, str], open_now: set[str],
                       names: dict[str, str]) -> list[str]:
    at = f"{source}:{scenario.line}" if scenario.line else source
    if not scenario.changes:
        return [f"{at}: scenario '{scenario.name}' has no changes; list at least one under changes"]
    problems = []
    touched: dict[str, int] = {}
    removed = {ids[c.centre] for c in scenario.changes if c.removes_centre and c.centre in ids}
    for change in scenario.changes:
        where = f"{source}:{change.line or scenario.line or ''}".rstrip(":")
        label = f"{where}: scenario '{scenario.name}', change {change.number} ({change.action} {change.centre})"
        if change.action == "open":
            if change.centre in ids:
                problems.append(f"{label}: a centre called {change.centre} exists already; give the new centre "
                                "a new id")
            if change.easting is None or change.northing is None:
                problems.append(f"{label}: a new centre needs its easting and northing to measure reach")
            key = change.centre
        else:
            if change.centre not in ids:
                problems.append(f"{label}: no centre '{change.centre}' in the current data for this authority "
                                f"(name it by its id, such as {_examples(ids)})")
                continue
            key = ids[change.centre]
            if change.action in ("close", "merge", "de_designate") and key not in open_now:
                problems.append(f"{label}: {names.get(key, key)} is not an open children's centre now, so it "
                                "cannot be closed, merged or de-designated")
        if change.action == "merge":
            problems += _merge_problems(label, change.into, ids, open_now, removed, names, key)
        elif change.into:
            problems.append(f"{label}: 'into' belongs to a merge only")
        if change.action != "reduce" and (change.activities or change.below_definition
                                         or change.hours_before is not None or change.hours_after is not None):
            problems.append(f"{label}: activities, hours and below_definition belong to a reduce only")
        if change.action == "reduce" and change.hours_before is not None and change.hours_after is not None \
                and change.hours_after > change.hours_before:
            problems.append(f"{label}: hours after ({change.hours_after:g}) are more than before "
                            f"({change.hours_before:g}); a reduce cannot add hours")
        if key in touched:
            problems.append(f"{label}: change {touched[key]} of this scenario already changes "
                            f"{names.get(key, key)}; combine them into one change per centre")
        else:
            touched[key] = change.number
    return problems


def _merge_problems(label: str, into: str | None, ids: dict[str, str], open_now: set[str], removed: set[str],
                    names: dict[str, str], key: str) -> list[str]:
    if not into:
        return [f"{label}: a merge needs 'into': the centre that takes over its services"]
    if into not in ids:
        return [f"{label}: the centre to merge into, '{into}', is not in the current data"]
    target = ids[into]
    if target == key:
        return [f"{label}: a centre cannot merge into itself"]
    if target not in open_now:
        return [f"{label}: {names.get(target, target)} is not open now, so nothing can merge into it"]
    if target in removed:
        return [f"{label}: {names.get(target, target)} is itself closed, merged or de-designated by this "
                "scenario, so nothing can merge into it"]
    return []


def _examples(ids: dict[str, str]) -> str:
    sample = sorted(set(ids.values()))[:3]
    return ", ".join(sample) if sample else "none known"
