"""Centres and activities each scenario loses, from the sessions delivered in the period.

A closure, merger or de-designation loses every activity the centre ran in the period; a reduction loses
the activities it names (or, if it falls below the definition, all of them). Activities moved by a merger
may continue at the receiving centre: the figures say what stops at the centre, not what stops altogether.
"""

from __future__ import annotations

import pandas as pd

from ccassure.impact.checklist import describe_change
from ccassure.impact.proposal import Scenario
from ccassure.impact.state import CurrentState

COLUMNS = ["scenario", "change", "action", "centre_id", "centre_name", "description", "effective", "removes_centre",
           "sessions_lost", "attendances_lost", "activities_lost", "registered_children", "hours_before",
           "hours_after"]


def centre_losses(state: CurrentState, scenarios: list[Scenario]) -> pd.DataFrame:
    """One row per change: the sessions, attendances and activities it stops at its centre in the period."""
    per_activity = _sessions_by_activity(state)
    regs = state.tables.get("registrations")
    registered = ({str(k): int(v) for k, v in regs.groupby(regs["centre_id"].astype(str))["child_ref"].nunique().items()}
                  if regs is not None and len(regs) else {})
    ids, names = state.ids, state.names
    rows = []
    for scenario in scenarios:
        for change in scenario.changes:
            centre_id = change.centre if change.action == "open" else ids.get(change.centre, change.centre)
            own = per_activity.get(centre_id, {}) if change.action != "open" else {}
            if change.removes_centre:
                lost = own
            elif change.activities:
                lost = {a: v for a, v in own.items() if a in set(change.activities)}
            else:
                lost = {}
            rows.append({"scenario": scenario.name, "change": change.number, "action": change.action,
                         "centre_id": centre_id, "centre_name": change.name if change.action == "open"
                         else names.get(centre_id, centre_id), "description": describe_change(change, state),
                         "effective": change.effective.isoformat(), "removes_centre": change.removes_centre,
                         "sessions_lost": sum(n for n, _ in lost.values()),
                         "attendances_lost": sum(a for _, a in lost.values()),
                         "activities_lost": ", ".join(sorted(a for a in lost if a)),
                         "registered_children": 0 if change.action == "open" else registered.get(centre_id, 0),
                         "hours_before": change.hours_before, "hours_after": change.hours_after})
    return pd.DataFrame(rows, columns=COLUMNS)


def _sessions_by_activity(state: CurrentState) -> dict[str, dict[str, tuple[int, int]]]:
    """Centre -> activity -> (sessions, attendances) in the period, counted once for every change to use.
    Sessions without an activity count under "" (their sessions are lost, no activity is named)."""
    sessions = state.tables.get("sessions")
    if sessions is None or not len(sessions):
        return {}
    dates = pd.to_datetime(sessions["date"])
    sessions = sessions[(dates >= pd.Timestamp(state.period.start)) & (dates <= pd.Timestamp(state.period.end))]
    if not len(sessions):
        return {}
    frame = pd.DataFrame({"centre_id": sessions["centre_id"].astype(str).to_numpy(),
                          "activity": sessions["activity"].astype("string").fillna("").to_numpy(dtype=object),
                          "attendances": pd.to_numeric(sessions["attendances"], errors="coerce").fillna(0)
                          .astype("int64").to_numpy()})
    counted = frame.groupby(["centre_id", "activity"], sort=False)["attendances"].agg(["size", "sum"])
    found: dict[str, dict[str, tuple[int, int]]] = {}
    for (centre, activity), n, attended in zip(counted.index, counted["size"], counted["sum"], strict=True):
        found.setdefault(str(centre), {})[str(activity)] = (int(n), int(attended))
    return found
