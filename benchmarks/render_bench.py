"""Benchmark for rendering (issue 9 item 8, issue 10 item 7), every figure against a baseline timed in the same run.

  1. one authority report, HTML + PDF, as a new `ccassure render` process (start-up included; target <= 3 s),
     against the same report through a warm kernel (how one document was rendered before) in the same run;
  2. the same report with the real `quarto render` (when Quarto is found: --quarto, CCASSURE_QUARTO, PATH,
     .tools/quarto), same results, same run;
  3. the floors: a bare start (a new process starting the kernel with its preloaded imports, rendering
     nothing) and pandoc + typst alone on that report's Markdown;
  4. --results DIR (e.g. the demo's _output/results after `make report`): every planned document (index,
     authority reports, centre packs, validation reports, catalogue) on one warm kernel, against the floor of
     pandoc + typst alone for those documents on 2 cores (target for the 61 demo documents: <= 40 s);
  5. --packs N (default 300): N centre packs on the warm kernel, projected to 3,000 (target <= 0.6 s a pack).

    .venv/bin/python benchmarks/render_bench.py [--runs 3] [--quarto-runs 1] [--results _output/results] [--packs 300]
        [--largest]   # with --results: also the cold report of the authority with the most centres (the county)
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "render"))

from synthetic_results import make_results  # noqa: E402

from ccassure.render import kernel as kernel_module  # noqa: E402
from ccassure.render.convert import pandoc_path, parse, to_html, to_pdf  # noqa: E402
from ccassure.render.kernel import WarmKernel  # noqa: E402
from ccassure.render.look import read_look  # noqa: E402
from ccassure.render.markdown import notebook_to_markdown  # noqa: E402
from ccassure.render.qmd import inject_parameters, read_qmd  # noqa: E402
from ccassure.render.quarto import find_quarto, run_quarto  # noqa: E402
from ccassure.render.runner import Renderer, plan  # noqa: E402
from ccassure.reports import load_results  # noqa: E402

LOOK = read_look(REPO)
NEW_RESET = kernel_module._RESET_SOURCE
# the renderer before issue 9 item 8, for a baseline in the same run: `%reset -f`, Markdown parsed twice
OLD_RESET = "%reset -f\n" + NEW_RESET.split("del __ip, __name\n", 1)[1]


class OldRenderer(Renderer):
    """pandoc reads the Markdown twice (once per writer), as before the AST was parsed once."""

    def _convert(self, job, markdown, front, workdir):
        from ccassure.render.convert import pandoc_typst_template

        t0 = time.perf_counter()
        outputs = []
        try:
            workdir.mkdir(parents=True, exist_ok=True)
            filters = [a for lua in LOOK.lua_filters for a in ("--lua-filter", str(lua))]
            html = self.output_dir / f"{job.stem}.html"
            subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html5", "--standalone", "--embed-resources",
                            "--css", str(LOOK.css), "--toc", "-o", str(html), *filters], input=markdown.encode(),
                           cwd=workdir, check=True, capture_output=True)
            template = workdir / "_page.typst"
            template.write_text(pandoc_typst_template(LOOK), encoding="utf-8")
            source = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "typst", "--template", str(template),
                                     *filters], input=markdown.encode(), cwd=workdir, check=True,
                                    capture_output=True).stdout
            (workdir / "doc.typ").write_bytes(source)
            import typst

            pdf = self.output_dir / f"{job.stem}.pdf"
            typst.compile(str(workdir / "doc.typ"), output=str(pdf), root=str(workdir))
            outputs = [html, pdf]
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return outputs, time.perf_counter() - t0


def cpu_seconds(kernel: WarmKernel | None = None) -> float:
    """CPU seconds of this process, its finished children (pandoc) and the live kernel: unlike wall time,
    barely moved by other work on the machine."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    process = getattr(getattr(getattr(kernel, "km", None), "provisioner", None), "process", None)
    if process is not None:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def cold_builtin(results: Path, out: Path, code: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and everything it started, the kernel included)."""
    env = {**os.environ, "CI": "true", "CCASSURE_PROJECT": str(REPO)}
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--output-dir",
                           str(out), "--only", "authority", "--authority", code, "--to", "html,pdf"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"ccassure render failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0, cpu_seconds() - c0


KERNEL_PATH = """\
import sys
from pathlib import Path
from ccassure.render.kernel import WarmKernel
kernel = WarmKernel()
kernel.start_in_background()
from ccassure.reports import load_results
from ccassure.render.look import read_look
from ccassure.render.runner import Renderer, plan
results_dir, out, code, repo = (Path(a) for a in sys.argv[1:5])
jobs = plan(load_results(results_dir), repo / "reports", results_dir, authority=str(code), kinds=("authority",))
with Renderer(out, look=read_look(repo), kernel=kernel, parse_once=True) as renderer:
    assert renderer.run(jobs).ok
"""


def cold_with_kernel(results: Path, out: Path, code: str) -> float:
    """Baseline: the same report the way ``ccassure render`` ran one document before (a kernel started in
    the background while the results load, the Markdown parsed once): a new process, wall seconds."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", KERNEL_PATH, str(results), str(out), code, str(REPO)], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True, env={**os.environ, "CCASSURE_PROJECT": str(REPO)},
                   cwd=REPO)
    return time.perf_counter() - t0


def bare_start() -> float:
    """Wall seconds of the start-up no render can avoid: Python, the kernel and its preloaded imports."""
    code = ("from ccassure.render.kernel import WarmKernel\nk = WarmKernel()\nk.start()\nk._wait_for_preload()\n"
            "k.shutdown()")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdin=subprocess.DEVNULL, capture_output=True,
                   env={**os.environ, "CCASSURE_PROJECT": str(REPO)}, cwd=REPO)
    return time.perf_counter() - t0


def quarto_once(results: Path, out: Path, code: str, quarto: str) -> float:
    job = plan(load_results(results), REPO / "reports", results, authority=code, kinds=("authority",))[0]
    t0 = time.perf_counter()
    summary = run_quarto([job], REPO, out, ("html", "pdf"), quarto)
    if not summary.ok:
        raise SystemExit(f"quarto render failed: {summary.failed[0].error}\n{summary.failed[0].detail[-2000:]}")
    return time.perf_counter() - t0


def floor_one(results: Path, work: Path, code: str, runs: int) -> tuple[float, float]:
    """pandoc + typst alone on the authority report's Markdown (median seconds): one after the other with
    the Markdown parsed once (the CPU floor), and as a render of one document converts (both writers at
    once)."""
    job = plan(load_results(results), REPO / "reports", results, authority=code, kinds=("authority",))[0]
    doc = read_qmd(job.qmd)
    with WarmKernel() as kernel:
        nb = inject_parameters(copy.deepcopy(doc.notebook), job.params)
        kernel.execute(nb, job.qmd.parent)
    md_dir = work / "md"
    markdown = notebook_to_markdown(nb, md_dir, LOOK.execute, stem="bench")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        ast = parse(markdown, md_dir, doc.front_matter, LOOK)
        to_html(ast, md_dir, work / "b.html", LOOK)
        to_pdf(ast, md_dir, work / "b.pdf", LOOK)
        times.append(time.perf_counter() - t0)
    single = Renderer(work / "single", look=LOOK, kernel=WarmKernel(), parse_once=False)
    (work / "single").mkdir(exist_ok=True)
    at_once = []
    for n in range(runs):
        scratch = work / f"scratch-{n}"
        shutil.copytree(md_dir, scratch)
        at_once.append(single._convert(job, markdown, doc.front_matter, scratch)[1])
    return statistics.median(times), statistics.median(at_once)


def warm_plan(results: Path, out: Path, kinds: tuple[str, ...] | None = None, old: bool = False
              ) -> tuple[float, int, float, float, float]:
    """(wall seconds incl. kernel start, documents, summed pandoc+typst seconds, kernel start seconds, CPU-s)."""
    loaded = load_results(results)
    jobs = plan(loaded, REPO / "reports", results, **({"kinds": kinds} if kinds else {}))
    kernel_module._RESET_SOURCE = OLD_RESET if old else NEW_RESET
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    kernel = WarmKernel()
    kernel.start()
    started = time.perf_counter() - t0
    renderer = (OldRenderer if old else Renderer)(out, formats=("html", "pdf"), look=LOOK, kernel=kernel)
    try:
        summary = renderer.run(jobs)
        cpu = cpu_seconds(kernel) - c0
    finally:
        renderer.close()
        kernel_module._RESET_SOURCE = NEW_RESET
    if not summary.ok:
        raise SystemExit(f"render failed: {[(r.job.label, r.error) for r in summary.failed][:3]}")
    wall = time.perf_counter() - t0
    return wall, len(jobs), sum(r.convert_seconds for r in summary.results), started, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the one-report figures (median)")
    parser.add_argument("--quarto-runs", type=int, default=1, help="repetitions with real Quarto (slow)")
    parser.add_argument("--quarto", default=None, help="Quarto launcher (default: as ccassure render finds it)")
    parser.add_argument("--results", type=Path, default=None, help="a results folder to render in full (the demo's)")
    parser.add_argument("--largest", action="store_true",
                        help="with --results: also time the report of its authority with the most centres, cold")
    parser.add_argument("--packs", type=int, default=300, help="centre packs for the 3,000-pack projection (0: skip)")
    parser.add_argument("--compare-old", action="store_true",
                        help="also time the plan and packs with the old reset and double parse, in the same run")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, {load()} at start (other work on the machine slows every figure)")
    with tempfile.TemporaryDirectory(prefix="ccassure-render-bench-") as tmp:
        tmp = Path(tmp)
        results = make_results(tmp / "results", authorities=2, centres_per_authority=15)
        code = load_results(results).authorities()[0]

        measured = [cold_builtin(results, tmp / "cold", code) for _ in range(args.runs)]
        colds = [m[0] for m in measured]
        cold, cold_cpu = statistics.median(colds), statistics.median(m[1] for m in measured)
        print(f"builtin   one authority, HTML+PDF, new process incl. start-up: median {cold:.2f} s wall, "
              f"{cold_cpu:.2f} CPU-s (runs {', '.join(f'{c:.2f}' for c in colds)}); target <= 3 s; {load()}")
        if args.results and args.largest:
            real = load_results(args.results.resolve())
            biggest = max(real.authorities(), key=lambda a: len(real.centres(a)))
            runs = [cold_builtin(args.results.resolve(), tmp / "largest", biggest) for _ in range(args.runs)]
            walls = [r[0] for r in runs]
            print(f"largest   {real.authority_name(biggest)} ({len(real.centres(biggest))} centres) from --results, "
                  f"HTML+PDF, new process incl. start-up: median {statistics.median(walls):.2f} s wall, "
                  f"{statistics.median(r[1] for r in runs):.2f} CPU-s (runs {', '.join(f'{w:.2f}' for w in walls)}); "
                  f"target <= 3 s; {load()}")
        kernels = [cold_with_kernel(results, tmp / "kernel", code) for _ in range(args.runs)]
        kernel_path = statistics.median(kernels)
        print(f"baseline  the same report through a warm kernel, as one document rendered before: median "
              f"{kernel_path:.2f} s (runs {', '.join(f'{k:.2f}' for k in kernels)}); "
              f"builtin / baseline = {cold / kernel_path:.2f}x; {load()}")
        bares = [bare_start() for _ in range(args.runs)]
        bare = statistics.median(bares)
        print(f"bare      a new process that starts the kernel with its imports and renders nothing: median "
              f"{bare:.2f} s (runs {', '.join(f'{b:.2f}' for b in bares)}) (a render of one document starts no "
              f"kernel); {load()}")
        floor, at_once = floor_one(results, tmp, code, args.runs)
        print(f"floor     pandoc + typst alone on the same report: {floor:.2f} s one after the other, "
              f"{at_once:.2f} s as one document is converted (both writers at once); builtin / floor = "
              f"{cold / at_once:.1f}x")
        quarto = find_quarto(REPO, args.quarto)
        if quarto and args.quarto_runs > 0:
            qs = [quarto_once(results, tmp / "quarto", code, quarto) for _ in range(args.quarto_runs)]
            q = statistics.median(qs)
            print(f"quarto    the same report with `quarto render` (HTML+PDF): median {q:.2f} s "
                  f"(runs {', '.join(f'{x:.2f}' for x in qs)}); quarto / builtin = {q / cold:.1f}x; {load()}")
        elif quarto:
            print("quarto    not measured (--quarto-runs 0)")
        else:
            print("quarto    not measured: no Quarto found (--quarto, CCASSURE_QUARTO, PATH or .tools/quarto)")

        if args.results:
            for old in ([True, False] if args.compare_old else [False]):
                wall, docs, converting, started, cpu = warm_plan(args.results.resolve(), tmp / "all", old=old)
                name = "before  " if old else "plan    "
                print(f"{name}  {docs} documents from {args.results} (HTML+PDF) on one warm kernel"
                      f"{' with the old reset and double parse' if old else ''}: {wall:.1f} s wall "
                      f"({wall / docs:.2f} s a document, kernel start {started:.1f} s), {cpu:.1f} CPU-s "
                      f"(>= {cpu / 2:.1f} s on 2 idle cores); target for the 61 demo documents <= 40 s; {load()}")
                print(f"floor     pandoc + typst alone for those documents: {converting:.1f} s summed, "
                      f"{converting / 2:.1f} s on 2 cores; wall / floor = {wall / (converting / 2):.1f}x")

        if args.packs:
            per_authority = 20
            packs = make_results(tmp / "packs", authorities=max(1, args.packs // per_authority),
                                 centres_per_authority=per_authority)
            for old in ([True, False] if args.compare_old else [False]):
                wall, docs, converting, started, cpu = warm_plan(packs, tmp / "packs-out", kinds=("centre",), old=old)
                per_doc = (wall - started) / docs
                label = "before  " if old else "packs   "
                print(f"{label}  {docs} centre packs (HTML+PDF) measured{' (old reset, double parse)' if old else ''}: "
                      f"{wall:.1f} s wall, {per_doc:.3f} s a pack after kernel start, {cpu / docs:.3f} CPU-s a pack "
                      f"(>= {cpu / docs / 2:.3f} s a pack on 2 idle cores); floor pandoc+typst "
                      f"{converting / docs:.3f} s a pack summed; {load()}")
            print(f"3,000     packs projected: {started + 3000 * per_doc:.0f} s = start {started:.1f} s + 3,000 x "
                  f"{per_doc:.3f} s (PROJECTED from {docs} measured); target <= 0.6 s a pack")


if __name__ == "__main__":
    main()
