"""Column widths of Markdown pipe tables, chosen so that no word is wider than its column in the PDF.

pandoc turns the dashes of a pipe table's separator line into relative column widths (when a line of the
table is longer than ``--columns``) and typst never breaks a word inside a table cell (hyphenation is off
there, on purpose), so a column narrower than its longest word lets the word run into the next column.
Widths are therefore estimated in points from the characters of each cell, at the size the typst page
template prints tables (8 pt, bold header row, 4 pt inset), on the text width of the page (A4 less the
margins of ``_quarto.yml``): every column gets at least its longest word, and the rest of the width goes
to the columns with the most text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

TEXT_WIDTH_PT = 504.0  # A4 (595 pt) less two 1.6 cm margins
CELL_PAD_PT = 11.0  # 4 pt inset either side, and a little air
MAX_SHARE = 0.45  # no single column takes more than this of the width on length alone
SEPARATOR_UNITS = 400  # dashes shared out when widths are relative (finer than 1% steps)
SHORT_LINE = 72  # pandoc's --columns for typst: tables with no longer line are sized by typst itself

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"\\(.)|[*_`]")


def plain(cell: str) -> str:
    """What a Markdown cell prints: link text without its target, no escapes or emphasis marks."""
    return _MARKUP.sub(lambda m: m.group(1) or "", _LINK.sub(r"\1", cell))


_WIDE = re.compile(r"[A-LN-VX-Z&]")
_WIDER = re.compile(r"[MWmw@%]")
_SYMBOL = re.compile("[\u2000-\U0010ffff]")


@lru_cache(maxsize=1 << 16)  # the same labels and figures recur in every table of a report
def text_pt(value: str, bold: bool = False) -> float:
    """An upper estimate of the printed width of ``value`` at 8 pt (Libertinus Serif, DejaVu for symbols):
    calibrated on typst's own measure (lower case about 3.75 pt, capitals 5 pt, digits 3.7 pt, a symbol
    such as ✔ ✖ ▲ ● from the fallback font about 7 pt)."""
    spaces, wide, symbols = value.count(" "), len(_WIDE.findall(value)), len(_SYMBOL.findall(value))
    wider = len(_WIDER.findall(value))
    width = (4.1 * (len(value) - spaces - wide - wider - symbols) + 2.2 * spaces + 5.6 * wide + 6.8 * wider
             + 7.5 * symbols)
    return width * (1.1 if bold else 1.0)


KEEP_WHOLE_PT = 58.0  # a cell this short stays on one line ("✖ Not met", "30 June 2017", "In progress")


def _longest_word_pt(value: str, bold: bool = False) -> float:
    whole = text_pt(value, bold)
    if whole <= KEEP_WHOLE_PT:
        return whole
    longest = sorted(value.split(), key=len)[-3:]  # the widest word is among the longest few
    return max((text_pt(w, bold) for w in longest), default=0.0)


def widths_pt(head: Sequence[str], cells: Sequence[Sequence[str]], prefer: Sequence[float] | None = None
              ) -> list[float]:
    """Points per column, summing to the text width: each at least its longest word (header in bold).
    ``prefer`` weighs how much of the spare width each column wants (2: twice its share; default 1 each),
    for a table whose main column would otherwise lose out to several minor ones."""
    columns = range(len(head))
    texts = [[plain(row[i]) for row in cells if i < len(row)] for i in columns]
    heads = [plain(h) for h in head]
    minimum = [CELL_PAD_PT + max(_longest_word_pt(heads[i], True),
                                 max((_longest_word_pt(t) for t in texts[i]), default=0.0)) for i in columns]
    natural = []
    for i in columns:
        # the upper quartile of the cells that say something: most on one or two lines, and a column that is
        # mostly blank (actions not yet recorded) still gets room for the ones that are filled
        lengths = sorted(text_pt(t) for t in texts[i] if t.strip()) or [0.0]
        typical = lengths[(3 * len(lengths)) // 4]
        natural.append(max(minimum[i], min(MAX_SHARE * TEXT_WIDTH_PT, CELL_PAD_PT + typical)))
    spare = TEXT_WIDTH_PT - sum(minimum)
    if spare <= 0:  # cannot fit whatever we do: as fair as it gets (a test reports such tables)
        return [TEXT_WIDTH_PT * m / sum(minimum) for m in minimum]
    if sum(natural) <= TEXT_WIDTH_PT:  # everything fits: stretch in proportion to the natural widths
        return [TEXT_WIDTH_PT * n / sum(natural) for n in natural]
    weights = list(prefer) if prefer else [1.0] * len(head)
    wants = [(n - m) * w for n, m, w in zip(natural, minimum, weights, strict=True)]
    if not sum(wants):
        return [m + spare / len(minimum) for m in minimum]
    return [m + spare * w / sum(wants) for m, w in zip(minimum, wants, strict=True)]


def separator_dashes(head: Sequence[str], cells: Sequence[Sequence[str]], colons: Sequence[int],
                     longest_line: int, prefer: Sequence[float] | None = None) -> list[int]:
    """Dashes per column for the separator line (``colons`` says how many colons each column's rule has,
    which pandoc counts as part of the width). A table whose lines are all short keeps a short separator,
    so that pandoc leaves its sizing to typst, which then fits it to its content."""
    points = widths_pt(head, cells, prefer)
    if longest_line <= SHORT_LINE:
        units = SHORT_LINE - len(head) - 1
        shares = [max(1, round(units * p / TEXT_WIDTH_PT)) for p in points]
        while sum(shares) + len(head) + 1 > SHORT_LINE and max(shares) > 1:
            shares[shares.index(max(shares))] -= 1
    else:
        shares = [max(1, round(SEPARATOR_UNITS * p / TEXT_WIDTH_PT)) for p in points]
    return [max(1, s - c) for s, c in zip(shares, colons, strict=True)]
