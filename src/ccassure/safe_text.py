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


# Pandoc's "smart" reading (on in both renderers) turns straight quotes into curly ones, -- into a dash and
# ... into an ellipsis; escaped, they reach the report exactly as the provider wrote them.
_SMART = re.compile(r"([\"'])|(-(?=-))|(\.(?=\.\.))")


def markdown_safe(value: Any) -> str:
    """Escape text for a Markdown table cell: special characters, pipes and line breaks; quotes, double
    hyphens and dot runs so that the text is shown exactly as written (no smart quotes)."""
    text = "" if value is None else str(value)
    text = html.escape(text, quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _SMART.sub(lambda m: "\\" + m.group(), text)
    return " ".join(text.split())
