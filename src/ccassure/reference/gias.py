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

from ccassure.reference.common import (
    ReferenceFileError,
    check_file,
    detect_encoding,
    find_column,
    finish,
    normalise_postcode,
    read_csv_columns,
    read_header,
)

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


def read_gias(path: Path | str) -> pd.DataFrame:
    path = check_file(path, suffixes=(".csv",))
    encoding = detect_encoding(path)
    header = read_header(path, encoding)
    urn = find_column(path, header, "URN")
    name = find_column(path, header, "EstablishmentName")
    type_code = find_column(path, header, "TypeOfEstablishment (code)", required=False)
    type_name = find_column(path, header, "TypeOfEstablishment (name)", required=False)
    status_code = find_column(path, header, "EstablishmentStatus (code)", required=False)
    status_name = find_column(path, header, "EstablishmentStatus (name)", required=False)
    la_name = find_column(path, header, "LA (name)", required=False)
    postcode = find_column(path, header, "Postcode", required=False)
    open_date = find_column(path, header, "OpenDate", required=False)
    close_date = find_column(path, header, "CloseDate", required=False)
    if type_code is None and type_name is None:
        raise ReferenceFileError(path, "no column 'TypeOfEstablishment (code)' or 'TypeOfEstablishment (name)'; "
                                       "is this a GIAS establishment extract?")
    wanted = [c for c in (urn, name, type_code, type_name, status_code, status_name, la_name, postcode,
                          open_date, close_date) if c is not None]
    raw = read_csv_columns(path, wanted, encoding=encoding)

    urns = raw[urn].str.strip()
    bad = ~urns.str.fullmatch(r"[0-9]{1,9}")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"URN must be a whole number, found {urns.iloc[row]!r}", row=row + 2, column=urn)

    out = pd.DataFrame({"urn": urns.astype("int64"), "name": raw[name].str.strip()})

    kind = pd.Series([None] * len(raw), dtype=object)
    if type_code is not None:
        codes = raw[type_code].str.strip().str.zfill(2)
        kind = codes.map(lambda c: TYPE_CODES.get(c, "other" if c.strip("0") else None)).astype(object)
    if type_name is not None:
        by_name = raw[type_name].map(_type_from_name)
        kind = kind.where(kind.notna(), by_name)
    out["establishment_type"] = kind

    status = pd.Series([None] * len(raw), dtype=object)
    if status_code is not None:
        status = raw[status_code].str.strip().map(STATUS_CODES).astype(object)
    if status_name is not None:
        names = raw[status_name].str.strip().str.lower()
        by_name = names.map(STATUS_NAMES)
        unknown = by_name.isna() & (names != "") & status.isna()
        if bool(unknown.any()):
            row = int(unknown.to_numpy().nonzero()[0][0])
            raise ReferenceFileError(path, f"unknown establishment status {raw[status_name].iloc[row]!r}",
                                     row=row + 2, column=status_name)
        status = status.where(status.notna(), by_name)
    out["status"] = status

    out["la_name"] = raw[la_name].str.strip() if la_name else None
    out["postcode"] = normalise_postcode(raw[postcode]) if postcode else None
    for column, target in ((open_date, "open_date"), (close_date, "close_date")):
        out[target] = _dates(path, raw, column) if column else pd.NaT
    out = out.replace({"": None})
    return finish(out, "gias_centres", path)


def _dates(path: Path, raw: pd.DataFrame, column: str) -> pd.Series:
    text = raw[column].str.strip()
    parsed = pd.to_datetime(text.where(text != ""), format="%d-%m-%Y", errors="coerce")
    bad = parsed.isna() & (text != "")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"expected a date as dd-mm-yyyy, found {text.iloc[row]!r}",
                                 row=row + 2, column=column)
    return parsed
