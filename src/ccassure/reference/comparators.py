"""DfE EYFSP headline measures -> ``comparators``: England and regional good level of development.

The same published file the ``eyfsp`` importer reads (explore-education-statistics table 1); this one keeps
the National and Regional rows for all children (breakdown Total, sex Total) and writes them as comparator
figures for the good-level-of-development measure, so the authority report can set England beside the
local figure. Academic years are written as published periods ``2024-25``.
"""

from __future__ import annotations

import pandas as pd

from ccassure.reference.common import CsvFile, ReferenceFileError
from ccassure.reference.registry import importer

GLD_KPIS = ("CORE-GLD",)  # the measures whose comparator is the EYFSP good level of development
_LEVELS = {"national": "england", "regional": "region"}


def _academic_year(value: str) -> str:
    text = str(value).strip()
    return f"{text[:4]}-{text[4:]}" if len(text) == 6 and text.isdigit() else text


COLUMNS = {"period": "time_period", "level": "geographic_level"}  # role -> its header (headers it may go by)
OPTIONAL_COLUMNS = {"country_code": "country_code", "region_code": "region_code", "region_name": "region_name",
                    "topic": ("breakdown_topic", "characteristic_type"), "breakdown": ("breakdown", "characteristic"),
                    "sex": ("sex", "gender"), "percent": ("gld_children_percent", "gld_percentage", "gld_percent")}


@importer("comparators-eyfsp")
def read_eyfsp_comparators(csv: CsvFile) -> pd.DataFrame:
    path = csv.path
    col = csv.pick(COLUMNS, OPTIONAL_COLUMNS)
    if col.percent is None:
        raise ReferenceFileError(path, "no good-level-of-development percentage column (gld_children_percent, "
                                       "gld_percentage or gld_percent); is this the EYFSP headline measures file?")
    raw = csv.read(*vars(col).values())
    keep = raw[col.level].str.strip().str.lower().isin(list(_LEVELS))
    for column in (col.topic, col.breakdown, col.sex):
        if column:
            keep &= raw[column].str.strip().str.lower().isin(["total", "all", ""])
    rows = raw[keep]
    if rows.empty:
        raise ReferenceFileError(path, "no National or Regional rows for all children (breakdown and sex Total)")
    values = pd.to_numeric(rows[col.percent].str.strip(), errors="coerce")  # suppressed cells (c, z, x) are blank
    out = []
    for (_, r), value in zip(rows.iterrows(), values, strict=True):
        if value != value:
            continue
        kind = _LEVELS[r[col.level].strip().lower()]
        code = (r[col.country_code] if kind == "england" and col.country_code else r[col.region_code] if col.region_code else "")
        name = "England" if kind == "england" else (r[col.region_name] if col.region_name else "")
        for kpi in GLD_KPIS:
            out.append({"kpi_id": kpi, "comparator": kind, "area_code": str(code or "E92000001").strip(),
                        "area_name": str(name).strip(), "period": _academic_year(r[col.period]), "value": float(value),
                        "source": "DfE Early years foundation stage profile results, headline measures"})
    return pd.DataFrame(out)
