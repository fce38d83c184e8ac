"""Plain English for committee papers: what a rule's message may say in front of councillors.

Rule messages are written for everyone who reads findings, and some still carry working detail (a
parenthesis of column values, a note on how sure the wording is). A committee document keeps the
sentence and drops that detail; ``ccassure.reports.leaks`` then proves nothing technical is left.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# a parenthesis whose content looks like data rather than words: name=value, table.column, snake_case
_TECHNICAL_PARENTHESIS = re.compile(r"\s*\((?:[^()]|\([^()]*\))*?(?:=|\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b)"
                                    r"(?:[^()]|\([^()]*\))*\)")
_INTERNAL_SENTENCE = re.compile(r"[^.]*(?:statute\.md|\[[A-Z]\]|\bseed \d+|ccassure\.yml|graded \[|not yet verified|not yet been read|Reported as at risk, not as not met)"
                                r"[^.]*\.\s*", re.IGNORECASE)
_TIMES = re.compile(r"\b(?:met|seen|held)\s+only\s+(\d+)\s+times\b")
_PERIOD_IN_TEXT = re.compile(r"\b\d{4}Q[1-4]\b")
_COUNTED = re.compile(r"\b(\d[\d,]*)((?:\s+[A-Za-z-]+)*?\s+)([A-Za-z-]+)\(s\)")  # "3 current member(s)"
# data codes that reach messages (service categories, outcome measures), in the words of the law or the data
CODE_WORDS = {
    "gld_percent": "good level of development",
    "early_years": "early years provision",
    "la_social_care": "local authority social care",
    "jcp_employment": "Jobcentre Plus employment support",
    "info_advice": "information and advice",
    "IoD2019": "English Indices of Deprivation 2019",
}
_CODE = re.compile(r"\b(" + "|".join(map(re.escape, CODE_WORDS)) + r")\b")
_SNAKE = re.compile(r"\b([a-z]+)_([a-z_]+)\b")


def _times(match: re.Match[str]) -> str:
    n = int(match.group(1))
    verb = match.group(0).split()[0]
    return f"{verb} {'not at all' if n == 0 else 'only once' if n == 1 else f'only {n} times'}"


def _counted(match: re.Match[str]) -> str:
    number, words, noun = match.groups()
    return f"{number}{words}{noun}" + ("" if number == "1" else "s")


def plain_message(message: Any) -> str:
    """The message without technical parentheses, internal notes or ungrammatical counts."""
    if message is None or (isinstance(message, float) and message != message):
        return ""
    return _plain(str(message))


@lru_cache(maxsize=8192)
def _plain(text: str) -> str:
    """Remembered: the same rule message recurs in every quarter, pack and report of a render."""
    text = _INTERNAL_SENTENCE.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _TECHNICAL_PARENTHESIS.sub("", text)
    text = _TIMES.sub(_times, text)
    text = _COUNTED.sub(_counted, text)
    text = _CODE.sub(lambda m: CODE_WORDS[m.group(1)], text)
    text = _SNAKE.sub(lambda m: f"{m.group(1)} {m.group(2).replace('_', ' ')}", text)
    text = _PERIOD_IN_TEXT.sub(lambda m: period_words(m.group(0)), text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    return " ".join(text.split())


_NOTE_FILE = re.compile(r"\b[\w-]+(?:/[\w.-]+)+\.md\b\s*")  # a project note: docs/legal/contract-kpis.md


def citation_words(citation: Any) -> str:
    """A citation as a committee reads it: "docs/legal/contract-kpis.md (Hackney: 3+ contacts)" becomes
    "Hackney: 3+ contacts". The project's own legal notes are for its engineers, not for the page."""
    if citation is None or (isinstance(citation, float) and citation != citation):
        return ""
    parts = []
    for part in _top_level(str(citation)):
        had_note = bool(_NOTE_FILE.search(part))
        part = _NOTE_FILE.sub("", part).strip()
        if had_note and part.startswith("(") and part.endswith(")"):
            part = part[1:-1].strip()
        if part:
            parts.append(part)
    return "; ".join(parts)


def _top_level(text: str, separator: str = ";") -> list[str]:
    """``text`` split at each separator outside parentheses ("a (b; c); d" -> ["a (b; c)", " d"])."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if char == separator and depth <= 0:
            pieces.append(text[start:i])
            start = i + 1
    return [*pieces, text[start:]]


_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
_MONTHS = ("January to March", "April to June", "July to September", "October to December")


def quarter_short(period: Any) -> str:
    """'2017Q1' -> 'Jan–Mar 2017': a quarter as a narrow table header."""
    match = _PERIOD.match(str(period or ""))
    if not match:
        return period_words(period)
    return f"{('Jan–Mar', 'Apr–Jun', 'Jul–Sep', 'Oct–Dec')[int(match.group(2)) - 1]} {match.group(1)}"


def period_words(period: Any) -> str:
    """'2017Q1' -> 'January to March 2017'; a financial year '2016-17' -> 'the year 2016-17'."""
    text = str(period or "")
    match = _PERIOD.match(text)
    if match:
        return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    if re.match(r"^\d{4}-\d{2}$", text):
        return f"the year {text}"
    return text


def date_words(value: Any) -> str:
    """An ISO date or timestamp as '2 December 2026' (blank when missing)."""
    import pandas as pd

    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    if pd.isna(stamp):
        return ""
    return f"{stamp.day} {stamp.strftime('%B %Y')}"
