"""Escaping for everything ccassure writes back out of untrusted provider files.

A cell that starts with =, +, -, @ (or a tab or carriage return) is read by spreadsheet programs as a
formula, so it is prefixed with an apostrophe (OWASP's CSV-injection advice). Text placed in HTML or
Markdown is escaped so that provider text never becomes markup.
"""

from __future__ import annotations

import html
import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def csv_safe(value: Any) -> Any:
    """The value, or for text that a spreadsheet would run as a formula, the text prefixed with '.

    Plain negative numbers (-3, -1.5) stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def html_safe(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$@])")


# Pandoc's "smart" reading (on in both renderers) turns straight quotes into curly ones; escaped, they stay
# straight (its dashes and ellipses cannot arise: hyphen and dot runs go in raw, below).
_SMART_QUOTE = re.compile(r"[\"']")

# What typst's markup would still change after pandoc's typst writer has escaped the text (pandoc 3.6 under
# Quarto and 3.9 under ccassure render alike): a run of three dots (an ellipsis), hyphen runs (pandoc 3.6
# leaves -- and --- bare: dashes), a hyphen before a digit but not after a letter or digit (a minus sign),
# -? (a soft hyphen), and a heading, list or term marker at the start of a table cell (=, -, +, /, 1.).
_TYPST_MARKUP = re.compile(r"\.{3,}|-{2,}|(?<![^\W_])-(?=\d)|-\?|^(?:=+|[-+/]|\d+\.)(?=\s|$)")


def _typst_escaped(fragment: str) -> str:
    """Typst markup that shows ``fragment`` literally: every ASCII punctuation mark backslash-escaped."""
    return "".join("\\" + c if c.isascii() and not c.isalnum() and not c.isspace() else c for c in fragment)


def _verbatim(fragment: str) -> str:
    """The fragment as a pair of raw inlines, one per writer (each drops the other's): HTML shows it as
    text, typst as escaped markup, so neither pandoc nor typst can turn it into a dash, an ellipsis, a
    minus sign or a list."""
    return f"`{html.escape(fragment, quote=True)}`{{=html}}`{_typst_escaped(fragment)}`{{=typst}}"


def _markdown_escaped(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _SMART_QUOTE.sub(lambda m: "\\" + m.group(), text)


def markdown_safe(value: Any) -> str:
    """Escape text for a Markdown table cell or paragraph so that it is shown exactly as written, in HTML
    and in PDF: special characters, pipes and line breaks escaped, quotes kept straight; the runs typst
    would still typeset differently (see ``_TYPST_MARKUP``) go in as raw HTML and raw typst."""
    text = " ".join(("" if value is None else str(value)).split())
    parts: list[str] = []
    start = 0
    for match in _TYPST_MARKUP.finditer(text):
        parts += [_markdown_escaped(text[start:match.start()]), _verbatim(match.group())]
        start = match.end()
    parts.append(_markdown_escaped(text[start:]))
    return "".join(parts)
