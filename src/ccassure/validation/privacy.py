"""Direct identifiers must never be in a return: finding one protects the provider from a data breach.

Two nets: column headers that name an identifier (a 'Child name' or 'DOB' column added to a sheet), and
cell contents that look like one (NHS numbers with a valid check digit, e-mail addresses, phone numbers,
street addresses) in the free text and reference columns of tables about families.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ccassure.contracts import Contract
from ccassure.problems import Problem, make_problem
from ccassure.readers import RawTable, normalise_name
from ccassure.validation.arrowtext import regex_mask
from ccassure.validation.located import located_problem

IDENTIFIER_HEADERS: tuple[tuple[str, str], ...] = (
    (r"(first|fore|sur|last|given|family|child|children|mother|father|parent|carer|full)s?names?$|^name$",
     "names of people"),
    (r"^(dob|d\.o\.b|dateofbirth|birthdate|birthday|childdob)$", "full dates of birth"),
    (r"nhs(no|num|number)?$|^nhs", "NHS numbers"),
    (r"(home|family|street|postal|house)?address(line)?\d*$|^street$|^housenumber$", "family addresses"),
    (r"^(e)?mail(address)?$|^email", "e-mail addresses"),
    (r"^(tel|telephone|phone|mobile|mob)(no|number)?$|phone", "phone numbers"),
    (r"^(familypostcode|homepostcode|postcode)$", "family postcodes"),
)

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
PHONE = r"(?:\+44\s?\(?0?\)?\s?|\b0)(?:\d[\s-]?){9,10}\b"
STREET = (r"\b\d{1,4}[a-zA-Z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Way|"
          r"Crescent|Gardens|Court|Place|Terrace|Grove|Walk|Row|Mews|Square)\b")
NHS_CANDIDATE = r"\b(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})\b"
NHS_QUICK = r"\d{3}[\s-]?\d{3}[\s-]?\d{4}"


def header_problems(problems: list[Problem], contracts_by_table: dict[str, Contract]) -> list[Problem]:
    """Turn 'unknown column' warnings whose header names an identifier into privacy errors."""
    result: list[Problem] = []
    for problem in problems:
        if problem.code == "unknown-column" and problem.column:
            kind = identifier_kind(problem.column, contracts_by_table.get(problem.table or ""))
            if kind:
                result.append(make_problem("personal-data-column", file=problem.file, table=problem.table,
                                           sheet=problem.sheet, column=problem.column, detail=kind))
                continue
        result.append(problem)
    return result


def identifier_kind(header: str, contract: Contract | None) -> str | None:
    key = normalise_name(header).replace(".", "")
    for pattern, kind in IDENTIFIER_HEADERS:
        if kind == "family postcodes" and (contract is None or contract.personal_data != "pseudonymous"):
            continue
        if re.search(pattern, key):
            return kind
    return None


def content_problems(contract: Contract, typed: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Scan the text columns of tables about families (and columns flagged privacy_scan).

    Reference and code columns (keys, patterned, listed values) are checked for NHS numbers and e-mails only: an id
    such as CT-0000012345 would otherwise look like a phone number.
    """
    problems: list[Problem] = []
    for spec in contract.columns:
        scan = spec.privacy_scan or (contract.personal_data == "pseudonymous" and spec.type == "string")
        if not scan or spec.name not in typed:
            continue
        text = typed[spec.name]
        if text.notna().sum() == 0:
            continue
        keys = set(contract.primary_key) | {fk.column for fk in contract.foreign_keys}
        reference_like = spec.name in keys or spec.pattern is not None or spec.allowed is not None
        for kind, mask in _identifier_masks(text, reference_like=reference_like):
            positions = np.flatnonzero(mask)
            if len(positions):
                problems.append(located_problem("personal-data-value", raw, spec.name, positions, text, detail=kind))
    return problems


def _identifier_masks(text: pd.Series, *, reference_like: bool) -> list[tuple[str, np.ndarray]]:
    """Masks per kind of identifier. Reference and code columns get the NHS and e-mail checks only: an id
    such as CT-0000012345 would otherwise look like a phone number."""
    masks = [("an NHS number", _nhs_mask(text)), ("an e-mail address", regex_mask(text, EMAIL))]
    if not reference_like:
        masks += [("a phone number", regex_mask(text, PHONE)), ("a street address", regex_mask(text, STREET))]
    return masks


def _nhs_mask(text: pd.Series) -> np.ndarray:
    """Ten digits whose last is a valid modulus-11 check digit (the NHS number algorithm)."""
    mask = np.zeros(len(text), dtype=bool)
    maybe = regex_mask(text, NHS_QUICK)
    if not maybe.any():
        return mask
    found = text[maybe].str.extract(NHS_CANDIDATE)
    candidates = found.dropna()
    if candidates.empty:
        return mask
    digits = (candidates[0] + candidates[1] + candidates[2]).astype("str")
    valid = digits.map(is_valid_nhs_number).to_numpy(dtype=bool)
    mask[text.index.get_indexer(candidates.index[valid])] = True
    return mask


def is_valid_nhs_number(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])
