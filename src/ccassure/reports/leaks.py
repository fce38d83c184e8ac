"""A scanner for technical leaks in rendered documents: what must never reach a committee paper.

Used by the tests on every rendered HTML and PDF (via pdftotext): column names, expression dumps, grade
letters, file paths, Python reprs, unresolved placeholders and team-internal references. ``forbidden``
adds document-specific words, such as provider codes that must appear as names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PATTERNS: dict[str, re.Pattern[str]] = {
    "column name": re.compile(r"(?<![\w./-])[a-z]{2,}_[a-z][a-z0-9_]*(?![\w./-])"),
    "table.column": re.compile(r"\b[a-z]+\.[a-z]+_[a-z_]+\b"),
    "name=value": re.compile(r"\b[a-z_]{3,}\s?=\s?\S"),
    "expression": re.compile(r"\b(?:is not null|is null|period_end|period_start)\b|==|!="),
    "grade letter": re.compile(r"\[(?:R|V|U|P|S)\]|graded \["),
    "internal reference": re.compile(r"statute\.md|DESIGN\.md|COMMON\.md|\bseed \d{3}\b|/work/|\.library|"
                                     r"ccassure\.yml|not yet verified", re.IGNORECASE),
    "file path": re.compile(r"(?:^|\s)(?:/[\w.-]+){2,}|[A-Za-z]:\\\\|\b_output/|"
                           r"\b[\w-]+/[\w./-]+\.(?:md|ya?ml|csv|py|parquet|json|qmd)\b"),
    "python repr": re.compile(r"\['|'\]|\{'|\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|<NA>|\bdtype\b|Timestamp\("),
    "escape shown": re.compile(r"\\['\"()*_|#\[\]]"),  # Markdown escaped twice: "Children\\'s"
    "placeholder": re.compile(r"\{[a-z_]+\}|\bat least N\b|\bwithin N\b|\bN (?:weeks|days|months|times|casework)\b"),
}


@dataclass(frozen=True)
class Leak:
    kind: str
    found: str
    context: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.found!r} in …{self.context}…"


def scan(text: str, forbidden: Iterable[str] = (), allow: Iterable[str] = ()) -> list[Leak]:
    """Every leak in ``text`` (already extracted from HTML or PDF), with a little context."""
    allowed = set(allow)
    leaks = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if match.group(0).strip() in allowed:
                continue
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            leaks.append(Leak(kind, match.group(0), " ".join(text[start:end].split())))
    for word in forbidden:
        for match in re.finditer(re.escape(word), text):
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            leaks.append(Leak("code instead of a name", word, " ".join(text[start:end].split())))
    return leaks


def html_text(html: str) -> str:
    """The visible text of an HTML document (scripts, styles and embedded images left out)."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?is)<svg\b.*?</svg>", lambda m: " ".join(re.findall(r">([^<>]+)<", m.group(0))), html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    import html as html_module

    return html_module.unescape(html)
