"""DfE EYFSP headline measures (explore-education-statistics table 1) -> ``eyfsp``.

Keeps local-authority rows for all children (``sex`` Total) in every breakdown; suppression symbols
(``z``, ``c``, ``x``, ``low``, ...) become missing. Works with the current header (``gld_children_count``,
``breakdown_topic``/``breakdown``, ``sex``) and the 2022 one (``gld_number``, ``gld_percentage``,
``characteristic_type``/``characteristic``, ``gender``).

Breakdowns are stored as stable keys: ``total``, ``fsm_eligible``, ``fsm_not_eligible``, ``fsm_unknown``;
any other as ``<topic>:<value>`` in lower-case snake case (e.g. ``sen_provision:sen_support``).
"""

from __future__ import annotations

import re

import pandas as pd

from ccassure.reference.common import CsvFile, ReferenceFileError, check_range, to_integer, to_number
from ccassure.reference.registry import importer

FIXED_BREAKDOWNS = {
    ("total", "total"): "total",
    ("free school meal eligibility", "eligible for free school meals"): "fsm_eligible",
    ("free school meal eligibility", "not eligible for free school meals"): "fsm_not_eligible",
    ("free school meal eligibility", "unknown"): "fsm_unknown",
    ("fsm", "fsm eligible"): "fsm_eligible",
    ("fsm", "fsm not eligible"): "fsm_not_eligible",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def breakdown_key(topic: str, value: str) -> str:
    topic_n, value_n = topic.strip().lower(), value.strip().lower()
    if (topic_n, value_n) in FIXED_BREAKDOWNS:
        return FIXED_BREAKDOWNS[(topic_n, value_n)]
    if topic_n in ("total", "") and value_n in ("total", "all pupils", "all children", ""):
        return "total"
    return f"{_slug(topic)}:{_slug(value)}"


@importer("eyfsp")
def read_eyfsp(csv: CsvFile) -> pd.DataFrame:
    path = csv.path
    period = csv.column("time_period")
    level = csv.column("geographic_level")
    new_code = csv.column("new_la_code")
    old_code = csv.column("old_la_code", required=False)
    la_name = csv.column("la_name", required=False)
    topic = csv.column("breakdown_topic", "characteristic_type", required=False)
    breakdown = csv.column("breakdown", "characteristic", required=False)
    sex = csv.column("sex", "gender", required=False)
    children = csv.column("children_count", "children_number", required=False)
    gld_count = csv.column("gld_children_count", "gld_number", required=False)
    gld_percent = csv.column("gld_children_percent", "gld_percentage", "gld_percent",
                              required=False)
    if gld_count is None and gld_percent is None:
        raise ReferenceFileError(path, "no good-level-of-development column (gld_children_count, gld_children_percent, "
                                       "gld_number or gld_percentage); is this the EYFSP headline measures file?")
    raw = csv.read(period, level, new_code, old_code, la_name, topic, breakdown, sex, children, gld_count, gld_percent)
    raw.index = raw.index + 2  # file line numbers, for messages
    keep = raw[level].str.strip().str.lower() == "local authority"
    if sex:
        keep &= raw[sex].str.strip().str.lower().isin(["total", "all", ""])
    rows = raw[keep]
    if rows.empty:
        raise ReferenceFileError(path, "no rows with geographic_level 'Local authority' (and sex 'Total')")
    lines = rows.index.to_numpy()
    rows = rows.reset_index(drop=True)

    def located(func, column):
        try:
            return func(path, rows, column, row_offset=0)
        except ReferenceFileError as exc:
            raise ReferenceFileError(path, exc.detail, row=int(lines[exc.row]), column=exc.column) from None

    out = pd.DataFrame({"authority_code": rows[new_code].str.strip()})
    out["dfe_code"] = rows[old_code].str.strip() if old_code else None
    out["la_name"] = rows[la_name].str.strip() if la_name else None
    out["time_period"] = located(to_integer, period)
    topics = rows[topic] if topic else pd.Series("Total", index=rows.index)
    values = rows[breakdown] if breakdown else pd.Series("Total", index=rows.index)
    out["breakdown"] = [breakdown_key(t, v) for t, v in zip(topics, values, strict=True)]
    out["children_count"] = located(to_integer, children) if children else None
    out["gld_count"] = located(to_integer, gld_count) if gld_count else None
    out["gld_percent"] = located(to_number, gld_percent) if gld_percent else None
    if gld_percent:
        try:
            check_range(path, rows, out["gld_percent"], gld_percent, 0, 100, row_offset=0)
        except ReferenceFileError as exc:
            raise ReferenceFileError(path, exc.detail, row=int(lines[exc.row]), column=exc.column) from None
    out = out.replace({"": None})
    missing = out["authority_code"].isna()
    if bool(missing.any()):
        raise ReferenceFileError(path, "new_la_code is blank on a Local authority row",
                                 row=int(lines[int(missing.to_numpy().nonzero()[0][0])]), column=new_code)
    return out
