"""A silent de-designation between two submissions is found through the store (synthetic rows)."""

from pathlib import Path

import pandas as pd

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.rules import evaluate, load_rules
from ccassure.store import Store
from ccassure.store.for_check import tables_for_check

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = load_contracts(REPO / "data_contracts")
RULES = load_rules(REPO / "rules", contracts=CONTRACTS, checks_dir=REPO / "checks")
LA = "E06000034"


def centres(designation, name="Riverside"):
    row = {"centre_id": "C1", "centre_name": name, "authority_code": LA, "provider_id": "P1",
           "designation": designation, "status": "open"}
    return {"centres": conform(pd.DataFrame([row]), CONTRACTS["centres"])}


def test_a_centre_rebranded_between_two_submissions_without_consultation_is_not_met(tmp_path):
    store = Store(tmp_path / "store.duckdb", contracts=CONTRACTS)
    store.store_tables(centres("childrens_centre"), dataset="provider_return", provider="PRV-A", period="2016Q3")
    store.store_tables(centres("family_hub_not_designated"), dataset="provider_return", provider="PRV-A",
                       period="2016Q4")
    empty_changes = conform(pd.DataFrame(columns=["change_id"]), CONTRACTS["service_changes"])
    store.store_tables({"service_changes": empty_changes}, dataset="authority_records", provider=LA, period="2016Q4")
    tables = tables_for_check(store, authority=None, period="2016Q4")
    assert "previous_centres" in tables
    findings = evaluate(RULES.select(["CA06-S5D-DESIGNATION"]), tables, period="2016Q4")
    (finding,) = list(findings)
    assert finding.status == "not_met"
    assert "Riverside" in finding.message and "family hub not designated" in finding.message


def test_the_same_register_twice_is_met(tmp_path):
    store = Store(tmp_path / "store.duckdb", contracts=CONTRACTS)
    for period, name in (("2016Q3", "Riverside"), ("2016Q4", "Riverside Children's Centre")):
        store.store_tables(centres("childrens_centre", name), dataset="provider_return", provider="PRV-A",
                           period=period)
    findings = evaluate(RULES.select(["CA06-S5D-DESIGNATION"]), tables_for_check(store, authority=None,
                                                                                period="2016Q4"), period="2016Q4")
    assert [f.status for f in findings] == ["met"]
