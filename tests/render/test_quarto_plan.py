"""`ccassure render --engine quarto` turns the same plan into `quarto render` commands (no Quarto needed here)."""

from __future__ import annotations

import shlex
from pathlib import Path

from ccassure.render.quarto import find_quarto, quarto_command, shell_script
from ccassure.render.runner import plan
from ccassure.reports import load_results

from .synthetic_results import make_results

REPO = Path(__file__).resolve().parents[2]


def test_one_command_per_planned_document_named_as_ccassure_names_it(tmp_path):
    results_dir = make_results(tmp_path / "results", authorities=2, centres_per_authority=1)
    jobs = plan(load_results(results_dir), REPO / "reports", results_dir)
    lines = shell_script(jobs, REPO, ("html", "pdf")).splitlines()
    assert len(lines) == len(jobs)
    for job, line in zip(jobs, lines, strict=True):
        words = shlex.split(line)
        assert words[:3] == ["quarto", "render", f"reports/{job.qmd.name}"]
        assert words[words.index("-M") + 1] == f"output-file:{job.stem}"
        assert "--to" not in words  # both formats of _quarto.yml, from one command
        params = dict(w.split(":", 1) for w in words[3:words.index("-M")] if w != "-P")
        assert params["synthetic"] == "true" and params["min_count"] == "5"
    stems = [shlex.split(line)[shlex.split(line).index("-M") + 1].split(":", 1)[1] for line in lines]
    assert stems == [job.stem for job in jobs] and "authority-E90000001" in stems


def test_one_format_is_asked_for_by_name(tmp_path):
    results_dir = make_results(tmp_path / "results", authorities=1, centres_per_authority=1)
    job = plan(load_results(results_dir), REPO / "reports", results_dir, kinds=("rules",))[0]
    assert quarto_command(job, REPO, ("html",))[-2:] == ["--to", "html"]
    assert quarto_command(job, REPO, ("pdf",))[-2:] == ["--to", "typst"]


def test_which_quarto(tmp_path, monkeypatch):
    launcher = tmp_path / "my-quarto"
    launcher.write_text("#!/bin/sh\n")
    monkeypatch.setenv("CCASSURE_QUARTO", str(launcher))
    assert find_quarto(tmp_path) == str(launcher)
    assert find_quarto(tmp_path, explicit="/nowhere/quarto") is None
    monkeypatch.setenv("CCASSURE_QUARTO", str(tmp_path / "missing"))
    assert find_quarto(tmp_path) is None  # a named Quarto that is not there is not silently replaced
    monkeypatch.delenv("CCASSURE_QUARTO")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_quarto(tmp_path) is None
    local = tmp_path / ".tools" / "quarto" / "bin" / "quarto"
    local.parent.mkdir(parents=True)
    local.write_text("#!/bin/sh\n")
    assert find_quarto(tmp_path) == str(local)


def test_the_page_template_is_a_valid_pandoc_template_partial():
    """Quarto reads the typst template as a pandoc template partial: a `$` would be taken as a variable."""
    assert "$" not in (REPO / "reports" / "assets" / "typst-template.typ").read_text(encoding="utf-8")
