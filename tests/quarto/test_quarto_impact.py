"""The change-impact document is part of the Quarto project: a whole-project `quarto render` (the README's
recipe) renders one copy per impact assessment kept with the results, named as `ccassure render` names it and
linked from the index; with no assessment it leaves the document out and the index says so in words."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.quarto.conftest import project_copy, readme_recipe
from tests.render.impact_results import TITLE, write_assessment
from tests.render.synthetic_results import make_results

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered_with_impact(quarto, tmp_path_factory):
    """(quarto output folder, ccassure output folder, project copy) with one assessment kept with the results."""
    project = tmp_path_factory.mktemp("quarto-impact")
    env = project_copy(project, quarto)
    results = make_results(project / "_output" / "results", authorities=1, centres_per_authority=1)
    write_assessment(results / "impact" / "review")
    proc = subprocess.run(["bash", "-euc", readme_recipe()], cwd=project, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, f"the README's Quarto recipe failed:\n{proc.stderr[-4000:]}"
    ours = project / "_output" / "reports"
    built = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(results), "--output-dir",
                            str(ours), "--only", "index,impact"], cwd=project, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-4000:]
    return project / "_output" / "quarto" / "reports", ours, project


def test_quarto_renders_one_impact_document_per_assessment(rendered_with_impact):
    quarto_out, ours, _ = rendered_with_impact
    for folder in (quarto_out, ours):
        assert (folder / "impact-review.html").is_file() and (folder / "impact-review.pdf").is_file(), folder
        page = (folder / "impact-review.html").read_text(encoding="utf-8")
        assert TITLE in page and "Close A" in page
        assert 'href="impact-review.html"' in (folder / "index.html").read_text(encoding="utf-8")
    # the default-parameter copy is dropped, as for the documents rendered per authority, centre and provider
    assert not (quarto_out / "impact.html").exists() and not (quarto_out / "impact.pdf").exists()


def test_the_pdf_of_the_impact_document_has_pages(rendered_with_impact):
    quarto_out, _, _ = rendered_with_impact
    pdf = (quarto_out / "impact-review.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2


def test_without_an_assessment_the_document_is_left_out_and_the_index_says_so(rendered_both):
    quarto_out, ours, _ = rendered_both
    for folder in (quarto_out, ours):
        assert not list(folder.glob("impact*")), sorted(p.name for p in folder.glob("impact*"))
        index = " ".join((folder / "index.html").read_text(encoding="utf-8").split())
        assert "No proposed change to the centres has been assessed" in index


def test_engine_quarto_plans_the_impact_document(rendered_with_impact):
    _, _, project = rendered_with_impact
    done = subprocess.run([sys.executable, "-m", "ccassure", "render", "--engine", "quarto", "--dry-run",
                           "--only", "impact", "--results", str(project / "_output" / "results")], cwd=project,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**project_env(project)})
    assert done.returncode == 0, done.stderr
    assert "reports/impact.qmd" in done.stdout and "impact_dir:../_output/results/impact/review" in done.stdout
    assert "output-file:impact-review" in done.stdout


def project_env(project):
    import os

    env = dict(os.environ)
    env.pop("CCASSURE_PROJECT", None)
    return env
