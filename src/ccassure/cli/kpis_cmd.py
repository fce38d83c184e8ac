"""``ccassure kpis``: list, show, lint and test the KPI frameworks in rules/kpis/ (the shared shape of
:mod:`ccassure.cli.node_group`), and run them over a return.

Exit codes: 0 success; 1 a failing example (``test``), a lint problem (``lint``), an unknown id, or with
``run --strict`` a provider figure that disagrees with the data; 2 the frameworks or the data cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ccassure.cli.node_group import NodeKind, load_or_exit, node_group


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"ccassure: {message}", err=True)
    sys.exit(code)


def _load(directory: Path | None):
    from ccassure.contracts import load_contracts
    from ccassure.kpis.loader import default_kpi_dir, load_frameworks
    from ccassure.project import current_project

    return load_frameworks(directory or default_kpi_dir(), contracts=load_contracts(current_project().contracts_dir))


def _ids(frameworks) -> set[str]:
    return {f.id for f in frameworks} | {k.id for _, k in frameworks.kpis()}


def _values(framework, kpi, overrides: dict[str, Any]) -> tuple[dict[str, Any], str]:
    values = framework.parameter_values(kpi, overrides)
    shown = {k: v for k, v in values.items() if k in kpi.parameters or k in framework.parameters}
    return values, ", ".join(f"{k}={v}" for k, v in shown.items())


def _rows(frameworks, overrides: dict[str, Any]) -> list[tuple[str, ...]]:
    rows = []
    for framework, kpi in frameworks.kpis():
        values, params = _values(framework, kpi, overrides)
        rows.append((kpi.id, kpi.title_for(values), f"{framework.id} v{framework.version}", params,
                     "POLICY CHOICE" if kpi.basis.policy_choice else ""))
    return rows


def _kpi_lines(framework, kpi, overrides: dict[str, Any]) -> list[str]:
    values, params = _values(framework, kpi, overrides)
    target = f"target {kpi.target.resolve(values)}" if kpi.target else "no target"
    return [f"  {kpi.id:<22} {kpi.title_for(values)}",
            f"  {'':<22} {kpi.kind}, {kpi.unit}, {kpi.direction} is better, {target}; windows "
            f"{'/'.join(kpi.windows)}; levels {'/'.join(kpi.levels)}",
            f"  {'':<22} parameters: {params}",
            f"  {'':<22} basis: {kpi.basis.source}{' [POLICY CHOICE]' if kpi.basis.policy_choice else ''}",
            f"  {'':<22} examples: {len(kpi.examples)} (run `ccassure kpis test {kpi.id}`)"]


def _show(frameworks, node_id: str, overrides: dict[str, Any]) -> list[str]:
    """A framework (every KPI in it) or one KPI, with the parameter values in force."""
    chosen = frameworks.select([node_id])
    lines = []
    for framework in chosen:
        lines.append(f"{framework.id} v{framework.version}  {framework.title}  ({framework.source})")
        for kpi in framework.kpis:
            lines += _kpi_lines(framework, kpi, overrides)
    return lines


KPIS = NodeKind(
    group="kpis", noun="KPI", plural="KPIs", lint_kind="kpi",
    folder_help="Folder of KPI framework files (default: the project's rules/kpis/).",
    load=_load, lint_folders=lambda directory: {"kpi_dir": directory} if directory else {},
    lint_nodes=lambda manifest: manifest.frameworks, ids=_ids, select=lambda frameworks, ids: frameworks.select(ids),
    count=lambda frameworks: sum(len(f.kpis) for f in frameworks),
    columns=("id", "title", "framework", "parameters", "basis"), rows=_rows, show=_show,
    cases="ccassure.kpis.examples:example_cases",
)

kpis = node_group(KPIS, "KPI frameworks: contract performance computed from the return, and provider figures "
                        "cross-checked.")


def _missing_reach(loaded) -> list[str]:
    """Centre, cluster and provider reach need the reach areas; say so rather than leave them unexplained."""
    from ccassure.kpis.loader import REACH_TABLE

    if loaded.read and REACH_TABLE not in loaded.read:
        return ["the data hold no reach_areas table (the authority records' Reach areas sheet): centre, "
                "cluster and provider reach cannot be computed; authority reach still can"]
    return []


@kpis.command("run")
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="A return or the authority records (workbook, CSV/Parquet folder or file), validated and "
                   "typed; repeat for several. Reach areas are the authority records' reach_areas table. "
                   "Default: the returns store when it exists, else the project's sample_data/.")
@click.option("--period", default=None, help="A quarter (2016Q4 = Oct-Dec 2016) or a financial year (2016-17 = its "
                                             "four quarters, April 2016 to March 2017). Default: the latest quarter "
                                             "with a session (else a contact) in the data, as `ccassure check` does.")
@click.option("--authority", default=None, help="Only this authority (ONS code, e.g. E10000016).")
@click.option("--as-at", "as_at", default=None, help="Read the store as it stood on this date (store only).")
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for kpi_results.* and kpi_findings.* (default: <output>/findings of the project).")
@click.option("--strict", is_flag=True, help="Exit 1 when a provider-reported figure disagrees with the data.")
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=KPIS.folder_help)
def run(data: tuple[Path, ...], period: str | None, authority: str | None, as_at: str | None, output: Path | None,
        strict: bool, directory: Path | None) -> None:
    """Compute every KPI for a period, write the results and cross-check the provider's own figures.

    The data are loaded and the period chosen as ``ccassure check`` does (one path: ccassure.assessment);
    only the KPI frameworks are evaluated."""
    from ccassure.assessment import Engine, StoreRead, choose_data, latest_store_period, run_check, store_for
    from ccassure.contracts import load_contracts
    from ccassure.periods import parse_period
    from ccassure.project import current_project
    from ccassure.rules.loader import RuleSet

    wanted = None
    if period is not None:
        try:
            wanted = parse_period(period)
        except ValueError as exc:
            _fail(str(exc))
    project = current_project()
    frameworks = load_or_exit(KPIS, directory)
    contracts = load_contracts(project.contracts_dir)
    try:
        if as_at and not data:
            store = store_for(project)
            if store is None:
                _fail("--as-at reads the store, and there is none: submit returns first or give --data")
            wanted = wanted or latest_store_period(store, authority)
            if wanted is None:
                _fail("the store holds no dated sessions or contacts; use --period 2016Q4")
            loaded = StoreRead(store, wanted, authority, as_at)  # read by SQL, as `ccassure check` reads it
        else:
            loaded = choose_data(list(data) or None, project=project, authority=authority, period=wanted,
                                 contracts=contracts)
        checked = run_check(data=loaded, period=wanted, authority=authority, project=project,
                            engine=Engine(contracts, RuleSet(), frameworks))
    except ValueError as exc:
        _fail(str(exc))
    results = checked.kpis
    results.notes = [*results.notes, *_missing_reach(checked.data)]
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
