"""``ccassure impact PROPOSAL``: what a proposed programme of centre changes would do, before a decision."""

from __future__ import annotations

from pathlib import Path

import click

from ccassure.cli.refusals import refusing


def default_output(project, proposal: Path) -> Path:
    """Where an assessment goes unless told: with the results, one folder per proposal, where
    ``ccassure render`` finds it (docs/reports.md)."""
    from ccassure.render.documents import IMPACT_FOLDER
    from ccassure.reports.format import safe_stem

    return project.output_dir / "results" / IMPACT_FOLDER / safe_stem(proposal.stem)


@click.command()
@click.argument("proposal", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Quarter (2016Q4) or financial year (2016-17) of the current state; default: the "
                               "latest quarter with sessions.")
@click.option("--authority", help="ONS code of the authority (default: the proposal's, else the only one in the data).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder for reports/impact.qmd (default: <output>/results/impact/<proposal>, "
                   "where `ccassure render` finds it).")
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
    with refusing({
        ProposalError: (lambda exc: [f"The proposal cannot be assessed ({len(exc.problems)} problem(s)):",
                                     *(f"  {problem}" for problem in exc.problems)], 2),
        (RuleErrors, ContractErrors): (lambda exc: [str(error) for error in exc.errors], 1),
        ValueError: (lambda exc: f"Cannot assess the proposal: {exc}", 2),
        OSError: (lambda exc: f"Cannot read the data: {exc}", 2),
    }):
        if period:
            parse_period(period)
        result = assess(proposal, data=list(data) or None, period=period, authority=authority, project=project)
    target = result.write(output or default_output(project, proposal))
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
    console.print(f"Impact results written to {target}; `ccassure render` renders reports/impact.qmd for each "
                  "assessment kept with the results.", markup=False, highlight=False)
