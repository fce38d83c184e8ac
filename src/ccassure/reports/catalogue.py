"""The rule catalogue: every rule, KPI and cross-check that was evaluated, in plain words.

Built from the results manifest (``nodes``): the same sentences as ``ccassure rules show`` and ``kpis
list``, the basis and citation, the parameters in force for this run, version and history. It never reads
rule files (parsing them was the main cost of rendering) and never prints YAML, parsed expressions or SQL.
"""

from __future__ import annotations

from typing import Any

from ccassure.areas import AREAS
from ccassure.reports.format import fmt_number, md_table, text
from ccassure.reports.plain_text import citation_words, plain_message
from ccassure.reports.results import Results, inspection_area

KIND_HEADINGS = {"rule": "Statutory duties and guidance", "kpi": "Key performance indicators",
                 "kpi_crosscheck": "Cross-checks of provider-reported figures"}
BASIS_KINDS = {"law": "law", "guidance": "statutory guidance", "policy": "the authority's policy"}
UNITS = {"percent": "a percentage", "count": "a count", "average": "an average", "rate": "a rate",
         "points": "percentage points"}


def _humanise(name: Any) -> str:
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return fmt_number(value, None) if isinstance(value, float) else f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):  # never dump a structure: name its parts
        return "; ".join(f"{_humanise(k).lower()} {_value(v)}" for k, v in value.items())
    return "–" if value in (None, "") else str(value).replace("_", " ")  # a metric name, never a column


def parameters_table(parameters: Any) -> str:
    """The parameters in force for this run: value, default, unit, whether law or policy, who set it."""
    if not isinstance(parameters, dict) or not parameters:
        return ""
    rows = []
    for name, spec in parameters.items():
        spec = spec if isinstance(spec, dict) else {"value": spec}
        kind = {"law": "set in law", "policy": "policy choice"}.get(str(spec.get("kind")), "–")
        set_by = {"project": "this project's settings", "rule": "the rule's default"}.get(str(spec.get("set_by")),
                                                                                           "–")
        rows.append((text(_humanise(name)), text(_value(spec.get("value"))), text(_value(spec.get("default"))),
                     text(spec.get("unit") or "–"), kind, set_by))
    return md_table(rows, ["Parameter", "In force", "Default", "Unit", "Threshold is", "Set by"], "lrrlll",
                    escape=[False] * 6)


def _history(node: dict[str, Any], results: Results) -> str:
    parts = [f"version {text(node.get('version'))}"]
    if node.get("valid_from"):
        parts.append(f"in force from {text(node['valid_from'])}")
    if node.get("valid_to"):
        parts.append(f"until {text(node['valid_to'])}")
    if node.get("predecessor"):
        before = results.nodes().get(str(node["predecessor"])) or {}
        parts.append(f"replaces “{text(before.get('title') or node['predecessor'])}”")
    column, frame = ("rule_id", results.findings) if node.get("kind") == "rule" else ("kpi_id", results.kpis)
    version_column = "rule_version" if column == "rule_id" else "kpi_version"
    if not frame.empty and column in frame.columns and version_column in frame.columns:
        used = frame[frame[column] == node.get("id")]
        if len(used):
            spans = []
            for version, part in used.groupby(version_column, sort=True):
                periods = sorted(part["period"].dropna().astype(str))
                span = periods[0] if periods[0] == periods[-1] else f"{periods[0]} to {periods[-1]}"
                spans.append(f"version {text(version)} for {text(span)}")
            parts.append("used in these results: " + ", ".join(spans))
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def node_entry(node: dict[str, Any], results: Results) -> str:
    lines = [f"#### {text(node.get('title') or node.get('id'))}\n"]
    if node.get("summary"):
        lines.append(text(plain_message(node["summary"])) + "\n")
    facts = []
    if node.get("applies_to"):
        facts.append(f"**Applies to:** {text(node['applies_to'])}  ")
    areas = [AREAS[a] for a in node.get("areas") or () if a in AREAS]
    if areas:
        facts.append(f"**Evidence for:** {text('; '.join(areas))}  ")
    basis = node.get("basis") or {}
    if basis.get("citation"):
        kind = BASIS_KINDS.get(str(basis.get("kind")))
        facts.append(f"**Basis:** {text(citation_words(basis['citation']))}" + (f" ({kind})" if kind else "") + "  ")
    if basis.get("wording"):
        facts.append(f"**Wording relied on:** “{text(basis['wording'])}”  ")
    if node.get("kind") == "kpi":
        measure = [UNITS.get(str(node.get("unit")), text(node.get("unit")))]
        if node.get("direction"):
            measure.append("higher is better" if node["direction"] == "higher" else "lower is better")
        if node.get("target") not in (None, ""):
            measure.append(f"target {fmt_number(node['target'], node.get('unit'))}")
        facts.append(f"**Measure:** {text(', '.join(measure))}  ")
    facts.append(f"**Version and history:** {_history(node, results)}  ")
    if node.get("guidance"):
        facts.append(f"**Guidance:** {text(plain_message(node['guidance']))}")
    lines.append("\n".join(facts) + "\n")
    table = parameters_table(node.get("parameters"))
    if table:
        lines.append("**Parameters in force:**\n\n" + table + "\n")
    return "\n".join(lines)


def catalogue(results: Results) -> str:
    """Every node of the manifest, grouped by kind and then inspection area."""
    nodes = list(results.nodes().values())
    if not nodes:
        return ("_These results do not list the rules they used (they were written by an older `ccassure "
                "check`): run the check again to fill the catalogue._")
    out = []
    for kind, heading in KIND_HEADINGS.items():
        mine = [n for n in nodes if n.get("kind") == kind]
        if not mine:
            continue
        out.append(f"## {heading}\n")
        if kind == "kpi_crosscheck":
            rows = [(text(n.get("title")), text(plain_message(n.get("summary") or ""))) for n in sorted(mine, key=_title)]
            out.append(md_table(rows, ["Cross-check", "What it compares"], escape=[False, False]) + "\n")
            continue
        for area, area_heading in [*AREAS.items(), (None, "Not declared for an inspection area")]:
            in_area = sorted((n for n in mine if inspection_area(n) == area), key=_title)
            if in_area:
                out.append(f"### {area_heading}\n")
                out += [node_entry(n, results) for n in in_area]
    return "\n".join(out)


def _title(node: dict[str, Any]) -> str:
    return str(node.get("framework") or "") + str(node.get("title") or node.get("id"))


def catalogue_intro(results: Results) -> str:
    nodes = list(results.nodes().values())
    counts = {kind: sum(1 for n in nodes if n.get("kind") == kind) for kind in KIND_HEADINGS}
    periods = results.manifest.get("periods") or results.periods()
    span = f" for {text(periods[0])} to {text(periods[-1])}" if periods else ""
    return (f"The rules and measures used in these results{span}: {counts['rule']} duties, {counts['kpi']} KPIs "
            f"and {counts['kpi_crosscheck']} cross-checks. Findings on statutory duties are risk indicators for "
            "the council's own review, not findings of unlawfulness. A threshold marked as a policy choice is "
            "the authority's to set in the project settings.")
