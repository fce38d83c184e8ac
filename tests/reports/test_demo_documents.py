"""The demo, end to end as `make report` runs it (small scale), read the way a councillor reads it.

Every rendered HTML and PDF (pdftotext) is scanned for technical leaks, whichever lane wrote the document;
and every gap the demo generator planted (planted.json) is on page one, in the exceptions or in the
"earlier this year" table of its authority's report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccassure.reports.leaks import html_text, scan
from ccassure.reports.results import load_results

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("rules", "data_contracts", "checks", "reports", "_quarto.yml")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A copy of the project whose output folder is private to this test, built by make_report's main."""
    root = tmp_path_factory.mktemp("demo-project")
    for part in PROJECT_PARTS:
        if (REPO / part).exists():
            (root / part).symlink_to(REPO / part)
    settings = (REPO / "ccassure.yml").read_text(encoding="utf-8").replace("output: _output", f"output: {root / 'out'}")
    (root / "ccassure.yml").write_text(settings, encoding="utf-8")
    env = {**os.environ, "CCASSURE_PROJECT": str(root), "CCASSURE_STORE": str(root / "store.duckdb")}
    proc = subprocess.run([sys.executable, "-m", "ccassure.demo.make_report", "--scale", "0.12"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=1500)
    out = root / "out"
    assert (out / "reports").is_dir(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _documents(out: Path):
    for path in sorted((out / "reports").glob("*.html")):
        yield path, html_text(path.read_text(encoding="utf-8"))
    if shutil.which("pdftotext"):
        for path in sorted((out / "reports").glob("*.pdf")):
            yield path, _pdf_text(path)


def test_no_document_leaks_technical_text(demo):
    out, _ = demo
    results = load_results(out / "results")
    codes = [p for p in results.providers() if p not in results.authorities()]
    problems = []
    for path, words in _documents(out):
        forbidden = codes if not path.name.startswith("rules") else []
        problems += [f"{path.name}: {leak}" for leak in scan(words, forbidden=forbidden)]
    assert not problems, f"{len(problems)} leaks, first ones:\n" + "\n".join(problems[:40])


def _page_one(out: Path, authority: str) -> str:
    words = html_text((out / "reports" / f"authority-{authority}.html").read_text(encoding="utf-8"))
    end = words.rfind("Providers and clusters")  # the heading itself, after the table of contents
    start = words.rfind("Headlines", 0, end if end > 0 else None)
    return _plain(words[start:end if end > 0 else None])


def _plain(words: str) -> str:
    """Spaces collapsed and typographic apostrophes straightened (pandoc makes ' into ’)."""
    return " ".join(str(words).replace("\u2019", "'").split())


def test_every_planted_gap_is_on_page_one_or_in_the_exceptions(demo):
    out, _ = demo
    planted = json.loads((out / "demo" / "planted.json").read_text(encoding="utf-8"))["planted"]
    results = load_results(out / "results")
    missing = []
    for gap in planted:
        section = _page_one(out, gap["authority_code"])
        subject = str(gap["subject_id"])
        if gap["subject"] == "provider":
            name = results.provider_name(subject)
        elif gap["subject"] == "authority":
            name = results.authority_name(subject)
        else:
            named = results.findings[results.findings["subject_id"] == subject]["subject_name"].dropna()
            name = str(named.iloc[0]) if len(named) else results.centre_name(subject)
        if _plain(name) not in section:
            missing.append(f"{gap['id']}: {name} not on page one")
            continue
        if gap["subject"] == "authority":
            found = results.findings[(results.findings["subject_id"] == subject)
                                     & results.findings["status"].isin(["not_met", "at_risk"])]
            titles = {str(t) for r, t in zip(found["rule_id"], found["title"], strict=True)
                      if any(str(r).startswith(p) for p in gap["rules"])}
            if not titles:  # planted.json names a rule id the rule set no longer has: any gap of the subject
                titles = set(found["title"].astype(str))
            if not any(_plain(t) in section for t in titles):
                missing.append(f"{gap['id']}: none of {sorted(titles) or gap['rules']} on page one")
    assert not missing, "\n".join(missing)
