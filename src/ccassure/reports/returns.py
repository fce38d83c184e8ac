"""The validation report of one provider: each return it submitted, its problems grouped as
``ccassure validate`` groups them (one line per cause: same code, sheet, column and fix, with the rows).

Only the file's base name is shown, never a local path; a return with no problems says so in one line.
"""

from __future__ import annotations

from pathlib import PurePath, PureWindowsPath
from typing import Any

import pandas as pd

from ccassure.reports.format import md_table, text
from ccassure.reports.results import Results

ROWS_LISTED = 10


def file_name(summary: dict[str, Any]) -> str:
    """The base name of the file as submitted (format 2 ``file_name``; older summaries held a path)."""
    raw = str(summary.get("file_name") or summary.get("file") or summary.get("source") or "")
    return PureWindowsPath(PurePath(raw).name).name if raw else "not recorded"


def _when(value: Any) -> str:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return ""
    return "" if pd.isna(stamp) else f"{stamp.day} {stamp:%B %Y}"


def _counts(summary: dict[str, Any]) -> tuple[int, int]:
    counts = summary.get("counts") or {}
    problems = summary.get("problems") or []
    errors = counts.get("errors")
    warnings = counts.get("warnings")
    if errors is None:
        errors = sum(int(p.get("count") or 1) for p in problems if p.get("severity") == "error")
    if warnings is None:
        warnings = sum(int(p.get("count") or 1) for p in problems if p.get("severity") != "error")
    return int(errors or 0), int(warnings or 0)


def group(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per cause (severity, code, sheet, column, fix), errors first, with every row it affects."""
    groups: dict[tuple, dict[str, Any]] = {}
    for p in problems:
        key = (p.get("severity"), p.get("code"), p.get("sheet") or p.get("table"), p.get("column"), p.get("fix"))
        entry = groups.setdefault(key, {**p, "rows": [], "count": 0})
        rows = list(p.get("rows") or ([p["row"]] if p.get("row") is not None else []))
        entry["rows"] += [r for r in rows if r not in entry["rows"]]
        entry["count"] += int(p.get("count") or 1)
    return sorted(groups.values(), key=lambda g: (g.get("severity") != "error", str(g.get("sheet") or ""),
                                                 min(g["rows"]) if g["rows"] else 0, str(g.get("column") or "")))


def _rows_text(entry: dict[str, Any]) -> str:
    rows = sorted(int(r) for r in entry["rows"] if str(r).isdigit() or isinstance(r, int))
    if not rows:
        return "whole sheet"
    shown = ", ".join(str(r) for r in rows[:ROWS_LISTED])
    rest = max(entry["count"], len(rows)) - min(len(rows), ROWS_LISTED)
    return f"{shown} and {rest:,} more" if rest > 0 else shown


def submission(summary: dict[str, Any]) -> str:
    errors, warnings = _counts(summary)
    period = text(summary.get("period") or "period not recorded")
    when = _when(summary.get("submitted_at"))
    name = file_name(summary)
    details = [text(name)] if name not in (period, "not recorded") else []
    details += [f"submitted {when}"] if when else []
    head = f"the {period} return" + (f" ({', '.join(details)})" if details else "")
    problems = summary.get("problems") or []
    if not problems and not errors and not warnings:
        return f"✔ No problems: {head} passed every check."
    verdict = "✖ Cannot be accepted until the errors are fixed" if errors else "▲ Accepted with warnings to check"
    lines = [f"### {period}\n", f"{verdict}: {head} has {errors:,} error(s) and {warnings:,} warning(s).\n"]
    rows = [("✖ Error" if g.get("severity") == "error" else "▲ Warning", text(g.get("sheet") or g.get("table") or "–"),
             text(g.get("column") or "–"), text(_rows_text(g)), text(g.get("message")), text(g.get("fix")))
            for g in group(problems)]
    lines.append(md_table(rows, ["Severity", "Sheet", "Column", "Rows", "Problem", "How to fix"], escape=[False] * 6))
    return "\n".join(lines)


def summaries_for(results: Results, provider: str) -> list[dict[str, Any]]:
    found = results.validations_for(provider=provider)
    return sorted(found, key=lambda v: (str(v.get("period") or ""), str(v.get("submitted_at") or "")))


def provider_header(results: Results, provider: str) -> str:
    summaries = summaries_for(results, provider)
    codes = sorted({str(v.get("authority_code")) for v in summaries if v.get("authority_code")})
    name = results.provider_name(provider)
    if provider in codes or name == provider and provider in results.authorities():
        name = f"{results.authority_name(provider)} (the authority's own records)"
    lines = [f"**Provider:** {text(name)}  "]
    if codes:
        lines.append(f"**Local authority:** {text(', '.join(results.authority_name(c) for c in codes))}  ")
    periods = [str(v.get("period")) for v in summaries if v.get("period")]
    if periods:
        lines.append(f"**Returns validated:** {len(summaries)}, for {text(', '.join(periods))}")
    return "\n".join(lines)


def validation_report(results: Results, provider: str) -> str:
    summaries = summaries_for(results, provider)
    if not summaries:
        return "_No return from this provider was validated for these results._"
    clean = [v for v in summaries if not (v.get("problems") or any(_counts(v)))]
    out = []
    if clean:
        out.append("\n".join(f"- {submission(v)}" for v in clean) + "\n")
    out += [submission(v) + "\n" for v in summaries if v not in clean]
    return "\n".join(out)
