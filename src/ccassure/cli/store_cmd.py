"""``ccassure submit``, ``ccassure history`` and ``ccassure export``: the returns store from the command line.

Exit codes: 0 done; 1 the return has errors (or warnings not accepted) and was not stored; 2 bad input
(unreadable file, bad provider or period, same file already submitted, store from a newer ccassure);
3 the store is busy (another process is writing; try again). Never a traceback for bad input.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

STORE_OPTION = click.option("--store", "store_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
                            help="Store file (default: the project's .ccassure/store.duckdb; env CCASSURE_STORE).")


def fail(message: str, code: int = 2) -> None:
    click.echo(f"ccassure: {message}", err=True)
    sys.exit(code)


def _store(store_path: Path | None):
    from ccassure.store import Store

    return Store(store_path)


def _run(action):
    """Run a store action; turn expected failures into messages and exit codes."""
    from ccassure.contracts import ContractErrors
    from ccassure.reference import ReferenceFileError
    from ccassure.store import StoreError, SubmissionRefused

    try:
        return action()
    except SubmissionRefused as exc:
        fail(str(exc) + _problem_lines(exc.result), exc.exit_code)
    except StoreError as exc:
        from ccassure.cli.faults import describe_fault

        fault = describe_fault(exc) if type(exc).__name__ == "StoreSchemaError" else None
        fail(fault or str(exc), 2 if fault else exc.exit_code)
    except ReferenceFileError as exc:
        text = str(exc)
        fail(f"cannot import {text}{'' if text.endswith(('.', '?', ')')) else '.'} Nothing already stored was changed.",
             2)
    except ContractErrors as exc:
        fail("the data contracts cannot be loaded:\n" + "\n".join(f"  {error}" for error in exc.errors))
    except Exception as exc:  # a disk or store fault the user can fix (cli/faults.py, intake lane), else a bug
        from ccassure.cli.faults import describe_fault

        if (fault := describe_fault(exc)) is not None:
            fail(fault)
        if os.environ.get("CCASSURE_DEBUG"):
            raise
        fail(f"internal error ({type(exc).__name__}: {exc}). Nothing already stored was changed. "
             "Please report this; set CCASSURE_DEBUG=1 to see the details.")


def _problem_lines(result, limit: int = 10) -> str:
    problems = list(getattr(result, "problems", []) or [])
    if not problems:
        return ""
    lines = []
    for problem in problems[:limit]:
        where = ", ".join(str(x) for x in (problem.sheet or problem.table, problem.cell or
                                           (f"row {problem.row}" if problem.row else None)) if x)
        more = f" ({problem.count} rows)" if problem.count > 1 else ""
        lines.append(f"  {problem.severity}: {where + ': ' if where else ''}{problem.message}{more}")
    if len(problems) > limit:
        lines.append(f"  … and {len(problems) - limit} more (see `ccassure validate`)")
    return "\n" + "\n".join(lines)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--provider", required=True, help="Provider reference (for authority records, the authority's ONS code).")
@click.option("--period", required=True, help="Period the return covers: 2016Q4 (calendar quarter) or 2016-17 "
                                              "(financial year).")
@click.option("--submitter", default=None, help="Who is submitting (default: CCASSURE_SUBMITTER or the login name).")
@click.option("--accept-warnings", is_flag=True, help="Store a return that has warnings (never one with errors).")
@STORE_OPTION
def submit(path: Path, provider: str, period: str, submitter: str | None, accept_warnings: bool,
           store_path: Path | None) -> None:
    """Validate a return and store it; a resubmission for the same provider and period supersedes the last."""
    store = _store(store_path)
    submission = _run(lambda: store.submit(path, provider=provider, period=period, submitter=submitter,
                                           accept_warnings=accept_warnings))
    click.echo(f"Stored {submission}.")
    click.echo(f"  file {submission.file_name}  sha256 {submission.content_sha256[:16]}…  "
               f"submitted {submission.submitted_at:%Y-%m-%d %H:%M:%S} UTC by {submission.submitter or 'unknown'}")
    warnings = ((submission.validation or {}).get("counts") or {}).get("warnings")
    if warnings:
        click.echo(f"  {warnings} warning(s) accepted (see `ccassure validate {path}`)")
    for table, rows in submission.row_counts.items():
        click.echo(f"  {table:<20} {rows:>10,} rows")
    click.echo(f"Store: {store.path}")


@click.command()
@click.option("--provider", default=None, help="Only this provider.")
@click.option("--period", default=None, help="Only this period.")
@click.option("--dataset", type=click.Choice(("provider_return", "authority_records", "reference")), default=None)
@click.option("--format", "fmt", type=click.Choice(("text", "csv", "json")), default="text", show_default=True)
@STORE_OPTION
def history(provider: str | None, period: str | None, dataset: str | None, fmt: str, store_path: Path | None) -> None:
    """List submissions and reference imports, oldest first, with their status (active or superseded)."""
    store = _store(store_path)
    frame = _run(lambda: store.history(provider=provider, period=period, dataset=dataset))
    if fmt == "csv":
        out = frame.copy()
        out["row_counts"] = out["row_counts"].map(json.dumps)
        click.echo(out.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        click.echo(frame.to_json(orient="records", date_format="iso", indent=2))
        return
    if frame.empty:
        click.echo(f"No submissions in {store.path}.")
        return
    lines = [f"{'submission':<24} {'dataset':<17} {'provider':<12} {'period':<22} {'submitted (UTC)':<19} "
             f"{'by':<10} {'rows':>9}  status"]
    for row in frame.itertuples(index=False):
        status = row.status if row.status == "active" else f"superseded by {row.superseded_by}"
        lines.append(f"{row.submission_id:<24} {row.dataset:<17} {row.provider:<12} {row.period:<22} "
                     f"{row.submitted_at:%Y-%m-%d %H:%M:%S} {str(row.submitter or ''):<10.10} {row.rows:>9,}  "
                     f"{status}")
    click.echo("\n".join(lines))


@click.command()
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write <table>.parquet files, submissions.parquet and manifest.json into.")
@click.option("--period", default=None, help="Only rows for this period (2016Q4 or 2016-17).")
@click.option("--authority", default=None, help="Only rows for this authority (ONS code, e.g. E10000016).")
@click.option("--as-at", "as_at", default=None, help="Read the store as it stood at this date (yyyy-mm-dd, UTC).")
@click.option("--table", "tables", multiple=True, help="Only these tables (repeatable).")
@click.option("--format", "fmt", type=click.Choice(("parquet", "csv")), default="parquet", show_default=True,
              help="parquet for other tools; csv for spreadsheets (formula-like text escaped).")
@STORE_OPTION
def export(output: Path, period: str | None, authority: str | None, as_at: str | None, tables: tuple[str, ...],
           fmt: str, store_path: Path | None) -> None:
    """Write the current (or as-at) rows of each table to Parquet or CSV for other tools."""
    store = _store(store_path)
    written = _run(lambda: store.export(output, period, authority=authority, as_at=as_at, tables=tables or None,
                                        format=fmt))
    click.echo(f"Wrote {len(written) - 2} table(s), submissions.{fmt} and manifest.json to {output}")
