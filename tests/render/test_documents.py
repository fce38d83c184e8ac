"""The report documents are read from their front matter: the plan renders each once or per subject as it
says, passes it only the parameters it declares, and plans the change-impact document once per assessment
kept with the results (none when there is none, and the index says so)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccassure.render.documents import DocumentError, assessments, documents
from ccassure.render.runner import plan
from ccassure.reports import contents, load_results
from tests.render.impact_results import TITLE, write_assessment
from tests.render.synthetic_results import make_results

REPO = Path(__file__).resolve().parents[2]


def test_every_document_of_the_project_declares_how_it_is_rendered():
    declared = documents(REPO / "reports")
    assert {p.stem for p in (REPO / "reports").glob("*.qmd")} == set(declared)
    assert {k: d.mode.name for k, d in declared.items()} == {
        "index": "once", "authority": "per-authority", "centre": "per-centre", "validation": "per-provider",
        "rules": "once", "impact": "per-assessment"}
    assert list(declared)[0] == "index"


def test_the_plan_follows_the_front_matter(tmp_path):
    results_dir = make_results(tmp_path / "results", authorities=2, centres_per_authority=2)
    jobs = plan(load_results(results_dir), REPO / "reports", results_dir)
    stems = [j.stem for j in jobs]
    assert stems[0] == "index" and "rules" in stems
    assert sum(s.startswith("authority-") for s in stems) == 2
    assert sum(s.startswith("centre-") for s in stems) == 4
    assert not any(s.startswith("impact") for s in stems)  # nothing assessed: no impact copy
    authority = next(j for j in jobs if j.kind == "authority")
    assert set(authority.params) == {"results_dir", "min_count", "synthetic", "formats", "authority"}
    assert authority.title.endswith(": compliance and performance") and "{" not in authority.title


def test_one_impact_document_per_assessment_kept_with_the_results(tmp_path):
    results_dir = make_results(tmp_path / "results", authorities=1, centres_per_authority=1)
    write_assessment(results_dir / "impact" / "review-2017")
    write_assessment(results_dir / "impact" / "second", title="Another review")
    jobs = [j for j in plan(load_results(results_dir), REPO / "reports", results_dir) if j.kind == "impact"]
    assert [j.stem for j in jobs] == ["impact-review-2017", "impact-second"]
    assert jobs[0].params["impact_dir"] == str((results_dir / "impact" / "review-2017").resolve())
    assert "results_dir" not in jobs[0].params or jobs[0].params["results_dir"] == str(results_dir)
    assert jobs[0].title == f"Change-impact assessment: {TITLE}"
    # one authority's run keeps only its own assessments
    assert assessments(results_dir, "E99999999") == []


def test_the_index_links_each_assessment_or_says_there_is_none(tmp_path):
    results_dir = make_results(tmp_path / "results", authorities=1, centres_per_authority=1)
    page = contents.index(load_results(results_dir), ["html"], kinds=["index", "authority", "impact"])
    assert "No proposed change to the centres has been assessed" in page
    write_assessment(results_dir / "impact" / "review")
    page = contents.index(load_results(results_dir), ["html"], kinds=["index", "authority", "impact"])
    assert f"**{TITLE}**" in page and "(impact-review.html)" in page
    assert "\n\n## Rules" in contents.index(load_results(results_dir), ["html"], kinds=["impact", "rules"])
    assert "Proposed changes" not in contents.index(load_results(results_dir), ["html"], kinds=["index"])


def test_a_new_document_is_one_qmd_file(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPO / "reports", reports, ignore=shutil.ignore_patterns("*_files", "__pycache__"))
    (reports / "summary.qmd").write_text(
        '---\ntitle: "One-page summary"\nsubtitle: "For the portfolio holder"\n'
        'ccassure: {render: per-provider, title: "Summary: {name}", order: 3}\n---\n\n'
        '```{python}\n#| tags: [parameters]\nprovider = None\nresults_dir = "."\n```\n', encoding="utf-8")
    (reports / "_fragment.qmd").write_text("---\ntitle: a fragment\n---\n", encoding="utf-8")  # declares nothing
    results_dir = make_results(tmp_path / "results", authorities=1, centres_per_authority=1)
    declared = documents(reports)
    assert "summary" in declared and "_fragment" not in declared
    jobs = [j for j in plan(load_results(results_dir), reports, results_dir) if j.kind == "summary"]
    assert jobs and all(j.stem.startswith("summary-") and set(j.params) == {"provider", "results_dir"} for j in jobs)


@pytest.mark.parametrize("front, says", [
    ("ccassure: {render: per-ward}", "must be one of once, per-authority"),
    ("ccassure: {render: once, order: first}", "must be a whole number"),
    ("ccassure: per-authority", "must be one of"),
])
def test_a_front_matter_the_plan_cannot_follow_is_named(tmp_path, front, says):
    (tmp_path / "odd.qmd").write_text(f"---\ntitle: Odd\n{front}\n---\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=says) as caught:
        documents(tmp_path)
    assert "odd.qmd" in str(caught.value)


def test_ccassure_render_renders_the_impact_document_and_the_index_links_it(tmp_path):
    from tests.render.tools import run_render

    results_dir = make_results(tmp_path / "results", authorities=1, centres_per_authority=1)
    write_assessment(results_dir / "impact" / "review")
    out = tmp_path / "out"
    proc = run_render("--results", str(results_dir), "--output-dir", str(out), "--to", "html",
                      "--only", "index,impact")
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (out / "impact-review.html").read_text(encoding="utf-8")
    assert TITLE in page and "Close A" in page
    assert 'href="impact-review.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_an_assessment_written_straight_into_the_impact_folder_is_named_by_its_authority(tmp_path):
    results_dir = make_results(tmp_path / "results", authorities=1, centres_per_authority=1)
    write_assessment(results_dir / "impact")  # as make report keeps the demo county's
    jobs = [j for j in plan(load_results(results_dir), REPO / "reports", results_dir) if j.kind == "impact"]
    assert [j.stem for j in jobs] == ["impact-E06000901"]
    assert [a.key for a in assessments(results_dir, "E06000901")] == ["E06000901"]
