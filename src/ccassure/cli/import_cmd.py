"""``ccassure import KIND FILE``: load a published reference file into the store.

KIND is one of gias (GIAS children's centre fields CSV), iod (IoD2019 / IoD2025 File 7), population (ONS
small-area population estimates workbook), postcodes (NSPL / ONSPD CSV), eyfsp (DfE EYFSP headline
measures), authorities (a CSV of authority codes), or tables (a folder of reference tables already in
ccassure's contract format, such as sample_data/reference). Exit codes: 0 imported (or identical file already
imported), 2 the file cannot be imported (the message names the file, row and column), 3 the store is busy.
"""

from __future__ import annotations

from pathlib import Path

import click

from ccassure.cli.store_cmd import STORE_OPTION, _run, _store

KIND_CHOICES = ("gias", "iod", "population", "postcodes", "eyfsp", "authorities", "tables")


@click.command("import")
@click.argument("kind", type=click.Choice(KIND_CHOICES))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--submitter", default=None, help="Who is importing (default: CCASSURE_SUBMITTER or the login name).")
@STORE_OPTION
def import_reference(kind: str, file: Path, submitter: str | None, store_path: Path | None) -> None:
    """Import a reference data file (it replaces the previous import of the same data, which stays in history)."""
    from ccassure.store import DuplicateSubmission

    store = _store(store_path)

    def action():
        try:
            if kind == "tables":
                return sum(store.import_reference_tables(file, submitter=submitter).values())
            return store.import_reference(kind, file, submitter=submitter)
        except DuplicateSubmission as exc:
            click.echo(f"ccassure: {exc}")
            return None

    rows = _run(action)
    if rows is not None:
        click.echo(f"Imported {rows:,} rows of {kind} from {file} into {store.path}.")
