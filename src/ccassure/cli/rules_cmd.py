"""``ccassure rules``: list, show, lint and test the project's rule files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _project():
    from ccassure.project import current_project

    return current_project()


def _load(rules_dir: str | None):
    from ccassure.contracts import load_contracts
    from ccassure.rules import load_rules

    project = _project()
    contracts = load_contracts(project.contracts_dir)
    return load_rules(Path(rules_dir) if rules_dir else project.rules_dir, contracts=contracts,
                      checks_dir=project.checks_dir), contracts


def _fail_on_load_errors(func):
    def wrapper(*args, **kwargs):
        from ccassure.contracts import ContractErrors
        from ccassure.rules import RuleErrors

        try:
            return func(*args, **kwargs)
        except (RuleErrors, ContractErrors) as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            click.echo("Run `ccassure rules lint` for every problem.", err=True)
            sys.exit(1)
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group()
def rules() -> None:
    """The rule files: list, show, lint, test."""


@rules.command("list")
@click.option("--rules", "rules_dir", type=click.Path(), help="Rules folder (default: the project's rules/).")
@_fail_on_load_errors
def list_rules(rules_dir: str | None) -> None:
    """Every rule: id, title and citation."""
    from rich.console import Console
    from rich.table import Table

    ruleset, _ = _load(rules_dir)
    if not sys.stdout.isatty():  # piped or captured: one plain line per rule, easy to grep
        for rule in ruleset:
            click.echo(f"{rule.id}\t{rule.title}\t{rule.basis.citation}\t{rule.effective_severity}")
        click.echo(f"{len(ruleset)} rules")
        return
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    for column in ("title", "citation", "worst status"):
        table.add_column(column, overflow="fold")
    for rule in ruleset:
        table.add_row(rule.id, rule.title, rule.basis.citation, rule.effective_severity)
    Console().print(table)
    click.echo(f"{len(ruleset)} rules")


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "rules_dir", type=click.Path(), help="Rules folder (default: the project's rules/).")
@_fail_on_load_errors
def show(rule_id: str, rules_dir: str | None) -> None:
    """Everything about one rule: basis, test, parameters (with this project's values), messages."""
    from ccassure.results.describe import applies_when_words, rule_test_summary
    from ccassure.rules.commencement import describe_values

    ruleset, _ = _load(rules_dir)
    if rule_id not in ruleset:
        click.echo(f"No rule {rule_id!r}. Try `ccassure rules list`.", err=True)
        sys.exit(1)
    rule = ruleset[rule_id]
    overrides = _project().parameters.get(rule.id, {}) or {}
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
        f"  failing test gives: {rule.effective_severity}"
        + (f"  (capped: {rule.cap_reason})" if rule.cap else ""),
    ]
    if rule.parameters:
        lines.append("  parameters:")
        for p in rule.parameters.values():
            value = overrides.get(p.name, p.default)
            where = f"set in ccassure.yml; default {p.default}" if p.name in overrides else "default"
            lines.append(f"    {p.name} = {value} ({where}) — {p.unit}; basis: {p.basis}"
                         + (f". {p.description}" if p.description else ""))
            lines += [f"      {line}" for line in describe_values(p.versions)]  # dated values, oldest first
    lines.append("  messages:")
    for status, text in rule.messages.items():
        lines.append(f"    {status}: {' '.join(text.split())}")
    lines.append(f"  guidance:    {rule.guidance}")
    lines.append(f"  examples:    {len(rule.examples)} (run `ccassure rules test {rule.id}`)")
    click.echo("\n".join(lines))


@rules.command("lint")
@click.option("--rules", "rules_dir", type=click.Path(), help="Rules folder (default: the project's rules/).")
def lint(rules_dir: str | None) -> None:
    """Check every rule file against the schema and the data contracts; exit 1 on any problem."""
    from ccassure.contracts import ContractErrors, load_contracts
    from ccassure.nodes.manifest import lint_manifest

    project = _project()
    try:
        contracts = load_contracts(project.contracts_dir)
    except ContractErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    found = lint_manifest(project, rules_dir=rules_dir, contracts=contracts)
    ruleset, errors = found.manifest.rules, found.errors_for("rule")
    for error in errors:
        click.echo(str(error))
    if errors:
        click.echo(f"{len(errors)} problem(s) in the rules.")
        sys.exit(1)
    click.echo(f"{len(ruleset)} rules OK.")


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@click.option("--rules", "rules_dir", type=click.Path(), help="Rules folder (default: the project's rules/).")
@_fail_on_load_errors
def test(rule_ids: tuple[str, ...], rules_dir: str | None) -> None:
    """Run the examples of every rule (or of the rules named); exit 1 if any fails."""
    from ccassure.rules import run_examples

    ruleset, contracts = _load(rules_dir)
    unknown = [rid for rid in rule_ids if rid not in ruleset]
    if unknown:
        click.echo(f"No rule {', '.join(unknown)}.", err=True)
        sys.exit(1)
    chosen = ruleset.select(list(rule_ids)) if rule_ids else ruleset
    results = run_examples(chosen, contracts)
    failed = [r for r in results if not r.passed]
    for result in results:
        if not result.passed:
            click.echo(str(result))
    click.echo(f"{len(results) - len(failed)} of {len(results)} examples passed in {len(chosen)} rules.")
    if failed:
        sys.exit(1)


@rules.command("schema")
@click.option("--write", is_flag=True, help="Rewrite the published src/ccassure/schemas/rule.schema.json.")
def schema(write: bool) -> None:
    """Print the rule-file JSON Schema (built from the registered test types)."""
    from ccassure.rules.schema import build_rule_schema, write_published_schema

    if write:
        click.echo(f"wrote {write_published_schema()}")
    else:
        click.echo(json.dumps(build_rule_schema(), indent=2))
