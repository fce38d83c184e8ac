"""GIAS "Children's centre fields CSV" (``edubaseallchildrencentreYYYYMMDD.csv``) -> ``gias_centres``.

The file is Windows-1252, CRLF, text double-quoted, dates ``dd-mm-yyyy`` (empty when missing). Columns are
picked by header name (``URN``, ``EstablishmentName``, ``TypeOfEstablishment (code|name)``,
``EstablishmentStatus (code|name)``, ``LA (name)``, ``Postcode``, ``OpenDate``, ``CloseDate``) so schema
drift between extracts does not matter. CSV type codes 47 / 48 are children's centre / linked site (not
GIAS's internal enum ids 41 / 42); other establishment types are kept as ``other``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccassure.reference.common import CsvFile, ReferenceFileError, normalise_postcode
from ccassure.reference.registry import importer

TYPE_CODES = {"47": "childrens_centre", "48": "linked_site"}
STATUS_CODES = {"1": "open", "2": "closed", "3": "proposed_to_close", "4": "proposed_to_open"}
STATUS_NAMES = {"open": "open", "closed": "closed", "open, but proposed to close": "proposed_to_close",
                "proposed to open": "proposed_to_open"}


def _type_from_name(name: str) -> str | None:
    text = name.strip().lower().replace("\u2019", "'")
    if not text:
        return None
    if "children's centre" in text or "childrens centre" in text:
        return "linked_site" if "linked" in text else "childrens_centre"
    return "other"


COLUMNS = {"urn": "URN", "name": "EstablishmentName"}  # role -> its header (headers it may go by)
OPTIONAL_COLUMNS = {"type_code": "TypeOfEstablishment (code)", "type_name": "TypeOfEstablishment (name)",
                    "status_code": "EstablishmentStatus (code)", "status_name": "EstablishmentStatus (name)",
                    "la_name": "LA (name)", "postcode": "Postcode", "open_date": "OpenDate", "close_date": "CloseDate"}


@importer("gias")
def read_gias(csv: CsvFile) -> pd.DataFrame:
    path = csv.path
    col = csv.pick(COLUMNS, OPTIONAL_COLUMNS)
    if col.type_code is None and col.type_name is None:
        raise ReferenceFileError(path, "no column 'TypeOfEstablishment (code)' or 'TypeOfEstablishment (name)'; "
                                       "is this a GIAS establishment extract?")
    raw = csv.read(*vars(col).values())

    urns = raw[col.urn].str.strip()
    bad = ~urns.str.fullmatch(r"[0-9]{1,9}")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"URN must be a whole number, found {urns.iloc[row]!r}", row=row + 2, column=col.urn)

    out = pd.DataFrame({"urn": urns.astype("int64"), "name": raw[col.name].str.strip()})

    kind = pd.Series([None] * len(raw), dtype=object)
    if col.type_code is not None:
        codes = raw[col.type_code].str.strip().str.zfill(2)
        kind = codes.map(lambda c: TYPE_CODES.get(c, "other" if c.strip("0") else None)).astype(object)
    if col.type_name is not None:
        by_name = raw[col.type_name].map(_type_from_name)
        kind = kind.where(kind.notna(), by_name)
    out["establishment_type"] = kind

    status = pd.Series([None] * len(raw), dtype=object)
    if col.status_code is not None:
        status = raw[col.status_code].str.strip().map(STATUS_CODES).astype(object)
    if col.status_name is not None:
        names = raw[col.status_name].str.strip().str.lower()
        by_name = names.map(STATUS_NAMES)
        unknown = by_name.isna() & (names != "") & status.isna()
        if bool(unknown.any()):
            row = int(unknown.to_numpy().nonzero()[0][0])
            raise ReferenceFileError(path, f"unknown establishment status {raw[col.status_name].iloc[row]!r}",
                                     row=row + 2, column=col.status_name)
        status = status.where(status.notna(), by_name)
    out["status"] = status

    out["la_name"] = raw[col.la_name].str.strip() if col.la_name else None
    out["postcode"] = normalise_postcode(raw[col.postcode]) if col.postcode else None
    for column, target in ((col.open_date, "open_date"), (col.close_date, "close_date")):
        out[target] = _dates(path, raw, column) if column else pd.NaT
    out = out.replace({"": None})
    return out


def _dates(path: Path, raw: pd.DataFrame, column: str) -> pd.Series:
    text = raw[column].str.strip()
    parsed = pd.to_datetime(text.where(text != ""), format="%d-%m-%Y", errors="coerce")
    bad = parsed.isna() & (text != "")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"expected a date as dd-mm-yyyy, found {text.iloc[row]!r}",
                                 row=row + 2, column=column)
    return parsed
