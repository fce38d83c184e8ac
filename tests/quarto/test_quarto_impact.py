"""The change-impact document is part of the Quarto project: a whole-project `quarto render` (the README's
recipe) renders one copy per impact assessment kept with the results, named as `ccassure render` names it and
linked from the index; with no assessment the plan leaves the document out and the index says so in words.

The whole-project render is the one the other Quarto tests share (conftest.rendered_both, which keeps one
assessment, "review", with its results). The case without an assessment renders the index and the impact
document on their own with Quarto (the document must still render, and say so), and reads the plan Quarto's
post-render step would run, rather than rendering the whole project twice: that step removes the document's
default copy whatever the plan holds, as the whole-project render above shows."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.quarto.conftest import project_copy
from tests.render.impact_results import TITLE
from tests.render.synthetic_results import make_results

pytestmark = pytest.mark.slow


def test_quarto_renders_one_impact_document_per_assessment(rendered_both):
    quarto_out, ours, _ = rendered_both
    for folder in (quarto_out, ours):
        assert (folder / "impact-review.html").is_file() and (folder / "impact-review.pdf").is_file(), folder
        page = (folder / "impact-review.html").read_text(encoding="utf-8")
        assert TITLE in page and "Close A" in page
        assert 'href="impact-review.html"' in (folder / "index.html").read_text(encoding="utf-8")
    # the default-parameter copy is dropped, as for the documents rendered per authority, centre and provider
    assert not (quarto_out / "impact.html").exists() and not (quarto_out / "impact.pdf").exists()


def test_the_pdf_of_the_impact_document_has_pages(rendered_both):
    quarto_out, _, _ = rendered_both
    pdf = (quarto_out / "impact-review.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2


def test_engine_quarto_plans_the_impact_document(rendered_both):
    _, _, project = rendered_both
    done = _plan(project)
    assert "reports/impact.qmd" in done and "impact_dir:../_output/results/impact/review" in done
    assert "output-file:impact-review" in done


@pytest.fixture(scope="module")
def without_assessment(quarto, tmp_path_factory):
    """(quarto output folder, ccassure output folder, project copy, its environment) for results with no
    assessment: the index rendered by Quarto and by `ccassure render`."""
    project = tmp_path_factory.mktemp("quarto-no-impact")
    env = {**project_copy(project, quarto), "QUARTO_PYTHON": str(project / ".venv" / "bin" / "python")}
    results = make_results(project / "_output" / "results", authorities=1, centres_per_authority=1)
    proc = subprocess.run(["quarto", "render", "reports/index.qmd"], cwd=project, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    ours = project / "_output" / "reports"
    built = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--output-dir",
                            str(ours), "--only", "index,impact"], cwd=project, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-4000:]
    return project / "_output" / "quarto" / "reports", ours, project, env


def test_without_an_assessment_the_document_is_left_out_and_the_index_says_so(without_assessment):
    quarto_out, ours, project, _ = without_assessment
    assert "reports/impact.qmd" not in _plan(project)  # what the post-render step would render after a whole-project run
    for folder in (quarto_out, ours):
        assert not list(folder.glob("impact*")), sorted(p.name for p in folder.glob("impact*"))
        index = " ".join((folder / "index.html").read_text(encoding="utf-8").split())
        assert "No proposed change to the centres has been assessed" in index


def test_without_an_assessment_quarto_still_renders_the_document_and_it_says_so(without_assessment, tmp_path):
    _, _, project, env = without_assessment
    proc = subprocess.run(["quarto", "render", "reports/impact.qmd", "--output-dir", str(tmp_path)], cwd=project,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    page = " ".join((tmp_path / "reports" / "impact.html").read_text(encoding="utf-8").split())
    assert "No proposed change to the centres has been assessed" in page
    assert (tmp_path / "reports" / "impact.pdf").read_bytes().startswith(b"%PDF")


def _plan(project) -> str:
    """`ccassure render --engine quarto --dry-run`: the Quarto commands of ccassure's plan, the same plan the
    post-render step runs, as a user in the project copy would print them."""
    env = dict(os.environ)
    env.pop("CCASSURE_PROJECT", None)
    done = subprocess.run([sys.executable, "-m", "ccassure", "render", "--engine", "quarto", "--dry-run",
                           "--results", str(project / "_output" / "results")], cwd=project,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout
