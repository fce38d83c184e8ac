"""Consultation readiness: what the consultation and equality rules will need recorded before a decision.

Each scenario's changes become the service-change records they would be, linked to the consultation the
proposal plans; the project's own s.5D, Gunning, equality-duty and closure-test rules then judge those
records exactly as ``ccassure check`` will once the decision is taken. Anything the plan leaves blank
shows as "to be recorded", never as ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ccassure.impact.proposal import Scenario
from ccassure.impact.state import CurrentState


@dataclass(frozen=True)
class Item:
    key: str
    question: str
    rules: tuple[str, ...]
    advice: str
    unapplied: str = "not_applicable"  # status when no rule applies although a decision is planned


ITEMS: tuple[Item, ...] = (
    Item("consulted", "A consultation closes before the decision and before any change takes effect",
         ("CA06-S5D-CONSULTED-CEASE", "CA06-S5D-CONSULTED-CHANGE", "GUN-1-FORMATIVE"),
         "Set the consultation's closing date before the decision date and the first change."),
    Item("time", "The consultation is long enough", ("GUN-3-TIME",),
         "Allow enough weeks for families to consider and respond; the authority's policy sets the minimum."),
    Item("reasons", "The consultation document gives the reasons and the alternatives considered", ("GUN-2-REASONS", "GUN-2-ALTERNATIVES"),
         "Explain why the change is proposed and which alternatives were considered and why they were rejected."),
    Item("eqia", "The equality impact assessment is completed before the decision", ("PSED-149",),
         "Date the equality impact assessment no later than the decision; this assessment can be its appendix."),
    Item("savings", "No savings from these changes are committed before the consultation", ("GUN-1-SAVINGS",),
         "Do not count the savings in a budget before the consultation; if they are, record when.",
         unapplied="met"),  # no savings recorded as committed: nothing to flag
    Item("responses", "An analysis of the responses is before the decision-maker", ("GUN-4-CONSCIENTIOUS",),
         "Plan the date the analysis of responses goes to the decision-maker, before the decision."),
    Item("disadvantaged", "The impact on children and on the most disadvantaged families is assessed",
         ("SSG-CLOSURE-DISADVANTAGED",),
         "Record that the impact on outcomes and on the most disadvantaged families was assessed; the reach "
         "figures by deprivation in this assessment are part of that evidence."),
    Item("sufficiency", "Sufficiency after the change is assessed", ("SSG-CLOSURE-SUFFICIENCY",),
         "Record that sufficiency after the change was assessed; the rule judgements after each scenario in "
         "this assessment give the figures."),
)
CHECKLIST_RULES = tuple(dict.fromkeys(r for item in ITEMS for r in item.rules))
READINESS = {"met": "Ready", "at_risk": "At risk", "not_met": "Not ready", "not_evaluable": "To be recorded",
             "not_applicable": "Not needed"}
ORDER = ("not_met", "not_evaluable", "at_risk", "met", "not_applicable")


def planned_records(state: CurrentState, scenario: Scenario, index: int) -> dict[str, list[dict[str, Any]]]:
    """The service changes and consultation the scenario would put on record."""
    plan = scenario.consultation
    cid = f"PLAN-{index + 1}"
    ids = state.ids
    changes = []
    for change in scenario.changes:
        centre_id = change.centre if change.action == "open" else ids.get(change.centre, change.centre)
        changes.append({
            "change_id": f"{cid}-{change.number}", "authority_code": state.authority, "centre_id": centre_id,
            "change_type": change.change_type, "programme_ref": cid, "description": f"{scenario.name}: {describe_change(change, state)}",
            "savings_committed_date": _ts(plan.savings_committed), "decision_date": _ts(plan.decision),
            "implementation_date": _ts(change.effective), "consultation_id": cid if plan.closes or plan.opens else None,
            "eqia_date": _ts(plan.equality_assessment), "disadvantaged_impact_assessed": plan.disadvantaged_assessed,
            "outcomes_impact_assessed": plan.outcomes_assessed, "sufficiency_after_assessed": plan.sufficiency_assessed,
            "responses_analysis_before_decision": (plan.responses_analysed is not None
                                                   and plan.decision is not None
                                                   and plan.responses_analysed <= plan.decision)
            if plan.responses_analysed or plan.decision else None,
        })
    consultation = {"consultation_id": cid, "authority_code": state.authority, "title": scenario.name,
                    "open_date": _ts(plan.opens), "close_date": _ts(plan.closes),
                    "reasons_given": plan.reasons_given, "alternatives_given": plan.alternatives_given,
                    "usage_data_given": plan.usage_data_given, "analysis_date": _ts(plan.responses_analysed)}
    return {"service_changes": changes, "consultations": [consultation]}


def _ts(value: Any) -> Any:
    return pd.Timestamp(value) if value is not None else pd.NaT


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column.endswith("_date"):
            frame[column] = pd.to_datetime(frame[column])
        elif frame[column].map(lambda v: v is None or isinstance(v, bool)).all():
            frame[column] = frame[column].astype("boolean")
    return frame


def readiness(state: CurrentState, scenarios: list[Scenario], rules: Any, contracts: Any,
              parameters: dict[str, Any] | None) -> pd.DataFrame:
    """One row per scenario x checklist item: readiness, the worst rule status, and what to do."""
    from ccassure.rules.evaluator import Evaluator

    selected = rules.select([r for r in CHECKLIST_RULES if r in rules])
    records = [planned_records(state, scenario, index) for index, scenario in enumerate(scenarios)]
    data = {name: _typed(pd.DataFrame([row for r in records for row in r[name]]))
            for name in ("service_changes", "consultations")}
    data["centres"] = state.centres
    # one evaluation for every scenario: each change record carries its scenario's number in its id
    findings = list(Evaluator(data, contracts=contracts, authority=state.authority)
                    .evaluate(selected, state.period, parameters))
    by_scenario: dict[int, list[Any]] = {}
    for finding in findings:
        number = int(str(finding.subject_id).split("-")[1]) - 1 if str(finding.subject_id).startswith("PLAN-") else -1
        by_scenario.setdefault(number, []).append(finding)
    rows = []
    for index, scenario in enumerate(scenarios):
        findings = by_scenario.get(index, [])
        for item in ITEMS:
            mine = [f for f in findings if f.rule_id in item.rules]
            relevant = [f for f in mine if f.status != "not_applicable"]
            if relevant:
                status = min((f.status for f in relevant), key=ORDER.index)
                detail = "; ".join(dict.fromkeys(f.message for f in relevant if f.status != "met"))
            elif scenario.consultation.decision is None:
                status, detail = "not_evaluable", "the planned decision date is not recorded, so this cannot be judged yet"
            else:
                status = item.unapplied
                detail = ("not needed for the kinds of change in this scenario" if status == "not_applicable"
                          else "nothing recorded that the rule would flag")
            rows.append({"scenario": scenario.name, "item": item.key, "question": item.question, "status": status,
                         "readiness": READINESS[status], "detail": detail,
                         "advice": item.advice if status not in ("met", "not_applicable") else "",
                         "rules": ", ".join(item.rules)})
    return pd.DataFrame(rows, columns=["scenario", "item", "question", "status", "readiness", "detail", "advice",
                                       "rules"])


def describe_change(change: Any, state: CurrentState | None = None) -> str:
    """A change in plain words: 'close Ambervale Children's Centre from 1 October 2017'."""
    names = state.names if state is not None else {}
    ids = state.ids if state is not None else {}

    def name(ref: str | None) -> str:
        if ref is None:
            return ""
        return names.get(ids.get(ref, ref), ref)

    when = f"from {change.effective.day} {change.effective:%B %Y}"
    if change.action == "close":
        return f"close {name(change.centre)} {when}"
    if change.action == "merge":
        return f"merge {name(change.centre)} into {name(change.into)} {when}"
    if change.action == "de_designate":
        return f"{name(change.centre)} stops being a children's centre {when}"
    if change.action == "open":
        return f"open {change.name or change.centre} {when}"
    parts = []
    if change.hours_before is not None and change.hours_after is not None:
        parts.append(f"opening hours from {change.hours_before:g} to {change.hours_after:g} a week")
    if change.activities:
        parts.append("stop " + ", ".join(change.activities))
    if change.below_definition:
        parts.append("no longer meeting the definition of a children's centre")
    return f"reduce {name(change.centre)} {when}" + (f" ({'; '.join(parts)})" if parts else "")
