"""``ccassure render``: the Quarto documents in reports/ as HTML and PDF, per authority, centre and provider."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def project_is_demo(project) -> bool:
    """Whether pages carry the synthetic-data notice when the results do not say: ``synthetic:`` in
    ccassure.yml, else a project whose name or description says demo or synthetic."""
    setting = project.settings.get("synthetic")
    if setting is not None:
        return bool(setting)
    words = f"{project.settings.get('name', '')} {project.settings.get('description', '')}".lower()
    return "demo" in words or "synthetic" in words


def _progress_enabled() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


@click.command()
@click.option("--results", "results_dir", type=click.Path(path_type=Path), default=None,
              help="Results directory written by `ccassure check --output` (default: <output>/results).")
@click.option("--authority", default="all", show_default=True, help="Authority code, or 'all'.")
@click.option("--to", "formats", default="html,pdf", show_default=True, help="Output formats: html, pdf.")
@click.option("--output-dir", type=click.Path(path_type=Path), default=None,
              help="Where the reports go (default: <output>/reports).")
@click.option("--only", default="index,authority,centre,validation,rules", show_default=True,
              help="Which documents: index, authority, centre, validation, rules.")
@click.option("--min-count", type=int, default=5, show_default=True,
              help="Counts of people below this are shown as '<N' (0 switches suppression off).")
@click.option("--synthetic/--real", default=None,
              help="Label every page as synthetic data (default: manifest.json in the results, else `synthetic:` "
                   "in ccassure.yml, else whether the project is named as a demo).")
@click.option("--timeout", type=int, default=300, show_default=True, help="Seconds allowed per cell.")
@click.option("--reports-dir", type=click.Path(path_type=Path), default=None, hidden=True)
def render(results_dir: Path | None, authority: str, formats: str, output_dir: Path | None, only: str,
           min_count: int, synthetic: bool | None, timeout: int, reports_dir: Path | None) -> None:
    """Render the reports: executes the .qmd documents on one warm kernel, then writes self-contained
    HTML (pandoc) and PDF (typst). One broken document does not stop the others; the exit code is 0
    only if everything rendered."""
    from rich.console import Console

    from ccassure.project import current_project
    from ccassure.render.runner import KINDS, Renderer, plan
    from ccassure.reports import load_results

    console = Console(stderr=True)
    project = current_project()
    from ccassure.render.kernel import WarmKernel
    from ccassure.render.runner import FORMATS

    wanted_formats = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    bad = [f for f in wanted_formats if f not in FORMATS] or ([] if wanted_formats else ["(none)"])
    if bad:
        raise click.UsageError(f"Unknown output format {', '.join(bad)}: choose from {', '.join(FORMATS)}")

    kernel = WarmKernel(timeout=timeout)
    kernel.start_in_background()  # imports pandas & co. in the kernel while we load results here
    results_dir = (results_dir or project.output_dir / "results").resolve()
    output_dir = (output_dir or project.output_dir / "reports").resolve()
    reports_dir = (reports_dir or project.reports_dir).resolve()
    kinds = tuple(k.strip().lower() for k in only.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise click.UsageError(f"Unknown document kind {', '.join(unknown)}: choose from {', '.join(KINDS)}")
    try:
        results = load_results(results_dir)
        if synthetic is None and results.synthetic is None:
            synthetic = project_is_demo(project)
        jobs = plan(results, reports_dir, results_dir, authority=authority, kinds=kinds,
                    rules_dir=project.rules_dir, min_count=min_count, synthetic=synthetic,
                    formats=wanted_formats)
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[bold red]Cannot render:[/] {exc}")
        kernel.shutdown()
        sys.exit(2)
    if not jobs:
        console.print("Nothing to render.")
        kernel.shutdown()
        sys.exit(0)

    from ccassure.render.look import read_look

    renderer = Renderer(output_dir, formats=wanted_formats, look=read_look(project.root), kernel=kernel)
    console.print(f"Rendering {len(jobs)} document(s) from {results_dir} to {output_dir} "
                  f"({', '.join(wanted_formats)}).")
    try:
        if _progress_enabled():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console) as progress:
                task = progress.add_task("Rendering", total=len(jobs))
                summary = renderer.run(jobs, on_done=lambda r: progress.update(
                    task, advance=1, description=f"{'✔' if r.ok else '✖'} {r.job.label}"))
        else:
            summary = renderer.run(jobs, on_done=lambda r: console.print(
                f"  {'✔ rendered' if r.ok else '✖ FAILED  '} {r.job.label} ({r.seconds:.1f} s)", highlight=False))
    finally:
        renderer.close()

    done = [r for r in summary.results if r.ok]
    files = sum(len(r.outputs) for r in done)
    console.print(f"\n[bold]{len(done)} of {len(summary.results)} document(s) rendered[/] ({files} file(s)) in "
                  f"{summary.seconds:.1f} s; output in {output_dir}", highlight=False)
    for failed in summary.failed:
        console.print(f"[bold red]✖ {failed.job.label}[/] ({failed.job.qmd.name}): {failed.error}", highlight=False)
    sys.exit(0 if summary.ok else 1)
