"""DfE EYFSP headline measures -> ``comparators``: England and regional good level of development.

The same published file the ``eyfsp`` importer reads (explore-education-statistics table 1); this one keeps
the National and Regional rows for all children (breakdown Total, sex Total) and writes them as comparator
figures for the good-level-of-development measure, so the authority report can set England beside the
local figure. Academic years are written as published periods ``2024-25``.
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
    read_csv_columns,
    read_header,
)

GLD_KPIS = ("CORE-GLD",)  # the measures whose comparator is the EYFSP good level of development
_LEVELS = {"national": "england", "regional": "region"}


def _academic_year(value: str) -> str:
    text = str(value).strip()
    return f"{text[:4]}-{text[4:]}" if len(text) == 6 and text.isdigit() else text


def read_eyfsp_comparators(path: Path | str, kpis: tuple[str, ...] = GLD_KPIS) -> pd.DataFrame:
    path = check_file(path, suffixes=(".csv",))
    encoding = detect_encoding(path)
    header = read_header(path, encoding)
    period = find_column(path, header, "time_period")
    level = find_column(path, header, "geographic_level")
    country_code = find_column(path, header, "country_code", required=False)
    region_code = find_column(path, header, "region_code", required=False)
    region_name = find_column(path, header, "region_name", required=False)
    topic = find_column(path, header, "breakdown_topic", "characteristic_type", required=False)
    breakdown = find_column(path, header, "breakdown", "characteristic", required=False)
    sex = find_column(path, header, "sex", "gender", required=False)
    percent = find_column(path, header, "gld_children_percent", "gld_percentage", "gld_percent", required=False)
    if percent is None:
        raise ReferenceFileError(path, "no good-level-of-development percentage column (gld_children_percent, "
                                       "gld_percentage or gld_percent); is this the EYFSP headline measures file?")
    wanted = [c for c in (period, level, country_code, region_code, region_name, topic, breakdown, sex, percent) if c]
    raw = read_csv_columns(path, wanted, encoding=encoding)
    keep = raw[level].str.strip().str.lower().isin(list(_LEVELS))
    for column in (topic, breakdown, sex):
        if column:
            keep &= raw[column].str.strip().str.lower().isin(["total", "all", ""])
    rows = raw[keep]
    if rows.empty:
        raise ReferenceFileError(path, "no National or Regional rows for all children (breakdown and sex Total)")
    values = pd.to_numeric(rows[percent].str.strip(), errors="coerce")  # suppressed cells (c, z, x) are blank
    out = []
    for (_, r), value in zip(rows.iterrows(), values, strict=True):
        if value != value:
            continue
        kind = _LEVELS[r[level].strip().lower()]
        code = (r[country_code] if kind == "england" and country_code else r[region_code] if region_code else "")
        name = "England" if kind == "england" else (r[region_name] if region_name else "")
        for kpi in kpis:
            out.append({"kpi_id": kpi, "comparator": kind, "area_code": str(code or "E92000001").strip(),
                        "area_name": str(name).strip(), "period": _academic_year(r[period]), "value": float(value),
                        "source": "DfE Early years foundation stage profile results, headline measures"})
    return finish(pd.DataFrame(out), "comparators", path)
