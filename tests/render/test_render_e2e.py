"""End to end: `ccassure render` over a synthetic results directory, HTML checked for structure and
offline safety, PDF pages rasterised and checked to be non-blank, one broken document isolated."""

from __future__ import annotations

import re
import subprocess

import pytest

from .synthetic_results import make_results
from .tools import ensure_tool, png_ink, run_render

pytestmark = pytest.mark.slow

AUTHORITIES = ["E90000000", "E90000001"]
CENTRES = ["C00101", "C00102", "C00201", "C00202"]


def test_exit_code_and_summary(rendered):
    proc, out, _ = rendered
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"(\d+) of \1 document\(s\) rendered", proc.stderr), proc.stderr


def test_one_output_per_authority_centre_and_provider(rendered):
    _, out, _ = rendered
    expected = ["index", "rules", *(f"authority-{a}" for a in AUTHORITIES), *(f"centre-{c}" for c in CENTRES),
                "validation-PROV-001", "validation-PROV-002"]
    for stem in expected:
        for ext in ("html", "pdf"):
            path = out / f"{stem}.{ext}"
            assert path.is_file() and path.stat().st_size > 1000, path


REMOTE = re.compile(r"""<(script|link|img|iframe|source|video|audio|embed)\b[^>]*\b(src|href)\s*=\s*["']?\s*(https?:)?//""",
                    re.I)


def test_html_is_self_contained_and_offline(rendered):
    _, out, _ = rendered
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not REMOTE.search(html), f"{page.name} loads something remote"
        assert "@import" not in html and "url(http" not in html, page.name
        assert not re.search(r"cdn\.|cdnjs|jsdelivr|unpkg|googleapis|mathjax", html, re.I), page.name
        assert "<script" not in html.lower() or "src=" not in html.lower().split("<script", 1)[1][:200], page.name
        visible = re.sub(r"<[^>]+>", " ", html)
        assert not re.search(r"Traceback|\b\w+Error\b|\w+Exception\b|\x1b\[", visible), page.name
        assert "Synthetic data" in html, f"{page.name} does not say its data are synthetic"
        assert html.lstrip().lower().startswith("<!doctype html>")
        assert 'lang="en-GB"' in html


def test_html_structure(rendered):
    _, out, results = rendered
    index = (out / "index.html").read_text(encoding="utf-8")
    for code in AUTHORITIES:
        assert f'href="authority-{code}.html"' in index and f'href="authority-{code}.pdf"' in index
    for centre in CENTRES:
        assert f'href="centre-{centre}.html"' in index
    report = (out / "authority-E90000000.html").read_text(encoding="utf-8")
    for heading in ("Headlines", "Exceptions and actions", "Duties scorecard", "Compliance by centre",
                    "Compliance over time", "KPI dashboard", "Data quality of the returns",
                    "Duty versions and thresholds in force"):
        assert re.search(rf"<h([12])[^>]*>{re.escape(heading)}</h\1>", report), heading
    assert report.count("<table") >= 6
    assert 'src="data:image/png;base64,' not in report  # both charts are SVG
    assert report.count('src="data:image/svg+xml;base64,') == 2  # status over time, KPI small multiples
    assert 'alt="Stacked bar chart of the number of duty checks' in report  # fig-alt reaches the image
    assert "Synthshire 1 (synthetic)" in report
    # the provider's hostile centre name stays text
    assert "Oak | Elm &lt;Centre&gt; &amp; <code>" not in report
    assert "&lt;Centre&gt;" in report and "<Centre>" not in report
    # status never by colour alone
    assert "✖ Not met" in report and "✔ Met" in report
    pack = (out / "centre-C00101.html").read_text(encoding="utf-8")
    for area in ("Access to services by young children and families", "The quality of practice and services",
                 "The effectiveness of leadership, governance and management"):
        assert area in pack
    assert "Evidence:" in pack and "Status by quarter" in pack
    # titles name the centre / authority / provider (the document's .ccassure-title block)
    assert "<title>Oak | Elm &lt;Centre&gt; &amp; `Hub`: centre evidence pack</title>" in pack
    assert re.search(r"<title>Synthshire 1 \(synthetic\): children(’|'|&#39;)s centres compliance and performance</title>",
                     report)
    assert "<title>PROV-001: return validation report</title>" in (out / "validation-PROV-001.html").read_text(
        encoding="utf-8")


def test_pdf_pages_are_not_blank_and_say_synthetic(rendered, tmp_path):
    _, out, _ = rendered
    pdftoppm = ensure_tool("pdftoppm")
    for name in ("authority-E90000000.pdf", "centre-C00101.pdf"):
        pdf = out / name
        subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(tmp_path / pdf.stem)], check=True,
                       stdin=subprocess.DEVNULL, timeout=120)
        pages = sorted(tmp_path.glob(f"{pdf.stem}*.png"))
        assert len(pages) >= 2, name
        for page in pages:
            ink, colours = png_ink(page)
            assert ink > 0.01 and colours > 2, f"{page.name} looks blank ({ink:.3%} ink, {colours} colours)"
        text = subprocess.run([ensure_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True, stdin=subprocess.DEVNULL).stdout
        per_page = [p for p in text.split("\f") if p.strip()]
        assert per_page and all("Synthetic data" in p for p in per_page), f"{name}: a page lacks the notice"
        assert "Traceback" not in text


def test_a_broken_document_does_not_stop_the_others(tmp_path):
    results = make_results(tmp_path / "results", authorities=3, centres_per_authority=1)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "authority.qmd").write_text(
        '---\ntitle: "Broken on purpose"\nccassure: {render: per-authority, order: 2}\n---\n\n```{python}\n#| tags: [parameters]\nauthority = None\n```\n\n'
        '```{python}\nif authority == "E90000001":\n    raise RuntimeError("deliberately broken report")\n'
        'leaked = authority\nprint(authority)\n```\n', encoding="utf-8")
    (reports / "index.qmd").write_text(
        '---\ntitle: "Leak check"\nccassure: {render: once, order: 1}\n---\n\n```{python}\n#| output: asis\n'
        'print("LEAK" if "leaked" in globals() or "authority" in globals() else "CLEAN")\n```\n', encoding="utf-8")
    out = tmp_path / "out"
    proc = run_render("--results", str(results), "--output-dir", str(out), "--to", "html",
                      "--only", "authority,index", "--reports-dir", str(reports))
    assert proc.returncode == 1, proc.stderr
    assert "3 of 4 document(s) rendered" in proc.stderr
    assert "deliberately broken report" in proc.stderr
    assert (out / "authority-E90000000.html").is_file() and (out / "authority-E90000002.html").is_file()
    assert not (out / "authority-E90000001.html").exists()


def test_no_state_leaks_between_documents(tmp_path):
    results = make_results(tmp_path / "results", authorities=2, centres_per_authority=1)
    reports = tmp_path / "reports"
    reports.mkdir()
    # authority documents run first and leave variables, a changed directory and matplotlib settings behind
    (reports / "authority.qmd").write_text(
        '---\ntitle: "Leaves state"\nccassure: {render: per-authority, order: 1}\n---\n\n```{python}\n#| tags: [parameters]\nauthority = None\n```\n\n'
        '```{python}\nimport os, matplotlib\nprint(f"SEEN-BEFORE={\'leaked\' in dir()}")\n'
        'leaked = authority\nos.chdir("/")\nmatplotlib.rcParams["lines.linewidth"] = 9\n```\n', encoding="utf-8")
    (reports / "rules.qmd").write_text(
        '---\ntitle: "Sees state?"\nccassure: {render: once, order: 2}\n---\n\n```{python}\n#| tags: [parameters]\nrules_dir = None\n```\n\n'
        '```{python}\n#| output: asis\nimport os, matplotlib\n'
        'print("LEAK" if "leaked" in globals() or "authority" in globals() else "NAMES-CLEAN")\n'
        f'print("\\n\\nCWD-" + ("OK" if os.getcwd() == {str(reports)!r} else "WRONG"))\n'
        'print("\\n\\nRC-" + ("OK" if matplotlib.rcParams["lines.linewidth"] != 9 else "LEAK"))\n```\n',
        encoding="utf-8")
    out = tmp_path / "out"
    proc = run_render("--results", str(results), "--output-dir", str(out), "--to", "html",
                      "--only", "authority,rules", "--reports-dir", str(reports))
    assert proc.returncode == 0, proc.stderr
    assert "SEEN-BEFORE=False" in (out / "authority-E90000001.html").read_text(encoding="utf-8")
    page = (out / "rules.html").read_text(encoding="utf-8")
    assert "NAMES-CLEAN" in page and "CWD-OK" in page and "RC-OK" in page, page[-2000:]


def test_unknown_authority_is_a_clear_error(rendered):
    _, _, results = rendered
    proc = run_render("--results", str(results), "--authority", "E99999999", "--to", "html")
    assert proc.returncode == 2
    assert "No results for authority E99999999" in proc.stderr
