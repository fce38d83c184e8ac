"""Formatting helpers for report documents: status labels, small-number suppression, Markdown tables.

Reports never recompute judgements; they only format what ``ccassure check`` wrote. Everything here
returns Markdown that survives both pandoc -> HTML and pandoc -> typst -> PDF (pipe tables, no raw HTML).
Provider text is always escaped, so that a centre called ``A | B <script>`` stays text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ccassure.reports.columns import separator_dashes
from ccassure.safe_text import markdown_safe

# Status is never shown by colour alone: every label carries a symbol and a word.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "met": ("✔", "Met"),
    "not_met": ("✖", "Not met"),
    "at_risk": ("▲", "At risk"),
    "not_evaluable": ("?", "Not evaluable"),
    "not_applicable": ("–", "Not applicable"),
}
STATUS_ORDER = ["not_met", "at_risk", "not_evaluable", "met", "not_applicable"]

RAG_LABELS: dict[str, tuple[str, str]] = {
    "green": ("●", "Green: on target"),
    "amber": ("◆", "Amber: within tolerance"),
    "red": ("▼", "Red: off target"),
    "not_evaluable": ("?", "Not evaluable"),
}
RAG_SHORT = {"green": "Green", "amber": "Amber", "red": "Red", "not_evaluable": "Not evaluable"}

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_COLOURS = {"met": "#009E73", "not_met": "#D55E00", "at_risk": "#E69F00", "not_evaluable": "#999999",
                  "not_applicable": "#DDDDDD"}
STATUS_HATCHES = {"met": "", "not_met": "xx", "at_risk": "//", "not_evaluable": "..", "not_applicable": ""}

DEFAULT_MINIMUM = 5
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")

SYNTHETIC_NOTICE = ("Synthetic data: every centre, provider, family and figure in this document is invented "
                    "for demonstration. Nothing here describes a real service.")


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_stem(value: Any) -> str:
    """A file-name-safe form of an id (used for output names and the links between documents)."""
    return _UNSAFE_NAME.sub("_", str(value)).strip("._") or "unnamed"


def status_label(status: Any, short: bool = False) -> str:
    """'✔ Met', '✖ Not met', ... (symbol and word, never colour alone); unknown values stay visible."""
    key = str(status or "").strip().lower()
    if key not in STATUS_LABELS:
        return markdown_safe(status) if status not in (None, "") else "? Unknown"
    symbol, word = STATUS_LABELS[key]
    return symbol if short else f"{symbol} {word}"


def rag_label(rag: Any, short: bool = True) -> str:
    key = str(rag or "").strip().lower()
    if key not in RAG_LABELS:
        return "? Not evaluable" if not key or key in ("none", "nan") else markdown_safe(rag)
    symbol, long = RAG_LABELS[key]
    return f"{symbol} {RAG_SHORT[key] if short else long}"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT", "nan")
    except (TypeError, ValueError):
        return False


def suppress(n: Any, minimum: int | None = DEFAULT_MINIMUM) -> str:
    """A count for a committee paper: counts from 1 to minimum-1 become '<minimum'; 0 stays 0.

    ``minimum`` of None or 0 switches suppression off (internal working papers).
    """
    if _is_missing(n):
        return "–"
    try:
        value = float(n)
    except (TypeError, ValueError):
        return markdown_safe(n)
    if minimum and 0 < value < minimum:
        return f"<{minimum}"
    return f"{int(value):,}" if value == int(value) else f"{value:,.1f}"


def fmt_number(value: Any, unit: str | None = None, digits: int = 1) -> str:
    if _is_missing(value):
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return markdown_safe(value)
    unit = (unit or "").strip().lower()
    if unit in ("percent", "%", "pct", "percentage"):
        return f"{number:.{digits}f}%"
    if unit in ("proportion", "share", "rate") and abs(number) <= 1:
        return f"{number * 100:.{digits}f}%"
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.{digits}f}"


def text(value: Any) -> str:
    """Escape any provider text for Markdown (pipes, <, >, &, backticks, line breaks)."""
    return "–" if _is_missing(value) else markdown_safe(value)


def md_table(rows: Iterable[Sequence[Any]] | Any, headers: Sequence[str] | None = None,
             align: str | Sequence[str] | None = None, escape: bool | Sequence[bool] = True,
             empty: str = "_None._", prefer: Sequence[float] | None = None) -> str:
    """A Markdown pipe table (survives to PDF). ``rows`` may be a DataFrame or a list of sequences.
    ``prefer``: how much of the spare width each column wants in the PDF (columns.widths_pt).

    ``escape`` may be one flag for all columns or one per column: pass False only for cells this code
    built itself (status labels), never for provider text.
    """
    if hasattr(rows, "itertuples"):
        frame = rows
        headers = list(headers or [str(c) for c in frame.columns])
        body = [list(r) for r in frame.itertuples(index=False, name=None)]
    else:
        body = [list(r) for r in rows]
        headers = list(headers or [])
    if not body:
        return empty
    width = len(headers)
    flags = [escape] * width if isinstance(escape, bool) else list(escape)
    if align is None:
        aligns = ["l"] * width
    elif isinstance(align, str):
        aligns = list(align) if len(align) == width else [align] * width
    else:
        aligns = list(align)
    def cell(value: Any, esc: bool) -> str:
        if esc:
            return text(value)
        return " ".join(_UNESCAPED_PIPE.sub(r"\\|", str(value)).split())

    cells = [[cell(v, flags[i]) for i, v in enumerate(r[:width])] for r in body]
    head = [text(h) for h in headers]
    rows = ["| " + " | ".join(row) + " |" for row in cells]
    header = "| " + " | ".join(head) + " |"
    aligns = (aligns + ["l"] * width)[:width]
    # column widths in the PDF: every column at least as wide as its longest word (columns.py)
    dashes = separator_dashes(head, cells, [2 if a == "c" else 1 for a in aligns],
                              max(len(line) for line in [header, *rows]), prefer)
    return "\n".join([header, "|" + "|".join(_rule(a, n) for a, n in zip(aligns, dashes, strict=True)) + "|",
                      *rows])


def _rule(align: str, dashes: int) -> str:
    line = "-" * dashes
    return {"l": ":" + line, "r": line + ":", "c": ":" + line + ":"}.get(align, ":" + line)


def banner(synthetic: bool = True) -> str:
    """The notice at the top of every demo document (a Quarto callout; a plain block in other tools)."""
    if not synthetic:
        return ""
    return f'::: {{.callout-warning .synthetic}}\n**{SYNTHETIC_NOTICE}**\n:::\n'


def status_key() -> str:
    parts = [f"{symbol} {word}" for symbol, word in (STATUS_LABELS[s] for s in STATUS_ORDER)]
    return "Key: " + " · ".join(parts) + "."


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 centre', '3 centres', '1,418 figures': a count with its noun agreeing."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def room_for(height: str) -> str:
    """A PDF-only request that the next ``height`` of content (a typst length: "14em", "560pt") start on a new
    page unless it fits here, so a heading and its first lines are not left at the foot of a page (typst
    keeps a heading with the next paragraph, not with the table or chart after it). An empty unbreakable
    block of that height moves to the next page when it does not fit, and is then taken back; HTML ignores
    the raw typst block."""
    return f"```{{=typst}}\n#block(breakable: false, height: {height}, above: 0pt, below: 0pt)[]\n#v(-{height})\n```\n"
