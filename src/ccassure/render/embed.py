"""Make pandoc's HTML self-contained without ``--embed-resources``, and prove it fetches nothing.

pandoc's ``--embed-resources`` re-parses the whole HTML it has just written to find what to embed; for a
county's report that took a third of the HTML writer's time. ccassure knows exactly what a document refers
to: the project's stylesheet (put in the page head as a ``<style>`` block) and the figures the Markdown
writer saved beside the document (put in as ``data:`` URIs). Any other ``src`` or stylesheet link would
make the browser fetch something, so it is refused rather than left in a committee paper.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from ccassure.render.errors import ConversionError

FIGURE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
_SRC = re.compile(r'(\ssrc=")([^"]*)(")')
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\bstylesheet", re.IGNORECASE)


def style_header(css: Path, workdir: Path) -> Path:
    """A file for pandoc's ``--include-in-header``: the stylesheet as one ``<style>`` block."""
    text = css.read_text(encoding="utf-8")
    if "</style" in text.lower() or "@import" in text.lower():
        raise ConversionError(f"the stylesheet {css.name} cannot be inlined (it closes <style> or imports another)")
    header = workdir / "_style.html"
    header.write_text(f"<style>\n{text}\n</style>\n", encoding="utf-8")
    return header


def embed_figures(page: str, workdir: Path) -> str:
    """The page with every figure the document saved in ``workdir`` as a ``data:`` URI; anything else that
    a browser would fetch raises ConversionError."""
    def inline(match: re.Match[str]) -> str:
        target = html.unescape(match.group(2))
        if target.startswith("data:"):
            return match.group(0)
        path = workdir / target
        kind = FIGURE_TYPES.get(path.suffix.lower())
        if kind is None or "/" in target or "\\" in target or not path.is_file():
            raise ConversionError(f"the HTML refers to {target[:80]!r}, which is not a figure of this document")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"{match.group(1)}data:{kind};base64,{data}{match.group(3)}"

    page = _SRC.sub(inline, page)
    if _STYLESHEET_LINK.search(page):
        raise ConversionError("the HTML links a stylesheet, which a self-contained page must not")
    return page
