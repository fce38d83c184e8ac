"""Sections of the report documents, as Markdown strings built from loaded results.

The ``.qmd`` documents in ``reports/`` call these, one per section, so that the documents stay short
and the formatting is unit-tested. Nothing here decides a status: it only counts and formats the
findings and KPI results that ``ccassure check`` wrote.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ccassure.reports.format import (
    STATUS_LABELS,
    STATUS_ORDER,
    fmt_number,
    md_table,
    plural,
    rag_label,
    safe_stem,
    status_label,
    suppress,
    text,
)
from ccassure.reports.results import Results, parse_json

WORST_FIRST = ["not_met", "at_risk", "not_evaluable", "met", "not_applicable"]
PROBLEM_STATUSES = ("not_met", "at_risk", "not_evaluable")


def worst(statuses: Any) -> str:
    present = set(statuses)
    return next((s for s in WORST_FIRST if s in present), "not_applicable")


def _latest(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    if frame.empty:
        return frame, None
    period = sorted(frame["period"].dropna().astype(str))[-1]
    return frame[frame["period"] == period], period


# --- authority report -----------------------------------------------------------------------------------
def headline(results: Results, authority: str) -> str:
    f = results.findings_for(authority)
    latest, period = _latest(f)
    name = results.authority_name(authority)
    centres = results.centres(authority)
    if latest.empty:
        return f"**{text(name)}** ({text(authority)}): no findings have been recorded yet."
    counts = latest["status"].value_counts()
    judged = int(counts.drop(labels=["not_applicable"], errors="ignore").sum())
    met = int(counts.get("met", 0))
    lines = [
        f"**Authority:** {text(name)} ({text(authority)})  ",
        f"**Latest quarter:** {text(period)}  ",
        f"**Centres and sites:** {len(centres)}; **providers:** {len(results.providers(authority))}",
        "",
        f"In {text(period)}, {met} of {judged} duty checks were met "
        f"({(100 * met / judged if judged else 0):.0f}%); {int(counts.get('not_met', 0))} not met, "
        f"{int(counts.get('at_risk', 0))} at risk, and {int(counts.get('not_evaluable', 0))} could not be "
        "evaluated because the data needed were missing (never counted as met).",
        "",
    ]
    rows = [(status_label(s), int(counts.get(s, 0)), f"{100 * counts.get(s, 0) / max(len(latest), 1):.0f}%")
            for s in STATUS_ORDER]
    lines.append(md_table(rows, ["Status", "Checks", "Share"], "lrr", escape=[False, True, True]))
    lines.append("")
    lines.append("_Findings on statutory duties are risk indicators for the council's own review, not "
                 "findings of unlawfulness._")
    return "\n".join(lines)


def duties_scorecard(results: Results, authority: str) -> str:
    latest, period = _latest(results.findings_for(authority))
    if latest.empty:
        return "_No findings for this authority._"
    rows = []
    for (rule_id, title), part in latest.groupby(["rule_id", "title"], sort=True, dropna=False):
        counts = part["status"].value_counts()
        rows.append((text(rule_id), text(title), text(part["citation"].dropna().iloc[0] if part["citation"].notna().any() else ""),
                     status_label(worst(part["status"])),
                     *(int(counts.get(s, 0)) for s in ("met", "not_met", "at_risk", "not_evaluable"))))
    rows.sort(key=lambda r: (WORST_FIRST.index(next(k for k, v in STATUS_LABELS.items()
                                                     if r[3].endswith(v[1]))), r[0]))
    headers = ["Rule", "Duty", "Basis", "Overall", "✔ Met", "✖ Not met", "▲ At risk", "? Not evaluable"]
    return (f"Quarter {text(period)}. _Overall_ is the least favourable status across the centres judged.\n\n"
            + md_table(rows, headers, "llllrrrr", escape=[False] * 8))


def compliance_matrix(results: Results, authority: str, chunk: int = 7) -> str:
    latest, period = _latest(results.findings_for(authority))
    centre_rows = latest[latest["subject_type"].isin(("centre", "site", "family_hub", "hub"))]
    if centre_rows.empty:
        return "_No centre-level findings._"
    rules = sorted(centre_rows["rule_id"].dropna().unique())
    codes = {rule: f"D{i + 1}" for i, rule in enumerate(rules)}
    titles = centre_rows.drop_duplicates("rule_id").set_index("rule_id")["title"]
    out = [f"Quarter {text(period)}. Each cell shows the status as a symbol: "
           "✔ met, ✖ not met, ▲ at risk, ? not evaluable, – not applicable.", ""]
    out.append(md_table([(codes[r], text(r), text(titles.get(r, ""))) for r in rules], ["Code", "Rule", "Duty"],
                        escape=[False, False, False]))
    pivot = (centre_rows.assign(symbol=centre_rows["status"].map(lambda s: status_label(s, short=True)))
             .pivot_table(index=["subject_id", "subject_name"], columns="rule_id", values="symbol",
                          aggfunc="first"))
    for start in range(0, len(rules), chunk):
        part_rules = rules[start:start + chunk]
        rows = []
        for (sid, sname), values in pivot.iterrows():
            rows.append((f"{text(sname)} ({text(sid)})", *(values.get(r) if isinstance(values.get(r), str) else "–"
                                                              for r in part_rules)))
        out += ["", md_table(rows, ["Centre", *(codes[r] for r in part_rules)], "l" + "c" * len(part_rules),
                             escape=[False] * (1 + len(part_rules)))]
    return "\n".join(out)


def kpi_table(results: Results, authority: str | None = None, subject: str | None = None,
              min_count: int = 5) -> str:
    k = results.kpis_for(authority, subject)
    if subject is None and not k.empty:
        k = k[k["subject_type"] == "authority"] if (k["subject_type"] == "authority").any() else k
    if k.empty:
        return "_No KPI results: KPI rules have not been evaluated for this selection._"
    latest, period = _latest(k)
    previous = k[k["period"] < period] if period else k.iloc[0:0]
    rows = []
    for row in latest.sort_values("kpi_id").itertuples():
        before = previous[(previous["kpi_id"] == row.kpi_id) & (previous["subject_id"] == row.subject_id)]
        prev_value = before.sort_values("period")["value"].iloc[-1] if len(before) else None
        change = "–"
        given = getattr(row, "change_on_previous", None)
        if given is not None and pd.notna(given):
            change = f"{'+' if float(given) >= 0 else '−'}{fmt_number(abs(float(given)), None)}"
        elif prev_value is not None and pd.notna(prev_value) and pd.notna(row.value):
            delta = float(row.value) - float(prev_value)
            change = f"{'+' if delta >= 0 else '−'}{fmt_number(abs(delta), None)}"
        rows.append((text(row.kpi_id), text(row.title), suppress(row.numerator, min_count),
                     suppress(row.denominator, min_count), fmt_number(row.value, row.unit),
                     fmt_number(row.target, row.unit), rag_label(row.rag), change))
    return (f"Quarter {text(period)}. Numerators and denominators below {min_count} are shown as "
            f"<{min_count}.\n\n".replace("<", "\\<") +
            md_table(rows, ["KPI", "Measure", "Num.", "Denom.", "Value", "Target", "RAG", "Change"], "llrrrrlr",
                     escape=[False] * 8))


def exceptions(results: Results, authority: str | None = None, subject: str | None = None) -> str:
    latest, period = _latest(results.findings_for(authority, subject))
    problems = latest[latest["status"].isin(PROBLEM_STATUSES)]
    if problems.empty:
        return f"No exceptions in {text(period) if period else 'the latest quarter'}."
    problems = problems.assign(_o=problems["status"].map(WORST_FIRST.index)).sort_values(["_o", "subject_name", "rule_id"])
    rows = [(status_label(r.status), f"{text(r.subject_name)} ({text(r.subject_id)})", text(r.rule_id), text(r.message),
             text(r.guidance)) for r in problems.itertuples()]
    return (f"{plural(len(problems), 'exception')} in {text(period)} ({plural(int((problems['status'] == 'not_met').sum()), 'check')} "
            "not met). Suggested action is the rule's guidance.\n\n"
            + md_table(rows, ["Status", "Subject", "Rule", "What was found", "Action"], escape=[False] * 5))


def kpi_crosschecks(results: Results, authority: str | None = None, subject: str | None = None) -> str:
    """Provider-reported KPI figures that disagree with the figures recomputed from their records."""
    k = results.kpi_findings
    if k.empty:
        return "_No cross-checks of provider-reported figures were recorded._"
    if authority:
        k = k[k["authority_code"] == authority]
    if subject:
        k = k[k["subject_id"] == subject]
    problems = k[k["status"].isin(PROBLEM_STATUSES)]
    if problems.empty:
        return "Every provider-reported KPI figure checked agreed with the figure recomputed from the records."
    rows = [(text(r.period), status_label(r.status), f"{text(r.subject_name)} ({text(r.subject_id)})", text(r.message))
            for r in problems.sort_values(["period", "subject_name", "rule_id"], ascending=[False, True, True]).itertuples()]
    return ("Provider-reported KPI figures that disagree with the figures recomputed from their records:\n\n"
            + md_table(rows, ["Quarter", "Status", "Subject", "What was found"], escape=[False] * 4))


def data_quality(results: Results, authority: str | None = None, provider: str | None = None,
                 link: bool = True) -> str:
    providers = [provider] if provider else results.providers(authority)
    summaries = results.validations_for(providers=providers)
    if not summaries:
        return "_No validation summaries were found for this authority's providers._"
    rows = []
    for v in summaries:
        counts = v.get("counts") or {}
        pid = str(v.get("provider"))
        verdict = "✖ Has errors" if counts.get("errors") else ("▲ Warnings only" if counts.get("warnings") else "✔ Valid")
        name = text(pid)
        if link:
            name = f"[{name}](validation-{safe_stem(pid)}.html)"
        rows.append((name, text(v.get("file")), verdict, int(counts.get("errors", 0) or 0),
                     int(counts.get("warnings", 0) or 0), int(counts.get("error_rows", 0) or 0)))
    return md_table(rows, ["Provider", "Return file", "Result", "Errors", "Warnings", "Rows with errors"], "lllrrr",
                    escape=[False, False, False, True, True, True])


def _parameters_text(value: Any) -> str:
    data = parse_json(value, {})
    if isinstance(data, dict) and data:
        return "; ".join(f"{text(k)} = {text(json.dumps(v) if not isinstance(v, str) else v)}" for k, v in data.items())
    return "–"


def rule_versions(results: Results, authority: str | None = None) -> str:
    f = results.findings_for(authority)
    if f.empty:
        return "_No findings._"
    rows = []
    for (rule_id, version), part in f.groupby(["rule_id", "rule_version"], dropna=False, sort=True):
        params = sorted(set(part["parameters"].map(_parameters_text)))
        versions = set()
        for dv in part["data_versions"]:
            data = parse_json(dv, {})
            if isinstance(data, dict):
                versions.update(f"{k}: {v}" for k, v in data.items())
        rows.append((text(rule_id), text(version), "<br>".join(params) if len(params) < 4 else params[0] + " …",
                     text(", ".join(sorted(versions)[:4]) + (" …" if len(versions) > 4 else ""))))
    return md_table(rows, ["Rule", "Version", "Policy thresholds used", "Data versions"],
                    escape=[False, False, False, False]).replace("<br>", "; ")


# --- links to the centre evidence packs (the packs themselves: reports/evidence.py) ----------------
def centre_links(results: Results, authority: str, formats: tuple[str, ...] = ("html", "pdf")) -> str:
    centres = results.centres(authority)
    if centres.empty:
        return "_No centres._"
    rows = [(text(r.subject_name), text(r.provider_name or ""),
             " · ".join(f"[{fmt.upper()}](centre-{safe_stem(r.subject_id)}.{fmt})" for fmt in formats))
            for r in centres.itertuples()]
    return md_table(rows, ["Centre", "Provider", "Evidence pack"], escape=[False, False, False])
