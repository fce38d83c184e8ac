"""``ccassure import KIND FILE``: load a published reference file into the store.

The kinds, and the file each reads, are listed once in ``ccassure.reference.registry``; this command's
choices and help come from there. Exit codes: 0 imported (or identical file already imported), 2 the file
cannot be imported (the message names the file, row and column), 3 the store is busy.
"""

from __future__ import annotations

from pathlib import Path

import click

from ccassure.cli.store_cmd import STORE_OPTION, _run, _store
from ccassure.reference.registry import IMPORTERS, kinds_help


@click.command("import", help="Import a reference data file (it replaces the previous import of the same data, "
                              "which stays in history).\n\n\b\nKIND is one of:\n"
                              + "\n".join(f"  {line}" for line in kinds_help()))
@click.argument("kind", type=click.Choice(tuple(IMPORTERS)))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--submitter", default=None, help="Who is importing (default: CCASSURE_SUBMITTER or the login name).")
@STORE_OPTION
def import_reference(kind: str, file: Path, submitter: str | None, store_path: Path | None) -> None:
    from ccassure.store import DuplicateSubmission

    store = _store(store_path)

    def action():
        try:
            if IMPORTERS[kind].reader is None:  # a folder of tables in contract format
                return sum(store.import_reference_tables(file, submitter=submitter).values())
            return store.import_reference(kind, file, submitter=submitter)
        except DuplicateSubmission as exc:
            click.echo(f"ccassure: {exc}")
            return None

    rows = _run(action)
    if rows is not None:
        click.echo(f"Imported {rows:,} rows of {kind} from {file} into {store.path}.")
