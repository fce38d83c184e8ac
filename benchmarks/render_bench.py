"""Benchmark for `ccassure render` (issue 6 targets: one authority's report, HTML+PDF, in under 5 s
including start-up; 150 authorities in under 5 minutes on 2 cores).

Measures, on a synthetic results directory (tests/render/synthetic_results.py):
  1. cold: `ccassure render --only authority --authority X` as a new process (start-up, kernel, imports);
  2. warm: N authority reports on one warm kernel, per document;
  3. baselines in the same run: pandoc + typst alone on the same Markdown, and a new kernel per document;
  4. 150 authorities: measured with --full, otherwise extrapolated from (1) and (2) and labelled so.

    .venv/bin/python benchmarks/render_bench.py [--authorities 20] [--runs 3] [--full]
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "render"))

from synthetic_results import make_results  # noqa: E402

from ccassure.render.convert import to_html, to_pdf  # noqa: E402
from ccassure.render.kernel import WarmKernel  # noqa: E402
from ccassure.render.markdown import notebook_to_markdown  # noqa: E402
from ccassure.render.qmd import inject_parameters, read_qmd  # noqa: E402
from ccassure.render.runner import Renderer, plan, read_quarto_defaults  # noqa: E402
from ccassure.reports import load_results  # noqa: E402

CSS = REPO / "reports" / "assets" / "ccassure.css"


def cold_once(results: Path, out: Path, code: str) -> float:
    env = {**os.environ, "CI": "true", "CCASSURE_PROJECT": str(REPO)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--output-dir",
                           str(out), "--only", "authority", "--authority", code, "--to", "html,pdf"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"render failed:\n{proc.stderr}")
    return elapsed


def warm_run(results_dir: Path, out: Path, n: int, kernel: WarmKernel) -> tuple[float, int]:
    results = load_results(results_dir)
    jobs = plan(results, REPO / "reports", results_dir, kinds=("authority",))[:n]
    renderer = Renderer(out, formats=("html", "pdf"), css=CSS, execute_defaults=read_quarto_defaults(REPO),
                        kernel=kernel)
    t0 = time.perf_counter()
    summary = renderer.run(jobs)
    elapsed = time.perf_counter() - t0
    if not summary.ok:
        raise SystemExit(f"render failed: {[r.error for r in summary.failed]}")
    return elapsed, len(jobs)


def baselines(results_dir: Path, work: Path, docs: int) -> tuple[float, float, float]:
    """(pandoc+typst alone per doc, kernel execution alone per doc on the warm kernel, new kernel per doc)."""
    results = load_results(results_dir)
    job = plan(results, REPO / "reports", results_dir, kinds=("authority",))[0]
    doc = read_qmd(job.qmd)
    kernel = WarmKernel()
    kernel.start()
    nb = inject_parameters(copy.deepcopy(doc.notebook), job.params)
    kernel.execute(nb, job.qmd.parent)  # warm up imports
    execs = []
    for _ in range(docs):
        nb = inject_parameters(copy.deepcopy(doc.notebook), job.params)
        t0 = time.perf_counter()
        kernel.execute(nb, job.qmd.parent)
        execs.append(time.perf_counter() - t0)
    kernel.shutdown()
    md_dir = work / "md"
    markdown = notebook_to_markdown(nb, md_dir, read_quarto_defaults(REPO), stem="bench")
    convs = []
    for _ in range(docs):
        t0 = time.perf_counter()
        to_html(markdown, md_dir, work / "b.html", CSS, doc.front_matter, True)
        to_pdf(markdown, md_dir, work / "b.pdf", doc.front_matter, True)
        convs.append(time.perf_counter() - t0)
    fresh = []
    for _ in range(max(2, docs // 2)):
        t0 = time.perf_counter()
        k = WarmKernel()
        nb = inject_parameters(copy.deepcopy(doc.notebook), job.params)
        k.execute(nb, job.qmd.parent)
        k.shutdown()
        fresh.append(time.perf_counter() - t0)
    return statistics.median(convs), statistics.median(execs), statistics.median(fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authorities", type=int, default=20, help="authorities rendered on the warm kernel")
    parser.add_argument("--centres", type=int, default=15, help="centres per authority in the synthetic results")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument("--full", action="store_true", help="measure 150 authorities instead of extrapolating")
    args = parser.parse_args()
    n = 150 if args.full else args.authorities
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f} (other work on the machine "
          "slows every figure below)")
    with tempfile.TemporaryDirectory(prefix="ccassure-render-bench-") as tmp:
        tmp = Path(tmp)
        results_dir = make_results(tmp / "results", authorities=n, centres_per_authority=args.centres)
        code = load_results(results_dir).authorities()[0]

        colds = [cold_once(results_dir, tmp / "cold", code) for _ in range(args.runs)]
        cold = statistics.median(colds)
        print(f"cold  one authority, HTML+PDF, new process incl. start-up: median {cold:.2f} s "
              f"(runs: {', '.join(f'{c:.2f}' for c in colds)}); target < 5 s")

        kernel = WarmKernel()
        kernel.start()
        warm_run(results_dir, tmp / "warmup", 1, kernel)  # imports and caches, as in a real run
        totals = []
        for _ in range(args.runs if not args.full else 1):
            total, count = warm_run(results_dir, tmp / "warm", n, kernel)
            totals.append(total / count)
        kernel.shutdown()
        per_doc = statistics.median(totals)
        print(f"warm  {n} authorities on one kernel, HTML+PDF: median {per_doc:.3f} s per authority "
              f"(runs: {', '.join(f'{t:.3f}' for t in totals)})")

        conv, execute, fresh = baselines(results_dir, tmp, docs=max(3, args.runs))
        print(f"baseline  pandoc+typst alone on the same Markdown: {conv:.3f} s per document")
        print(f"baseline  kernel execution alone (warm kernel): {execute:.3f} s per document")
        print(f"baseline  new kernel per document (execution only): {fresh:.3f} s per document")
        print(f"ratios    warm render / (pandoc+typst alone) = {per_doc / conv:.1f}x; "
              f"new kernel per doc / warm execution = {fresh / execute:.1f}x; "
              f"pipelining saves {max(0.0, (execute + conv) - per_doc):.3f} s per document")

        if args.full:
            print(f"150 authorities: MEASURED {per_doc * 150:.0f} s on the warm kernel (+ start-up {cold:.1f} s); "
                  "target < 300 s")
        else:
            estimate = cold + per_doc * 150
            print(f"150 authorities: EXTRAPOLATED {estimate:.0f} s = start-up {cold:.1f} s + 150 x {per_doc:.3f} s "
                  f"(from {n} measured; run with --full to measure); target < 300 s")


if __name__ == "__main__":
    main()
