"""``ccassure validate PATH``: check a return against the data contracts and list every problem.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 the input (or the contract folder) cannot be
read. Bad input never produces a traceback. This module is on the fast path: it imports neither Great
Expectations (unless --engine gx), nor IPython, nor the renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ccassure.validation.outputs import OUTPUTS, format_for, format_help

DATASETS = ("provider_return", "authority_records", "reference")


def fail(message: str, code: int = 2) -> None:
    click.echo(f"ccassure: {message}", err=True)
    sys.exit(code)


def _echo_to_pipe(text: str) -> None:
    """Print, and stay quiet if the reader of a pipe (``| head``) has gone away."""
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail either


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=True, file_okay=True))
@click.option("--format", "fmt", type=click.Choice(tuple(OUTPUTS)), default=None,
              help=format_help())
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report here (default: standard output for "
                   f"{', '.join(n for n, f in OUTPUTS.items() if f.to_stdout)}, PATH-problems.<format> in the "
                   f"current folder for {', '.join(n for n, f in OUTPUTS.items() if not f.to_stdout)}).")
@click.option("--dataset", type=click.Choice(DATASETS), default=None,
              help="Which set of tables PATH holds (default: guessed from its sheet names).")
@click.option("--engine", type=click.Choice(("pandera", "gx")), default="pandera", show_default=True,
              help="Validation engine; gx runs the Great Expectations suites compiled from the same contracts.")
@click.option("--contracts", "contracts_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of data contracts (default: the project's data_contracts/).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many problems the text format shows.")
@click.option("--against", "against_paths", multiple=True, type=click.Path(path_type=Path),
              help="Another return that PATH refers to (repeatable), e.g. the provider returns whose centres "
                   "authority records name: a reference matching none of its rows is an error.")
def validate(path: Path, fmt: str | None, output: Path | None, dataset: str | None, engine: str,
             contracts_dir: Path | None, limit: int, against_paths: tuple[Path, ...]) -> None:
    """Validate a return (xlsx workbook, folder of CSV or Parquet files, or one file) before submitting it.

    \b
    Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 the file cannot be read.
    Example: ccassure validate my_return.xlsx --output problems.xlsx
    """
    from ccassure.contracts import ContractErrors, load_contracts

    fmt = fmt or format_for(output)
    try:
        contracts = load_contracts(contracts_dir)
    except ContractErrors as exc:
        fail("the data contracts cannot be loaded:\n" + "\n".join(f"  {error}" for error in exc.errors))
        return
    from ccassure.validation import validate as run_validation
    from ccassure.validation.outputs import render_text, terminal_safe, write_result

    try:
        against = _against(against_paths, contracts) if against_paths else None
        result = run_validation(path, contracts=contracts, dataset=dataset, engine=engine, against=against)
    except Exception as exc:  # a bug, not bad input: say so plainly; CCASSURE_DEBUG=1 shows the traceback
        if os.environ.get("CCASSURE_DEBUG"):
            raise
        fail(f"could not validate {path}: internal error ({type(exc).__name__}: {exc}). "
             "Please report this; set CCASSURE_DEBUG=1 to see the details.")
        return

    if result.unreadable:
        for problem in result.errors:  # every file that cannot be read is named, not only the first
            click.echo(terminal_safe(f"ccassure: cannot read {path}: {problem.message} {problem.fix}"), err=True)
        if output is None and fmt != "json":  # json still goes to a script reading standard output
            sys.exit(2)

    if output is None and not OUTPUTS[fmt].to_stdout:
        output = Path.cwd() / f"{path.stem or 'return'}-problems{OUTPUTS[fmt].suffix}"
    try:
        text = write_result(result, fmt, output, limit=limit)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
        return
    if text is not None:
        _echo_to_pipe(text)
    elif OUTPUTS[fmt].to_stdout:
        click.echo(f"{result.summary()}\nReport written to {output}")
    else:
        click.echo(render_text(result, limit=min(limit, 5)).rstrip("\n"))
        click.echo(f"Full list of {len(result.problems)} problem(s) written to {output}")
    sys.exit(result.exit_code)


def _against(paths: tuple[Path, ...], contracts):
    """The tables of the --against returns (read and typed as validate reads any return), or exit 2 naming
    the one that cannot be read."""
    import pandas as pd

    from ccassure.validation import validate as run_validation
    from ccassure.validation.across_datasets import Known
    from ccassure.validation.outputs import terminal_safe

    tables: dict[str, list[pd.DataFrame]] = {}
    for other in paths:
        result = run_validation(other, contracts=contracts)
        if result.unreadable:
            first = result.errors[0].message if result.errors else "it cannot be read"
            fail(terminal_safe(f"cannot read {other} (given with --against): {first}"))
        for name, frame in result.tables.items():
            tables.setdefault(name, []).append(frame)
    where = "in " + ", ".join(p.name or str(p) for p in paths)
    return Known({name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}, where)
