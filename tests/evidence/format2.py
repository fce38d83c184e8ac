"""A small SYNTHETIC results folder in the shape docs/results.md (format 2) describes.

Every name is invented. It holds the cases an evidence pack must get right: a centre whose board has
no parent member (a board gap), a centre with no board at all, a linked site, an evidence list capped at
20 of 33 matching rows, a duty that cannot be judged because a table was not supplied, a self-grade the
evidence contradicts, a per-centre target and an England comparator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

AUTHORITY = "E10000999"
PERIODS = ["2016Q3", "2016Q4"]
PROVIDER = ("PRV-OAK", "Oakfield Children's Charity (synthetic)")


def node(node_id: str, kind: str, title: str, subject: str, areas: list[str], summary: str, **extra: Any) -> dict:
    return {"id": node_id, "kind": kind, "version": extra.pop("version", 1), "title": title, "summary": summary,
            "applies_to": extra.pop("applies_to", f"each {subject}"), "subject": subject, "areas": areas,
            "basis": extra.pop("basis", {"citation": "Childcare Act 2006 s.5C(5)", "wording": "must include",
                                         "source": "https://legislation.gov.uk/ukpga/2006/21", "kind": "law",
                                         "note": None}),
            "parameters": extra.pop("parameters", {}), "valid_from": None, "valid_to": None, "predecessor": None,
            "guidance": extra.pop("guidance", "Synthetic guidance."), **extra}


NODES = [
    node("R-ACTIVITIES", "rule", "Activities for young children are provided at the centre", "centre", ["access"],
         "Counts on-site sessions for under-fives in the quarter; at least 1 is met.",
         parameters={"min_sessions": {"value": 1, "default": 1, "unit": "sessions", "kind": "policy",
                                      "set_by": "rule"}},
         guidance="Run at least one on-site session for young children each quarter and record it."),
    node("R-COVER", "rule", "The centre is within the remit of an advisory board", "centre", ["leadership"],
         "Looks up the centre's advisory board; none is not met.",
         guidance="Place the centre under an advisory board and record the board on the Centres sheet."),
    node("R-PARENTS", "rule", "The advisory board includes someone representing parents", "board", ["leadership"],
         "Looks for a current board member with the parent role; none is not met.",
         guidance="Recruit a parent representative to the board."),
    node("R-ACTION", "rule", "After an inspection report, a written statement of action was published", "centre",
         ["leadership"], "Checks the statement of action after the last inspection report.",
         guidance="Publish the written statement of action with timescales."),
    node("R-CASEWORK", "rule", "Families on casework are seen regularly", "centre", ["quality"],
         "Counts casework contacts per open case.", guidance="Supply the Cases sheet in the return."),
    node("R-CONSULT", "rule", "A consultation closed before a decision that ends a children's centre", "change",
         ["leadership"], "Compares the consultation close date with the decision date.",
         guidance="Consult before deciding."),
    node("R-NEEDS", "rule", "A current assessment of local need", "authority", ["leadership"],
         "Looks for a needs assessment in the last three years.", guidance="Refresh the needs assessment."),
    node("K-REACH", "kpi", "Under-fives in the reach area registered", "centre", ["access"],
         "Children registered and under five, as a percentage of under-fives in the reach area.",
         framework="CORE", unit="percent", direction="higher", window="quarter", target=80),
    node("K-STAR", "kpi", "Closed cases with an improved Family Star score", "centre", ["quality"],
         "Closed cases whose Family Star score rose, as a percentage of closed cases.",
         framework="CORE", unit="percent", direction="higher", window="quarter", target=70),
]

CENTRES = [
    {"id": "OAK-CC-01", "name": "Acorn Lane Children's Centre", "type": "centre", "provider_id": PROVIDER[0],
     "authority_code": AUTHORITY, "cluster": "North", "parent_id": None, "board_id": "OAK-BRD-01", "status": "open",
     "designation": "childrens_centre"},
    {"id": "OAK-LS-01", "name": "Birch Library (linked site)", "type": "site", "provider_id": PROVIDER[0],
     "authority_code": AUTHORITY, "cluster": "North", "parent_id": "OAK-CC-01", "board_id": "OAK-BRD-01",
     "status": "open", "designation": "linked_site"},
    {"id": "OAK-CC-02", "name": "Cedar Children's Centre", "type": "centre", "provider_id": PROVIDER[0],
     "authority_code": AUTHORITY, "cluster": "South", "parent_id": None, "board_id": None, "status": "open",
     "designation": "childrens_centre"},
]


def _finding(rule: str, subject_type: str, subject_id: str, subject_name: str, period: str, status: str,
             message: str, evidence: list[dict] | None = None, total: int | None = None, reason: str | None = None,
             provider: str | None = PROVIDER[0]) -> dict:
    spec = next(n for n in NODES if n["id"] == rule)
    return {"rule_id": rule, "rule_version": 1, "title": spec["title"], "subject_type": subject_type,
            "subject_id": subject_id, "subject_name": subject_name, "authority_code": AUTHORITY,
            "provider_id": provider, "period": period, "status": status, "reason": reason, "observed": None,
            "threshold": None, "message": message, "evidence": json.dumps(evidence or []),
            "evidence_total": total if total is not None else len(evidence or []), "parameters": "{}",
            "data_versions": "[]", "severity": "not_met", "citation": spec["basis"]["citation"],
            "guidance": spec["guidance"]}


def _sessions(n: int) -> list[dict]:
    return [{"table": "sessions", "key": {"session_id": f"S{i:03d}"}, "matched": True,
             "row": {"session_id": f"S{i:03d}", "centre_id": "OAK-CC-01", "date": f"2016-10-{1 + i % 28:02d}",
                     "activity": "Stay and play", "on_site": True}} for i in range(n)]


def findings() -> pd.DataFrame:
    rows = []
    acorn, cedar = CENTRES[0], CENTRES[2]
    for period in PERIODS:
        rows += [
            _finding("R-ACTIVITIES", "centre", acorn["id"], acorn["name"], period, "met",
                     f"Acorn Lane Children's Centre ran 33 on-site sessions in {period}.", _sessions(20), 33),
            _finding("R-COVER", "centre", acorn["id"], acorn["name"], period, "met",
                     "Acorn Lane Children's Centre is within the remit of North board."),
            _finding("R-PARENTS", "board", "OAK-BRD-01", "North advisory board", period, "not_met",
                     f"North advisory board has no current member representing the parent interest at the end of "
                     f"{period}."),
            _finding("R-ACTION", "centre", acorn["id"], acorn["name"], period, "at_risk",
                     "The statement of action after the 2014 report sets no timescales."),
            _finding("R-CASEWORK", "centre", acorn["id"], acorn["name"], period, "not_evaluable",
                     "Casework could not be judged: the Cases sheet was not supplied.", reason="table_not_supplied"),
            _finding("R-ACTIVITIES", "centre", cedar["id"], cedar["name"], period,
                     "not_met" if period == "2016Q4" else "met",
                     f"Cedar Children's Centre recorded no on-site activity for young children in {period}.",
                     [] if period == "2016Q4" else _sessions(3), 0 if period == "2016Q4" else 3),
            _finding("R-COVER", "centre", cedar["id"], cedar["name"], period, "not_met",
                     f"Cedar Children's Centre is not within the remit of any advisory board at the end of {period}."),
            _finding("R-CONSULT", "change", "CHG-01", "Closure of Cedar Children's Centre", period, "not_met",
                     "The closure of Cedar Children's Centre was decided before the consultation closed.",
                     [{"table": "service_changes", "key": {"change_id": "CHG-01"}, "matched": True,
                       "row": {"change_id": "CHG-01", "centre_id": cedar["id"], "change_type": "close"}}], 1),
            _finding("R-CONSULT", "change", "CHG-02", "Acorn Lane to open three days a week", period, "at_risk",
                     "The consultation on Acorn Lane's opening hours ran for five weeks."),
            _finding("R-NEEDS", "authority", AUTHORITY, "Oakshire County Council (synthetic)", period, "met",
                     "The needs assessment of 2015 is current.", provider=None),
        ]
    return pd.DataFrame(rows)


def kpis() -> pd.DataFrame:
    rows = []
    for period in PERIODS:
        for subject_type, subject_id, name, value, target, source, rag, num, den in (
            ("centre", "OAK-CC-01", "Acorn Lane Children's Centre", 55.0, 80, "framework", "red", 110, 200),
            ("authority", AUTHORITY, "Oakshire", 71.5, 80, "framework", "amber", 1430, 2000),
            ("centre", "OAK-CC-02", "Cedar Children's Centre", 82.0, 80, "framework", "green", 3, 4),
        ):
            rows.append({"framework": "CORE", "framework_version": 1, "kpi_id": "K-REACH", "kpi_version": 1,
                         "title": "Under-fives in the reach area registered", "subject_type": subject_type,
                         "subject_id": subject_id, "subject_name": name, "authority_code": AUTHORITY,
                         "provider_id": PROVIDER[0], "cluster": None, "period": period, "window": "quarter",
                         "numerator": num, "denominator": den, "value": value, "unit": "percent", "target": target,
                         "target_source": source, "amber_from": 65, "direction": "higher", "rag": rag,
                         "rating_reason": None, "change_on_previous": None, "change_on_year_before": None,
                         "parameters": "{}", "data_versions": "[]"})
        rows.append({**rows[-3], "kpi_id": "K-STAR", "title": "Closed cases with an improved Family Star score",
                     "window": "rolling_12_months",
                     "value": 75.0, "target": 85, "target_source": "centre_target", "rag": "amber",
                     "numerator": 30, "denominator": 40})
    return pd.DataFrame(rows)


def records() -> dict[str, pd.DataFrame]:
    return {
        "centres": pd.DataFrame([{"centre_id": c["id"], "centre_name": c["name"], "authority_code": AUTHORITY,
                                  "provider_id": c["provider_id"], "advisory_board_id": c["board_id"],
                                  "parent_centre_id": c["parent_id"]} for c in CENTRES]),
        "providers": pd.DataFrame([{"provider_id": PROVIDER[0], "provider_name": PROVIDER[1],
                                    "authority_code": AUTHORITY}]),
        "boards": pd.DataFrame([{"board_id": "OAK-BRD-01", "board_name": "North advisory board",
                                 "provider_id": PROVIDER[0]}]),
        "inspections": pd.DataFrame([
            {"inspection_id": "I1", "centre_id": "OAK-CC-01", "inspection_date": pd.Timestamp("2012-03-05"),
             "report_date": pd.Timestamp("2012-04-02"), "overall_grade": 2,
             "action_statement_date": pd.Timestamp("2012-05-20"), "action_statement_has_timescales": True},
            {"inspection_id": "I2", "centre_id": "OAK-CC-01", "inspection_date": pd.Timestamp("2014-06-09"),
             "report_date": pd.Timestamp("2014-07-07"), "overall_grade": 3,
             "action_statement_date": pd.Timestamp("2014-09-01"), "action_statement_has_timescales": False}]),
        "self_evaluations": pd.DataFrame([
            {"centre_id": "OAK-CC-01", "authority_code": AUTHORITY, "period": "2015-16", "area": "leadership",
             "self_grade": 1, "self_narrative": "Our board is strong and parents lead it.", "agreed_grade": 2,
             "authority_comment": "Agreed good, not outstanding.", "review_date": pd.Timestamp("2016-05-10")},
            {"centre_id": "OAK-CC-01", "authority_code": AUTHORITY, "period": "2015-16", "area": "access",
             "self_grade": 2, "self_narrative": "Registration keeps rising.", "agreed_grade": 2,
             "authority_comment": "Agreed.", "review_date": pd.Timestamp("2016-05-10")}]),
        "actions": pd.DataFrame([{"action_id": "ACT-1", "authority_code": AUTHORITY, "item_id": "R-PARENTS",
                                  "subject_id": "OAK-BRD-01", "action": "Recruit two parent members.",
                                  "owner": "Children's centre manager", "raised_date": pd.Timestamp("2016-11-01"),
                                  "due_date": pd.Timestamp("2017-03-31"), "status": "in_progress"}]),
        "service_changes": pd.DataFrame([{"change_id": "CHG-02", "centre_id": "OAK-CC-01",
                                          "authority_code": AUTHORITY, "change_type": "reduce"}]),
        "comparators": pd.DataFrame([{"kpi_id": "K-REACH", "geography": "England", "period": "2016Q4",
                                      "value": 68.0}]),
    }


def manifest() -> dict:
    return {"format_version": "2.0", "generated_at": "2017-04-03T09:00:00+00:00", "synthetic": True,
            "project": "synthetic", "source": "store", "periods": PERIODS, "data_as_at": "2017-01-20T10:00:00+00:00",
            "authorities": [{"code": AUTHORITY, "name": "Oakshire County Council (synthetic)", "frameworks": ["CORE"]}],
            "providers": [{"id": PROVIDER[0], "name": PROVIDER[1], "authority_code": AUTHORITY}],
            "centres": CENTRES,
            "data_versions": [{"submission_id": "SUB-1", "provider_id": PROVIDER[0], "authority_code": AUTHORITY,
                               "period": "2016Q4", "submitted_at": "2017-01-20T10:00:00+00:00", "sha256": "0" * 64,
                               "tables": {"sessions": 40}}],
            "nodes": NODES}


VALIDATIONS = [
    {"submission_id": "SUB-1", "provider_id": PROVIDER[0], "provider_name": PROVIDER[1], "authority_code": AUTHORITY,
     "period": "2016Q4", "file_name": "oakfield_2016Q4.xlsx", "submitted_at": "2017-01-20T10:00:00+00:00",
     "counts": {"errors": 0, "warnings": 3},
     "problems": [
         {"severity": "warning", "code": "value-out-of-range", "sheet": "Sessions", "row": 4, "column": "attendances",
          "message": "Attendances looks too high.", "fix": "Check the figure."},
         {"severity": "warning", "code": "value-out-of-range", "sheet": "Sessions", "row": 9, "column": "attendances",
          "message": "Attendances looks too high.", "fix": "Check the figure."},
         {"severity": "warning", "code": "blank-optional", "sheet": "Centres", "row": 2, "column": "urn",
          "message": "The URN is blank.", "fix": "Add the URN from GIAS."}]},
    {"submission_id": "SUB-0", "provider_id": PROVIDER[0], "provider_name": PROVIDER[1], "authority_code": AUTHORITY,
     "period": "2016Q3", "file_name": "oakfield_2016Q3.xlsx", "submitted_at": "2016-10-20T10:00:00+00:00",
     "counts": {"errors": 0, "warnings": 0}, "problems": []},
]


def write_format2(directory: Path) -> Path:
    directory = Path(directory)
    (directory / "records").mkdir(parents=True, exist_ok=True)
    (directory / "validation").mkdir(exist_ok=True)
    findings().to_parquet(directory / "findings.parquet", index=False)
    kpis().to_parquet(directory / "kpi_results.parquet", index=False)
    for table, frame in records().items():
        frame.to_parquet(directory / "records" / f"{table}.parquet", index=False)
    for summary in VALIDATIONS:
        (directory / "validation" / f"{summary['submission_id']}.json").write_text(json.dumps(summary), "utf-8")
    (directory / "manifest.json").write_text(json.dumps(manifest()), encoding="utf-8")
    return directory
