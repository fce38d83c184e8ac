"""``ccassure contracts list | lint | export``: the data contracts, checked and compiled for other tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DATASETS = ("provider_return", "authority_records", "reference")
TARGETS = ("gx", "table-schema", "datapackage", "json-schema")
SUFFIX = {"gx": ".json", "table-schema": ".tableschema.json", "json-schema": ".schema.json"}

contracts_option = click.option("--contracts", "contracts_dir", type=click.Path(path_type=Path), default=None,
                                help="Folder of data contracts (default: the project's data_contracts/).")


def _load(contracts_dir: Path | None):  # noqa: ANN202 - a ContractSet, imported lazily
    from ccassure.contracts import ContractErrors, load_contracts

    try:
        return load_contracts(contracts_dir)
    except ContractErrors as exc:
        click.echo(f"ccassure: {len(exc.errors)} problem(s) in the data contracts:", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)


@click.group()
def contracts() -> None:
    """List, check and export the data contracts."""


@contracts.command("list")
@click.option("--dataset", type=click.Choice(DATASETS), default=None, help="Only this dataset's tables.")
@contracts_option
def list_contracts(dataset: str | None, contracts_dir: Path | None) -> None:
    """One line per table: dataset, sheet, columns, whether it is required, title."""
    loaded = _load(contracts_dir)
    rows = [c for c in loaded if dataset is None or c.dataset == dataset]
    width = max((len(c.table) for c in rows), default=5)
    click.echo(f"{'table':<{width}}  {'dataset':<17}  {'sheet':<18}  cols  needed    title")
    for c in rows:
        needed = "required" if c.required else "optional"
        click.echo(f"{c.table:<{width}}  {c.dataset:<17}  {c.sheet:<18}  {len(c.columns):>4}  {needed:<8}  {c.title}")
    click.echo(f"{len(rows)} contract(s) in {contracts_dir or 'data_contracts/'}")


@contracts.command("lint")
@contracts_option
def lint(contracts_dir: Path | None) -> None:
    """Load every contract; report each problem with its file and line (exit 1 when there are any)."""
    loaded = _load(contracts_dir)
    click.echo(f"{len(loaded)} contract(s) OK.")


@contracts.command("export")
@click.option("--to", "target", type=click.Choice(TARGETS), required=True,
              help="gx: Great Expectations suites; table-schema: Frictionless Table Schemas; datapackage: a "
                   "datapackage.json for a folder of CSV files; json-schema: one row as JSON.")
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write into (created if needed). For datapackage: the folder of CSV files.")
@click.option("--dataset", type=click.Choice(DATASETS), default=None,
              help="Only this dataset's tables (datapackage: default provider_return).")
@contracts_option
def export(target: str, output: Path, dataset: str | None, contracts_dir: Path | None) -> None:
    """Write one file per table (a GX suite, a Table Schema or a JSON Schema), or one datapackage.json.

    Docs: docs/exports.md says how each tool reads the files, and what each format cannot say.
    """
    loaded = _load(contracts_dir)
    try:
        output.mkdir(parents=True, exist_ok=True)
        if target == "datapackage":
            path, written = _write_package(loaded, output, dataset or "provider_return")
            click.echo(f"Wrote {path} with {written} table(s)")
            return
        compile_one = _compiler(target)
        written = 0
        for contract in loaded:
            if dataset is not None and contract.dataset != dataset:
                continue
            path = output / f"{contract.table}{SUFFIX[target]}"
            _write_json(path, compile_one(contract))
            written += 1
    except OSError as exc:
        click.echo(f"ccassure: cannot write to {output}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"Wrote {written} {target} file(s) to {output}")


def _compiler(target: str):  # noqa: ANN202 - one contract -> JSON-ready dict
    if target == "gx":
        from ccassure.contracts.to_gx import suite_dict

        return suite_dict
    if target == "table-schema":
        from ccassure.contracts.to_tableschema import table_schema

        return table_schema
    from ccassure.contracts.to_jsonschema import json_schema

    return json_schema


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def _write_package(loaded, folder: Path, dataset: str) -> tuple[Path, int]:  # noqa: ANN001
    """datapackage.json for the CSV files in ``folder`` (all of the dataset's tables when there are none)."""
    from ccassure.contracts.to_datapackage import data_package
    from ccassure.readers.source import contract_for_name

    contracts = [c for c in loaded if c.dataset == dataset]
    files: dict[str, str] = {}
    for member in sorted(folder.glob("*.csv")):
        contract = contract_for_name(member.stem, loaded)
        if contract is not None and contract.dataset == dataset and contract.table not in files:
            files[contract.table] = member.name
    package = data_package(contracts, dataset.replace("_", "-"), files or None)
    path = folder / "datapackage.json"
    _write_json(path, package)
    return path, len(package["resources"])
