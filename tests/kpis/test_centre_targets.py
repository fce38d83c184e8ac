"""A per-centre target from the authority's records replaces the framework target for that centre only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ccassure.kpis.centre_targets import apply_centre_targets


def _results() -> pd.DataFrame:
    return pd.DataFrame({
        "kpi_id": ["CORE-REG-U5"] * 3, "subject_type": ["centre", "centre", "provider"],
        "subject_id": ["WXC-CC-17", "WXC-CC-18", "PRV-A"], "period": ["2016Q3"] * 3,
        "value": [60.0, 60.0, 60.0], "target": [80.0] * 3, "amber_from": [70.0] * 3, "direction": ["higher"] * 3,
        "rag": ["red"] * 3, "rating_reason": [None] * 3, "target_source": ["framework"] * 3,
    })


def test_a_centre_target_for_the_financial_year_rates_that_centre_against_it() -> None:
    targets = pd.DataFrame({"centre_id": ["WXC-CC-17"], "kpi_id": ["CORE-REG-U5"], "target": [55.0],
                            "period": ["2016-17"]})
    out = apply_centre_targets(_results(), targets)
    first = out.iloc[0]
    assert (first["target"], first["target_source"], first["rag"]) == (55.0, "centre_target", "green")
    assert np.isnan(first["amber_from"])  # the framework's amber band lies above this centre's own target
    assert out.iloc[1][["target", "target_source", "rag"]].tolist() == [80.0, "framework", "red"]
    assert out.iloc[2][["target", "target_source", "rag"]].tolist() == [80.0, "framework", "red"]


def test_a_target_for_another_period_changes_nothing() -> None:
    targets = pd.DataFrame({"centre_id": ["WXC-CC-17"], "kpi_id": ["CORE-REG-U5"], "target": [55.0],
                            "period": ["2017Q2"]})
    out = apply_centre_targets(_results(), targets)
    assert out.equals(_results())
