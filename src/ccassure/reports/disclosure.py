"""Disclosure control for every committee output: tables and sentences alike.

Results hold exact counts (the writer never rounds); this module decides what a public paper may show.

Policy (explained on the page by :meth:`Policy.note`), for a threshold ``t`` (5 by default):

1. Primary suppression: a count of people from 1 to ``t - 1`` is not shown. Zero is shown ("0 of 12")
   unless a rule below hides it.
2. Complement: where a rate's numerator leaves fewer than ``t`` people on the other side, none included,
   the numerator is not shown: "17 of 18" tells you 1 was not, and "5 of 5" or "12 of 12" tells you
   something about every family in the group.
3. Rates: a percentage is shown only when both its numerator and its denominator are shown, so
   "<5 / 18 = 16.7%" can never give back the 3; a hidden denominator hides its numerator.
4. Secondary suppression: where rows add up to a published total (centres to their provider, cluster and
   authority; clusters and providers to the authority, and to each other where one lies wholly inside the
   other), no equation is left that gives back a hidden count. Three equations hold in every family: the
   numerators, the denominators and the people on the other side (denominator - numerator) add up, so a
   parent at 100% or 0% cannot give away its hidden children. A second count (the smallest non-zero one
   shown, and every shown count of the same value, so that rows with the same figures are treated alike)
   is hidden, and this repeats until every equation is safe.
5. Ratings: beside a hidden numerator (with its denominator shown) a RAG rating is given only when at
   least two counts earn it and one of them has ``t`` or more people on each side, after everything else
   the table shows (totals, other rows, other ratings) has narrowed the hidden count
   (:func:`protect_ratings`). So a rating never pins a hidden count, nor shows that it is small or that
   few people are on the other side ("c of 12, Green" against 80% would mean 10 to 12 of 12). Beside a
   hidden denominator no rating is given, and "too few to rate (fewer than N)" only when N - 1 >= ``t``.
6. Every hidden cell shows the same mark, so a reader cannot tell a small count from a secondary one.

API used by every document (authority, centre, evidence, impact):

    policy = Policy(threshold=5)
    policy.count(n) -> str                      # one count in a table or sentence
    policy.rate(numerator, denominator) -> RateCells   # .numerator, .denominator, .shown (bool)
    protect_family(cells, total)                # secondary suppression over one parent = sum(children)
    protect_hierarchy(rows, policy)             # the same over a whole tree of KPI rows
    protect_ratings(rows, policy, ratings)      # which ratings may sit beside hidden counts
    policy.sentence_count(n, noun)              # "12 families" or "a small number of families"
    policy.note()                               # the plain-English note for the page
"""

from __future__ import annotations

import bisect
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
        """The cells of one rate "numerator of denominator" after primary and complement suppression.

        A count of 1 to ``threshold - 1`` is hidden (zero is shown); so is a numerator that leaves fewer than
        ``threshold`` people on the other side, none included ("5 of 5" says every family in the group was
        counted); a hidden denominator hides its numerator; a rate is shown only with both counts.
        """
        num, den = _number(numerator), _number(denominator)
        if den is None:  # a count on its own (the value is the count)
            hidden = self.is_small(num)
            return RateCells(self.count(num), "–", num is not None and not hidden, hidden, False)
        if num is None:
            return RateCells("–", self.count(den), False, False, self.is_small(den))
        den_hidden = self.is_small(den)
        num_hidden = den_hidden or self.is_small(num) or self.complement_small(num, den)
        return RateCells(HIDDEN if num_hidden else _fmt_count(num), HIDDEN if den_hidden else _fmt_count(den),
                         not (num_hidden or den_hidden), num_hidden, den_hidden)

    def complement_small(self, numerator: Any, denominator: Any) -> bool:
        """Whether "numerator of denominator" leaves fewer than ``threshold`` people, none included, on the other side."""
        num, den = _number(numerator), _number(denominator)
        if not (self.active and self.protect_complement) or num is None or den is None or den <= 0:
            return False
        return den - num < self.threshold

    def printable(self, numerator: Any, denominator: Any) -> bool:
        """Whether "numerator of denominator" has at least ``threshold`` people on each side (a count we print)."""
        num, den = _number(numerator), _number(denominator)
        if not self.active:
            return True
        return num is not None and den is not None and num >= self.threshold and den - num >= self.threshold

    def rag_shown(self, numerator: Any, denominator: Any, target: Any, amber_from: Any, direction: Any,
                  numerator_hidden: bool | None = None, denominator_hidden: bool | None = None) -> bool:
        """Whether a RAG rating may sit beside a rate whose numerator or denominator is hidden.

        The reader knows the denominator, the rating and the rule that gave it, so the hidden numerator is
        one of the counts ``k`` (0 to the denominator) that earn that rating. The rating is shown only when
        at least two counts earn it and at least one of them has ``threshold`` or more people on each side
        (a count we would print): so a rating never pins a hidden count, and never shows that it is small
        or that few people are on the other side ("c of 12, Green" with a target of 80% would mean 10 to 12
        of 12, all of them counts we hide). With the denominator hidden, no rating is shown.
        """
        cells = self.rate(numerator, denominator)
        num_hidden = cells.numerator_hidden if numerator_hidden is None else numerator_hidden
        den_hidden = cells.denominator_hidden if denominator_hidden is None else denominator_hidden
        if not num_hidden and not den_hidden:
            return True
        num, den = _number(numerator), _number(denominator)
        if den_hidden or den is None or den <= 0 or num is None:
            return False
        rule = Rating(target, amber_from, direction)
        rating = _band(num / den * 100, _number(target), _number(amber_from), direction)
        candidates = _earning(den, rule, rating, 0, int(den))
        return len(candidates) >= 2 and any(self.printable(k, den) for k in candidates)

    def sentence_count(self, n: Any, noun: str) -> str:
        value = _number(n)
        if value is None:
            return f"an unknown number of {noun}"
        if self.is_small(value):
            return f"a small number of {noun} (fewer than {self.threshold})"
        return f"{_fmt_count(value)} {noun}"

    def note(self) -> str:
        """The policy in plain English, printed on every page that shows counts (councillors read it)."""
        if not self.active:
            return ("Small numbers are shown in full: this is a working paper, not for publication.")
        t = self.threshold
        return (f"**Small numbers.** To protect families' privacy, a count of 1 to {t - 1} people is not shown. "
                f"Nor is any figure from which a hidden count could be worked out: a count that leaves fewer "
                f"than {t} people on the other side, none included (“12 of 12” says something about every "
                f"family in the group); a percentage whose count is hidden; or one more figure in a group that "
                f"adds up to a published total, so that no hidden figure can be found by subtraction and a "
                f"total of 100% or 0% cannot give away the rows under it. A count of none is shown (“0 of 12”) "
                f"unless it would give away a hidden figure. Hidden figures are marked “{HIDDEN}”, whatever the "
                f"reason. Beside a hidden figure, a rating is given only if it would also fit a count with at "
                f"least {t} people on each side, so a rating never shows that a hidden count is small or that "
                f"few people are on the other side.")


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
    if (value <= target + 1e-9) if lower else (value >= target - 1e-9):  # the KPI engine's own test
        return "green"
    if amber is not None and ((value <= amber + 1e-9) if lower else (value >= amber - 1e-9)):
        return "amber"
    return "red"


@dataclass
class Cell:
    """A count in a family of rows: its value and whether it is hidden."""
    value: float | None
    hidden: bool = False


def protect_family(children: Sequence[Cell], total: Cell | None) -> bool:
    """Secondary suppression for one equation total = sum(children). Returns True when it hid a cell.

    The reader knows the total, the children shown, and that a hidden cell is at least 0 (and usually 1).
    The equation is safe when no child is hidden, or when at least two are and their sum exceeds their
    number (otherwise every hidden cell must be 0 or 1: with a sum of 0 every hidden cell is 0). Until it
    is safe, the smallest non-zero shown child is hidden too, and with it every shown child of the same
    value (so two rows with the same figures are treated alike, whatever order they are listed in); if
    none is left, the total is hidden. A hidden total with every child shown would be their sum, so then
    a child is hidden.
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
            smallest = min(c.value or 0 for c in shown)
            for c in shown:
                if c.value == smallest:
                    c.hidden = True
        elif not total.hidden:
            total.hidden = True
        else:
            return changed
        changed = True


@dataclass
class Row:
    """One row of a table of counts (a centre, provider, cluster or authority) for secondary suppression.

    ``parents`` name the rows this one is summed into: a key, or ``(key, family)`` where one parent is the
    sum of more than one set of rows (an authority is the sum of its providers, and also of its clusters,
    and also of its centres).
    """
    key: str
    numerator: Cell
    denominator: Cell
    parents: list[str | tuple[str, str]] = field(default_factory=list)


def _complement(row: Row) -> Cell:
    """The people on the other side of a row's rate (denominator - numerator): hidden with the numerator."""
    num, den = row.numerator.value, row.denominator.value
    value = None if num is None or den is None else den - num
    return Cell(value, row.numerator.hidden or row.denominator.hidden)


def _families(by_key: dict[str, Row]) -> dict[tuple[str, str], list[Row]]:
    """Each sum in the table: (parent key, family name) -> the rows that add up to the parent."""
    families: dict[tuple[str, str], list[Row]] = {}
    for r in by_key.values():
        for parent in r.parents:
            key, family = (parent, "") if isinstance(parent, str) else parent
            if key in by_key and key != r.key:
                families.setdefault((key, family), []).append(r)
    return families


def protect_hierarchy(rows: Iterable[Row], policy: Policy) -> dict[str, Row]:
    """Primary, complement and secondary suppression over rows that add up to their parents' rows.

    ``parents`` of each row name the rows it is summed into (a centre into its provider and its cluster,
    a provider into the authority). Only sums that hold in the figures are protected (a reader can use no
    other). Three equations hold in every family: the numerators add up, the denominators add up, and so
    do the people on the other side (denominator - numerator), so a parent at 100% or 0% cannot give back
    its hidden children. Runs to a fixed point, so a hidden cell that makes
    another equation unsafe is followed up; a hidden denominator hides its numerator.
    """
    by_key = {r.key: r for r in rows}
    for r in by_key.values():
        cells = policy.rate(r.numerator.value, r.denominator.value)
        r.numerator.hidden = r.numerator.hidden or cells.numerator_hidden
        r.denominator.hidden = r.denominator.hidden or cells.denominator_hidden
    families = _families(by_key)
    holds = {family: {part: _adds_up(by_key[family[0]], children, part) for part in ("numerator", "denominator")}
             for family, children in families.items()}
    changed = policy.active
    while changed:
        changed = False
        for family, children in families.items():
            total = by_key[family[0]]
            for part in ("numerator", "denominator"):
                if holds[family][part] and protect_family([getattr(c, part) for c in children], getattr(total, part)):
                    changed = True
            if holds[family]["numerator"] and holds[family]["denominator"]:
                others = [_complement(c) for c in children]
                whole = _complement(total)
                if protect_family(others, whole):  # a hidden "other side" is hidden by hiding the numerator
                    for c, other in zip(children, others, strict=True):
                        if other.hidden and not c.numerator.hidden:
                            c.numerator.hidden = True
                    if whole.hidden and not total.numerator.hidden:
                        total.numerator.hidden = True
                    changed = True
        for r in by_key.values():  # a hidden denominator hides its rate's numerator too
            if r.denominator.hidden and not r.numerator.hidden and r.numerator.value is not None:
                r.numerator.hidden = True
                changed = True
    return by_key


@dataclass(frozen=True)
class Rating:
    """The rule that rated one row (its band follows from the row's own numerator and denominator)."""
    target: Any
    amber_from: Any
    direction: Any


def _part(row: Row, part: str) -> float | None:
    if part == "other":
        num, den = row.numerator.value, row.denominator.value
        return None if num is None or den is None else den - num
    return getattr(row, part).value


def _adds_up(parent: Row, children: list[Row], part: str) -> bool:
    """Whether the parent's figure is the sum of its children's: only a true sum tells a reader anything
    (an authority row over centres not all listed, or families counted once across centres, is not one)."""
    values = [_part(r, part) for r in (parent, *children)]
    return None not in values and abs(values[0] - sum(values[1:])) < 1e-6


_RANK = {False: {"red": 0, "amber": 1, "green": 2}, True: {"green": 0, "amber": 1, "red": 2}}  # by lower-is-better


def _earning(d: float, rule: Rating, rating: str, lo: int, hi: int) -> Sequence[int]:
    """The numerators from ``lo`` to ``hi`` (of denominator ``d``) that earn ``rating`` under ``rule``.

    A band only moves one way as the value rises, so they form one run, found by bisection rather than by
    trying every count (denominators run to thousands, for every rated row of every table)."""
    t, a = _number(rule.target), _number(rule.amber_from)
    lower = str(rule.direction or "").lower().startswith("lower")
    counts = range(lo, hi + 1) if d and hi >= lo else range(0)
    if rating not in _RANK[lower]:  # no target: every count earns "none"
        return counts
    if a is not None and t is not None and (a > t if not lower else a < t):  # bands out of order: try each
        return [j for j in counts if _band(j / d * 100, t, a, rule.direction) == rating]
    rank = _RANK[lower]

    def key(j: int) -> int:
        return rank.get(_band(j / d * 100, t, a, rule.direction), -1)

    return counts[bisect.bisect_left(counts, rank[rating], key=key):bisect.bisect_right(counts, rank[rating], key=key)]


def _bounds(by_key: dict[str, Row], families: dict[tuple[str, str], list[Row]], policy: Policy,
            ratings: dict[str, Rating]) -> dict[str, tuple[float, float]]:
    """What a reader can tell of each row's numerator: its least and greatest value.

    From the counts shown, the ratings shown (each bounds its numerator to the counts that earn it) and
    every sum in the table (numerators, denominators and the people on the other side all add up),
    propagated until nothing tightens. A relaxation: the reader can never do worse than these bounds.
    """
    inf = 1e12  # no bound (finite, so that sums of bounds stay numbers)
    num: dict[str, list[float]] = {}
    den: dict[str, list[float]] = {}
    for k, r in by_key.items():
        d, n = r.denominator.value, r.numerator.value
        den[k] = [d, d] if d is not None and not r.denominator.hidden else [0.0, inf]
        num[k] = [n, n] if n is not None and not r.numerator.hidden else [0.0, den[k][1]]
        if k in ratings and d and not r.denominator.hidden and n is not None and r.numerator.hidden:
            rule = ratings[k]
            fits = _earning(d, rule, _band(n / d * 100, _number(rule.target), _number(rule.amber_from),
                                           rule.direction), 0, int(d))
            if fits:
                num[k] = [max(num[k][0], fits[0]), min(num[k][1], fits[-1])]
    other = {k: [den[k][0] - num[k][1], den[k][1] - num[k][0]] for k in by_key}

    def tighten(box: dict[str, list[float]], key: str, lo: float, hi: float) -> bool:
        old = box[key]
        new = [max(old[0], math.ceil(lo - 1e-6)), min(old[1], math.floor(hi + 1e-6))]
        if new != old and new[0] <= new[1]:
            box[key] = new
            return True
        return False

    sums = [(parent, [c.key for c in children], box)
            for (parent, _), children in families.items()
            for part, box in (("numerator", num), ("denominator", den), ("other", other))
            if _adds_up(by_key[parent], children, part)]
    for _ in range(200):
        changed = False
        for parent, keys, box in sums:
            lo_sum = sum(box[c][0] for c in keys)
            hi_sum = sum(box[c][1] for c in keys)
            changed |= tighten(box, parent, lo_sum, hi_sum)
            total_lo, total_hi = box[parent]
            for c in keys:
                changed |= tighten(box, c, total_lo - (hi_sum - box[c][1]), total_hi - (lo_sum - box[c][0]))
        for k in by_key:  # numerator + other side = denominator, each at least 0
            changed |= tighten(num, k, den[k][0] - other[k][1], den[k][1] - other[k][0])
            changed |= tighten(other, k, den[k][0] - num[k][1], den[k][1] - num[k][0])
            changed |= tighten(den, k, num[k][0] + other[k][0], num[k][1] + other[k][1])
            changed |= tighten(num, k, 0, den[k][1])
            changed |= tighten(other, k, 0, den[k][1])
        if not changed:
            break
    return {k: (v[0], v[1]) for k, v in num.items()}


def protect_ratings(rows: dict[str, Row], policy: Policy, ratings: dict[str, Rating]) -> dict[str, bool]:
    """Which ratings may be shown beside rows whose numerator or denominator is hidden.

    ``rows`` is what :func:`protect_hierarchy` returned; ``ratings`` the rule of every rated row. A rating
    beside a hidden count is shown only when it passes :meth:`Policy.rag_shown` and, given everything
    else the table shows (the other rows, their totals and the ratings still shown), at least two counts
    still earn it and one of them has ``threshold`` or more people on each side. Ratings are withheld
    until that holds for every rating left (withholding one can only widen what the reader can tell).
    """
    families = _families(rows)
    shown = {}
    for key, rule in ratings.items():
        r = rows[key]
        if not (r.numerator.hidden or r.denominator.hidden):
            shown[key] = True
        else:
            shown[key] = policy.rag_shown(r.numerator.value, r.denominator.value, rule.target, rule.amber_from,
                                          rule.direction, r.numerator.hidden, r.denominator.hidden)
    if not policy.active:
        return shown
    while True:
        kept = {k: rule for k, rule in ratings.items() if shown[k]}
        bounds = _bounds(rows, families, policy, kept)
        withheld = []
        for key, rule in kept.items():
            r = rows[key]
            if not (r.numerator.hidden or r.denominator.hidden):
                continue
            d, n = r.denominator.value or 0, r.numerator.value or 0
            lo, hi = bounds[key]
            t, a = _number(rule.target), _number(rule.amber_from)
            fits = _earning(d, rule, _band(n / d * 100, t, a, rule.direction), max(0, int(lo)), int(min(hi, d)))
            if len(fits) < 2 or not any(policy.printable(j, d) for j in fits):
                withheld.append(key)
        if not withheld:
            return shown
        for key in withheld:
            shown[key] = False


def cell_text(cell: Cell) -> str:
    if cell.value is None:
        return "–"
    return HIDDEN if cell.hidden else _fmt_count(cell.value)
