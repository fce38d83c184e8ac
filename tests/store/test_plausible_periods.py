"""The store refuses periods no children's centre return can be for (synthetic rows)."""

import pandas as pd
import pytest

from ccassure.contracts.dtypes import conform
from ccassure.store import Store
from ccassure.store.errors import StoreError


@pytest.mark.parametrize("period", ["2099Q1", "1899Q1", "2005Q4"])
def test_an_implausible_period_is_refused_with_a_clear_message(tmp_path, period):
    store = Store(tmp_path / "store.duckdb")
    frame = conform(pd.DataFrame([{"centre_id": "C1", "centre_name": "Riverside", "authority_code": "E06000034",
                                   "provider_id": "P1", "designation": "childrens_centre", "status": "open"}]),
                    store.contracts["centres"])
    with pytest.raises(StoreError, match=f"period {period} is not plausible"):
        store.store_tables({"centres": frame}, dataset="provider_return", provider="PRV-A", period=period)
    assert store.history().empty


def test_a_plausible_period_is_stored(tmp_path):
    store = Store(tmp_path / "store.duckdb")
    frame = conform(pd.DataFrame([{"centre_id": "C1", "centre_name": "Riverside", "authority_code": "E06000034",
                                   "provider_id": "P1", "designation": "childrens_centre", "status": "open"}]),
                    store.contracts["centres"])
    store.store_tables({"centres": frame}, dataset="provider_return", provider="PRV-A", period="2006Q2")
    assert len(store.history()) == 1
