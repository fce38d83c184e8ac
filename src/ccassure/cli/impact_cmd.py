"""``ccassure impact PROPOSAL``: what a proposed programme of centre changes would do, before a decision."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("proposal", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Quarter (2016Q4) or financial year (2016-17) of the current state; default: the "
                               "latest quarter with sessions.")
@click.option("--authority", help="ONS code of the authority (default: the proposal's, else the only one in the data).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder for reports/impact.qmd (default: <output>/impact of the project).")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True),
              help="A provider return or authority records (folder or workbook); repeatable. Default: the store, "
                   "else sample_data/.")
def impact(proposal: Path, period: str | None, authority: str | None, output: Path | None,
           data: tuple[str, ...]) -> None:
    """Assess every scenario of PROPOSAL against the current state: reach lost by deprivation, distances,
    centres and activities lost, the sufficiency rules after the change and consultation readiness."""
    from rich.console import Console
    from rich.table import Table

    from ccassure.contracts import ContractErrors
    from ccassure.impact import ProposalError, assess
    from ccassure.periods import parse_period
    from ccassure.project import current_project
    from ccassure.rules import RuleErrors

    project = current_project()
    try:
        if period:
            parse_period(period)
        result = assess(proposal, data=list(data) or None, period=period, authority=authority, project=project)
    except ProposalError as exc:
        click.echo(f"The proposal cannot be assessed ({len(exc.problems)} problem(s)):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    except (RuleErrors, ContractErrors) as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    except ValueError as exc:
        click.echo(f"Cannot assess the proposal: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"Cannot read the data: {exc}", err=True)
        sys.exit(2)
    target = result.write(output or project.output_dir / "impact")
    console = Console()
    m = result.manifest
    for note in m.get("notes", []):
        console.print(f"note: {note}", markup=False, highlight=False)
    table = Table(title=f"{m['title']}: {m['authority_name']}, against {m['period']} "
                        f"(reach {m['parameters']['max_distance_m']:,.0f} m; data: {m['source']})")
    table.add_column("")
    for name in result.scenarios:
        table.add_column(name, justify="right")
    for label, row in result.side_by_side().iterrows():
        table.add_row(label, *("–" if v is None or v != v else f"{v:,.0f}" for v in row))
    if len(result.judgements):
        for rule_id, rows in result.judgements.groupby("rule_id", sort=False):
            now = rows.loc[rows["scenario"] == "Current state", "status"]
            by = dict(zip(rows["scenario"], rows["status"], strict=False))
            table.add_row(f"{rule_id} (now {now.iloc[0] if len(now) else '–'})",
                          *(by.get(n, "–") for n in result.scenarios))
    if len(result.checklist):
        ready = result.checklist.groupby("scenario")["status"].apply(lambda s: int((s == "met").sum()))
        table.add_row("Consultation checklist items ready",
                      *(f"{ready.get(n, 0)} of {int((result.checklist['scenario'] == n).sum())}"
                        for n in result.scenarios))
    console.print(table)
    console.print(f"Impact results written to {target}; render them with reports/impact.qmd.", markup=False,
                  highlight=False)
