"""`quarto render` for real, as the README tells users to run it, against `ccassure render` on the same results:
the same files, no dead or remote links, PDF pages that are not blank and carry the footer, the same titles,
headline figures and table rows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.render.tools import ensure_tool, png_ink

pytestmark = pytest.mark.slow

STEMS = ("index", "authority-E90000000", "centre-C00101", "validation-PROV-001", "rules", "impact-review")


class _Page(HTMLParser):
    """Titles, links, resource URLs and table rows (cell texts) of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.title, self.links, self.resources, self.rows, self.text = "", [], [], [], []
        self.header_rows: list[tuple[str, ...]] = []
        self._header = False
        self._skip = 0  # inside <style>, <script> or <nav> (the table of contents)
        self._in_title = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag in ("style", "script", "nav"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for key in ("src", "href"):
            if attrs.get(key) and tag in ("script", "link", "img", "iframe", "source", "video", "audio"):
                self.resources.append(attrs[key])
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._header = self._header or tag == "th"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in ("style", "script", "nav"):
            self._skip -= 1
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(tuple(self._row))
            if self._header:
                self.header_rows.append(tuple(self._row))
            self._row, self._header = None, False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._cell is not None:
            self._cell.append(data)
        if not self._skip and not self._in_title:
            self.text.append(data)


def page(path: Path) -> _Page:
    parsed = _Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


NOTE_WORDS = re.compile(r"Synthetic data: every centre.*?real service\.|Page \d+ of \d+")


def pdf_words(path: Path) -> Counter:
    """The words of a PDF, its footers (the synthetic-data note, "Page x of y") left out."""
    text = NOTE_WORDS.sub(" ", " ".join(pdf_text(path).split()))
    return Counter(re.findall(r"\w+", text))


def pdf_text(path: Path) -> str:
    return subprocess.run([ensure_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True,
                          stdin=subprocess.DEVNULL).stdout


def test_the_readme_recipe_writes_every_document_under_the_names_ccassure_render_uses(rendered_both):
    quarto, ours, _ = rendered_both
    expected = {f"{stem}.{ext}" for stem in STEMS for ext in ("html", "pdf")}
    assert {p.name for p in ours.iterdir()} == expected
    assert {p.name for p in quarto.iterdir() if p.is_file()} == expected


def test_no_dead_links_and_nothing_remote(rendered_both):
    quarto, _, _ = rendered_both
    for html in sorted(quarto.glob("*.html")):
        parsed = page(html)
        for link in parsed.links:
            if link.startswith("#"):
                continue
            assert not re.match(r"^[a-z]+:", link), f"{html.name} links out: {link}"
            assert (quarto / link.split("#")[0]).is_file(), f"{html.name} links to missing {link}"
        remote = [r for r in parsed.resources if re.match(r"^(https?:)?//", r)]
        assert not remote, f"{html.name} loads {remote}"
        raw = html.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", raw), f"{html.name}: remote url() in CSS"


def test_pdf_pages_are_not_blank_and_every_page_has_the_footer(rendered_both, tmp_path):
    quarto, _, _ = rendered_both
    pdftoppm = ensure_tool("pdftoppm")
    for stem in STEMS:
        pdf = quarto / f"{stem}.pdf"
        subprocess.run([pdftoppm, "-r", "30", "-png", str(pdf), str(tmp_path / stem)], check=True,
                       stdin=subprocess.DEVNULL, timeout=120)
        images = sorted(tmp_path.glob(f"{stem}-*.png"))
        assert images, stem
        for image in images:
            ink, colours = png_ink(image)
            assert ink > 0.005 and colours > 2, f"{image.name} looks blank ({ink:.3%} ink)"
        pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
        assert len(pages) == len(images)
        for number, text in enumerate(pages, start=1):
            assert "Synthetic data" in text, f"{stem} page {number} lacks the synthetic-data note"
            assert f"Page {number} of {len(pages)}" in text, f"{stem} page {number} lacks 'Page x of y'"


def test_both_renderers_give_the_same_number_of_pdf_pages(rendered_both):
    """Same page template, same table column widths (from the Markdown's separator lines), same page-break
    rule: typst 0.13 under Quarto and 0.15 here lay the pages out alike (docs/reports.md)."""
    quarto, ours, _ = rendered_both
    def pages(path: Path) -> int:
        return sum(1 for page in pdf_text(path).split("\f") if page.strip())

    counts = {stem: (pages(quarto / f"{stem}.pdf"), pages(ours / f"{stem}.pdf")) for stem in STEMS}
    assert all(q == o for q, o in counts.values()), f"pages (quarto, ccassure render): {counts}"


@pytest.mark.parametrize("stem", STEMS)
def test_same_title_headline_figures_and_table_rows_as_ccassure_render(rendered_both, stem):
    quarto, ours, _ = rendered_both
    theirs, mine = page(quarto / f"{stem}.html"), page(ours / f"{stem}.html")
    assert " ".join(theirs.title.split()) == " ".join(mine.title.split())
    assert theirs.rows == mine.rows, f"{stem}: table rows differ"
    assert mine.rows or stem == "rules", f"{stem}: no table rows to compare"  # the catalogue is prose
    # the whole page's text, headline sentences included: the same words and figures in the same order
    # (punctuation apart: pandoc 3.6 under Quarto and 3.9 here place nested smart quotes differently)
    def tokens(parsed: _Page) -> list[str]:
        return re.findall(r"\w+|%", " ".join(parsed.text))
    assert tokens(theirs) == tokens(mine), stem
    # the PDFs: the same words (footers apart); the only latitude is how often a long table's header row
    # repeats, which depends on where the pages break (typst 0.13 under Quarto, 0.15 here)
    header_words = {w for row in mine.header_rows for cell in row for w in re.findall(r"\w+", cell)}
    quarto_words, our_words = pdf_words(quarto / f"{stem}.pdf"), pdf_words(ours / f"{stem}.pdf")
    differing = set((quarto_words - our_words) + (our_words - quarto_words))
    assert differing <= header_words, f"{stem}: the PDFs differ in {sorted(differing - header_words)[:20]}"
    assert sum(our_words.values()) > 50

def test_titles_name_the_authority_centre_and_provider(rendered_both):
    quarto, _, _ = rendered_both
    assert page(quarto / "authority-E90000000.html").title.startswith("Synthshire 1 (synthetic):")
    assert page(quarto / "centre-C00101.html").title.startswith("Oak | Elm <Centre> & `Hub`:")
    assert page(quarto / "validation-PROV-001.html").title.startswith("PROV-001:")
    assert pdf_text(quarto / "authority-E90000000.pdf").startswith("Synthshire 1 (synthetic):")


def _project_env(project: Path) -> dict[str, str]:
    """The environment of a user working in the copy: no CCASSURE_PROJECT pointing back at the repository
    (the suite's own autouse fixture sets one), so the copy's own results folder is the one rendered."""
    env = {**os.environ, "CI": "true"}
    env.pop("CCASSURE_PROJECT", None)
    return env


def test_ccassure_render_engine_quarto_drives_real_quarto_over_the_plan(rendered_both, quarto, tmp_path):
    _, _, project = rendered_both
    out = tmp_path / "engine-quarto"
    proc = subprocess.run([sys.executable, "-m", "ccassure", "render", "--engine", "quarto", "--quarto", quarto,
                           "--only", "rules", "--to", "html", "--output-dir", str(out)], cwd=project,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600,
                          env=_project_env(project))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p.name for p in out.iterdir()] == ["rules.html"]
    assert "Rule catalogue" in page(out / "rules.html").title
