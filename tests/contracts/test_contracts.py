"""Data contracts: the project's contracts are complete, and a bad contract is reported at its line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccassure.contracts import ContractError, ContractErrors, load_contract_file, load_contracts
from ccassure.contracts.dtypes import conform, empty_table

REPO = Path(__file__).resolve().parents[2]

PROVIDER_RETURN = {"centres", "services", "sessions", "registrations", "contacts", "cases", "boards",
                   "board_members", "board_meetings", "kpi_returns"}
AUTHORITY_RECORDS = {"providers", "service_changes", "consultations", "needs_assessments", "partner_agreements",
                     "data_feeds", "inspections", "outcome_metrics", "reach_areas", "self_evaluations",
                     "actions", "centre_targets"}
REFERENCE = {"authorities", "lsoa_population", "deprivation", "postcodes", "gias_centres", "eyfsp", "previous_centres",
             "comparators"}


def test_every_table_of_the_design_has_a_contract() -> None:
    contracts = load_contracts(REPO / "data_contracts")
    assert {c.table for c in contracts.in_dataset("provider_return")} == PROVIDER_RETURN
    assert {c.table for c in contracts.in_dataset("authority_records")} == AUTHORITY_RECORDS
    assert {c.table for c in contracts.in_dataset("reference")} == REFERENCE


def test_every_contract_file_points_editors_at_the_published_schema() -> None:
    for path in (REPO / "data_contracts").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert "$schema=" in first and "contract.schema.json" in first, path


def test_family_tables_are_pseudonymous_and_hold_no_identifier_columns() -> None:
    contracts = load_contracts(REPO / "data_contracts")
    for table in ("registrations", "contacts", "cases"):
        contract = contracts[table]
        assert contract.personal_data == "pseudonymous"
        for name in contract.column_names:
            assert not any(word in name for word in ("name", "dob", "nhs", "address", "email", "phone")), name
    assert contracts["registrations"].column("birth_month").type == "month"


def test_conform_gives_every_column_its_validated_dtype() -> None:
    contract = load_contracts(REPO / "data_contracts")["sessions"]
    typed = conform(pd.DataFrame({"session_id": ["S1"], "date": ["2016-11-03"], "attendances": [4]}), contract)
    assert list(typed.columns) == contract.column_names
    assert str(typed["date"].dtype) == "datetime64[s]" and str(typed["attendances"].dtype) == "Int64"
    assert typed["on_site"].isna().all()
    assert empty_table(contract).empty


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """table: things
title: Things
dataset: provider_return
sheet: Things
columns:
  - name: thing_id
    type: string
    required: true
"""


def test_a_valid_contract_loads(tmp_path: Path) -> None:
    contract = load_contract_file(write(tmp_path, GOOD))
    assert contract.table == "things" and contract.column("thing_id").required


@pytest.mark.parametrize(("text", "line", "words"), [
    (GOOD.replace("    type: string", "    type: text"), 7, "type"),
    (GOOD.replace("    required: true", "    required: true\n    colour: red"), 9, "colour"),
    (GOOD + "  - name: when\n    type: date\n    pattern: '(['\n", 11, "regular expression"),
    (GOOD + "primary_key: [missing_column]\n", 9, "missing_column"),
    (GOOD + "date_order:\n  - start: thing_id\n    end: thing_id\n", 10, "date column"),
    (GOOD.replace("columns:", "columns:\n  - name: thing_id\n    type: string"), 8, "declared twice"),
    ("table: things\ntitle: [unclosed\n", 3, "YAML syntax"),
])
def test_a_bad_contract_is_reported_with_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ContractError) as caught:
        load_contract_file(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line, str(caught.value)
    assert words in caught.value.message


def test_a_folder_reports_every_bad_file_and_dangling_foreign_keys(tmp_path: Path) -> None:
    write(tmp_path, GOOD + "foreign_keys:\n  - column: thing_id\n    references: nowhere.id\n", "a.yaml")
    write(tmp_path, "table: [", "b.yaml")
    with pytest.raises(ContractErrors) as caught:
        load_contracts(tmp_path)
    messages = [str(error) for error in caught.value.errors]
    assert any("b.yaml" in m and "YAML syntax" in m for m in messages)
    assert any("a.yaml" in m and "nowhere.id" in m for m in messages)


def test_yaml_tags_cannot_build_python_objects(tmp_path: Path) -> None:
    path = write(tmp_path, "!!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ContractError):
        load_contract_file(path)
