"""``ccassure kpis``: list, test, lint and run the KPI frameworks in rules/kpis/.

Exit codes: 0 success; 1 a failing example (``test``), a lint problem (``lint``), or with ``run
--strict`` a provider figure that disagrees with the data; 2 the frameworks or the data cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"ccassure: {message}", err=True)
    sys.exit(code)


def _load(directory: Path | None):
    from ccassure.kpis.loader import KpiErrors, load_frameworks

    try:
        return load_frameworks(directory)
    except KpiErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        _fail(f"{len(exc.errors)} problem(s) in the KPI frameworks (run `ccassure kpis lint`)")


DIR_OPTION = click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False), default=None,
                          help="Folder of KPI framework files (default: the project's rules/kpis/).")


@click.group()
def kpis() -> None:
    """KPI frameworks: contract performance computed from the return, and provider figures cross-checked."""


@kpis.command("list")
@DIR_OPTION
def list_kpis(directory: Path | None) -> None:
    """Every framework and KPI, with its unit, direction, windows and parameters (authority overrides applied)."""
    from ccassure.project import current_project

    overrides = current_project().parameters
    frameworks = _load(directory)
    for framework in frameworks:
        click.echo(f"{framework.id} v{framework.version}  {framework.title}  ({framework.source})")
        for kpi in framework.kpis:
            values = framework.parameter_values(kpi, overrides)
            shown = {k: v for k, v in values.items() if k in kpi.parameters or k in framework.parameters}
            params = ", ".join(f"{k}={v}" for k, v in shown.items())
            target = f"target {kpi.target.resolve(values)}" if kpi.target else "no target"
            click.echo(f"  {kpi.id:<22} {kpi.title_for(values)}")
            click.echo(f"  {'':<22} {kpi.kind}, {kpi.unit}, {kpi.direction} is better, {target}; windows "
                       f"{'/'.join(kpi.windows)}; levels {'/'.join(kpi.levels)}")
            click.echo(f"  {'':<22} parameters: {params}")
            click.echo(f"  {'':<22} basis: {kpi.basis.source}{' [POLICY CHOICE]' if kpi.basis.policy_choice else ''}")


@kpis.command("test")
@click.argument("ids", nargs=-1)
@DIR_OPTION
def test_kpis(ids: tuple[str, ...], directory: Path | None) -> None:
    """Run each KPI's examples (all, or the given framework or KPI ids)."""
    from ccassure.kpis.examples import run_examples

    frameworks = _load(directory)
    chosen = frameworks.select(list(ids) or None)
    if ids and not len(chosen):
        _fail(f"no framework or KPI has id {', '.join(ids)}")
    outcomes = run_examples(chosen)
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        click.echo(str(outcome))
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@kpis.command("lint")
@DIR_OPTION
def lint_kpis(directory: Path | None) -> None:
    """Check every framework file (schema, tables, columns, filters, parameters, examples) and ccassure.yml overrides."""
    from ccassure.nodes.manifest import lint_manifest

    found = lint_manifest(kpi_dir=directory)
    frameworks, errors = found.manifest.frameworks, found.errors_for("kpi")
    for error in errors:
        click.echo(str(error))
    count = sum(len(f.kpis) for f in frameworks)
    click.echo(f"{len(frameworks)} framework(s), {count} KPI(s); {len(errors)} problem(s)")
    sys.exit(1 if errors else 0)


@kpis.command("run")
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="A return (workbook, CSV/Parquet folder or file), validated and typed; repeat for several. "
                   "Default: the returns store when it exists, else the project's sample_data/.")
@click.option("--period", default=None, help="A quarter (2016Q4 = Oct-Dec 2016) or a financial year (2016-17 = its "
                                             "four quarters, April 2016 to March 2017). Default: the latest quarter "
                                             "with a session or contact in the data, as `ccassure check` does.")
@click.option("--authority", default=None, help="Only this authority (ONS code, e.g. E10000016).")
@click.option("--as-at", "as_at", default=None, help="Read the store as it stood on this date (store only).")
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for kpi_results.* and kpi_findings.* (default: <output>/findings of the project, "
                   "next to the findings `ccassure check` writes).")
@click.option("--reach-areas", "reach", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="CSV with centre_id,lsoa_code columns (default: reach_areas.csv next to the data or one "
                   "folder up).")
@click.option("--strict", is_flag=True, help="Exit 1 when a provider-reported figure disagrees with the data.")
@DIR_OPTION
def run(data: tuple[Path, ...], period: str | None, authority: str | None, as_at: str | None, output: Path | None,
        reach: Path | None, strict: bool, directory: Path | None) -> None:
    """Compute every KPI for a period, write the results and cross-check the provider's own figures."""
    from ccassure.kpis.api import check_kpis, latest_quarter, load_kpi_data
    from ccassure.periods import parse_period
    from ccassure.project import current_project

    if period is not None:
        try:
            parse_period(period)
        except ValueError as exc:
            _fail(str(exc))
    project = current_project()
    frameworks = _load(directory)
    loaded = load_kpi_data(list(data) or None, project=project, authority=authority, as_at=as_at, reach_areas=reach)
    if period is None:
        period = latest_quarter(loaded.tables)
        if period is None:
            _fail("no --period given and the data hold no dated sessions or contacts; use --period 2016Q4")
    results = check_kpis(data=loaded.tables, period=period, authority=authority, project=project,
                         frameworks=frameworks, data_versions=loaded.data_versions)
    results.source, results.notes = loaded.source, list(loaded.notes)
    for note in results.notes:
        click.echo(f"note: {note}", err=True)
    out = output or project.output_dir / "findings"
    results.write(out)
    click.echo(f"Data: {results.source}")
    click.echo(results.summary())
    findings = results.findings
    flagged = findings[findings["status"] == "not_met"] if len(findings) else findings
    for row in flagged.itertuples():
        click.echo(f"  {row.rule_id} {row.subject_id} {row.period}: {row.message}")
    click.echo(f"Wrote {out / 'kpi_results.parquet'} (.csv, .json) and {out / 'kpi_findings.parquet'} (.csv, .json)")
    sys.exit(1 if strict and len(flagged) else 0)
