"""``ccassure check``: evaluate the rules for an authority and period, write findings, print a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.option("--authority", help="ONS code of the authority to check (default: every authority in the data).")
@click.option("--period", help="2016Q4 (calendar quarter) or 2016-17 (financial year); default: latest quarter "
                               "with sessions.")
@click.option("--output", type=click.Path(file_okay=False), help="The results folder (docs/results.md; "
                                                                 "default: <output>/results of the project, which "
                                                                 "`ccassure render` reads).")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True),
              help="A provider return or authority records (folder or workbook); repeatable. Default: the store, "
                   "else sample_data/.")
@click.option("--rule", "rule_ids", multiple=True, help="Only these rule ids (repeatable).")
@click.option("--kpis/--no-kpis", "with_kpis", default=True, show_default=True,
              help="Also compute the KPI frameworks in rules/kpis/ (kpi_results.* beside findings.*; provider "
                   "figures that disagree with the data go to kpi_findings.*).")
def check(authority: str | None, period: str | None, output: str | None, data: tuple[str, ...],
          rule_ids: tuple[str, ...], with_kpis: bool) -> None:
    """Evaluate the statutory rules and the KPI frameworks, and write findings and KPI results."""
    from rich.console import Console
    from rich.table import Table

    from ccassure.assessment import load_engine, run_check
    from ccassure.contracts import ContractErrors
    from ccassure.kpis.loader import KpiErrors
    from ccassure.periods import parse_period
    from ccassure.project import current_project
    from ccassure.results import write_results
    from ccassure.rules import RuleErrors
    from ccassure.rules.result import DISCLAIMER

    project = current_project()
    wanted = None
    if period:
        try:
            wanted = parse_period(period)
        except ValueError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    try:
        engine = load_engine(project)
        run = run_check(data=list(data) or None, authority=authority, period=wanted, project=project,
                        rule_ids=list(rule_ids) or None, with_kpis=with_kpis, engine=engine)
    except (RuleErrors, ContractErrors, KpiErrors) as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    findings, kpi_results = run.findings, run.kpis
    console = Console()
    for rule_id, values in (project.parameters or {}).items():
        console.print(f"policy parameters set in ccassure.yml for {rule_id}: {values}", markup=False, highlight=False)
    for note in findings.notes:
        console.print(f"[yellow]note:[/yellow] {note}", markup=True, highlight=False)
    if not len(findings):
        click.echo("No findings: no subjects for the rules in these data.")
    target = Path(output) if output else project.output_dir / "results"
    paths = write_results(target, [run], project=project, engine=engine)
    if kpi_results is not None:
        rag = kpi_results.frame["rag"].value_counts().to_dict() if len(kpi_results.frame) else {}
        console.print(f"KPI results: {len(kpi_results.frame):,} ({', '.join(f'{k} {v}' for k, v in rag.items())}); "
                      f"{kpi_results.summary().split('; ')[-1]}", markup=False, highlight=False)
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
            console.print(f"  ... and {len(worst) - 40} more in {target / 'findings.csv'}", markup=False)
    console.print(", ".join(f"{k} {v}" for k, v in counts.items()), markup=False)
    console.print(f"Results written to {target} (findings, KPI results, manifest: {paths['manifest'].name}).",
                  markup=False, highlight=False)
    console.print(DISCLAIMER, style="italic", markup=False, highlight=False)
