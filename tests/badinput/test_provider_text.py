"""Provider text reaches reports exactly as written, in HTML and in PDF: pandoc's smart reading (on in ccassure
render and in quarto render) must not curl its quotes or turn its hyphens into dashes, and typst's markup must
not turn ``...`` into an ellipsis, ``--`` into a dash, ``-5`` into a minus sign, ``a-?b`` into a soft
hyphen or a cell that starts with ``- ``, ``+ ``, ``= ``, ``/ `` or ``1. `` into a list or a heading.
Synthetic text only."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ccassure.reports.format import md_table
from ccassure.safe_text import markdown_safe

TEXTS = ['Parents said "brilliant" -- come back soon', "St Mary's Children's Centre", "Stay 'n' play...",
         "2016-17 --- review", "<b>not markup</b> & | pipes"]

# Each of these came out of a PDF changed before the escaping below (the change in brackets).
TYPST_HOSTILE = [
    "Stay and play... back soon",  # ellipsis
    "Sessions cut by -5 this term (-2 last term)",  # minus signs
    "Drop-?in",  # soft hyphen
    "Open 9--12 --- most days",  # en and em dash (pandoc 3.6, as under Quarto, leaves -- bare)
    "- starts like a list item",  # bullet list
    "+ starts like a numbered item",  # numbered list
    "= starts like a heading",  # heading
    "/ Term: starts like a term list",  # term list
    "1. Starts like a numbered item",  # numbered list
    "Ages 0~5 // not a comment /* nor this */",
    "#set text(red) $x^2$ <label> @ref *b* _i_ `code` back\\slash",
    'Mum\'s "best" -- ever...',
    "Already an ellipsis\u2026 and a dash \u2013 as typed",
]


def _pandoc(markdown: str, to: str) -> str:
    pypandoc = pytest.importorskip("pypandoc")
    return pypandoc.convert_text(markdown, to, format="markdown", extra_args=["--wrap=none"])


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("text", TEXTS + TYPST_HOSTILE)
def test_provider_text_comes_out_of_pandoc_html_exactly_as_written(text: str) -> None:
    out = _pandoc(markdown_safe(text), "html")
    assert html.unescape(re.sub(r"</?p>", "", out)).strip() == text


@pytest.mark.parametrize("text", TEXTS[:3] + TYPST_HOSTILE[:4])
def test_provider_text_in_a_report_table_keeps_straight_quotes(text: str) -> None:
    out = html.unescape(_pandoc(md_table([[text]], headers=["Note"]), "html"))
    assert f">{text}</td>" in out
    assert not {"\u2019", "\u201c", "\u2013", "\u2014", "\u2026", "\u2212"} & set(out)


def test_quotes_and_hyphen_runs_are_escaped_for_typst() -> None:
    out = _pandoc(markdown_safe('said "yes" -- it\'s -5 ...'), "typst")
    assert '\\"yes\\"' in out and "\\'" in out and "\\-\\-" in out and "\\-5" in out and "\\.\\.\\." in out
    assert "--" not in out.replace("\\-", "") and "..." not in out.replace("\\.", "")


def test_plain_text_is_left_as_ordinary_markdown() -> None:
    """Only the runs typst would change go in raw; a centre name stays text that headings and ids can use."""
    assert markdown_safe("Northgate Children's Centre") == "Northgate Children\\'s Centre"
    assert "{=" in markdown_safe("Stay and play...") and "{=" not in markdown_safe("Stay and play.")
    for plain in ("Stay-and-play", "2016-17", "2016/17", "Room 1.5", "+44 1632"):
        assert "{=" not in markdown_safe(plain), plain


def _pdf_text(tmp_path: Path, markdown: str) -> str:
    pytest.importorskip("typst")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from ccassure.render.convert import parse, to_pdf
    from ccassure.render.look import read_look

    look = read_look(Path(__file__).resolve().parents[2])
    ast = parse(markdown, tmp_path / "work", {"title": "Provider text"}, look)
    pdf = to_pdf(ast, tmp_path / "work", tmp_path / "text.pdf", look)
    # -raw: no de-hyphenation of a line that ends in a provider's hyphen
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_provider_text_comes_out_of_the_rendered_pdf_exactly_as_written(tmp_path: Path) -> None:
    """ccassure's own PDF path (the project's look, pandoc -> typst -> PDF), read back with pdftotext."""
    paragraphs = "\n\n".join(f"Note {i}: {markdown_safe(t)}" for i, t in enumerate(TYPST_HOSTILE))
    table = md_table([[i, t] for i, t in enumerate(TYPST_HOSTILE)], headers=["Row", "Provider note"])
    text = _pdf_text(tmp_path, f"# Notes\n\n{paragraphs}\n\n# Table\n\n{table}\n")
    flat = _words(text)
    for i, provider in enumerate(TYPST_HOSTILE):
        assert f"Note {i}: {_words(provider)}" in flat, provider
    # table cells: each note once more, as written (cells may wrap, so compared without line breaks)
    table_text = flat[flat.index("Provider note"):]
    for i, provider in enumerate(TYPST_HOSTILE):
        assert f"{i} {_words(provider)}" in table_text, provider
    assert "\u2212" not in text and "\u00ad" not in text and "\u2022" not in text
