"""ONS Postcode Directory / National Statistics Postcode Lookup -> ``postcodes``.

Columns are mapped by role across the naming generations (formats.md §4): old ONSPD (``pcds``, ``oslaua``,
``oscty``, ``oseast1m``), NSPL to May 2025 (``laua``, ``cty``, ``lsoa21``) and the renamed NSPL from late
2025 (``pcd7``, ``lad25cd``/``lad26cd``, ``cty25cd``, ``lsoa21cd``, ``east1m``/``north1m``) - suffixes move
each release, so roles are matched by pattern.

``authority_code`` is the authority with the children's centre duty: the county (``E10...``) where the
postcode is in a two-tier area, otherwise the lower-tier code (unitary, metropolitan district, London
borough). Postcodes without a grid reference (zero eastings) get missing coordinates; a non-empty
``doterm`` marks a terminated postcode (still geocodable).
"""

from __future__ import annotations

import pandas as pd

from ccassure.reference.common import CsvFile, ReferenceFileError, normalise_postcode, to_integer
from ccassure.reference.registry import importer


@importer("postcodes")
def read_postcodes(csv: CsvFile) -> pd.DataFrame:
    path = csv.path
    postcode = csv.column("pcds", "pcd", "pcd7", "pcd2", "pcd8", "postcode", what="'pcds' (postcode)")
    doterm = csv.column("doterm", required=False)
    lad = csv.column("laua", "oslaua", pattern=r"lad\d{2}cd", required=False)
    county = csv.column("cty", "oscty", pattern=r"cty\d{2}cd", required=False)
    lsoa = csv.column("lsoa21", "lsoa21cd", required=False) or \
        csv.column("lsoa11", "lsoa11cd", required=False)
    east = csv.column("oseast1m", "east1m", "easting", required=False)
    north = csv.column("osnrth1m", "north1m", "northing", required=False)
    if lad is None and lsoa is None:
        raise ReferenceFileError(path, "no local authority (laua / oslaua / ladNNcd) or LSOA (lsoa21 / lsoa21cd) "
                                       "column; is this the ONSPD/NSPL postcode file?")
    raw = csv.read(postcode, doterm, lad, county, lsoa, east, north)

    out = pd.DataFrame({"postcode": normalise_postcode(raw[postcode])})
    out["lsoa_code"] = raw[lsoa].str.strip().replace("", None) if lsoa else None
    if lad:
        lower = raw[lad].str.strip()
        upper = raw[county].str.strip() if county else pd.Series("", index=raw.index)
        authority = upper.where(upper.str.match(r"E10[0-9]{6}$"), lower)
        out["authority_code"] = authority.replace("", None)
    else:
        out["authority_code"] = None
    for column, target in ((east, "easting"), (north, "northing")):
        if column:
            values = to_integer(path, raw, column)
            out[target] = values.where(values > 0)
        else:
            out[target] = None
    if {"easting", "northing"} <= set(out.columns):
        no_grid = out["easting"].isna() | out["northing"].isna()
        out.loc[no_grid, ["easting", "northing"]] = None
    out["terminated"] = (raw[doterm].str.strip() != "") if doterm else False
    out = out[out["postcode"].notna()]
    # keep the live record where a postcode appears twice (re-introduced postcodes)
    out = out.sort_values("terminated", kind="stable").drop_duplicates("postcode", keep="first")
    return out


def lsoa_points(postcodes: pd.DataFrame) -> pd.DataFrame:
    """Representative point per LSOA: the mean easting/northing of its live, grid-referenced postcodes."""
    live = postcodes[~postcodes["terminated"].fillna(False).astype(bool)]
    live = live.dropna(subset=["lsoa_code", "easting", "northing"])
    points = live.groupby("lsoa_code", as_index=False)[["easting", "northing"]].mean()
    points["easting"] = points["easting"].round().astype("Int64")
    points["northing"] = points["northing"].round().astype("Int64")
    return points
