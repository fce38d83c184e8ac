"""A page is made self-contained by ccassure itself: the stylesheet in the head, the document's own figures
as data URIs, and anything else a browser would fetch refused."""

from __future__ import annotations

import base64

import pytest

from ccassure.render.convert import ConversionError, markdown_source, to_html
from ccassure.render.embed import embed_figures, style_header
from ccassure.render.look import Look

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def test_a_figure_of_the_document_becomes_a_data_uri(tmp_path):
    (tmp_path / "report-1.svg").write_text(SVG, encoding="utf-8")
    page = embed_figures('<p><img src="report-1.svg" alt="A chart" /></p>', tmp_path)
    encoded = base64.b64encode(SVG.encode("utf-8")).decode("ascii")
    assert page == f'<p><img src="data:image/svg+xml;base64,{encoded}" alt="A chart" /></p>'


@pytest.mark.parametrize("target", ["https://cdn.example/x.svg", "//cdn.example/x.svg", "../secret.svg",
                                    "sub/report-1.svg", "missing.svg", "script.js"])
def test_anything_else_a_browser_would_fetch_is_refused(tmp_path, target):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "report-1.svg").write_text(SVG, encoding="utf-8")
    (tmp_path / "script.js").write_text("alert(1)", encoding="utf-8")
    with pytest.raises(ConversionError, match="not a figure of this document"):
        embed_figures(f'<img src="{target}" />', tmp_path)


def test_a_linked_stylesheet_is_refused(tmp_path):
    with pytest.raises(ConversionError, match="stylesheet"):
        embed_figures('<link rel="stylesheet" href="style.css" />', tmp_path)


def test_a_stylesheet_that_would_escape_its_style_block_is_refused(tmp_path):
    css = tmp_path / "look.css"
    css.write_text("body { color: red }\n</style><script>alert(1)</script>", encoding="utf-8")
    with pytest.raises(ConversionError, match="cannot be inlined"):
        style_header(css, tmp_path)


def test_a_whole_page_carries_its_style_and_figure_and_quotes_in_text_are_not_mistaken_for_sources(tmp_path):
    css = tmp_path / "look.css"
    css.write_text("h2 { color: #0b3d62; }", encoding="utf-8")
    (tmp_path / "doc-1.svg").write_text(SVG, encoding="utf-8")
    markdown = 'A return said: img src="https://x.example/y.png" here.\n\n![A chart](doc-1.svg){alt="A chart"}\n'
    look = Look(css=css)
    output = to_html(markdown_source(markdown, tmp_path, {"title": "T"}, look), tmp_path, tmp_path / "o.html", look)
    page = output.read_text(encoding="utf-8")
    assert "h2 { color: #0b3d62; }" in page and "<link" not in page
    assert page.count('src="data:image/svg+xml;base64,') == 1
    assert "x.example" in page  # the text is kept, as text
