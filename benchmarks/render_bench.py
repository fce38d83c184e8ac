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


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def cpu_now(kernel: WarmKernel | None = None) -> float:
    """CPU seconds of this process, its waited-for children (pandoc) and the live kernel."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    if kernel is not None and kernel.km is not None:
        provisioner = getattr(kernel.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None:
            total += _proc_cpu(process.pid)
    return total


def cold_once(results: Path, out: Path, code: str) -> tuple[float, float]:
    env = {**os.environ, "CI": "true", "CCASSURE_PROJECT": str(REPO)}
    c0 = cpu_now()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--output-dir",
                           str(out), "--only", "authority", "--authority", code, "--to", "html,pdf"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"render failed:\n{proc.stderr}")
    return elapsed, cpu_now() - c0


def warm_run(results_dir: Path, out: Path, n: int, kernel: WarmKernel) -> tuple[float, int, float]:
    results = load_results(results_dir)
    jobs = plan(results, REPO / "reports", results_dir, kinds=("authority",))[:n]
    renderer = Renderer(out, formats=("html", "pdf"), css=CSS, execute_defaults=read_quarto_defaults(REPO),
                        kernel=kernel)
    c0 = cpu_now(kernel)
    t0 = time.perf_counter()
    summary = renderer.run(jobs)
    elapsed = time.perf_counter() - t0
    cpu = cpu_now(kernel) - c0
    if not summary.ok:
        raise SystemExit(f"render failed: {[r.error for r in summary.failed]}")
    return elapsed, len(jobs), cpu


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

        measured = [cold_once(results_dir, tmp / "cold", code) for _ in range(args.runs)]
        colds = [m[0] for m in measured]
        cold, cold_cpu = statistics.median(colds), statistics.median(m[1] for m in measured)
        print(f"cold  one authority, HTML+PDF, new process incl. start-up: median {cold:.2f} s wall, "
              f"{cold_cpu:.2f} CPU-s (runs: {', '.join(f'{c:.2f}' for c in colds)}); target < 5 s")

        kernel = WarmKernel()
        kernel.start()
        warm_run(results_dir, tmp / "warmup", 1, kernel)  # imports and caches, as in a real run
        totals, cpus = [], []
        for _ in range(args.runs if not args.full else 1):
            total, count, cpu = warm_run(results_dir, tmp / "warm", n, kernel)
            totals.append(total / count)
            cpus.append(cpu / count)
        kernel.shutdown()
        per_doc, per_cpu = statistics.median(totals), statistics.median(cpus)
        print(f"warm  {n} authorities on one kernel, HTML+PDF: median {per_doc:.3f} s wall, {per_cpu:.3f} CPU-s "
              f"per authority (runs: {', '.join(f'{t:.3f}' for t in totals)})")

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
        print(f"CPU work for 150 authorities: {cold_cpu + 150 * per_cpu:.0f} CPU-s, i.e. at least "
              f"{(cold_cpu + 150 * per_cpu) / 2:.0f} s wall on 2 idle cores (kernel and converters overlap) and at "
              f"most {cold_cpu + 150 * per_cpu:.0f} s with no overlap; wall figures above include other load "
              f"(load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
