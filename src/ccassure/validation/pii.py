"""Detectors of direct identifiers in a cell's text, and the masking that keeps them out of every output.

One registry (DETECTORS): each detector names what it finds, the columns it applies to, a cheap RE2
pre-filter run over the whole column by pyarrow, and a precise check run only on the cells that pass it.
A detected value is never echoed: ``mask`` keeps just enough to find it again (``07*** ***123``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ccassure.validation.given_names import GIVEN_NAMES, WORDLIKE_NAMES

Scope = Literal["every", "family", "free"]  # every text column; + tables about families; + free text only

# ------------------------------------------------------------------------------------------ phones
# UK numbers in any layout: 07700 900123, 07700.900.123, (01632) 960123, +44 (0)7700 900123,
# 0044 7700 900123, Mob07700900123. After the country code comes the national number without its 0.
_PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)[\s.]*44[\s.\-]*(?:\(0\)[\s.\-]*)?|\(?0)(?:[\s.\-()]{0,2}\d){9,10}(?!\d)")


def _phones(text: str) -> list[str]:
    found = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        international = digits.startswith("0044") or (digits.startswith("44") and match.group()[:1] == "+")
        if international:  # +44 (0)7700 ...: the national number follows the country code without its 0
            national = digits[4:] if digits.startswith("0044") else digits[2:]
            digits = "0" + (national[1:] if national.startswith("0") else national)
        if len(digits) in (10, 11) and digits[0] == "0" and digits[1] in "1237" and len(set(digits[1:])) > 2:
            found.append(match.group().strip())
    return found


# ----------------------------------------------------------------------------------- NHS numbers
_NHS = re.compile(r"(?<!\d)(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?!\d)")


def is_valid_nhs_number(digits: str) -> bool:
    """Ten digits whose last is the modulus-11 check digit of the first nine (the NHS number algorithm)."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> list[str]:
    return [m.group() for m in _NHS.finditer(text) if is_valid_nhs_number("".join(m.groups()))]


# -------------------------------------------------------------------------------------- e-mails
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _emails(text: str) -> list[str]:
    return _EMAIL.findall(text)


# ----------------------------------------------------------------------------- dates of birth
_DATE = r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s+\d{4}"
_DOB = re.compile(rf"(?i)\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birth\s*date|birthday)\s*"
                  rf"(?:[:\-=]|is|was)?\s*({_DATE})")


def _birth_dates(text: str) -> list[str]:
    return [m.group(1) for m in _DOB.finditer(text)]


# ---------------------------------------------------------------------------------- addresses
_POSTCODE = r"[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}"
# Street words that are never ordinary words in lower case ('12 families close by' is not an address).
_STREET_ANY_CASE = r"road|rd|street|avenue|ave|lane|crescent|terrace|mews|gardens|boulevard|cottages"
_STREET_CAPITALISED = r"St|Close|Drive|Way|Court|Place|Grove|Walk|Row|Square|Hill|Rise|View|Green|Park|Parade"
_STREET = re.compile(rf"(?<![\w/.])\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Za-z'\-]+\s+){{1,3}}"
                     rf"(?:(?i:{_STREET_ANY_CASE})|{_STREET_CAPITALISED})\b")
_HOUSE_AND_POSTCODE = re.compile(rf"(?<![\w/.])\d{{1,4}}[a-zA-Z]?,?\s+[A-Za-z][^\d\n]{{2,60}}?[,\s]\s*{_POSTCODE}\b")
_HOME_POSTCODE = re.compile(rf"(?i)\b(?:home|family|lives?|living|resides?|address|house)\b[^\n\d]{{0,30}}?"
                            rf"({_POSTCODE})\b")


def _addresses(text: str) -> list[str]:
    found = [m.group() for m in _STREET.finditer(text)]
    found += [m.group() for m in _HOUSE_AND_POSTCODE.finditer(text)]
    found += [m.group(1) for m in _HOME_POSTCODE.finditer(text)]
    return found


# --------------------------------------------------------------------------------- people's names
def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common given names (validation/given_names.py: ONS tables, word-like names kept apart).
_TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+(?:[A-Z]\.?\s+)?[A-Z][a-z'\-]+")
_RELATION_NAME = re.compile(r"(?i:\b(?:mum|mother|mam|dad|father|son|daughter|baby|child|sibling|brother|sister|"
                            r"nan|grandma|grandad|carer|partner|named|called)\b)[\s:,]+([A-Z][a-z'\-]+)")
# A given name and a surname (O'Neill, McKenzie, Okafor-Bell), capitalised or in capitals (JANE DOE); not a
# saint's name (St Mary Magdalene).
_SURNAME = r"(?:Mc|Mac|O')?[A-Z][a-z]+(?:['\-][A-Z]?[a-z]+)*|[A-Z]{2,}(?:['\-][A-Z]+)*"
_FULL_NAME = re.compile(rf"(?<!\bSt )(?<!\bSt\. )(?<!\bSaint )\b([A-Z][a-z]+|[A-Z]{{2,}})\s+({_SURNAME})\b")
# Second words that make two capitalised words a place or a group, not a person ('Grace Hall').
_PLACE_WORDS = _word_set("""
Centre Center Hall House Library Church Chapel School Academy Nursery Park Road Street Lane Avenue Green Hill
Court Square Place Close Way Gardens Hub Club Group Trust Board Room Rooms Ward Estate Village Town Primary
""")


def _names(text: str) -> list[str]:
    found = [m.group() for m in _TITLE_NAME.finditer(text)]
    found += [m.group(1) for m in _RELATION_NAME.finditer(text) if m.group(1) in GIVEN_NAMES | WORDLIKE_NAMES]
    found += [m.group() for m in _FULL_NAME.finditer(text)
              if m.group(1).title() in GIVEN_NAMES and m.group(2).title() not in _PLACE_WORDS
              and m.group(1).isupper() == m.group(2).isupper()]
    return found


@dataclass(frozen=True)
class Detector:
    """One kind of identifier: what it is called in a message, where it is looked for, how it is found."""

    kind: str
    scope: Scope
    quick: str                          # RE2 pre-filter (pyarrow), a superset of what ``find`` finds
    find: Callable[[str], list[str]]    # the identifiers in one cell's text


DETECTORS: tuple[Detector, ...] = (
    Detector("an NHS number", "every", r"\d{3}[\s-]?\d{3}[\s-]?\d{4}", _nhs_numbers),
    Detector("an e-mail address", "every", r"@", _emails),
    Detector("a phone number", "every", r"(\d[^\d]{0,3}){9}", _phones),
    Detector("a full date of birth", "every", r"(?i)dob|d\.o\.b|birth|born", _birth_dates),
    Detector("a street address", "family", r"\d", _addresses),
    Detector("a person's name", "free", r"[A-Z][a-z]", _names),
)


def identifiers_in(text: str, scopes: frozenset[str] = frozenset({"every", "family", "free"})) -> list[tuple[str, str]]:
    """(kind, matched text) for every identifier found in ``text`` by the detectors in ``scopes``."""
    return [(d.kind, hit) for d in DETECTORS if d.scope in scopes for hit in d.find(text)]


def mask(hit: str) -> str:
    """The identifier with all but its first two and last three letters or digits starred:
    07700 900123 -> 07*** ***123; jane@example.org -> ja**@*******.*rg. Short ones are starred whole."""
    positions = [i for i, ch in enumerate(hit) if ch.isalnum()]
    if len(positions) <= 6:
        keep: set[int] = set()
    else:
        keep = set(positions[:2]) | set(positions[-3:])
    return "".join(ch if (i in keep or not ch.isalnum()) else "*" for i, ch in enumerate(hit))


def masked_summary(text: str) -> str | None:
    """What a problem may show of a cell holding identifiers: only the identifiers, masked; None if none."""
    hits = identifiers_in(text)
    if not hits:
        return None
    return ", ".join(dict.fromkeys(mask(hit) for _, hit in hits))
