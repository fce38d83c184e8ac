"""A new provider-return table is one contract file: validated, stored, selected for a check (scoped to its
centre's authority because of its centre_id column), exported and in the template. Synthetic data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
CONTRACT = """\
table: volunteer_hours
title: Volunteer hours
dataset: provider_return
sheet: Volunteer hours
sheet_order: 11
required: false
role: event
event_date: date
primary_key: [centre_id, date]
columns:
  - name: centre_id
    type: string
    required: true
  - name: date
    type: date
    required: true
  - name: hours
    type: number
    minimum: 0
"""


@pytest.mark.skipif(not (REPO / "sample_data" / "provider_return").is_dir(), reason="sample data not generated")
def test_a_new_provider_return_table_needs_only_its_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccassure.assessment import store_tables
    from ccassure.contracts import load_contracts
    from ccassure.contracts.template import ordered_tables
    from ccassure.periods import parse_period
    from ccassure.store import Store
    from ccassure.validation import validate

    root = tmp_path / "project"
    shutil.copytree(REPO / "data_contracts", root / "data_contracts")
    (root / "data_contracts" / "provider_return" / "volunteer_hours.yaml").write_text(CONTRACT, encoding="utf-8")
    (root / "ccassure.yml").write_text("name: new-table\n", encoding="utf-8")
    monkeypatch.setenv("CCASSURE_PROJECT", str(root))
    returned = tmp_path / "return"
    shutil.copytree(REPO / "sample_data" / "provider_return", returned)
    centre = pd.read_csv(returned / "centres.csv")["centre_id"].iloc[0]
    (returned / "volunteer_hours.csv").write_text(
        f"centre_id,date,hours\n{centre},2016-11-02,3.5\n{centre},2016-12-07,4\nNOT-A-CENTRE,2016-12-08,1\n",
        encoding="utf-8")
    contracts = load_contracts(root / "data_contracts")
    assert contracts["volunteer_hours"].role == "event" and contracts["volunteer_hours"].authority_scope == "centre"

    result = validate(returned)
    assert "volunteer_hours" in result.tables and len(result.tables["volunteer_hours"]) == 3

    store = Store(tmp_path / "store.duckdb", contracts=contracts)
    store.submit(result, provider="PRV-SLM-TRUST", period="2016Q4", accept_warnings=True)
    authority = pd.read_csv(returned / "centres.csv")["authority_code"].iloc[0]
    tables, versions = store_tables(store, authority=authority, period=parse_period("2016Q4"))
    assert sorted(tables["volunteer_hours"]["hours"].tolist()) == [3.5, 4.0]  # the unknown centre is not theirs
    assert versions["volunteer_hours"]

    exported = store.export(tmp_path / "export", tables=["volunteer_hours"])
    assert len(pd.read_parquet(exported["volunteer_hours"])) == 3

    assert [c.table for c in ordered_tables(contracts, "provider_return")][-1] == "volunteer_hours"

    # an event table (role: event) keeps the rows of every active return in the store's views, not only the
    # provider's latest return: a later quarter's hours add to the earlier ones
    (returned / "volunteer_hours.csv").write_text(f"centre_id,date,hours\n{centre},2017-01-11,2\n", encoding="utf-8")
    store.submit(validate(returned), provider="PRV-SLM-TRUST", period="2017Q1", accept_warnings=True)
    import duckdb

    with duckdb.connect(str(store.path), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM active.volunteer_hours").fetchall() == [(4,)]
        assert con.sql("SELECT count(DISTINCT submission_id) FROM active.centres").fetchall() == [(1,)]
