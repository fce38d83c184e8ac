"""Text columns as pyarrow arrays, so regexes, casts and set look-ups run in pyarrow's C++ (RE2) kernels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def as_arrow_text(series: pd.Series) -> pa.Array:
    """Zero-copy for pyarrow-backed string columns; a conversion for anything else."""
    if pd.api.types.is_string_dtype(series.dtype) and getattr(series.dtype, "storage", None) == "pyarrow":
        return pa.array(series)
    return pa.array(series.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string())


def regex_mask(series: pd.Series, pattern: str) -> np.ndarray:
    """True where the text contains ``pattern`` (RE2 syntax); False for missing values."""
    found = pc.fill_null(pc.match_substring_regex(as_arrow_text(series), pattern), False)
    return found.to_numpy(zero_copy_only=False)
