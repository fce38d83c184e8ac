"""``ccassure check``: evaluate the rules for an authority and period, write findings, print a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.option("--authority", help="ONS code of the authority to check (default: every authority in the data).")
@click.option("--period", help="2016Q4 (calendar quarter) or 2016-17 (financial year); default: latest quarter "
                               "with sessions.")
@click.option("--output", type=click.Path(file_okay=False), help="Folder for findings.parquet/.csv/.json "
                                                                 "(default: <output>/findings of the project).")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True),
              help="A provider return or authority records (folder or workbook); repeatable. Default: the store, "
                   "else sample_data/.")
@click.option("--rule", "rule_ids", multiple=True, help="Only these rule ids (repeatable).")
@click.option("--kpis/--no-kpis", "with_kpis", default=True, show_default=True,
              help="Also compute the KPI frameworks in rules/kpis/ (kpi_results.* beside findings.*; provider "
                   "figures that disagree with the data become findings).")
def check(authority: str | None, period: str | None, output: str | None, data: tuple[str, ...],
          rule_ids: tuple[str, ...], with_kpis: bool) -> None:
    """Evaluate the statutory rules and the KPI frameworks, and write findings and KPI results."""
    from rich.console import Console
    from rich.table import Table

    from ccassure.contracts import ContractErrors
    from ccassure.periods import parse_period
    from ccassure.project import current_project
    from ccassure.rules import RuleErrors
    from ccassure.rules.api import check_project
    from ccassure.rules.result import DISCLAIMER

    project = current_project()
    if period:
        try:
            parse_period(period)
        except ValueError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    try:
        findings = check_project(data=list(data) or None, authority=authority, period=period,
                                 rule_ids=list(rule_ids) or None, project=project)
    except (RuleErrors, ContractErrors) as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    kpi_results = None
    if with_kpis and not rule_ids:
        from ccassure.kpis.api import check_kpis

        try:
            kpi_results = check_kpis(data=list(data) or None, period=str(findings.period), authority=authority,
                                     project=project)
        except (ValueError, ContractErrors) as exc:
            click.echo(f"KPIs not computed: {exc}", err=True)
            sys.exit(1)
        findings.extend(kpi_results.as_findings())
    console = Console()
    for rule_id, values in (project.parameters or {}).items():
        console.print(f"policy parameters set in ccassure.yml for {rule_id}: {values}", markup=False, highlight=False)
    for note in findings.notes:
        console.print(f"[yellow]note:[/yellow] {note}", markup=True, highlight=False)
    if not len(findings):
        click.echo("No findings: no subjects for the rules in these data.")
    target = Path(output) if output else project.output_dir / "findings"
    paths = findings.write(target)
    if kpi_results is not None:
        kpi_paths = kpi_results.write(target)
        rag = kpi_results.frame["rag"].value_counts().to_dict() if len(kpi_results.frame) else {}
        console.print(f"KPI results: {len(kpi_results.frame):,} ({', '.join(f'{k} {v}' for k, v in rag.items())}) "
                      f"written to {kpi_paths.get('kpi_results', target)}", markup=False, highlight=False)
    counts = findings.counts()
    summary = findings.summary()
    table = Table(title=f"Findings for {findings.period}" + (f", {authority}" if authority else "")
                  + f" (data: {findings.source})")
    table.add_column("rule", no_wrap=True)
    for status in ("met", "not_met", "at_risk", "not_evaluable", "not_applicable"):
        table.add_column(status, justify="right")
    for row in summary.itertuples(index=False):
        table.add_row(row.rule_id, *(str(getattr(row, s)) for s in ("met", "not_met", "at_risk", "not_evaluable",
                                                                     "not_applicable")))
    console.print(table)
    worst = [f for f in findings if f.status in ("not_met", "at_risk")]
    if worst:
        console.print("Not met and at risk:", style="bold")
        for finding in worst[:40]:
            console.print(f"  {finding.status:8} {finding.rule_id} {finding.subject_id}: {finding.message}",
                          markup=False, highlight=False)
        if len(worst) > 40:
            console.print(f"  ... and {len(worst) - 40} more in {paths['csv']}", markup=False)
    console.print(", ".join(f"{k} {v}" for k, v in counts.items()), markup=False)
    console.print(f"Findings written to {paths['parquet']}, {paths['csv']} and {paths['json']}.", markup=False,
                  highlight=False)
    console.print(DISCLAIMER, style="italic", markup=False, highlight=False)
