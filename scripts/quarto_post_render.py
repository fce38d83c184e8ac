"""Quarto post-render step (project.post-render in _quarto.yml), run after a whole-project `quarto render`.

Quarto renders each document once, with its default parameters, so the index would link to per-authority,
per-centre and per-provider files that nobody wrote. This step renders those with Quarto too, over
ccassure's own plan (the same commands `ccassure render --engine quarto` runs, the same file names), and
removes the single default-parameter copies (authority.html, centre.pdf, ...) that nothing links to. Which
documents are rendered per subject, their front matter says (ccassure.render.documents).
Quarto runs this step after every render in the project and says QUARTO_PROJECT_RENDER_ALL=1 only after a
whole-project one; the renders this step starts must not inherit that (they would start it again).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    if os.environ.get("QUARTO_PROJECT_RENDER_ALL") != "1" or os.environ.get("CCASSURE_QUARTO_PLAN"):
        return 0
    os.environ["CCASSURE_QUARTO_PLAN"] = "1"
    from ccassure.cli.render_cmd import project_is_demo
    from ccassure.project import current_project
    from ccassure.render.documents import documents
    from ccassure.render.quarto import QUARTO_OUTPUT_DIR, run_quarto
    from ccassure.render.runner import plan
    from ccassure.reports import load_results

    project = current_project()
    root = Path.cwd()
    results_dir = root / "_output" / "results"  # the documents' default results_dir
    if not results_dir.is_dir():
        print(f"post-render: no results in {results_dir}; run `ccassure check` first", file=sys.stderr)
        return 1
    results = load_results(results_dir)
    synthetic = project_is_demo(project) if results.synthetic is None else None
    per_subject = [kind for kind, d in documents(root / "reports").items() if d.mode.parameter is not None]
    jobs = [j for j in plan(results, root / "reports", results_dir, rules_dir=project.rules_dir, synthetic=synthetic)
            if j.kind in per_subject]
    outputs = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR") or root / QUARTO_OUTPUT_DIR) / "reports"
    quarto = str(Path(os.environ["QUARTO_BIN_PATH"]) / "quarto") if os.environ.get("QUARTO_BIN_PATH") else "quarto"
    summary = run_quarto(jobs, root, outputs, ("html", "pdf"), quarto, on_done=lambda r: print(
        f"post-render: {'rendered' if r.ok else 'FAILED'} {r.job.stem} ({r.seconds:.1f} s)"
        + (f": {r.error}" if r.error else ""), file=sys.stderr))
    for stem in per_subject:
        for ext in ("html", "pdf"):
            (outputs / f"{stem}.{ext}").unlink(missing_ok=True)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
