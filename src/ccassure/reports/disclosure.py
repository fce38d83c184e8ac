"""Disclosure control for every committee output: tables and sentences alike.

Results hold exact counts (the writer never rounds); this module decides what a public paper may show.

Policy (explained on the page by :meth:`Policy.note`):

1. Primary suppression: a count of people from 1 to ``threshold - 1`` is not shown.
2. Complement: where a rate's numerator and denominator would leave fewer than ``threshold`` people on
   the other side ("17 of 18 engaged" tells you 1 was not), the numerator is not shown either.
3. Rates: a percentage is shown only when both its numerator and its denominator are shown, so
   "<5 / 18 = 16.7%" can never give back the 3.
4. Secondary suppression: where rows add up to a published total (centres to their provider or cluster,
   providers to the authority), an equation never has exactly one hidden count: a second count (the
   smallest non-zero one shown) is hidden too, and this repeats until every equation is safe.
5. A RAG rating is withheld for a hidden numerator when, with the denominator shown, it would pin the
   numerator to a single value.
6. Every hidden cell shows the same mark, so a reader cannot tell a small count from a secondary one.

API used by every document (authority, centre, evidence, impact):

    policy = Policy(threshold=5)
    policy.count(n) -> str                      # one count in a table or sentence
    policy.rate(numerator, denominator) -> RateCells   # .numerator, .denominator, .shown (bool)
    protect_family(cells, total)                # secondary suppression over one parent = sum(children)
    protect_hierarchy(rows, parents)            # the same over a whole tree of KPI rows
    policy.sentence_count(n, noun)              # "12 families" or "a small number of families"
    policy.note()                               # the plain-English note for the page
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

HIDDEN = "c"
DEFAULT_THRESHOLD = 5


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _fmt_count(value: float) -> str:
    return f"{int(round(value)):,}"


@dataclass(frozen=True)
class RateCells:
    """What a table may show of one rate: the numerator, denominator and whether the value may be shown."""
    numerator: str
    denominator: str
    shown: bool
    numerator_hidden: bool
    denominator_hidden: bool


@dataclass(frozen=True)
class Policy:
    """The disclosure policy for one document; ``threshold`` of 0 switches it off (internal working)."""
    threshold: int = DEFAULT_THRESHOLD
    protect_complement: bool = True

    @property
    def active(self) -> bool:
        return bool(self.threshold and self.threshold > 1)

    def is_small(self, n: Any) -> bool:
        value = _number(n)
        return bool(self.active and value is not None and 0 < value < self.threshold)

    def count(self, n: Any) -> str:
        """One count for a table: the number, '–' when missing, or the hidden mark when small."""
        value = _number(n)
        if value is None:
            return "–"
        return HIDDEN if self.is_small(value) else _fmt_count(value)

    def rate(self, numerator: Any, denominator: Any) -> RateCells:
        num, den = _number(numerator), _number(denominator)
        if den is None:  # a count on its own (the value is the count)
            hidden = self.is_small(num)
            return RateCells(self.count(num), "–", num is not None and not hidden, hidden, False)
        if num is None:
            return RateCells("–", self.count(den), False, False, self.is_small(den))
        den_hidden = self.is_small(den)
        num_hidden = den_hidden or self.is_small(num)
        if self.protect_complement and self.active and den is not None and num is not None:
            num_hidden = num_hidden or self.is_small(den - num)
        return RateCells(HIDDEN if num_hidden else _fmt_count(num), HIDDEN if den_hidden else _fmt_count(den),
                         not (num_hidden or den_hidden), num_hidden, den_hidden)

    def rag_shown(self, numerator: Any, denominator: Any, target: Any, amber_from: Any, direction: Any,
                  numerator_hidden: bool | None = None, denominator_hidden: bool | None = None) -> bool:
        """Whether a RAG rating may sit beside a hidden numerator without pinning it to one value."""
        cells = self.rate(numerator, denominator)
        num_hidden = cells.numerator_hidden if numerator_hidden is None else numerator_hidden
        den_hidden = cells.denominator_hidden if denominator_hidden is None else denominator_hidden
        if not num_hidden and not den_hidden:
            return True
        den = _number(denominator)
        if den_hidden or den is None or den <= 0:
            return False
        rating = _band(_number(numerator) / den * 100, _number(target), _number(amber_from), direction)
        # a hidden cell looks the same whether small or secondary: the reader knows only 1 <= k <= den
        candidates = [k for k in range(1, int(den) + 1)
                      if _band(k / den * 100, _number(target), _number(amber_from), direction) == rating]
        return len(candidates) >= 2

    def sentence_count(self, n: Any, noun: str) -> str:
        value = _number(n)
        if value is None:
            return f"an unknown number of {noun}"
        if self.is_small(value):
            return f"a small number of {noun} (fewer than {self.threshold})"
        return f"{_fmt_count(value)} {noun}"

    def note(self) -> str:
        if not self.active:
            return ("Small numbers are shown in full: this is a working paper, not for publication.")
        t = self.threshold
        return (f"**Small numbers.** To protect families' privacy, a count of fewer than {t} people is not shown, "
                f"and nor is any figure from which one could be worked out: a percentage whose count is hidden, "
                f"a count that leaves fewer than {t} people on the other side, or one more figure in a group that "
                f"adds up to a published total. Hidden figures are marked “{HIDDEN}”. Ratings are still given "
                "where they cannot reveal a hidden count.")


_N_OF_M = re.compile(r"\b(\d[\d,]*) of (\d[\d,]*)\b")


def sentence_is_disclosive(sentence: str, policy: Policy) -> bool:
    """Whether a sentence written elsewhere (a rule message) carries "N of M" counts the policy would hide."""
    for match in _N_OF_M.finditer(str(sentence or "")):
        num, den = (float(g.replace(",", "")) for g in match.groups())
        if not policy.rate(num, den).shown:
            return True
    return False


def _band(value: float | None, target: float | None, amber: float | None, direction: Any) -> str:
    if value is None or target is None:
        return "none"
    lower = str(direction or "").lower().startswith("lower")
    if (value <= target) if lower else (value >= target):
        return "green"
    if amber is not None and ((value <= amber) if lower else (value >= amber)):
        return "amber"
    return "red"


@dataclass
class Cell:
    """A count in a family of rows: its value and whether it is hidden."""
    value: float | None
    hidden: bool = False


def protect_family(children: Sequence[Cell], total: Cell | None) -> bool:
    """Secondary suppression for one equation total = sum(children). Returns True when it hid a cell.

    The reader knows the total, the children shown, and that a hidden cell is at least 1 (zeros are shown).
    The equation is safe when no child is hidden, or when at least two are and their sum exceeds their
    number (otherwise every hidden cell must be exactly 1). Until it is safe, the smallest non-zero shown
    child is hidden too; if none is left, the total is hidden.
    """
    if total is None or total.value is None:
        return False
    changed = False
    while True:
        hidden = [c for c in children if c.hidden]
        if total.hidden:
            unsafe = len(hidden) == 0 and bool(children)  # the total is the sum of what is shown
        else:
            hidden_sum = sum(c.value or 0 for c in hidden)
            unsafe = bool(hidden) and (len(hidden) < 2 or hidden_sum <= len(hidden))
        if not unsafe:
            return changed
        shown = [c for c in children if not c.hidden and c.value]
        if shown:
            min(shown, key=lambda c: c.value or 0).hidden = True
        elif not total.hidden:
            total.hidden = True
        else:
            return changed
        changed = True


@dataclass
class Row:
    """One row of a table of counts (a centre, provider, cluster or authority) for secondary suppression."""
    key: str
    numerator: Cell
    denominator: Cell
    parents: list[str] = field(default_factory=list)


def protect_hierarchy(rows: Iterable[Row], policy: Policy) -> dict[str, Row]:
    """Primary, complement and secondary suppression over rows that add up to their parents' rows.

    ``parents`` of each row name the rows it is summed into (a centre into its provider and its cluster,
    a provider into the authority). Runs to a fixed point, so a hidden cell that makes another equation
    unsafe is followed up.
    """
    by_key = {r.key: r for r in rows}
    for r in by_key.values():
        cells = policy.rate(r.numerator.value, r.denominator.value)
        r.numerator.hidden = r.numerator.hidden or cells.numerator_hidden
        r.denominator.hidden = r.denominator.hidden or cells.denominator_hidden
    families: dict[str, list[Row]] = {}
    for r in by_key.values():
        for parent in r.parents:
            if parent in by_key:
                families.setdefault(parent, []).append(r)
    changed = policy.active
    while changed:
        changed = False
        for parent, children in families.items():
            for part in ("numerator", "denominator"):
                if protect_family([getattr(c, part) for c in children], getattr(by_key[parent], part)):
                    changed = True
        for r in by_key.values():  # a hidden denominator hides its rate's numerator too
            if r.denominator.hidden and not r.numerator.hidden and r.numerator.value:
                r.numerator.hidden = True
                changed = True
    return by_key


def cell_text(cell: Cell) -> str:
    if cell.value is None:
        return "–"
    return HIDDEN if cell.hidden else _fmt_count(cell.value)
