"""Direct identifiers must never be in a return: finding one protects the provider from a data breach.

Two nets: column headers that name an identifier (a 'Child name', 'DoB (child)' or 'Contact tel' column
added to a sheet), and cell contents that look like one (validation.pii: NHS numbers with a valid check
digit, e-mail addresses, phone numbers in any UK layout, dates of birth, street addresses, people's names)
in every text column. What is found is masked in every output, never echoed.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ccassure.contracts import Contract
from ccassure.problems import Problem, make_problem
from ccassure.readers import RawTable, normalise_name
from ccassure.validation import pii
from ccassure.validation.arrowtext import regex_mask
from ccassure.validation.located import located_problem
from ccassure.validation.pii import DETECTORS, mask, masked_summary

IDENTIFIER_HEADERS: tuple[tuple[str, str], ...] = (
    (r"(first|fore|sur|last|given|family|child|children|mother|mothers|mum|mums|mam|father|fathers|dad|dads|"
     r"parent|parents|carer|carers|guardian|full|member|members|client|person|pupil|baby|contact|maiden)s?names?$"
     r"|^names?$|^(child|mum|mother|dad|father|parent|carer)s?$", "names of people"),
    (r"dob|dateofbirth|birthdate|birthday", "full dates of birth"),
    (r"nhs(no|num|number)?|^chi(no|number)$", "NHS numbers"),
    (r"^ni(no|num|number)?$|nationalinsurance|^nino$", "National Insurance numbers"),
    (r"^upn$|uniquepupil|^uln$|pupilnumber", "pupil numbers"),
    (r"(home|family|street|postal|house|contact)?address(line)?\d*$|^street$|^housenumber$|^housename$",
     "family addresses"),
    (r"^(e)?mail(address)?$|email", "e-mail addresses"),
    (r"^(tel|telephone|phone|mobile|mob)(no|num|number)?$|phone|contacttel|^tel|mobile|contactno|contactnumber",
     "phone numbers"),
    (r"^(familypostcode|homepostcode|postcode|childpostcode|parentpostcode)$", "family postcodes"),
)
# Postcodes of a table about centres are public; a postcode column added to a table about families is not.
_FAMILY_ONLY = {"family postcodes"}


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
    """What kind of identifier a header names ('DoB (child)', "Mum's name", 'Contact tel'), if any."""
    key = re.sub(r"[^a-z0-9]", "", normalise_name(header))
    for pattern, kind in IDENTIFIER_HEADERS:
        if kind in _FAMILY_ONLY and (contract is None or contract.personal_data != "pseudonymous"):
            continue
        if re.search(pattern, key):
            return kind
    return None


def content_problems(contract: Contract, typed: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Look for identifiers in every text column of a return or authority record (reference data is public).

    Reference and code columns (keys, patterned, listed values) get the detectors of the "every" scope only
    (NHS numbers, e-mails, phones, dates of birth); free text also gets addresses and people's names.
    The problem shows the identifier masked, never as written.
    """
    if contract.dataset == "reference":
        return []
    problems: list[Problem] = []
    keys = set(contract.primary_key) | {fk.column for fk in contract.foreign_keys}
    for spec in contract.columns:
        if spec.type != "string" or spec.name not in typed:
            continue
        text = typed[spec.name]
        if text.notna().sum() == 0:
            continue
        reference_like = spec.name in keys or spec.pattern is not None or spec.allowed is not None
        scopes = {"every"} if reference_like else {"every", "family", "free"}
        for detector in DETECTORS:
            if detector.scope not in scopes:
                continue
            maybe = np.flatnonzero(regex_mask(text, detector.quick))
            if not len(maybe):
                continue
            candidates = text.iloc[maybe].astype("str")
            hits = {value: found for value in candidates.unique() if (found := detector.find(value))}
            if not hits:
                continue  # the precise check runs once per distinct value: a column repeats its values
            found = maybe[candidates.isin(list(hits)).to_numpy(dtype=bool)]
            shown = {int(p): ", ".join(mask(h) for h in hits[v]) for p, v in zip(found, text.iloc[found], strict=True)}
            problems.append(located_problem("personal-data-value", raw, spec.name, found, shown,
                                            detail=detector.kind))
    return problems


def mask_problems(problems: list[Problem]) -> list[Problem]:
    """No output echoes personal data: a problem whose value holds an identifier shows it masked, in its
    value and in its message (whatever check raised it: a phone typed into a number column, an e-mail as
    an id); a date of birth keeps only its year."""
    result = []
    for problem in problems:
        value = problem.value
        if value is None or ("*" in value and problem.code == "personal-data-value"):
            result.append(problem)
            continue
        if problem.code == "personal-data-value" and problem.message.endswith("a full date of birth."):
            shown: str | None = _keep_year(value)
        else:
            shown = masked_summary(value)
            if shown is None and problem.code == "personal-data-value":
                shown = mask(value)
        if shown is None:
            result.append(problem)
            continue
        result.append(replace(problem, value=shown, message=problem.message.replace(value, shown),
                              fix=problem.fix.replace(value, shown)))
    return result


def _keep_year(value: str) -> str:
    """'2015-06-14' -> '2015-**-**'; '14/06/2015' -> '**/**/2015'."""
    year = re.search(r"(19|20)\d\d", value)
    starred = re.sub(r"\d", "*", value)
    if year:
        starred = starred[: year.start()] + year.group() + starred[year.end():]
    return starred


def is_valid_nhs_number(digits: str) -> bool:
    return pii.is_valid_nhs_number(digits)
