"""Markdown sections of reports/impact.qmd, formatted from a results folder (nothing is recomputed here).

Counts of people (under-fives, registered children, families) go through the disclosure policy of every
committee output (ccassure.reports.disclosure): small counts hidden, and in tables whose rows add up to a
total shown elsewhere (deciles, reach areas, wards) a second count hidden where one hidden count could be worked
out. Distances and counts of neighbourhoods or centres are not counts of people and are shown as they are.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ccassure.impact.result import ImpactResult
from ccassure.reports.disclosure import Cell, Policy, cell_text, protect_family
from ccassure.reports.format import md_table, status_label, text
from ccassure.reports.plain_text import period_words

CURRENT = "Current state"


def _km(metres: Any) -> str:
    if metres is None or pd.isna(metres):
        return "–"
    return f"{float(metres) / 1000:,.1f} km"


def _signed_km(metres: Any) -> str:
    if metres is None or pd.isna(metres):
        return "–"
    value = float(metres) / 1000
    return f"{'+' if value > 0.05 else ''}{value:,.1f} km"


def _people(n: Any, min_count: int) -> str:
    return Policy(threshold=min_count).count(0 if n is None or pd.isna(n) else int(n))


def _protected(values: list[Any], total: Any, min_count: int) -> list[str]:
    """Counts that add up to a published total, with primary and secondary suppression."""
    policy = Policy(threshold=min_count)
    cells = [Cell(None if v is None or pd.isna(v) else float(v)) for v in values]
    for cell in cells:
        cell.hidden = policy.is_small(cell.value)
    whole = Cell(None if total is None or pd.isna(total) else float(total))
    whole.hidden = policy.is_small(whole.value)
    if policy.active:
        protect_family(cells, whole)
    return [cell_text(c) for c in cells]


def _rate(part: Any, whole: Any, min_count: int, part_hidden: bool = False) -> str:
    cells = Policy(threshold=min_count).rate(part, whole)
    return _share(part, whole) if cells.shown and not part_hidden else "c"


def _share(part: Any, whole: Any) -> str:
    if not whole or pd.isna(whole):
        return "–"
    return f"{100.0 * float(part or 0) / float(whole):.1f}%"


def introduction(result: ImpactResult) -> str:
    m = result.manifest
    p = m["parameters"]
    base = result.baseline.iloc[0] if len(result.baseline) else None
    lines = [
        f"**Proposal:** {text(m['title'])}  ",
        f"**Authority:** {text(m['authority_name'])}  ",
        f"**Measured against:** the centres and families recorded for {text(period_words(m['period']))}, with the under-five "
        f"population of {text(m.get('population_year') or 'the latest year')}.",
        "",
        f"A family is counted as *within reach* when the centre point of its neighbourhood is no more than "
        f"{p['max_distance_m'] / 1000:,.1f} km in a straight line from an open children's centre, the distance "
        "the authority uses for its reach checks. Straight lines understate real journeys, especially by bus "
        "or on foot in rural areas.",
    ]
    if base is not None:
        lines += ["", f"Today {_share(base['under5_within'], base['under5'])} of the area's under-fives live "
                      f"within reach, and {_share(base['deprived_under5_within'], base['deprived_under5'])} of "
                      f"those in the most deprived neighbourhoods (deciles 1 to {p['most_deprived_deciles']})."]
    if m.get("unlocated_lsoas"):
        lines += ["", f"{m['unlocated_lsoas']} neighbourhoods have no grid reference and are left out."]
    return "\n".join(lines)


def scenario_list(result: ImpactResult) -> str:
    out = []
    for s in result.manifest["scenarios"]:
        out.append(f"**{text(s['name'])}.** {text(s.get('description') or '')}\n")
        out += [f"- {text(c[:1].upper() + c[1:])}" for c in s["changes"]]
        for a in s.get("assumptions") or []:
            out.append(f"- *Assumed:* {text(a['description'])}")
        out.append("")
    return "\n".join(out)


def headlines(result: ImpactResult, min_count: int = 5) -> str:
    """One plain sentence per scenario: who loses reach, and whether the most deprived are hit."""
    out = []
    for row in result.summary.itertuples():
        lost = int(row.under5_newly_beyond)
        deprived = int(row.deprived_under5_newly_beyond)
        gained = int(row.under5_newly_within)
        if lost == 0:
            sentence = "no under-fives would lose a centre within reach"
        else:
            sentence = (f"{_people(lost, min_count)} under-fives in {row.lsoas_newly_beyond} neighbourhoods would no "
                        "longer have a centre within reach")
            sentence += (f", {_people(deprived, min_count)} of them in the most deprived neighbourhoods"
                         if deprived else ", none of them in the most deprived neighbourhoods")
        if gained:
            sentence += f"; {_people(gained, min_count)} under-fives would gain a centre within reach"
        out.append(f"- **{text(row.scenario)}:** {sentence}.")
        if deprived:
            out[-1] += " **This option strands a deprived area.**"
    return "\n".join(out)


def side_by_side(result: ImpactResult, min_count: int = 5) -> str:
    frame = result.summary.set_index("scenario")
    names = result.scenarios
    people = [("under5_newly_beyond", "Under-fives newly beyond reach"),
              ("deprived_under5_newly_beyond", "of whom in the most deprived neighbourhoods"),
              ("registered_newly_beyond", "Registered children newly beyond reach"),
              ("target_families_newly_beyond", "Families in target groups newly beyond reach"),
              ("under5_newly_within", "Under-fives newly within reach")]
    rows = [[label, *(_people(frame.at[n, col], min_count) for n in names)] for col, label in people]
    rows.append(["Neighbourhoods newly beyond reach", *(f"{int(frame.at[n, 'lsoas_newly_beyond'])}" for n in names)])
    rows.append(["Mean change in distance to the nearest centre, per child",
                 *(_signed_km(frame.at[n, "mean_change"]) for n in names)])
    rows.append(["Change that 90% of children do not exceed", *(_signed_km(frame.at[n, "p90_change"]) for n in names)])
    rows.append(["Largest change for one neighbourhood", *(_signed_km(frame.at[n, "worst_change"]) for n in names)])
    rows.append(["Centres closing or no longer counted",
                 *(str(int(result.losses[(result.losses["scenario"] == n)
                                          & result.losses["removes_centre"].astype(bool)].shape[0])) for n in names)])
    rows.append(["Sessions lost in the quarter", *(f"{int(result.losses.loc[result.losses['scenario'] == n, 'sessions_lost'].sum()):,}"
                                                   for n in names)])
    return md_table(rows, ["", *names], align="l" + "r" * len(names))


def rule_judgements(result: ImpactResult) -> str:
    """Each sufficiency and reach check now and after each option, with the share it measured."""
    if result.judgements.empty:
        return "_The rules were not run._"
    order = [CURRENT, *result.scenarios]
    rows = []
    for title, group in result.judgements.groupby("title", sort=False):
        cells = {}
        for row in group.itertuples():
            label = status_label(row.status)
            observed = row.observed if isinstance(row.observed, str) and row.observed.endswith("%") else None
            cells[row.scenario] = f"{label} ({observed})" if observed else label
        rows.append([title, *(cells.get(n, "–") for n in order)])
    p = result.manifest["parameters"]
    return (md_table(rows, ["Duty check", "Now", *result.scenarios], escape=[True] + [False] * len(order))
            + f"\n\nPercentages are the share of under-fives within {p['max_distance_m']:,.0f} m of an open centre "
              f"(the authority's floor is {p['min_share_percent']:g}% for all under-fives and "
              f"{p['deprived_min_share_percent']:g}% for those in the most deprived neighbourhoods). Reach below the "
              "floor is shown as at risk: the distance and the floor are the authority's policy, not law.")


def deciles_table(result: ImpactResult, scenario: str, min_count: int = 5) -> str:
    rows = result.deciles[result.deciles["scenario"] == scenario].reset_index(drop=True)
    summary = result.summary.set_index("scenario").loc[scenario]
    base = result.baseline.iloc[0]
    columns = {}
    for column, total in (("under5", base["under5"]), ("under5_newly_beyond", summary["under5_newly_beyond"]),
                          ("registered_newly_beyond", summary["registered_newly_beyond"]),
                          ("target_families_newly_beyond", summary["target_families_newly_beyond"])):
        columns[column] = _protected(rows[column].tolist(), total, min_count)
    body = []
    for k, row in enumerate(rows.itertuples()):
        decile = "Not known" if pd.isna(row.imd_decile) else (
            f"{int(row.imd_decile)}{' (most deprived)' if int(row.imd_decile) == 1 else ''}")
        hidden = columns["under5"][k] == "c"
        body.append([decile, columns["under5"][k], _rate(row.under5_within_before, row.under5, min_count, hidden),
                     _rate(row.under5_within_after, row.under5, min_count, hidden), columns["under5_newly_beyond"][k],
                     columns["registered_newly_beyond"][k], columns["target_families_newly_beyond"][k]])
    return md_table(body, ["Deprivation decile", "Under-fives", "Within reach now", "Within reach after",
                           "Under-fives newly beyond reach", "Registered children", "Target-group families"],
                    align="lrrrrrr")


def _protected_losses(result: ImpactResult, scenario: str, rows: pd.DataFrame, min_count: int) -> dict[str, list[str]]:
    """People newly beyond reach per row (area or ward), protected against the option's totals."""
    summary = result.summary.set_index("scenario").loc[scenario]
    return {column: _protected(rows[column].tolist(), summary[column], min_count)
            for column in ("under5_newly_beyond", "registered_newly_beyond", "target_families_newly_beyond")}


def worst_areas(result: ImpactResult, scenario: str, min_count: int = 5, limit: int = 10) -> str:
    areas = result.areas[result.areas["scenario"] == scenario]
    if areas.empty:
        return "_No neighbourhood loses its centre within reach in this option._"
    protected = _protected_losses(result, scenario, areas, min_count)
    body = [[row.area, protected["under5_newly_beyond"][k], protected["registered_newly_beyond"][k],
             protected["target_families_newly_beyond"][k],
             "–" if pd.isna(row.most_deprived_decile_newly_beyond) else str(int(row.most_deprived_decile_newly_beyond)),
             _signed_km(row.largest_change)] for k, row in enumerate(areas.itertuples()) if k < limit]
    table = md_table(body, ["Reach area", "Under-fives newly beyond reach", "Registered children",
                            "Target-group families", "Most deprived decile affected (1 = most deprived)", "Largest change in distance"],
                     align="lrrrrr")
    worst = result.lsoas[(result.lsoas["scenario"] == scenario) & result.lsoas["newly_beyond"].astype(bool)]
    worst = worst.sort_values(["imd_decile", "change"], ascending=[True, False]).head(limit)
    wards = _has_wards(result)
    rows = [[f"{row.lsoa_code}", *([_ward(row)] if wards else []),
             row.area if isinstance(row.area, str) else "Outside every reach area",
             "–" if pd.isna(row.imd_decile) else str(int(row.imd_decile)), _people(row.under5, min_count),
             _km(row.before), _km(row.after)] for row in worst.itertuples()]
    detail = md_table(rows, ["Neighbourhood (LSOA)", *(["Ward"] if wards else []), "Reach area", "Decile",
                             "Under-fives", "Nearest centre now", "Nearest centre after"],
                      align="l" + ("l" if wards else "") + "lrrrr")
    return table + "\n\nThe neighbourhoods most affected, most deprived first:\n\n" + detail


def ward_table(result: ImpactResult, scenario: str, min_count: int = 5, limit: int = 12) -> str:
    """Under-fives and families newly beyond reach by electoral ward (the area a councillor represents)."""
    if not _has_wards(result):
        return ("_The neighbourhood data name no electoral wards, so these figures are given by reach area and "
                "neighbourhood only._")
    wards = result.wards[result.wards["scenario"] == scenario]
    if wards.empty:
        return "_No ward has a neighbourhood that loses its centre within reach in this option._"
    protected = _protected_losses(result, scenario, wards, min_count)
    body = [[row.ward, f"{int(row.lsoas_newly_beyond):,}", protected["under5_newly_beyond"][k],
             protected["registered_newly_beyond"][k], protected["target_families_newly_beyond"][k],
             "–" if pd.isna(row.most_deprived_decile_newly_beyond) else str(int(row.most_deprived_decile_newly_beyond))]
            for k, row in enumerate(wards.itertuples()) if k < limit]
    more = len(wards) - limit
    note = f"\n\nAnd {more} more ward{'s' if more != 1 else ''}, each with fewer affected." if more > 0 else ""
    return md_table(body, ["Ward", "Neighbourhoods newly beyond reach", "Under-fives newly beyond reach",
                           "Registered children", "Target-group families", "Most deprived decile affected (1 = most deprived)"],
                    align="lrrrrr") + note


def _has_wards(result: ImpactResult) -> bool:
    points = result.points
    return "ward" in points.columns and bool(points["ward"].notna().any())


def _ward(row: Any) -> str:
    ward = getattr(row, "ward", None)
    return ward if isinstance(ward, str) and ward else "Not known"


def losses_table(result: ImpactResult, scenario: str, min_count: int = 5) -> str:
    rows = result.losses[result.losses["scenario"] == scenario]
    body = []
    for row in rows.itertuples():
        sessions = f"{row.sessions_lost:,}" if row.action != "open" else "–"
        body.append([row.description[:1].upper() + row.description[1:], sessions,
                     _people(row.attendances_lost, min_count) if row.action != "open" else "–",
                     row.activities_lost if row.activities_lost else "–",
                     _people(row.registered_children, min_count) if row.action != "open" else "–"])
    return md_table(body, ["Change", "Sessions in the quarter that stop", "Attendances", "Activities that stop there",
                           "Children registered at the centre"], align="lrrlr")


def differences(result: ImpactResult, min_count: int = 5) -> str:
    diff = result.differences()
    if diff.empty:
        return "_No option puts any neighbourhood beyond reach._"
    some = diff[~diff["in_every_scenario"].astype(bool)]
    every = diff[diff["in_every_scenario"].astype(bool)]
    out = []
    if len(every):
        out.append(f"{len(every)} neighbourhoods would be beyond reach whichever option is chosen.")
    if len(some):
        rows = [[row.lsoa_code, row.area if isinstance(row.area, str) else "Outside every reach area",
                 "–" if pd.isna(row.imd_decile) else str(int(row.imd_decile)), _people(row.under5, min_count),
                 row.scenarios] for row in some.itertuples()]
        out.append("Neighbourhoods newly beyond reach under some options only:\n\n"
                   + md_table(rows, ["Neighbourhood (LSOA)", "Reach area", "Decile", "Under-fives",
                                     "Beyond reach under"], align="llrrl"))
    return "\n\n".join(out)


READY_SYMBOL = {"met": "✔ Ready", "at_risk": "▲ At risk", "not_met": "✖ Not ready",
                "not_evaluable": "? To be recorded", "not_applicable": "– Not needed"}


def checklist(result: ImpactResult) -> str:
    if result.checklist.empty:
        return "_The checklist was not run._"
    names = result.scenarios
    rows = []
    for question, group in result.checklist.groupby("question", sort=False):
        by = dict(zip(group["scenario"], group["status"], strict=False))
        rows.append([question, *(READY_SYMBOL.get(by.get(n, ""), "–") for n in names)])
    table = md_table(rows, ["Before the decision", *names], escape=[True] + [False] * len(names))
    notes = []
    for name in names:
        todo = result.checklist[(result.checklist["scenario"] == name)
                                & ~result.checklist["status"].isin(["met", "not_applicable"])]
        if todo.empty:
            continue
        notes.append(f"**{text(name)}**\n")
        notes += [f"- {text(row.question)}: {text(row.advice)}" for row in todo.itertuples()]
        notes.append("")
    return table + ("\n\nWhat to record or change:\n\n" + "\n".join(notes) if notes else "")


def method_note(result: ImpactResult, min_count: int) -> str:
    p = result.manifest["parameters"]
    return "\n".join([
        "- *Reach*: straight-line distance from the centre point of each neighbourhood (lower-layer super output "
        f"area) to the nearest open children's centre; within reach means at most {p['max_distance_m']:,.0f} m. "
        "Linked sites and outreach venues are not counted, as in the authority's reach checks.",
        "- *All changes at once*: every change of an option is applied together, so two closures that each leave "
        "a neighbourhood a second centre can together leave it none.",
        f"- *Most deprived*: deciles 1 to {p['most_deprived_deciles']} of the English Index of Multiple Deprivation "
        f"({text(p['iod_version'])}).",
        "- *Registered children* are under-fives registered with any centre and living in the neighbourhood; "
        "*target-group families* are registered families in the authority's target groups.",
        "- *Duty checks* are the authority's own sufficiency and reach rules run on the state after each option. "
        "They are risk indicators, not findings of unlawfulness.",
        "",
        Policy(threshold=min_count).note(),
    ])
