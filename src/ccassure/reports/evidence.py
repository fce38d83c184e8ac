"""The centre evidence pack: what an inspection-prep team needs about one centre, from the results folder.

Page one names the centre, its provider, linked sites and board, then summarises every gap. Then, per
inspection area (the ``areas`` each rule and KPI file declares, carried in the manifest), each duty with
its status by quarter, the finding, the evidence that matched (exact counts) and what would close the
gap; the centre's KPIs beside the authority figure, target and England comparator; the provider's
self-evaluation beside the evidence; the last inspection. Nothing here judges: it reads what
``ccassure check`` wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import pandas as pd

from ccassure.areas import AREAS
from ccassure.reports import kpi_view
from ccassure.reports.disclosure import Policy, sentence_is_disclosive
from ccassure.reports.format import md_table, plural, status_label, text
from ccassure.reports.plain_text import citation_words, period_words, plain_message, quarter_short
from ccassure.reports.results import Results, inspection_area, parse_json

GAP_STATUSES = ("not_met", "at_risk", "not_evaluable")
WORST_FIRST = ("not_met", "at_risk", "not_evaluable", "met", "not_applicable")
GRADES = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
REASONS = {
    "table_not_supplied": "a sheet this duty needs was not supplied",
    "field_blank": "a value this duty needs was left blank",
    "too_few": "there were too few records to judge",
    "no_data": "the data supplied do not cover the quarter",
}
DESIGNATIONS = {"childrens_centre": "children's centre", "linked_site": "linked site",
                "family_hub_designated": "family hub, designated as a children's centre",
                "family_hub_not_designated": "family hub, no longer designated as a children's centre"}
PEOPLE_TABLES = ("registrations", "contacts", "cases")  # evidence rows that are children or families
EVIDENCE_SHOWN = 8
EVIDENCE_COLUMNS = 6


@dataclass
class CentrePack:
    """Everything the pack shows about one centre, gathered once from the results."""

    results: Results
    centre: str
    name: str
    info: dict[str, Any]
    authority: str
    provider: str
    board_id: str | None
    board_name: str | None
    findings: pd.DataFrame  # the centre's own, its board's and its changes' findings, every quarter
    authority_findings: pd.DataFrame
    periods: list[str] = field(default_factory=list)
    kpi_cache: dict[int, LatestKpis] = field(default_factory=dict, repr=False)
    area_findings: dict[str | None, list[Any]] | None = field(default=None, repr=False)
    authority_rows: list[Any] | None = field(default=None, repr=False)

    @property
    def latest(self) -> str | None:
        return self.periods[-1] if self.periods else None

    @cached_property
    def _latest_findings(self) -> pd.DataFrame:
        return self.findings[self.findings["period"] == self.latest] if self.latest else self.findings.iloc[0:0]

    def latest_findings(self) -> pd.DataFrame:
        """The findings of the latest quarter (worked out once: every section asks)."""
        return self._latest_findings

    @cached_property
    def latest_rows(self) -> list[Any]:
        """The same findings as row tuples, for the sections that go through them one by one."""
        return list(self._latest_findings.itertuples())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() in ("", "None", "nan")


def manifest_centre(results: Results, centre_id: Any) -> dict[str, Any]:
    """The manifest's entry for a centre or site (``{id, name, type, provider_id, board_id, parent_id, ...}``)."""
    for entry in results.manifest.get("centres") or ():
        if isinstance(entry, dict) and str(entry.get("id")) == str(centre_id):
            return dict(entry)
    return {}


def _centre_row(results: Results, centre: str) -> dict[str, Any]:
    info = manifest_centre(results, centre)
    if info:
        return info
    own = results.findings[results.findings["subject_id"] == centre]
    record = results.record("centres")
    row = record[record["centre_id"].astype(str) == centre] if "centre_id" in record.columns else record.iloc[0:0]
    first = own.iloc[0] if len(own) else None
    found = row.iloc[0].to_dict() if len(row) else {}
    return {"id": centre,
            "name": found.get("centre_name") or (first["subject_name"] if first is not None else centre),
            "type": first["subject_type"] if first is not None else None,
            "provider_id": found.get("provider_id") or (first["provider_id"] if first is not None else None),
            "authority_code": found.get("authority_code") or (first["authority_code"] if first is not None else None),
            "board_id": found.get("advisory_board_id"), "parent_id": found.get("parent_centre_id"),
            "cluster": found.get("cluster"), "designation": found.get("designation"), "status": found.get("status")}


def _mentions_centre(evidence: Any, centre: str) -> bool:
    for item in parse_json(evidence, []) or []:
        if isinstance(item, dict):
            row = item.get("row") or {}
            key = item.get("key") or {}
            if str(row.get("centre_id")) == centre or (isinstance(key, dict) and str(key.get("centre_id")) == centre):
                return True
    return False


def _crosschecks(results: Results, centre: str, authority: str) -> pd.DataFrame:
    """Whether the centre's own reported figures agree with its records, for the measures its authority
    reports (a KPI cross-check is a finding about the centre like any duty)."""
    checks = results.kpi_findings
    if checks is None or checks.empty:
        return pd.DataFrame(columns=results.findings.columns)
    mine = checks[checks["subject_id"].astype(str) == centre]
    chosen = set(results.frameworks(authority)) if authority else set()
    if chosen and len(mine):  # the cross-check's node names its framework
        framework_of = {i: str(results.node(str(i)).get("framework") or "") for i in set(mine["rule_id"])}
        mine = mine[[framework_of[i] in chosen or not framework_of[i] for i in mine["rule_id"]]]
    named = []
    for rule_id, message in zip(mine["rule_id"], mine["message"], strict=True):
        kpi_id = kpi_view.crosschecked_kpi(rule_id)
        named.append(kpi_view.crosscheck_message(message, kpi_id, results.node(kpi_id).get("title")))
    return mine.assign(message=named)


def load_pack(results: Results, centre: str) -> CentrePack:
    """Gather the centre's findings: its own, its advisory board's, and those of changes to it (a change is
    the centre's when the service changes record or the finding's evidence names the centre)."""
    info = _centre_row(results, centre)
    f = results.findings
    board_id = None if _blank(info.get("board_id")) else str(info["board_id"])
    own = f[f["subject_id"] == centre]
    board = f[(f["subject_type"] == "board") & (f["subject_id"] == board_id)] if board_id else f.iloc[0:0]
    changes = f[f["subject_type"] == "change"]
    if len(changes):
        listed = results.record("service_changes")
        ours = set(listed.loc[listed["centre_id"].astype(str) == centre, "change_id"].astype(str)) \
            if {"centre_id", "change_id"} <= set(listed.columns) else set()
        changes = changes[[sid in ours or _mentions_centre(e, centre)
                           for sid, e in zip(changes["subject_id"], changes["evidence"], strict=True)]]
    authority = str(info.get("authority_code") or (own["authority_code"].iloc[0] if len(own) else ""))
    mine = pd.concat([own, board, changes, _crosschecks(results, centre, authority)], ignore_index=True)
    wide = f[(f["subject_type"] == "authority") & (f["subject_id"] == authority)]
    board_name = None
    if board_id:
        boards = results.record("boards")
        if {"board_id", "board_name"} <= set(boards.columns):
            named = boards.loc[boards["board_id"].astype(str) == board_id, "board_name"].dropna()
            board_name = str(named.iloc[0]) if len(named) else None
        if board_name is None and len(board):
            board_name = str(board["subject_name"].dropna().iloc[0]) if board["subject_name"].notna().any() else None
    periods = sorted(set(mine["period"].dropna().astype(str)) | set(results.manifest.get("periods") or ()))
    return CentrePack(results=results, centre=centre, name=str(info.get("name") or centre), info=info,
                      authority=authority, provider=str(info.get("provider_id") or ""), board_id=board_id,
                      board_name=board_name or board_id, findings=mine, authority_findings=wide, periods=periods)


# --- page one ------------------------------------------------------------------------------------------
def _linked_sites(pack: CentrePack) -> list[str]:
    names = [str(c.get("name") or c.get("id")) for c in pack.results.manifest.get("centres") or ()
             if isinstance(c, dict) and str(c.get("parent_id")) == pack.centre]
    if not names:
        record = pack.results.record("centres")
        if {"parent_centre_id", "centre_name"} <= set(record.columns):
            names = list(record.loc[record["parent_centre_id"].astype(str) == pack.centre, "centre_name"].astype(str))
    return names


def _parent_name(pack: CentrePack) -> str | None:
    parent = pack.info.get("parent_id")
    if _blank(parent):
        return None
    return str(manifest_centre(pack.results, parent).get("name") or parent)


def profile(pack: CentrePack) -> str:
    """Who the centre is: authority, provider, designation, linked sites and board."""
    results = pack.results
    designation = pack.info.get("designation")
    lines = [f"**Centre:** {text(pack.name)}  ",
             f"**Local authority:** {text(results.authority_name(pack.authority))}  ",
             f"**Provider:** {text(results.provider_name(pack.provider) or 'not recorded')}  "]
    if not _blank(designation):
        kind = DESIGNATIONS.get(str(designation), str(designation).replace("_", " "))
        status = pack.info.get("status")
        lines.append(f"**Designation:** {text(kind)}" + (f" ({text(str(status).replace('_', ' '))})" if not _blank(status) else "") + "  ")
    if not _blank(pack.info.get("cluster")):
        lines.append(f"**Cluster:** {text(pack.info['cluster'])}  ")
    parent = _parent_name(pack)
    if parent:
        lines.append(f"**Linked site of:** {text(parent)}  ")
    sites = _linked_sites(pack)
    lines.append(f"**Linked sites:** {text(', '.join(sites)) if sites else 'none'}  ")
    lines.append(f"**Advisory board:** {text(pack.board_name)}  " if pack.board_id
                 else "**Advisory board:** ✖ none recorded: the centre is not within the remit of any advisory "
                      "board (see the gaps below)  ")
    lines.append(f"**Quarters checked:** {text(', '.join(period_words(q) for q in pack.periods)) if pack.periods else 'none'}")
    return "\n".join(lines)


def _board_nodes(results: Results) -> list[dict[str, Any]]:
    return [n for n in results.nodes().values() if n.get("subject") == "board" and n.get("kind") == "rule"]


def finding_words(message: Any, min_count: int = 5) -> str:
    """A rule's finding as the pack prints it: plain words without column values, and withheld in words
    where its "N of M" counts are small numbers (the authority report's rule, so no document gives back
    what another hides)."""
    words = plain_message(message)
    if sentence_is_disclosive(words, Policy(threshold=int(min_count or 0))):
        return "The figures behind this finding are not shown because they involve small numbers."
    return words


def _missing_text(row: Any) -> str:
    """What is missing to judge a not-evaluable duty, and what would close a gap, in plain words."""
    guidance = "" if _blank(getattr(row, "guidance", None)) else plain_message(row.guidance)
    if row.status == "not_evaluable":
        reason = REASONS.get(str(getattr(row, "reason", "") or ""), "the data needed were not supplied")
        return f"Cannot be judged because {reason}. {guidance}".strip()
    return guidance or "See the duty below."


ACTION_STATUS = {"not_started": "not started", "in_progress": "in progress", "done": "done", "overdue": "overdue"}


def agreed_actions(pack: CentrePack, subject_id: Any, item_id: Any) -> str:
    """The authority's logged actions on this exception (authority records, Actions sheet), in words."""
    log = pack.results.record("actions")
    if log.empty or not {"subject_id", "item_id", "action"} <= set(log.columns):
        return ""
    mine = log[(log["subject_id"].astype(str) == str(subject_id)) & (log["item_id"].astype(str) == str(item_id))]
    parts = []
    for _, a in mine.iterrows():
        detail = [str(a.get("owner"))] if not _blank(a.get("owner")) else []
        if not _blank(a.get("due_date")):
            detail.append(f"due {_date(a['due_date'])}")
        if not _blank(a.get("status")):
            detail.append(ACTION_STATUS.get(str(a["status"]), str(a["status"])))
        parts.append(f"{a['action']}" + (f" ({'; '.join(detail)})" if detail else ""))
    return "Action agreed: " + " ".join(parts) if parts else ""


def _subject_label(pack: CentrePack, row: Any) -> str:
    if row.subject_type == "board":
        return f"Board: {row.subject_name or row.subject_id}"
    if row.subject_type == "change":
        return f"Change: {row.subject_name or row.subject_id}"
    return "This centre" if row.subject_id == pack.centre else str(row.subject_name or row.subject_id)


def gap_rows(pack: CentrePack) -> list[dict[str, str]]:
    """Every gap in the latest quarter, worst first: not met, at risk, not evaluable, and no board."""
    latest = pack.latest_findings()
    gaps = latest[latest["status"].isin(GAP_STATUSES)].copy()
    gaps["worst_rank"] = gaps["status"].map(WORST_FIRST.index)
    rows = [{"status": r.status, "duty": str(r.title), "subject": _subject_label(pack, r), "found": finding_words(r.message),
             "close": " ".join(t for t in (_missing_text(r), agreed_actions(pack, r.subject_id, r.rule_id)) if t)}
            for r in gaps.sort_values(["worst_rank", "title"]).itertuples()]
    if not pack.board_id:
        for n in _board_nodes(pack.results):
            rows.append({"status": "not_met", "duty": str(n.get("title")), "subject": "No advisory board",
                         "found": f"{pack.name} has no advisory board, so this board duty cannot be met for it.",
                         "close": "Place the centre within the remit of an advisory board and record the board "
                                  "on the Centres sheet of the return."})
    return rows


def gaps_summary(pack: CentrePack) -> str:
    if not pack.latest:
        return "_No findings have been recorded for this centre._"
    rows = gap_rows(pack)
    latest = pack.latest_findings()
    met = int((latest["status"] == "met").sum())
    head = (f"In {text(period_words(pack.latest))}, {plural(met, 'duty check')} were met and {len(rows)} need attention "
            "(not met, at risk, or not evaluable because evidence is missing; never counted as met).")
    if not rows:
        return head + "\n\nNo gaps in the latest quarter."
    table = md_table([(status_label(r["status"]), text(r["duty"]), text(r["subject"]), text(r["found"]),
                       text(r["close"])) for r in rows],
                     ["Status", "Duty", "For", "What was found", "What is missing or would close it"],
                     escape=[False] * 5)
    return head + "\n\n" + table


def centre_kpis(pack: CentrePack, min_count: int = 5) -> pd.DataFrame:
    """The authority's KPI rows, every window (its frameworks), with what a paper may show of each: the same
    disclosure control as the authority report (kpi_view.protected_kpis), so no document gives back a
    figure another hides. Worked out once per authority and threshold, not once per pack."""
    threshold = int(min_count or 0)

    def build() -> pd.DataFrame:
        chosen = getattr(pack.results, "frameworks", None)
        frameworks = chosen(pack.authority) if callable(chosen) else None
        return kpi_view.protected_kpis(pack.results, pack.authority, Policy(threshold=threshold), frameworks or None)

    if not pack.authority:
        return pd.DataFrame()
    return pack.results._memoised(("centre-pack-kpis", pack.authority, threshold), build)


class LatestKpis(NamedTuple):
    """The centre's KPI rows of its latest quarter, sorted by title, with the authority's row of each KPI."""

    rows: list[Any]  # row tuples, sorted by title
    authority_row: dict[tuple[str, str], Any]  # (kpi_id, window) -> the authority's row in the same quarter
    period: Any = None


def _latest_kpis(pack: CentrePack, min_count: int) -> LatestKpis:
    """Worked out once per pack and threshold: the gaps, every area's table and its self-grade check read it."""
    if min_count not in pack.kpi_cache:
        k = centre_kpis(pack, min_count)
        mine = k[k["subject_id"] == pack.centre] if len(k) else k
        if mine.empty:
            pack.kpi_cache[min_count] = LatestKpis([], {})
        else:
            period = mine["period"].max()
            authority: dict[str, Any] = {}
            for row in k[(k["subject_type"] == "authority") & (k["period"] == period)].itertuples():
                authority.setdefault((row.kpi_id, row.window), row)
            latest = mine[mine["period"] == period]
            windows = list(kpi_view.WINDOW_WORDS)  # quarter, year to date, 12 months to date
            order = latest.assign(window_order=latest["window"].map(lambda w: windows.index(w) if w in windows else 9))
            rows = list(order.sort_values(["title", "window_order"], kind="stable").itertuples())
            pack.kpi_cache[min_count] = LatestKpis(rows, authority, period)
    return pack.kpi_cache[min_count]


def kpi_gaps(pack: CentrePack, min_count: int = 5) -> str:
    latest = _latest_kpis(pack, min_count)
    if not latest.rows:
        return ""
    red = [r for r in latest.rows if r.rag == "red" and r.rag_shown and r.value_shown]
    period = text(period_words(latest.period))
    if not red:
        return f"No KPI of this centre with figures large enough to show is red in {period}."
    items = [f"{text(kpi_view.window_title(r, pack.results, quarter=False))}: {kpi_view.shown_value(r)} against a target of "
             f"{kpi_view.target_text(r)}" for r in red]
    return f"KPIs off target (red) in {period}:\n\n" + "\n".join(f"- {i}" for i in items)


# --- per area -------------------------------------------------------------------------------------------
def _area_of(pack: CentrePack, node_id: str) -> str | None:
    return inspection_area(pack.results.nodes().get(str(node_id)))


def _status_by_quarter(pack: CentrePack, duties: dict[tuple, list[Any]]) -> str:
    periods = pack.periods[-4:]
    rows = []
    for (_rule_id, subject_id), group in duties.items():
        by_period = {str(r.period): r.status for r in group}
        label = str(group[0].title)
        if subject_id != pack.centre:
            label += f" ({_subject_label(pack, group[0])})"
        rows.append((text(label), *(status_label(by_period[p], short=True) if p in by_period else " "
                                    for p in periods)))
    return md_table(rows, ["Duty", *(quarter_short(p) for p in periods)], "l" + "c" * len(periods),
                    escape=[False] * (1 + len(periods)))


def _humanise(name: Any) -> str:
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if _blank(value):
        return "–"
    return str(value)[:40]


COMPUTED_TABLES = {"kpi_results": "recomputed KPI"}  # evidence rows the check made, not sheets of a return


def _sheets(tables: list[str]) -> str:
    """'the Centres and Services sheets': where a provider finds the rows, in the words of its return."""
    if all(t in COMPUTED_TABLES for t in tables):
        return "the " + " and ".join(COMPUTED_TABLES[t] for t in tables) + " figures"
    names = [_humanise(t).replace("Kpi ", "KPI ") for t in tables if t not in COMPUTED_TABLES]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"the {joined} sheet" + ("s" if len(names) > 1 else "")


def evidence_block(evidence: Any, total: Any, min_count: int = 0) -> str:
    """The matching evidence rows, counted exactly: 'showing N of M matching rows'. Rows about children or
    families are never listed, and a small count of them is not shown."""
    items = [i for i in parse_json(evidence, []) or [] if isinstance(i, dict) and i.get("matched", True) is not False]
    exact = None if _blank(total) else int(float(total))
    if exact is None:
        exact = len(items)
    if exact == 0:
        return "**Evidence:** no matching rows."
    tables = sorted({str(i.get("table")) for i in items if i.get("table")})
    where = f" in {text(_sheets(tables))}" if tables else ""
    if set(tables) & set(PEOPLE_TABLES):
        counted = Policy(threshold=int(min_count or 0)).sentence_count(exact, "matching rows")
        return f"**Evidence:** {counted}{where} (rows about families are not listed in this pack)."
    shown = items[:EVIDENCE_SHOWN]
    rows = [i.get("row") for i in shown if isinstance(i.get("row"), dict)]
    if len(items) == exact and len(tables) > 1:  # every row is here: count each table exactly
        counts = {t: sum(1 for i in items if str(i.get("table")) == t) for t in tables}
        where = " (" + ", ".join(f"{n:,} in {text(_sheets([t]))}" for t, n in counts.items()) + ")"
    if not rows:
        return f"**Evidence:** {plural(exact, 'matching row')}{where}."
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    varying = [c for c in columns if len({_cell(r.get(c)) for r in rows}) > 1 or len(rows) == 1]
    columns = (varying or columns)[:EVIDENCE_COLUMNS]
    table = md_table([[text(_cell(r.get(c))) for c in columns] for r in rows], [_humanise(c) for c in columns],
                     escape=[False] * len(columns))
    return (f"**Evidence:** {plural(exact, 'matching row')}{where}; showing {len(rows)} of {exact:,} matching "
            f"rows.\n\n{table}")


def duty_details(pack: CentrePack, duties: dict[tuple, list[Any]], min_count: int = 5) -> str:
    out = []
    for (_rule_id, subject_id), group in duties.items():
        last = max(group, key=lambda r: r.period)
        if last.status == "not_applicable":  # shown in the status table; nothing to prepare
            continue
        title = str(last.title) + ("" if subject_id == pack.centre else f" ({_subject_label(pack, last)})")
        out.append(f"#### {text(title)}\n")
        out.append(f"**Status in {text(period_words(last.period))}:** {status_label(last.status)}  ")
        if citation_words(last.citation):
            out.append(f"**Basis:** {text(citation_words(last.citation))}  ")
        out.append(f"**Finding:** {text(finding_words(last.message, min_count))}\n")
        out.append(evidence_block(last.evidence, getattr(last, "evidence_total", None), min_count) + "\n")
        if last.status in GAP_STATUSES:
            out.append(f"**What would close the gap:** {text(_missing_text(last))}\n")
            action = agreed_actions(pack, last.subject_id, last.rule_id)
            if action:
                out.append(f"**{text(action.split(':', 1)[0])}:** {text(action.split(':', 1)[1].strip())}\n")
    return "\n".join(out)


def _no_board_duties(pack: CentrePack) -> str:
    if pack.board_id:
        return ""
    nodes = [n for n in _board_nodes(pack.results) if inspection_area(n) == "leadership"]
    if not nodes:
        return ""
    rows = [("✖ Gap", text(n.get("title"))) for n in nodes]
    return ("**Board duties:** the centre has no advisory board, so none of the board duties can be met for "
            "it. This is a gap, not a duty that does not apply.\n\n" + md_table(rows, ["Status", "Board duty"],
                                                                                escape=[False, False]) + "\n")


def _area_evidence(pack: CentrePack, area: str, min_count: int = 5) -> tuple[int, int]:
    """(duties not met, KPIs red) in the latest quarter for this area: what a self-grade is set against."""
    not_met = sum(1 for r in pack.latest_rows if r.status == "not_met" and _area_of(pack, r.rule_id) == area)
    if area == "leadership" and not pack.board_id:
        not_met += len(_board_nodes(pack.results))
    red = sum(1 for r in _latest_kpis(pack, min_count).rows
              if r.rag == "red" and r.rag_shown and _area_of(pack, r.kpi_id) == area)
    return not_met, red


def _self_evaluations(results: Results, se: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The self-evaluation rows by (centre, area), in the sheet's order: grouped once for every pack."""
    def build() -> dict[tuple[str, str], pd.DataFrame]:
        keys = [se["centre_id"].astype(str), se["area"].astype(str)]
        return {key: rows for key, rows in se.groupby(keys, sort=False)}
    return results._memoised(("self-evaluations-by-centre-and-area",), build)


def self_evaluation(pack: CentrePack, area: str, min_count: int = 5) -> str:
    """The provider's own grade for the area beside the evidence; disagreement is highlighted."""
    se = pack.results.record("self_evaluations")
    if se.empty or not {"centre_id", "area", "self_grade"} <= set(se.columns):
        return "_No self-evaluation was supplied for this centre (authority records, Self-evaluations sheet)._"
    mine = _self_evaluations(pack.results, se).get((pack.centre, area))
    if mine is None:
        return "_The centre's self-evaluation does not cover this area._"
    row = mine.sort_values("period").iloc[-1]
    grade = int(row["self_grade"])
    lines = [f"**Self-evaluation {text(period_words(row.get('period')))}:** the provider graded this area "
             f"**{GRADES.get(grade, grade)}** ({grade}).  "]
    if not _blank(row.get("self_narrative")):
        lines.append(f"**Provider's account:** {text(row['self_narrative'])}  ")
    agreed = row.get("agreed_grade")
    if not _blank(agreed):
        agreed = int(agreed)
        when = row.get("review_date")
        when = f" on {_date(when)}" if not _blank(when) else ""
        lines.append(f"**Agreed with the authority{when}:** {GRADES.get(agreed, agreed)} ({agreed})"
                     + ("" if agreed == grade else " — differs from the provider's own grade") + "  ")
    else:
        lines.append("**Agreed with the authority:** not yet agreed.  ")
    if not _blank(row.get("authority_comment")):
        lines.append(f"**Authority's comment:** {text(row['authority_comment'])}  ")
    not_met, red = _area_evidence(pack, area, min_count)
    if grade <= 2 and (not_met or red):
        parts = [f"{plural(not_met, 'duty check')} not met" if not_met else "", f"{plural(red, 'KPI')} red" if red else ""]
        lines.append(f"\n> ⚠ **Self-grade and evidence disagree:** graded {GRADES.get(grade, grade).lower()}, "
                     f"but in {text(period_words(pack.latest))} the evidence shows {' and '.join(p for p in parts if p)}.")
    elif grade >= 3 and not not_met and not red:
        lines.append(f"\n> ⚠ **Self-grade and evidence disagree:** graded {GRADES.get(grade, grade).lower()}, "
                     f"but in {text(period_words(pack.latest))} no duty check in this area is not met and no KPI is red.")
    return "\n".join(lines)


def _comparator(results: Results, kpi_id: str, period: str) -> float | None:
    """The England figure for a KPI as at a quarter (looked up once per KPI and quarter for every pack)."""
    return results._memoised(("england-comparator", kpi_id, period), lambda: _england_figure(results, kpi_id, period))


def _england_figure(results: Results, kpi_id: str, period: str) -> float | None:
    comp = results.record("comparators")
    if comp.empty or "kpi_id" not in comp.columns or "value" not in comp.columns:
        return None
    rows = comp[comp["kpi_id"].astype(str) == kpi_id]
    for column in ("geography", "comparator", "area", "level"):
        if column in rows.columns:
            rows = rows[rows[column].astype(str).str.lower().isin(("england", "e92000001", "national"))]
            break
    if "period" in rows.columns and (rows["period"].astype(str) <= period).any():
        rows = rows[rows["period"].astype(str) <= period].sort_values("period")
    return float(rows["value"].iloc[-1]) if len(rows) else None


def disclosure_note(min_count: int) -> str:
    return Policy(threshold=int(min_count or 0)).note()


def kpi_rows(pack: CentrePack, area: str | None, min_count: int) -> list[tuple]:
    latest = _latest_kpis(pack, min_count)
    rows = []
    for r in latest.rows:
        if _area_of(pack, r.kpi_id) != area:
            continue
        own = latest.authority_row.get((r.kpi_id, r.window))
        england = _comparator(pack.results, r.kpi_id, str(r.period))
        rows.append((text(kpi_view.window_title(r, pack.results, quarter=False)), kpi_view.shown_value(r),
                     kpi_view.rating_text(r, bool(r.rag_shown)), text(r.count_text), kpi_view.target_text(r),
                     kpi_view.shown_value(own) if own is not None else "–",
                     kpi_view.value_text(england, r.unit) if england is not None else "–"))
    return rows


def kpi_table(pack: CentrePack, area: str | None, min_count: int = 5) -> str:
    rows = kpi_rows(pack, area, min_count)
    if not rows:
        return ""
    period = _latest_kpis(pack, min_count).period
    return (f"**KPIs in {text(period_words(period))}** (small numbers: see the note under the gaps):\n\n"
            + md_table(rows, ["Measure", "Centre", "Rating", "Count", "Target", "Authority", "England"],
                       "lrlrrrr", escape=[False] * 7))


def undeclared(pack: CentrePack) -> list[str]:
    """Rules whose results name no inspection area (results from an older check): shown apart, never guessed."""
    return sorted({str(r) for r in pack.findings["rule_id"] if _area_of(pack, r) is None})


def _area_findings(pack: CentrePack, area: str | None) -> list[Any]:
    """The area's findings as row tuples, ranked worst first within each quarter; ranked once per pack and
    split by area (a stable sort, so each area keeps the order it would have had on its own)."""
    if pack.area_findings is None:
        f = pack.findings
        ranked = f.assign(worst_rank=f["status"].map(lambda s: WORST_FIRST.index(s) if s in WORST_FIRST else 9))
        pack.area_findings = {}
        for row in ranked.sort_values(["period", "worst_rank", "title"]).itertuples():
            pack.area_findings.setdefault(_area_of(pack, row.rule_id), []).append(row)
    return pack.area_findings.get(area, [])


def _authority_rows(pack: CentrePack, area: str | None) -> list[Any]:
    """The authority-wide findings of the latest quarter that evidence the area."""
    if pack.authority_rows is None:
        wide = pack.authority_findings
        wide = wide[wide["period"] == pack.latest] if len(wide) else wide
        pack.authority_rows = list(wide.itertuples())
    return [r for r in pack.authority_rows if _area_of(pack, r.rule_id) == area]


def area_section(pack: CentrePack, area: str | None, min_count: int = 5) -> str:
    """One inspection area: self-evaluation, status by quarter, KPIs, then each duty in detail. ``None``
    gathers the duties whose area the results do not declare (empty when every duty declares one)."""
    if area is None and not undeclared(pack):
        return ""
    part = _area_findings(pack, area)
    if area is None:
        out = ["## Duties with no inspection area declared\n",
               "_These results do not say which inspection area these duties evidence (they were written by an "
               "older check); run the check again to place them._\n"]
    else:
        out = [f"## {AREAS[area]}\n", self_evaluation(pack, area, min_count) + "\n"]
    board = _no_board_duties(pack) if area == "leadership" else ""
    if not part and not board:
        out.append("_No duty checked for this centre is declared as evidence for this area._\n")
    duties = _duties_in_order(part)
    if duties:
        out.append("**Status by quarter** (✔ met, ✖ not met, ▲ at risk, ? not evaluable, – not applicable; "
                   "blank: not checked that quarter):\n")
        out.append(_status_by_quarter(pack, duties) + "\n")
    if board:
        out.append(board)
    kpis = kpi_table(pack, area, min_count)
    if kpis:
        out.append(kpis + "\n")
    if duties:
        out.append(duty_details(pack, duties, min_count))
    wide = _authority_rows(pack, area)
    if wide:
        out.append(f"\n**Authority-wide duties in {text(period_words(pack.latest))}** (they bear on every centre):\n")
        out.append(md_table([(status_label(r.status), text(r.title), text(finding_words(r.message, min_count)))
                             for r in wide],
                            ["Status", "Duty", "Finding"], escape=[False] * 3) + "\n")
    return "\n".join(out)


def _duties_in_order(part: list[Any]) -> dict[tuple, list[Any]]:
    """Each (duty, subject) with its rows by quarter, worst in the latest quarter first, then by title."""
    newest = max((r.period for r in part if r.period is not None), default=None)
    rank = {(r.rule_id, r.subject_id): (r.worst_rank, str(r.title)) for r in part if r.period == newest}

    def order(r: Any) -> tuple:
        return rank.get((r.rule_id, r.subject_id), (9, str(r.title))), r.period is None, r.period or ""

    duties: dict[tuple, list[Any]] = {}
    for r in sorted(part, key=order):
        duties.setdefault((r.rule_id, r.subject_id), []).append(r)
    return duties


# --- inspections ------------------------------------------------------------------------------------------
def _date(value: Any) -> str:
    if _blank(value):
        return "–"
    day = pd.Timestamp(value)
    return f"{day.day} {day:%B %Y}"


def inspections(pack: CentrePack) -> str:
    ins = pack.results.record("inspections")
    if ins.empty or "centre_id" not in ins.columns:
        return "_No inspection records were supplied (authority records, Inspections sheet)._"
    mine = ins[ins["centre_id"].astype(str) == pack.centre]
    if mine.empty:
        return "No inspection of this centre is recorded."
    mine = mine.sort_values("inspection_date")
    last = mine.iloc[-1]
    grade = None if _blank(last.get("overall_grade")) else int(last["overall_grade"])
    lines = [f"**Last inspection:** {_date(last.get('inspection_date'))}; overall grade "
             f"**{GRADES.get(grade, 'not recorded') if grade else 'not recorded'}**"
             + (f" ({grade})" if grade else "") + "  ",
             f"**Report published:** {_date(last.get('report_date'))}  "]
    if _blank(last.get("action_statement_date")):
        lines.append("**Written statement of action:** ✖ none recorded  ")
    else:
        timescales = last.get("action_statement_has_timescales")
        lines.append(f"**Written statement of action:** published {_date(last['action_statement_date'])}"
                     + ("; sets timescales" if timescales is True or timescales == 1 else
                        "; ✖ sets no timescales" if timescales is False or timescales == 0 else "") + "  ")
    action = pack.findings[(pack.findings["subject_id"] == pack.centre) & (pack.findings["period"] == pack.latest)]
    action = action[action["rule_id"].map(lambda r: "statement of action" in str(
        (pack.results.nodes().get(str(r)) or {}).get("title", "")).lower())]
    if len(action):
        lines.append(f"**Status of the action statement duty in {text(period_words(pack.latest))}:** "
                     f"{status_label(action['status'].iloc[0])}  ")
    if len(mine) > 1:
        earlier = "; ".join(f"{_date(r.get('inspection_date'))}: "
                            f"{GRADES.get(int(r['overall_grade']), '–') if not _blank(r.get('overall_grade')) else '–'}"
                            for _, r in mine.iloc[:-1].iterrows())
        lines.append(f"**Earlier inspections:** {text(earlier)}")
    return "\n".join(lines)


def pack_markdown(results: Results, centre: str, min_count: int = 5) -> str:
    """The whole pack as one Markdown text (the document displays the same sections one by one)."""
    pack = load_pack(results, centre)
    parts = [profile(pack), "## Gaps to prepare for", gaps_summary(pack), kpi_gaps(pack, min_count)]
    parts += [area_section(pack, area, min_count) for area in (*AREAS, None)]
    parts += ["## Inspections", inspections(pack)]
    return "\n\n".join(p for p in parts if p)
