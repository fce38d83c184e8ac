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


class DocumentsOption(click.Option):
    """``--only``: its help lists the project's documents, read from their front matter when help is shown
    (so that ``ccassure --help`` reads no .qmd file and imports no renderer)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from ccassure.render.documents import DocumentError, kinds_help, project_documents

        try:
            self.help = kinds_help(project_documents()) + " Default: all of them."
        except (DocumentError, OSError) as exc:
            self.help = f"Which documents (the project's reports/*.qmd cannot be listed: {exc})."
        return super().get_help_record(ctx)


def _likely_one_document(only: str | None, authority: str) -> bool:
    """Whether the options ask for one document (one kind, one authority): then no kernel is launched
    ahead of planning. The plan decides for certain (one job runs in this process)."""
    kinds = [k for k in (only or "").split(",") if k.strip()]
    return len(kinds) == 1 and authority not in ("", "all")


def _progress_enabled() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


@click.command()
@click.option("--results", "results_dir", type=click.Path(path_type=Path), default=None,
              help="Results directory written by `ccassure check --output` (default: <output>/results).")
@click.option("--authority", default="all", show_default=True, help="Authority code, or 'all'.")
@click.option("--to", "formats", default="html,pdf", show_default=True, help="Output formats: html, pdf.")
@click.option("--output-dir", type=click.Path(path_type=Path), default=None,
              help="Where the reports go (default: <output>/reports).")
@click.option("--only", cls=DocumentsOption, default=None, metavar="DOC,DOC",
              help="Which documents (see `ccassure render --help`).")
@click.option("--min-count", type=int, default=5, show_default=True,
              help="Counts of people below this are shown as '<N' (0 switches suppression off).")
@click.option("--synthetic/--real", default=None,
              help="Label every page as synthetic data (default: manifest.json in the results, else `synthetic:` "
                   "in ccassure.yml, else whether the project is named as a demo).")
@click.option("--timeout", type=int, default=300, show_default=True, help="Seconds allowed per cell.")
@click.option("--engine", type=click.Choice(["builtin", "quarto"]), default="builtin", show_default=True,
              help="builtin: one warm kernel, pandoc and typst (fast). quarto: one `quarto render` per document "
                   "over the same plan, same file names (needs Quarto: --quarto, CCASSURE_QUARTO or PATH).")
@click.option("--quarto", "quarto_path", default=None, help="The Quarto launcher for --engine quarto.")
@click.option("--dry-run", is_flag=True,
              help="With --engine quarto: print the `quarto render` commands (one per document) instead of running.")
@click.option("--reports-dir", type=click.Path(path_type=Path), default=None, hidden=True)
def render(results_dir: Path | None, authority: str, formats: str, output_dir: Path | None, only: str | None,
           min_count: int, synthetic: bool | None, timeout: int, engine: str, quarto_path: str | None,
           dry_run: bool, reports_dir: Path | None) -> None:
    """Render the reports: executes the .qmd documents on one warm kernel, then writes self-contained
    HTML (pandoc) and PDF (typst); or, with --engine quarto, runs the real `quarto render` for each
    document. One broken document does not stop the others; the exit code is 0 only if everything
    rendered."""
    if dry_run and engine != "quarto":
        raise click.UsageError("--dry-run prints quarto commands: use it with --engine quarto")
    # The kernel is launched before anything heavy is imported here (pandas, the reports, the renderer):
    # its own start-up and imports then run on the other core while this process loads results and plans.
    # A render of one document (one kind, one authority) runs in this process instead (see
    # render/inprocess.py), so no kernel is started for it.
    from ccassure.render.kernel import WarmKernel

    kernel = WarmKernel(timeout=timeout)
    if engine == "builtin" and not _likely_one_document(only, authority):
        kernel.start_in_background()
    from rich.console import Console

    from ccassure.project import current_project
    from ccassure.render.documents import DocumentError, documents
    from ccassure.render.runner import FORMATS, Renderer, plan
    from ccassure.reports import load_results

    console = Console(stderr=True)
    project = current_project()

    wanted_formats = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    bad = [f for f in wanted_formats if f not in FORMATS] or ([] if wanted_formats else ["(none)"])
    if bad:
        kernel.shutdown()
        raise click.UsageError(f"Unknown output format {', '.join(bad)}: choose from {', '.join(FORMATS)}")
    results_dir = (results_dir or project.output_dir / "results").resolve()
    if engine == "builtin" and kernel.km is not None:  # the kernel reads the results into the cache while we plan
        kernel.warm("try:\n    import ccassure.reports as __cr\n"
                    f"    __cr.load_results({str(results_dir)!r})\nexcept Exception:\n    pass\n__cr = None")
    output_dir = (output_dir or project.output_dir / "reports").resolve()
    reports_dir = (reports_dir or project.reports_dir).resolve()
    try:
        declared = documents(reports_dir)
    except DocumentError as exc:
        console.print(f"[bold red]Cannot render:[/] {exc}", highlight=False)
        kernel.shutdown()
        sys.exit(2)
    kinds = tuple(declared) if only is None else tuple(k.strip().lower() for k in only.split(",") if k.strip())
    unknown = [k for k in kinds if k not in declared]
    if unknown or not kinds:
        kernel.shutdown()
        raise click.UsageError(f"Unknown document {', '.join(unknown) or '(none)'}: choose from "
                               f"{', '.join(declared) or 'none (no reports/*.qmd declares itself)'}")
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

    if engine == "quarto":
        _render_with_quarto(jobs, project.root, output_dir, wanted_formats, quarto_path, dry_run, timeout, console)
    from ccassure.render.look import read_look

    if len(jobs) == 1:
        from ccassure.render.inprocess import InProcessExecutor

        kernel.shutdown()
        kernel = InProcessExecutor(timeout=timeout)
    renderer = Renderer(output_dir, formats=wanted_formats, look=read_look(project.root), kernel=kernel,
                        parse_once=len(jobs) > 1)
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


def _render_with_quarto(jobs, project_root: Path, output_dir: Path, formats: tuple[str, ...], quarto_path: str | None,
                        dry_run: bool, timeout: int, console) -> None:
    """--engine quarto: the same plan, one real `quarto render` per document (exits)."""
    from ccassure.render.quarto import find_quarto, run_quarto, shell_script

    if dry_run:
        click.echo(shell_script(jobs, project_root, formats), nl=False)
        sys.exit(0)
    quarto = find_quarto(project_root, quarto_path)
    if quarto is None:
        console.print("[bold red]Cannot render with Quarto:[/] no Quarto found. Install Quarto "
                      "(https://quarto.org), then put `quarto` on PATH, set CCASSURE_QUARTO to its launcher, or pass "
                      "--quarto PATH. The built-in engine (the default) needs none.")
        sys.exit(2)
    console.print(f"Rendering {len(jobs)} document(s) with {quarto} to {output_dir} ({', '.join(formats)}).")
    summary = run_quarto(jobs, project_root, output_dir, formats, quarto, timeout=timeout, on_done=lambda r: console.print(
        f"  {'✔ rendered' if r.ok else '✖ FAILED  '} {r.job.label} ({r.seconds:.1f} s)", highlight=False))
    done = [r for r in summary.results if r.ok]
    console.print(f"\n[bold]{len(done)} of {len(summary.results)} document(s) rendered with Quarto[/] in "
                  f"{summary.seconds:.1f} s; output in {output_dir}", highlight=False)
    for failed in summary.failed:
        console.print(f"[bold red]✖ {failed.job.label}[/] ({failed.job.qmd.name}): {failed.error}", highlight=False)
    sys.exit(0 if summary.ok else 1)
