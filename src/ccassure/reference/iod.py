"""English Indices of Deprivation File 7 (IoD2019 on LSOA 2011, IoD2025 on LSOA 2021) -> ``deprivation``.

The vintage is read from the first column's header (``LSOA code (2011)`` vs ``LSOA code (2021)``). Columns
are matched by prefix because the wording differs between releases (district code year, population
denominators) and one IoD2025 header is published truncated
(``...Sub-domain Decile (where 1 is most deprived 10% of LSO``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ccassure.reference.common import CsvFile, ReferenceFileError, check_range, to_integer, to_number
from ccassure.reference.registry import importer

VERSIONS = {"2011": "IoD2019", "2021": "IoD2025"}


def detect_version(path: Path, header: list[str]) -> tuple[str, str]:
    """(iod_version, LSOA code column) from the 'LSOA code (yyyy)' header."""
    for column in header:
        match = re.fullmatch(r"\s*lsoa code \((\d{4})\)\s*", column.lower())
        if match:
            version = VERSIONS.get(match.group(1))
            if version is None:
                raise ReferenceFileError(path, f"unrecognised LSOA vintage in header {column!r} "
                                               "(expected LSOA code (2011) for IoD2019 or (2021) for IoD2025)")
            return version, column
    raise ReferenceFileError(path, "no 'LSOA code (2011)' or 'LSOA code (2021)' column; "
                                   "is this the IoD File 7 CSV (all ranks, deciles and scores)?")


@importer("iod")
def read_iod(csv: CsvFile) -> pd.DataFrame:
    path = csv.path
    version, lsoa = detect_version(path, csv.header)
    lad = csv.column("Local Authority District code", prefix=True, required=False)
    imd = csv.column("Index of Multiple Deprivation (IMD) Decile", prefix=True)
    idaci_decile = csv.column("Income Deprivation Affecting Children Index (IDACI) Decile",
                               prefix=True, required=False)
    idaci_score = csv.column("Income Deprivation Affecting Children Index (IDACI) Score",
                              prefix=True, required=False)
    children = csv.column("Dependent Children aged 0-15", prefix=True, required=False)
    raw = csv.read(lsoa, lad, imd, idaci_decile, idaci_score, children)

    codes = raw[lsoa].str.strip()
    bad = ~codes.str.fullmatch(r"E01[0-9]{6}")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"not an English LSOA code: {codes.iloc[row]!r}", row=row + 2, column=lsoa)
    out = pd.DataFrame({"lsoa_code": codes, "iod_version": version})
    out["lad_code"] = raw[lad].str.strip() if lad else None
    out["imd_decile"] = to_integer(path, raw, imd)
    check_range(path, raw, out["imd_decile"], imd, 1, 10)
    if idaci_decile:
        out["idaci_decile"] = to_integer(path, raw, idaci_decile)
        check_range(path, raw, out["idaci_decile"], idaci_decile, 1, 10)
    if idaci_score:
        out["idaci_score"] = to_number(path, raw, idaci_score)
        check_range(path, raw, out["idaci_score"], idaci_score, 0, 1)
    if children:
        out["children_0_15"] = to_number(path, raw, children.strip())
    return out
