"""Plan and run a render: which documents, for whom, into which files; one warm kernel for them all.

Execution is sequential on the kernel; pandoc and typst for document *n* run in a thread pool while the
kernel executes document *n+1*, which keeps both cores busy. A failing document is recorded and the run
goes on: the summary says what rendered and what failed.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccassure.render.convert import ConversionError, markdown_source, parse, to_html, to_pdf
from ccassure.render.documents import documents
from ccassure.render.kernel import DocumentError, WarmKernel
from ccassure.render.look import Look
from ccassure.render.markdown import notebook_to_markdown
from ccassure.render.qmd import QmdDocument, QmdError, inject_parameters, read_qmd

FORMATS = ("html", "pdf")


@dataclass
class Job:
    kind: str
    key: str
    qmd: Path
    stem: str
    params: dict[str, Any]
    title: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.key}".strip()


@dataclass
class JobResult:
    job: Job
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    detail: str = ""
    seconds: float = 0.0
    convert_seconds: float = 0.0  # pandoc + typst alone (the floor benchmarks/render_bench.py reports)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class RenderSummary:
    results: list[JobResult]
    seconds: float
    output_dir: Path

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


def _truthy(value: Any, default: bool) -> bool:
    return default if value is None else value is True or str(value).lower() in ("true", "yes", "1")


def _in_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
    """``function(*args, **kwargs)`` in a thread of its own; its result (or exception) from the future."""
    import threading

    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(function(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the result
            future.set_exception(exc)

    threading.Thread(target=run, name="ccassure-html", daemon=True).start()
    return future


def read_quarto_defaults(project_root: Path) -> dict[str, Any]:
    """``execute:`` options from ``_quarto.yml`` (echo, warning, ...), as Quarto applies them."""
    path = project_root / "_quarto.yml"
    if not path.is_file():
        return {}
    from ccassure.yamlload import load_yaml, to_plain

    data = to_plain(load_yaml(path)) or {}
    return dict(data.get("execute") or {})


def plan(results: Any, reports_dir: Path, results_dir: Path, authority: str = "all",
         kinds: tuple[str, ...] | None = None, rules_dir: Path | None = None, min_count: int = 5,
         synthetic: bool | None = None, formats: tuple[str, ...] = FORMATS) -> list[Job]:
    """The documents to render for ``authority`` ("all" or one code) from a loaded ``Results``: every
    document of ``reports_dir`` that declares itself in its front matter (``render.documents``), or those
    named in ``kinds``, once or once per subject as each says."""
    if synthetic is None:
        synthetic = results.synthetic
    declared = documents(reports_dir)
    kinds = tuple(declared) if kinds is None else tuple(kinds)
    unknown_kinds = [k for k in kinds if k not in declared]
    if unknown_kinds:
        raise ValueError(f"No document {', '.join(unknown_kinds)} in {reports_dir}; known: {', '.join(declared) or 'none'}")
    one = authority not in (None, "", "all")
    if one and authority not in results.authorities():
        raise ValueError(f"No results for authority {authority}; known: {', '.join(results.authorities()) or 'none'}")
    offered = {"results_dir": str(results_dir), "min_count": int(min_count),
               "synthetic": True if synthetic is None else bool(synthetic), "formats": ",".join(formats),
               "kinds": ",".join(kinds), "rules_dir": str(rules_dir) if rules_dir else "../rules",
               **({"authority": authority} if one else {})}
    jobs: list[Job] = []
    for kind in (k for k in declared if k in kinds):
        document = declared[kind]
        for subject in document.mode.subjects(results, authority if one else None):
            values = dict(offered)
            if document.mode.parameter:
                values[document.mode.parameter] = subject.value
            params = {k: v for k, v in values.items() if k in document.parameters}
            jobs.append(Job(kind, subject.key, document.path, document.stem(subject), params,
                            document.title_for(subject)))
    return jobs


class Renderer:
    def __init__(self, output_dir: Path, formats: tuple[str, ...] = FORMATS, css: Path | None = None,
                 execute_defaults: dict[str, Any] | None = None, timeout: int = 300, workers: int = 2,
                 kernel: WarmKernel | None = None, keep_markdown: bool = False, look: Look | None = None,
                 parse_once: bool = True):
        bad = [f for f in formats if f not in FORMATS]
        if bad:
            raise ValueError(f"Unknown output format {', '.join(bad)}: choose from {', '.join(FORMATS)}")
        self.output_dir = output_dir
        self.formats = formats
        self.look = look or Look(css=css, execute=dict(execute_defaults or {}))
        self.execute_defaults = {**self.look.execute, **(execute_defaults or {})}
        self.kernel = kernel or WarmKernel(timeout=timeout)
        self.workers = workers
        self.keep_markdown = keep_markdown
        self.parse_once = parse_once  # False for one document: each writer reads the Markdown (convert.Source)
        self._parsed: dict[Path, QmdDocument] = {}

    def _document(self, path: Path) -> QmdDocument:
        key = path.resolve()
        if key not in self._parsed:
            self._parsed[key] = read_qmd(key)
        return self._parsed[key]

    def _convert(self, job: Job, markdown: str, front: dict[str, Any], workdir: Path) -> tuple[list[Path], float]:
        outputs = []
        t0 = time.perf_counter()
        html = pdf = None
        try:
            read = parse if self.parse_once else markdown_source
            source = read(markdown, workdir, front, self.look)
            # the HTML writer runs beside pandoc's typst writer and typst (both cores for one document)
            if "html" in self.formats:
                html = _in_thread(to_html, source, workdir, self.output_dir / f"{job.stem}.html", self.look,
                                  toc=_truthy(front.get("toc"), True))
            if "pdf" in self.formats:
                pdf = to_pdf(source, workdir, self.output_dir / f"{job.stem}.pdf", self.look,
                             lang=str(front.get("lang", "en-GB")))
            if html is not None:
                outputs.append(html.result())
            if pdf is not None:
                outputs.append(pdf)
            if self.keep_markdown:
                (self.output_dir / f"{job.stem}.md").write_text(markdown, encoding="utf-8")
        finally:
            if html is not None:
                html.exception()  # wait for the HTML writer before its folder goes
            shutil.rmtree(workdir, ignore_errors=True)
        return outputs, time.perf_counter() - t0

    def run(self, jobs: list[Job], on_done: Callable[[JobResult], None] | None = None) -> RenderSummary:
        started = time.perf_counter()
        self.output_dir.mkdir(parents=True, exist_ok=True)
        results: list[JobResult] = []
        pending: list[tuple[JobResult, float, Future]] = []
        scratch = Path(tempfile.mkdtemp(prefix="ccassure-render-"))

        def finish(result: JobResult, t0: float, future: Future | None) -> None:
            if future is not None:
                try:
                    result.outputs, result.convert_seconds = future.result()
                except (ConversionError, OSError) as exc:
                    result.error = str(exc)
                except Exception as exc:  # noqa: BLE001 - any converter failure is this document's failure
                    result.error = f"{type(exc).__name__}: {exc}"
            result.seconds = time.perf_counter() - t0
            results.append(result)
            if on_done:
                on_done(result)

        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                for n, job in enumerate(jobs):
                    t0 = time.perf_counter()
                    result = JobResult(job)
                    try:
                        doc = self._document(job.qmd)
                        nb = inject_parameters(copy.deepcopy(doc.notebook), job.params)
                        nb = self.kernel.execute(nb, cwd=job.qmd.parent)
                        # the title is the document's own (a .ccassure-title block), as under quarto render
                        front = dict(doc.front_matter)
                        defaults = {**self.execute_defaults, **(front.get("execute") or {})}
                        workdir = scratch / f"{n:05d}-{job.stem}"
                        markdown = notebook_to_markdown(nb, workdir, defaults, stem=job.stem)
                        future = pool.submit(self._convert, job, markdown, front, workdir)
                        pending.append((result, t0, future))
                    except FileNotFoundError as exc:
                        result.error = f"Document not found: {exc.filename or exc}"
                        finish(result, t0, None)
                    except (QmdError, DocumentError) as exc:
                        result.error = getattr(exc, "message", str(exc))
                        result.detail = getattr(exc, "detail", "")
                        finish(result, t0, None)
                    # collect finished conversions in order, without blocking the kernel
                    while pending and pending[0][2].done():
                        finish(*pending.pop(0))
                while pending:
                    finish(*pending.pop(0))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        order = {id(j): i for i, j in enumerate(jobs)}
        results.sort(key=lambda r: order.get(id(r.job), 0))
        return RenderSummary(results, time.perf_counter() - started, self.output_dir)

    def close(self) -> None:
        self.kernel.shutdown()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
