"""Tables in the PDF keep every word inside its own column: no long word runs into the next column or
past the page's margin, header row included (issue 9: "Head of Commissioning" ran into the Due column and
the "Progress" header was clipped).

Each table goes through the real PDF path (pandoc with the project's Lua filter and page template, then
typst), and `pdftotext -bbox` gives the position of every printed word. A column starts where its header's
first word starts (less the cell inset); each word must end before the next column starts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ccassure.render.convert import parse, to_pdf
from ccassure.render.look import read_look
from ccassure.reports.authority_report import AuthorityReport
from ccassure.reports.format import md_table
from ccassure.reports.results import load_results

from .format2 import AUTHORITY, make_format2

REPO = Path(__file__).resolve().parents[2]
INSET = 4.0  # the cell inset of reports/assets/typst-template.typ
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)"')


def pdf_words(markdown: str, tmp: Path) -> tuple[float, list[tuple[int, float, float, float, str]]]:
    """(page width, [(page, xMin, xMax, yMin, word)]) of ``markdown`` printed as the reports print it."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    look = read_look(REPO)
    pdf = to_pdf(parse(markdown, tmp, {}, look), tmp, tmp / "tables.pdf", look)
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(PAGE.search(bbox).group(1))
    words = []
    for page_number, page in enumerate(bbox.split("<page ")[1:], start=1):
        for x0, y0, x1, _y1, word in WORD.findall(page):
            words.append((page_number, float(x0), float(x1), float(y0), word.replace("&amp;", "&")))
    return width, words


def overflows(markdown: str, headers: list[str], tmp: Path) -> list[str]:
    """Every word of the table's body or header that crosses into the next column or the right margin."""
    width, words = pdf_words(markdown, tmp)
    right_edge = width - 1.6 / 2.54 * 72  # the page margin of _quarto.yml
    problems = []
    for page in sorted({w[0] for w in words}):
        on_page = [w for w in words if w[0] == page]
        starts = []
        for header in headers:  # the first header row on the page (it repeats on every page)
            first = header.split()[0]
            hit = next((w for w in on_page if w[4] == first and all(w[1] > s + 1 for s in starts)), None)
            assert hit is not None, f"header {header!r} not found on page {page}"
            starts.append(hit[1] - INSET)
        ends = [*starts[1:], right_edge]
        for _page, x0, x1, _y, word in on_page:
            column = max((i for i, s in enumerate(starts) if s <= x0 + 0.5), default=None)
            if column is not None and x1 > ends[column] + 0.5:
                problems.append(f"page {page}: {word!r} (column {headers[column]!r}) ends at {x1:.1f} pt, "
                                f"past {ends[column]:.1f} pt")
    return problems


EXCEPTION_HEADERS = ["Status", "Where", "Duty", "Since", "What was found", "Action"]


def test_long_owner_names_and_actions_stay_in_their_columns(tmp_path):
    rows = [("✖ Not met", "Meadowlark Family Centre (Meadowlark Children's Trust)",
             "Early childhood services are available through the centre", "July to September 2016",
             "Only 57.1% of children under five in the reach area are registered with the centre.",
             "Chase the registrations. Owner: Head of Commissioning; due 31 March 2017; Not started."),
            ("▲ At risk", "Kingfisher Children's Centre (Wexcombe County Council)",
             "The advisory board includes parents of young children", "April to June 2016",
             "Two parent places on the advisory board have been vacant for two quarters.",
             "Owner: Safeguarding Partnerships Manager; due 30 June 2017; In progress.")]
    table = md_table(rows, EXCEPTION_HEADERS, escape=[False] * 6)
    assert overflows(table, EXCEPTION_HEADERS, tmp_path) == []


def test_many_narrow_columns_of_long_words_stay_in_their_columns(tmp_path):
    headers = ["Where", "Measure", "Period", "Value", "Target", "Red since", "Owner", "Due", "Progress"]
    rows = [("Meadowlark Children's Trust (provider)", "Family Star Plus: improvement in outcomes",
             "Rolling 12 months", "36.8%", "70.0%", "October to December 2016", "Commissioning",
             "31 December 2017", "Discontinued")] * 3
    table = md_table(rows, headers, "lllrrllll", escape=[False] * 9)
    assert overflows(table, headers, tmp_path) == []


def test_the_authority_reports_exception_tables_stay_in_their_columns(tmp_path):
    report = AuthorityReport(load_results(make_format2(tmp_path / "results")), AUTHORITY)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    exceptions = report.exceptions().split("\n\n", 1)[1]
    assert overflows(exceptions, table_headers(exceptions), tmp_path / "a") == []
    red = report.red_kpis().split("\n\n", 1)[1]
    assert overflows(red, table_headers(red), tmp_path / "b") == []


def table_headers(markdown: str) -> list[str]:
    return [h.strip() for h in markdown.split("\n", 1)[0].strip("| ").split(" | ")]
