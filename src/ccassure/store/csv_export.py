"""Writing store rows to CSV for people and spreadsheets (``ccassure export --format csv``).

Text that a spreadsheet would run as a formula (``=HYPERLINK(...)`` typed into a provider's return) is
written with a leading apostrophe (safe_text.csv_safe); dates are ISO 8601, yes/no columns true/false,
missing values empty. UTF-8 with a byte-order mark, so Excel opens accented names correctly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccassure.safe_text import csv_safe

FORMATS = ("parquet", "csv")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            out[name] = column.astype(object).map(csv_safe, na_action="ignore")
        elif pd.api.types.is_datetime64_any_dtype(column.dtype):
            if getattr(column.dt, "tz", None) is not None:
                out[name] = column.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
            elif (column.dropna() == column.dropna().dt.normalize()).all():
                out[name] = column.dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False, encoding="utf-8-sig")
