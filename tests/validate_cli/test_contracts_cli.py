"""`ccassure contracts list | lint | export`: the contracts, checked with located errors, and compiled to
Table Schema and JSON Schema that other tools accept. (GX suites are tested in tests/gx.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from ccassure.cli.contracts_cmd import contracts as contracts_command
from ccassure.contracts import load_contracts
from ccassure.contracts.to_jsonschema import json_schema
from ccassure.contracts.to_tableschema import table_schema
from tests.conftest import REPO

CONTRACTS = load_contracts(REPO / "data_contracts")


def invoke(*args: str):
    result = CliRunner().invoke(contracts_command, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_list_shows_every_table_with_its_dataset_and_sheet() -> None:
    result = invoke("list", "--contracts", str(REPO / "data_contracts"))
    assert result.exit_code == 0
    assert f"{len(CONTRACTS)} contract(s)" in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("sessions "))
    assert "provider_return" in line and "Sessions" in line and "required" in line


def test_list_can_keep_to_one_dataset() -> None:
    result = invoke("list", "--dataset", "reference", "--contracts", str(REPO / "data_contracts"))
    assert "postcodes" in result.output and "sessions" not in result.output


def test_lint_passes_the_shipped_contracts() -> None:
    result = invoke("lint", "--contracts", str(REPO / "data_contracts"))
    assert result.exit_code == 0 and f"{len(CONTRACTS)} contract(s) OK." in result.output


def test_lint_reports_each_broken_contract_at_its_file_and_line_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "table: a\ntitle: A\ndataset: provider_return\nsheet: A\ncolumns:\n  - name: x\n    type: strng\n",
        encoding="utf-8")
    (tmp_path / "b.yaml").write_text("table: b\ncolumns: [\n", encoding="utf-8")
    result = invoke("lint", "--contracts", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'a.yaml'}:7: columns/0/type: 'strng' is not one of" in result.output
    assert f"{tmp_path / 'b.yaml'}:" in result.output and "YAML syntax" in result.output
    assert "Traceback" not in result.output


def test_lint_of_a_missing_folder_says_so() -> None:
    result = invoke("lint", "--contracts", "/nonexistent/contracts")
    assert result.exit_code == 1 and "contract folder not found" in result.output


@pytest.mark.parametrize(("target", "suffix"), [("table-schema", ".tableschema.json"),
                                                ("json-schema", ".schema.json"), ("gx", ".json")])
def test_export_writes_one_file_per_table(tmp_path: Path, target: str, suffix: str) -> None:
    result = invoke("export", "--to", target, "--output", str(tmp_path / "out"), "--dataset", "provider_return",
                    "--contracts", str(REPO / "data_contracts"))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").iterdir())
    assert {f.name.removesuffix(suffix) for f in files} == {c.table for c in CONTRACTS.in_dataset("provider_return")}
    for file in files:
        json.loads(file.read_text(encoding="utf-8"))


def test_the_json_schema_of_a_table_accepts_a_good_row_and_names_what_is_wrong_in_a_bad_one() -> None:
    schema = json_schema(CONTRACTS["sessions"])
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    good = {"session_id": "S1", "centre_id": "C1", "date": "2016-11-03", "activity": "Stay and play",
            "on_site": True, "attendances": 12, "activity_type": None}
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "attendances": 501, "activity_type": "yoga", "date": "03/11/2016"}
    del bad["on_site"]
    messages = " ".join(error.message for error in validator.iter_errors(bad))
    assert "501 is greater than the maximum of 500" in messages
    assert "'on_site' is a required property" in messages
    assert "'03/11/2016' is not a 'date'" in messages
    assert "yoga" in messages


def test_a_month_column_takes_year_and_month_only() -> None:
    validator = Draft202012Validator(json_schema(CONTRACTS["registrations"]))
    birth_month = validator.schema["properties"]["birth_month"]
    assert list(Draft202012Validator(birth_month).iter_errors("2015-06")) == []
    assert list(Draft202012Validator(birth_month).iter_errors("2015-06-14"))


def test_the_table_schema_carries_types_constraints_and_keys() -> None:
    schema = table_schema(CONTRACTS["centres"])
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["centre_id"]["constraints"] == {"required": True, "pattern": CONTRACTS["centres"].column(
        "centre_id").pattern.removeprefix("^").removesuffix("$")}
    assert fields["status"]["constraints"]["enum"][0] == "open"
    assert fields["urn"]["type"] == "integer" and fields["urn"]["constraints"]["minimum"] == 10000
    assert fields["open_date"]["type"] == "date" and fields["open_date"]["example"] == "2006-09-01"
    assert schema["primaryKey"] == ["centre_id"]
    assert {"fields": "parent_centre_id", "reference": {"resource": "", "fields": "centre_id"}} in \
        schema["foreignKeys"]
    birth_month = table_schema(CONTRACTS["registrations"])["fields"][4]
    assert birth_month["type"] == "string" and "pattern" in birth_month["constraints"]
