"""Provider text reaches reports exactly as written: pandoc's smart reading (on in ccassure render and in
quarto render) must not curl its quotes or turn its hyphens into dashes. Synthetic text only."""

from __future__ import annotations

import html
import re

import pytest

from ccassure.reports.format import md_table
from ccassure.safe_text import markdown_safe

TEXTS = ['Parents said "brilliant" -- come back soon', "St Mary's Children's Centre", "Stay 'n' play...",
         "2016-17 --- review", "<b>not markup</b> & | pipes"]


def _pandoc(markdown: str, to: str) -> str:
    pypandoc = pytest.importorskip("pypandoc")
    return pypandoc.convert_text(markdown, to, format="markdown", extra_args=["--wrap=none"])


@pytest.mark.parametrize("text", TEXTS)
def test_provider_text_comes_out_of_pandoc_html_exactly_as_written(text: str) -> None:
    out = _pandoc(markdown_safe(text), "html")
    assert html.unescape(re.sub(r"</?p>", "", out)).strip() == text


@pytest.mark.parametrize("text", TEXTS[:3])
def test_provider_text_in_a_report_table_keeps_straight_quotes(text: str) -> None:
    out = html.unescape(_pandoc(md_table([[text]], headers=["Note"]), "html"))
    assert text in out and "\u2019" not in out and "\u201c" not in out and "\u2013" not in out


def test_quotes_and_double_hyphens_are_escaped_for_the_pdf_too() -> None:
    out = _pandoc(markdown_safe('said "yes" -- it\'s'), "typst")
    assert '\\"yes\\"' in out and "\\'" in out and "--" not in out.replace("-\\-", "")
