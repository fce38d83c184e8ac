"""The results CSVs escape formula-like text cells, whatever the column's dtype, and leave the rest alone."""

from __future__ import annotations

import pandas as pd
import pytest

from ccassure.results.writer import _csv_safe_column


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_formula_like_text_is_prefixed(dtype):
    values = pd.Series(["=SUM(A1)", "plain", None, "-3", "-x", "@home", "+1.5e3"], dtype=dtype)
    out = _csv_safe_column(values).tolist()
    assert out[0] == "'=SUM(A1)" and out[1] == "plain" and out[3] == "-3"
    assert out[4] == "'-x" and out[5] == "'@home" and out[6] == "+1.5e3"
    assert out[2] is None or pd.isna(out[2])


def test_non_text_values_in_an_object_column_stay_as_they_are():
    assert _csv_safe_column(pd.Series([1, "=x", 2.5], dtype=object)).tolist() == [1, "'=x", 2.5]
