"""A CSV of local authorities (DfE 3-digit and ONS 9-character codes) -> ``authorities``.

Accepts the columns of ``la_codes_target.csv`` (``dfe_la_code``, ``ons_la_code``, ``ees_la_name``,
``la_type``) or plainer names (``authority_code``, ``authority_name``, ``dfe_code``, ``authority_type``).
The authority type comes from the ``la_type`` column when given, else from the ONS code prefix.
"""

from __future__ import annotations

import pandas as pd

from ccassure.reference.common import CsvFile, ReferenceFileError
from ccassure.reference.registry import importer

PREFIX_TYPES = {"E10": "county", "E06": "unitary", "E08": "metropolitan_district", "E09": "london_borough"}


def _type(label: str, code: str) -> str | None:
    text = label.strip().lower()
    if text.startswith(("cty", "county")):
        return "county"
    if text.startswith(("ua", "unitary")):
        return "unitary"
    if text.startswith(("md", "met")):
        return "metropolitan_district"
    if text.startswith(("lb", "london")):
        return "london_borough"
    return PREFIX_TYPES.get(code[:3])


@importer("authorities")
def read_authorities(csv: CsvFile) -> pd.DataFrame:
    path = csv.path
    code = csv.column("ons_la_code", "authority_code", "new_la_code", "la_code")
    name = csv.column("ees_la_name", "authority_name", "la_name", "name")
    dfe = csv.column("dfe_la_code", "dfe_code", "old_la_code", required=False)
    kind = csv.column("la_type", "authority_type", required=False)
    raw = csv.read(code, name, dfe, kind)
    codes = raw[code].str.strip()
    bad = ~codes.str.fullmatch(r"E(06|07|08|09|10)[0-9]{6}")
    if bool(bad.any()):
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"not an English local authority code: {codes.iloc[row]!r}",
                                 row=row + 2, column=code)
    out = pd.DataFrame({"authority_code": codes, "authority_name": raw[name].str.strip()})
    out["dfe_code"] = raw[dfe].str.strip().str.zfill(3) if dfe else None
    labels = raw[kind] if kind else pd.Series("", index=raw.index)
    out["authority_type"] = [_type(label, c) for label, c in zip(labels, codes, strict=True)]
    return out.replace({"": None})
