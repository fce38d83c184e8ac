"""A small, clearly synthetic results folder in format 2 (docs/results.md), with known problems planted.

Every name is invented. One authority (Synthshire Council, E99000001) with two providers: Larkspur Trust
(centres L1, L2) and Oakfield Partnership (centres O1, O2); the authority's own records are not a provider.
Planted: Larkspur is Red on registration while the authority is Green; centre O2 has no advisory board;
board B2 has no parent member; a change was decided before its consultation closed; one KPI has no
target, one too few to rate, one no data; a year-to-date and a rolling KPI; a centre target for O1; an
England comparator; an action recorded for the board duty at O2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

AUTHORITY = "E99000001"
PERIODS = ["2016Q2", "2016Q3", "2016Q4", "2017Q1"]
PROVIDERS = [("PRV-LARK", "Larkspur Trust"), ("PRV-OAK", "Oakfield Partnership")]
CENTRES = [("L1", "Lark Rise Children's Centre", "PRV-LARK", "North"),
           ("L2", "Linnet Lane Children's Centre", "PRV-LARK", "North"),
           ("O1", "Oak Hollow Children's Centre", "PRV-OAK", "South"),
           ("O2", "Orchard End Children's Centre", "PRV-OAK", "South")]
RULES = {
    "R-ACTIVITIES": ("centre", "Activities for young children are provided on site", "Childcare Act 2006 s.5A"),
    "R-BOARD-COVER": ("centre", "The centre is within the remit of an advisory board", "Childcare Act 2006 s.5C"),
    "R-BOARD-PARENT": ("board", "The advisory board has a parent member", "Childcare Act 2006 s.5C(5)"),
    "R-FORMATIVE": ("change", "The consultation happened while the proposal was still formative", "Gunning principle 1"),
    "R-NEEDS": ("authority", "A current assessment of local need", "Childcare Act 2006 s.5A"),
}
# kpi id -> title, unit, direction, window, target
KPIS = {
    "K-REG": ("Under-fives registered", "percent", "higher", "quarter", 80.0),
    "K-STAR": ("Closed cases with an improved Family Star score", "percent", "higher", "rolling_12_months", 70.0),
    "K-DURATION": ("Interventions closed within six months", "percent", "higher", "year_to_date", 80.0),
    "K-GAP": ("Good level of development gap", "points", "lower", "quarter", 15.0),
    "K-VOLUNTEERS": ("Volunteers active", "count", "higher", "quarter", None),
    "K-GLD": ("Registered children reaching a good level of development", "percent", "higher", "quarter", 72.0),
}
# (subject, kpi) -> numerator, denominator for the latest quarter; earlier quarters shift by a little
COUNTS = {
    ("L1", "K-REG"): (40, 100), ("L2", "K-REG"): (38, 60), ("O1", "K-REG"): (290, 300), ("O2", "K-REG"): (380, 400),
    ("L1", "K-STAR"): (3, 18), ("L2", "K-STAR"): (20, 30), ("O1", "K-STAR"): (40, 50), ("O2", "K-STAR"): (45, 50),
    ("L1", "K-DURATION"): (30, 40), ("L2", "K-DURATION"): (4, 4), ("O1", "K-DURATION"): (50, 55),
    ("O2", "K-DURATION"): (60, 70),
    ("L1", "K-VOLUNTEERS"): (12, None), ("L2", "K-VOLUNTEERS"): (3, None), ("O1", "K-VOLUNTEERS"): (9, None),
    ("O2", "K-VOLUNTEERS"): (11, None),
}


def _rag(value, target, direction):
    if value is None or target is None:
        return "not_rated"
    good = value <= target if direction == "lower" else value >= target
    near = value <= target + 5 if direction == "lower" else value >= target - 10
    return "green" if good else ("amber" if near else "red")


def _kpi_rows() -> list[dict]:
    rows = []
    centre_of = {c[0]: c for c in CENTRES}
    for i, period in enumerate(PERIODS):
        shift = len(PERIODS) - 1 - i
        for kpi_id, (title, unit, direction, window, target) in KPIS.items():
            per_centre = {}
            for cid in centre_of:
                n, d = COUNTS.get((cid, kpi_id), (None, None))
                if n is not None:
                    n = max(0, n - shift)
                per_centre[cid] = (n, d)
            groups = [("centre", cid, centre_of[cid][1], centre_of[cid][2], centre_of[cid][3], [cid])
                      for cid in centre_of]
            groups += [("provider", pid, name, pid, None, [c[0] for c in CENTRES if c[2] == pid]) for pid, name in PROVIDERS]
            groups += [("cluster", cl, cl, None, cl, [c[0] for c in CENTRES if c[3] == cl]) for cl in ("North", "South")]
            groups += [("authority", AUTHORITY, "Synthshire Council", None, None, list(centre_of))]
            for subject_type, sid, name, provider, cluster, members in groups:
                nums = [per_centre[m][0] for m in members if per_centre[m][0] is not None]
                dens = [per_centre[m][1] for m in members if per_centre[m][1] is not None]
                numerator = float(sum(nums)) if nums else None
                denominator = float(sum(dens)) if dens else None
                if kpi_id == "K-GAP":
                    numerator, denominator, value = 30.0, 60.0, 12.0 + shift
                elif kpi_id == "K-GLD":
                    numerator, denominator, value = 0.0, 0.0, None
                elif unit == "count":
                    value = numerator
                else:
                    value = 100 * numerator / denominator if numerator is not None and denominator else None
                kpi_target, source = target, "framework" if target is not None else None
                if sid == "O1" and kpi_id == "K-REG":
                    kpi_target, source = 98.0, "centre_target"
                rag = _rag(value, kpi_target, direction)
                reason = None
                if kpi_id == "K-GLD":
                    rag, reason = "not_rated", "no_data"
                elif kpi_target is None:
                    rag, reason = "not_rated", "no_target"
                elif denominator is not None and denominator < 10:
                    rag, reason = "not_rated", "too_few"
                rows.append({
                    "framework": "SYN", "framework_version": 1, "kpi_id": kpi_id, "kpi_version": 1, "title": title,
                    "subject_type": subject_type, "subject_id": sid, "subject_name": name, "authority_code": AUTHORITY,
                    "provider_id": provider, "cluster": cluster, "period": period, "window": window,
                    "numerator": numerator, "denominator": denominator, "value": value, "unit": unit,
                    "target": kpi_target, "target_source": source, "amber_from": None if target is None else target - 10,
                    "direction": direction, "rag": rag, "rating_reason": reason,
                    "change_on_previous": None if i == 0 or value is None else 1.0,
                    "change_on_year_before": None, "parameters": json.dumps({"min_denominator": 10}),
                    "data_versions": "{}"})
            if kpi_id == "K-REG":  # a second framework's copy that the manifest does not choose
                rows.append({**rows[-1], "framework": "OTHER", "kpi_id": "X-REG"})
    return rows


def _finding(rule_id, subject_type, sid, name, provider, period, status, message, reason=None) -> dict:
    kind, title, citation = RULES[rule_id]
    return {"rule_id": rule_id, "rule_version": 1, "title": title, "subject_type": subject_type, "subject_id": sid,
            "subject_name": name, "authority_code": AUTHORITY, "provider_id": provider, "period": period,
            "status": status, "reason": reason, "observed": None, "threshold": None, "message": message,
            "evidence": "[]", "evidence_total": 0, "parameters": json.dumps({"at_least": 1}), "data_versions": "{}",
            "severity": "not_met", "citation": citation, "guidance": "Synthetic guidance."}


def _findings() -> list[dict]:
    rows = []
    for period in PERIODS:
        for cid, name, provider, _ in CENTRES:
            rows.append(_finding("R-ACTIVITIES", "centre", cid, name, provider, period, "met", f"{name} held sessions."))
            status = "not_met" if cid == "O2" else "met"
            rows.append(_finding("R-BOARD-COVER", "centre", cid, name, provider, period, status,
                                 f"{name} is not within the remit of any advisory board (no matching boards row for "
                                 "advisory_board_id)." if status == "not_met" else f"{name} has a board."))
        rows.append(_finding("R-BOARD-PARENT", "board", "B1", "Northern Advisory Board", None, period, "met", "Has a parent."))
        rows.append(_finding("R-BOARD-PARENT", "board", "B2", "Southern Advisory Board", None, period,
                             "not_met" if period >= "2016Q4" else "met",
                             f"Southern Advisory Board has no member representing parents at the end of {period}."))
        rows.append(_finding("R-FORMATIVE", "change", "CHG-1", "Close Linnet Lane", "PRV-LARK", period, "not_met",
                             "Close Linnet Lane: decision taken before the consultation closed "
                             "(consultations.close_date=2016-09-04; decision_date=2016-08-16)."))
        rows.append(_finding("R-NEEDS", "authority", AUTHORITY, "Synthshire Council", None, period, "at_risk",
                             "The needs assessment is over three years old. Reported as at risk: the wording is graded "
                             "[R] in statute.md (recalled, not yet verified)."))
        for cid, name, provider, _ in CENTRES[:2]:
            rows.append(_finding("R-NEEDS", "centre", cid, name, provider, period, "not_applicable", "Not applicable."))
    return rows


def make_format2(directory: Path, format_version: str = "2.0") -> Path:
    directory = Path(directory)
    (directory / "validation").mkdir(parents=True, exist_ok=True)
    (directory / "records").mkdir(exist_ok=True)
    kpi_rows = _kpi_rows()
    pd.DataFrame(_findings()).to_parquet(directory / "findings.parquet", index=False)
    pd.DataFrame(kpi_rows).to_parquet(directory / "kpi_results.parquet", index=False)
    nodes = [{"id": k, "kind": "rule", "version": 1, "title": t, "summary": "A synthetic duty.",
              "parameters": {"at_least": {"value": 1, "default": 1, "unit": "sessions", "kind": "law", "set_by": "rule"}}}
             for k, (_, t, _) in RULES.items()]
    nodes += [{"id": k, "kind": "kpi", "version": 1, "title": t, "unit": u, "direction": d, "window": w, "target": tg,
               "framework": "SYN"} for k, (t, u, d, w, tg) in KPIS.items()]
    manifest = {
        "format_version": format_version, "generated_at": "2026-12-02T06:00:00+00:00", "synthetic": True,
        "project": "synthetic-test", "source": "store", "periods": PERIODS, "data_as_at": "2026-11-30T09:00:00+00:00",
        "authorities": [{"code": AUTHORITY, "name": "Synthshire Council", "frameworks": ["SYN"]}],
        "providers": [{"id": p, "name": n, "authority_code": AUTHORITY} for p, n in PROVIDERS],
        "centres": [{"id": c, "name": n, "type": "centre", "provider_id": p, "authority_code": AUTHORITY, "cluster": cl,
                     "parent_id": None, "board_id": None if c == "O2" else "B1", "status": "open",
                     "designation": "childrens_centre"} for c, n, p, cl in CENTRES],
        "data_versions": [{"submission_id": "S1", "provider_id": "PRV-LARK", "authority_code": AUTHORITY,
                           "period": "2017Q1", "submitted_at": "2026-11-30T09:00:00+00:00", "sha256": "0" * 64,
                           "tables": {"centres": 2}}],
        "nodes": nodes,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    pd.DataFrame([{"action_id": "A1", "authority_code": AUTHORITY, "item_id": "R-BOARD-COVER", "subject_id": "O2",
                   "action": "Bring Orchard End into the Southern board's remit.", "owner": "Head of Early Help",
                   "due_date": "2017-06-30", "status": "in_progress", "raised_date": "2017-01-15"}]
                 ).to_parquet(directory / "records" / "actions.parquet", index=False)
    pd.DataFrame([{"change_id": "CHG-1", "authority_code": AUTHORITY, "centre_id": "L2", "change_type": "close",
                   "description": "Close Linnet Lane", "proposal_date": pd.Timestamp("2016-06-01"),
                   "decision_date": pd.Timestamp("2016-08-16")}]
                 ).to_parquet(directory / "records" / "service_changes.parquet", index=False)
    pd.DataFrame([{"centre_id": "O1", "kpi_id": "K-REG", "target": 98.0, "period": "2016-17"}]
                 ).to_parquet(directory / "records" / "centre_targets.parquet", index=False)
    pd.DataFrame([{"kpi_id": "K-GLD", "comparator": "england", "area_code": "E92000001", "area_name": "England",
                   "period": "2016-17", "value": 69.3, "source": "EYFSP (synthetic test figure)"},
                  {"kpi_id": "K-REG", "comparator": "england", "area_code": "E92000001", "area_name": "England",
                   "period": "2016-17", "value": 75.0, "source": "synthetic test figure"}]
                 ).to_parquet(directory / "records" / "comparators.parquet", index=False)
    for pid, name in [*PROVIDERS, (AUTHORITY, "Synthshire Council")]:
        (directory / "validation" / f"{pid}-2017Q1.json").write_text(json.dumps({
            "submission_id": f"S-{pid}", "provider_id": pid, "provider_name": name, "authority_code": AUTHORITY,
            "period": "2017Q1", "file_name": f"{pid.lower()}_2017Q1.xlsx", "submitted_at": "2026-11-30T09:00:00Z",
            "counts": {"errors": 0, "warnings": 1}, "problems": []}), encoding="utf-8")
    return directory
