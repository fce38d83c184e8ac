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
    sessions = state.tables.get("sessions")
    if sessions is not None and len(sessions):
        dates = pd.to_datetime(sessions["date"])
        in_period = (dates >= pd.Timestamp(state.period.start)) & (dates <= pd.Timestamp(state.period.end))
        sessions = sessions[in_period]
    by_centre = ({str(k): v for k, v in sessions.groupby(sessions["centre_id"].astype(str))}
                 if sessions is not None and len(sessions) else {})
    regs = state.tables.get("registrations")
    registered = ({str(k): int(v) for k, v in regs.groupby(regs["centre_id"].astype(str))["child_ref"].nunique().items()}
                  if regs is not None and len(regs) else {})
    ids, names = state.ids, state.names
    rows = []
    for scenario in scenarios:
        for change in scenario.changes:
            centre_id = change.centre if change.action == "open" else ids.get(change.centre, change.centre)
            lost = pd.DataFrame()
            own = by_centre.get(centre_id)
            if own is not None and change.action != "open":
                if change.removes_centre:
                    lost = own
                elif change.activities:
                    lost = own[own["activity"].astype(str).isin(change.activities)]
            activities = sorted(set(lost["activity"].dropna().astype(str))) if len(lost) else []
            rows.append({"scenario": scenario.name, "change": change.number, "action": change.action,
                         "centre_id": centre_id, "centre_name": change.name if change.action == "open"
                         else names.get(centre_id, centre_id), "description": describe_change(change, state),
                         "effective": change.effective.isoformat(), "removes_centre": change.removes_centre,
                         "sessions_lost": int(len(lost)),
                         "attendances_lost": int(lost["attendances"].fillna(0).sum()) if len(lost) else 0,
                         "activities_lost": ", ".join(activities),
                         "registered_children": 0 if change.action == "open" else registered.get(centre_id, 0),
                         "hours_before": change.hours_before, "hours_after": change.hours_after})
    return pd.DataFrame(rows, columns=COLUMNS)
