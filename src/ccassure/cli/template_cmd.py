"""``ccassure template --output FILE.xlsx``: the blank workbook a provider fills in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ccassure.cli.refusals import refusing

DATASETS = ("provider_return", "authority_records", "reference")


@click.command()
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the workbook (default: <dataset>_template.xlsx in the current folder).")
@click.option("--dataset", type=click.Choice(DATASETS), default="provider_return", show_default=True,
              help="Which set of tables the template holds.")
@click.option("--contracts", "contracts_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of data contracts (default: the project's data_contracts/).")
def template(output: Path | None, dataset: str, contracts_dir: Path | None) -> None:
    """Write a blank xlsx template: one sheet per table, notes on every header, drop-down lists."""
    from ccassure.contracts import ContractErrors, load_contracts
    from ccassure.contracts.template import ordered_tables, write_template

    with refusing({ContractErrors: (lambda exc: ["ccassure: the data contracts cannot be loaded:",
                                                 *(f"  {error}" for error in exc.errors)], 2)}):
        contracts = load_contracts(contracts_dir)
    output = output or Path.cwd() / f"{dataset}_template.xlsx"
    if output.suffix.lower() != ".xlsx":
        click.echo(f"ccassure: the template is an Excel workbook; name it .xlsx (got {output.name})", err=True)
        sys.exit(2)
    with refusing({OSError: (lambda exc: f"ccassure: cannot write {output}: {exc.strerror or exc}", 2),
                   ValueError: (lambda exc: f"ccassure: {exc}", 2)}):
        write_template(output, contracts, dataset)
    sheets = ", ".join(c.sheet for c in ordered_tables(contracts, dataset))
    click.echo(f"Wrote a blank {dataset} template to {output} (sheets: {sheets}).")
