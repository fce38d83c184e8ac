"""The real Quarto CLI over ccassure's render plan: ``ccassure render --engine quarto``.

Quarto renders one document per command and has no loop over parameter values, so each planned document
(every authority, centre and provider) becomes one ``quarto render reports/<doc>.qmd -P ... -M
output-file:<stem>`` command, named exactly as the built-in engine names its files; HTML and PDF come from
the formats in ``_quarto.yml``. Which Quarto: ``--quarto PATH``, else ``CCASSURE_QUARTO``, else ``quarto`` on
PATH, else a copy installed in the project's ``.tools/quarto`` (``make test`` puts one there).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ccassure.render.runner import Job, JobResult, RenderSummary

QUARTO_OUTPUT_DIR = Path("_output") / "quarto"  # project.output-dir in _quarto.yml


class QuartoMissing(RuntimeError):
    pass


def find_quarto(project_root: Path, explicit: str | None = None) -> str | None:
    """The Quarto launcher to use, or None when there is none."""
    for candidate in (explicit, os.environ.get("CCASSURE_QUARTO")):
        if candidate:
            return candidate if (Path(candidate).is_file() or shutil.which(candidate)) else None
    on_path = shutil.which("quarto")
    if on_path:
        return on_path
    local = project_root / ".tools" / "quarto" / "bin" / "quarto"
    return str(local) if local.is_file() else None


def _param(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _relative(value: str, base: Path) -> str:
    """A path parameter relative to the document's folder when it lies inside the project (readable)."""
    path = Path(value)
    if not path.is_absolute():
        return value
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return value


def quarto_command(job: Job, project_root: Path, formats: tuple[str, ...], quarto: str = "quarto") -> list[str]:
    """The ``quarto render`` command for one planned document, run from the project root."""
    command = [quarto, "render", os.path.relpath(job.qmd, project_root)]
    for key, value in job.params.items():
        text = _param(value)
        if key.endswith("_dir"):
            text = _relative(text, job.qmd.parent)
        command += ["-P", f"{key}:{text}"]
    command += ["-M", f"output-file:{job.stem}"]
    if tuple(formats) == ("html",):
        command += ["--to", "html"]
    elif tuple(formats) == ("pdf",):
        command += ["--to", "typst"]
    return command


def shell_script(jobs: list[Job], project_root: Path, formats: tuple[str, ...]) -> str:
    """One shell line per document: what ``--engine quarto`` runs, to paste or pipe into ``sh``."""
    return "".join(shlex.join(quarto_command(job, project_root, formats)) + "\n" for job in jobs)


def quarto_env() -> dict[str, str]:
    """Quarto runs the documents with this Python (ccassure, Jupyter, pyyaml, papermill) unless told."""
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)
    env.pop("QUARTO_PROJECT_RENDER_ALL", None)  # set for the post-render step of a whole-project render
    return env


def run_quarto(jobs: list[Job], project_root: Path, output_dir: Path, formats: tuple[str, ...], quarto: str,
               on_done: Callable[[JobResult], None] | None = None, timeout: int = 600) -> RenderSummary:
    """Render every job with ``quarto render`` and move its files into ``output_dir``."""
    started = time.perf_counter()
    output_dir.mkdir(parents=True, exist_ok=True)
    produced = project_root / QUARTO_OUTPUT_DIR
    env = quarto_env()
    results = []
    for job in jobs:
        t0 = time.perf_counter()
        result = JobResult(job)
        folder = produced / job.qmd.parent.relative_to(project_root)
        try:
            proc = subprocess.run(quarto_command(job, project_root, formats, quarto), cwd=project_root, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc = None
            result.error = f"quarto render took longer than {timeout} s"
        if proc is not None and proc.returncode != 0:
            lines = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln] or proc.stderr.splitlines()[-3:]
            result.error = "quarto render failed: " + " ".join(ln.strip() for ln in lines)[:500]
            result.detail = proc.stderr[-4000:]
        if result.error is None:
            for fmt in formats:
                made = folder / f"{job.stem}.{fmt}"
                if made.is_file():
                    target = output_dir / made.name
                    if made.resolve() != target.resolve():
                        shutil.move(str(made), target)
                    result.outputs.append(target)
                else:
                    result.error = f"quarto render did not write {made.name}"
        result.seconds = time.perf_counter() - t0
        results.append(result)
        if on_done:
            on_done(result)
    return RenderSummary(results, time.perf_counter() - started, output_dir)
