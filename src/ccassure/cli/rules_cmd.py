"""``ccassure rules``: list, show, lint and test the project's rule files (the shared shape of
:mod:`ccassure.cli.node_group`), and print the rule-file schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ccassure.cli.node_group import NodeKind, node_group


def _project():
    from ccassure.project import current_project

    return current_project()


def _load(directory: Path | None):
    from ccassure.contracts import load_contracts
    from ccassure.rules import load_rules

    project = _project()
    return load_rules(directory or project.rules_dir, contracts=load_contracts(project.contracts_dir),
                      checks_dir=project.checks_dir)


def _rows(ruleset, overrides: dict[str, Any]) -> list[tuple[str, ...]]:
    return [(rule.id, rule.title, rule.basis.citation, rule.effective_severity) for rule in ruleset]


def _show(ruleset, rule_id: str, overrides: dict[str, Any]) -> list[str]:
    from ccassure.results.describe import applies_when_words, rule_test_summary
    from ccassure.rules.commencement import describe_values

    rule = ruleset[rule_id]
    given = overrides.get(rule.id, {}) or {}
    lines = [
        f"{rule.id} (version {rule.version}) — {rule.title}",
        f"  file:        {rule.source}:{rule.line}",
        f"  citation:    {rule.basis.citation}",
        f"  wording:     {rule.basis.wording}",
        f"  source:      {rule.basis.source}",
        f"  legal note:  {rule.basis.legal_note}  (wording {rule.basis.wording_checked})",
        f"  in force:    {rule.in_force.describe() if rule.in_force else 'no commencement recorded'}",
    ]
    if rule.blank_means:
        lines.append("  blanks:      " + "; ".join(f"blank {c} -> {s}" for c, s in rule.blank_means.items()))
    if rule.basis.note:
        lines.append(f"  note:        {rule.basis.note}")
    lines += [
        f"  subject:     {rule.subject}",
        f"  applies when: {applies_when_words(rule)}",
        f"  test:        {rule.test_type}: {rule_test_summary(rule)}",
        f"  reads:       {', '.join(rule.tables)}",
        f"  failing test gives: {rule.effective_severity}" + (f"  (capped: {rule.cap_reason})" if rule.cap else ""),
    ]
    if rule.parameters:
        lines.append("  parameters:")
        for p in rule.parameters.values():
            value = given.get(p.name, p.default)
            where = f"set in ccassure.yml; default {p.default}" if p.name in given else "default"
            lines.append(f"    {p.name} = {value} ({where}) — {p.unit}; basis: {p.basis}"
                         + (f". {p.description}" if p.description else ""))
            lines += [f"      {line}" for line in describe_values(p.versions)]  # dated values, oldest first
    lines.append("  messages:")
    lines += [f"    {status}: {' '.join(text.split())}" for status, text in rule.messages.items()]
    lines.append(f"  guidance:    {rule.guidance}")
    lines.append(f"  examples:    {len(rule.examples)} (run `ccassure rules test {rule.id}`)")
    return lines


RULES = NodeKind(
    group="rules", noun="rule", plural="rules", lint_kind="rule",
    folder_help="Rules folder (default: the project's rules/).",
    load=_load, lint_folders=lambda directory: {"rules_dir": directory}, lint_nodes=lambda manifest: manifest.rules,
    ids=lambda ruleset: set(ruleset.rules), select=lambda ruleset, ids: ruleset.select(ids), count=len,
    columns=("id", "title", "citation", "worst status"), rows=_rows, show=_show,
    cases="ccassure.rules.examples:example_cases", folder_options=("--dir", "--rules"),
)

rules = node_group(RULES, "The rule files: list, show, lint, test.")


@rules.command("schema")
@click.option("--write", is_flag=True, help="Rewrite the published src/ccassure/schemas/rule.schema.json.")
def schema(write: bool) -> None:
    """Print the rule-file JSON Schema (built from the registered test types)."""
    from ccassure.rules.schema import build_rule_schema, write_published_schema

    if write:
        click.echo(f"wrote {write_published_schema()}")
    else:
        click.echo(json.dumps(build_rule_schema(), indent=2))
