"""The index page: authority, centre and provider names, with links only to documents that were rendered.

The render plan (``ccassure.render.runner.plan``) decides which documents exist; the index is told which
kinds were rendered and mirrors the plan's choice of subjects (every centre judged, every provider with a
validated return, every impact assessment kept with the results), so it never links to a page that is not
there. The documents themselves are listed once, in their front matter (``ccassure.render.documents``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ccassure.reports.format import md_table, safe_stem, text
from ccassure.reports.results import Results

IMPACT = "impact"  # the change-impact document, listed under "Proposed changes to centres"


def _links(stem: str, formats: Sequence[str]) -> str:
    return " · ".join(f"[{fmt.upper()}]({stem}.{fmt})" for fmt in formats)


def _counts(results: Results, code: str) -> str:
    f = results.findings_for(code)
    if f.empty:
        return "no findings yet"
    period = sorted(f["period"].dropna().astype(str))[-1]
    counts = f[f["period"] == period]["status"].value_counts()
    return (f"{period}: {int(counts.get('met', 0))} met, {int(counts.get('not_met', 0))} not met, "
            f"{int(counts.get('at_risk', 0))} at risk, {int(counts.get('not_evaluable', 0))} not evaluable")


def providers_with_returns(results: Results, code: str | None) -> list[str]:
    """The providers the plan renders a validation report for (those with a validated return)."""
    from ccassure.render.documents import MODES

    return [subject.key for subject in MODES["per-provider"].subjects(results, code)]


def authority_section(results: Results, code: str, formats: Sequence[str], kinds: Sequence[str]) -> str:
    name = results.authority_name(code)
    out = [f"## {text(name)}\n"]
    if "authority" in kinds:
        out.append(f"**Compliance and performance report:** {_links(f'authority-{safe_stem(code)}', formats)}  ")
    out.append(f"**Latest quarter checked:** {text(_counts(results, code))}\n")
    centres = results.centres(code)
    if "centre" in kinds and not centres.empty:
        rows = [(text(r.subject_name or r.subject_id), text(results.provider_name(r.provider_id) or "–"),
                 _links(f"centre-{safe_stem(r.subject_id)}", formats)) for r in centres.itertuples()]
        out.append("**Centre evidence packs**\n")
        out.append(md_table(rows, ["Centre", "Provider", "Evidence pack"], escape=[False] * 3) + "\n")
    providers = providers_with_returns(results, code) if "validation" in kinds else []
    if providers:
        rows = []
        for p in providers:
            label = results.provider_name(p)
            if p == code:
                label = f"{name} (the authority's own records)"
            rows.append((text(label), _links(f"validation-{safe_stem(p)}", formats)))
        out.append("**Validation of returns**\n")
        out.append(md_table(rows, ["Provider", "Validation report"], escape=[False, False]) + "\n")
    return "\n".join(out)


def proposals_section(results: Results, formats: Sequence[str], authority: str | None) -> str:
    """The change-impact assessments kept with the results, or a sentence saying there are none."""
    from ccassure.render.documents import assessments, stem_of

    found = assessments(results.directory, authority)
    out = ["## Proposed changes to centres\n"]
    if not found:
        out.append("No proposed change to the centres has been assessed, so these reports hold no change-impact "
                   "assessment.")
    for subject in found:
        out.append(f"**{text(subject.fields['title'] or 'Change-impact assessment')}** "
                   f"({text(subject.fields['name'])}): {_links(stem_of(IMPACT, subject.key), formats)}  ")
    return "\n".join(out) + "\n"  # a blank line before the next heading


def index(results: Results, formats: Sequence[str] = ("html", "pdf"), authority: str | None = None,
          kinds: Sequence[str] | None = None) -> str:
    """The index of the documents named in ``kinds`` (default: every document of the project)."""
    if kinds is None:
        from ccassure.render.documents import project_documents

        kinds = tuple(project_documents())
    codes = [authority] if authority else results.authorities()
    out = [authority_section(results, code, formats, kinds) for code in codes]
    if IMPACT in kinds:
        out.append(proposals_section(results, formats, authority))
    if "rules" in kinds:
        out.append("## Rules\n\n**Rule catalogue** (every duty and KPI in plain words, with its basis and the "
                   f"thresholds in force): {_links('rules', formats)}")
    return "\n".join(out) or "_No results to index._"
