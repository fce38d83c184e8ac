"""The exported Table Schemas and data package, run through the real ``frictionless validate`` command,
find what ``ccassure validate`` finds on the sample return and on its corrupted copy; each difference is
one docs/exports.md lists as something Table Schema cannot say. All data here is synthetic."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccassure import validate
from ccassure.cli.contracts_cmd import contracts as contracts_command
from ccassure.contracts import load_contracts
from tests.conftest import REPO
from tests.exports.corrupted import LENIENT, NOT_EXPORTED, SAMPLE, expected_cells, write_corrupted

pytest.importorskip("frictionless")
FRICTIONLESS = Path(sys.executable).with_name("frictionless")
CONTRACTS = load_contracts(REPO / "data_contracts")
# Lenient values ccassure reads that a Table Schema cannot express (docs/exports.md, "Table Schema").
NOT_EXPRESSIBLE = {("centres", "easting", "351,709"): "type-integer", ("kpi_returns", "value", "82.1%"): "type-number",
                   ("kpi_returns", "denominator", "£12"): "type-number", ("sessions", "attendances", "3.0"): "type-integer",
                   ("sessions", "centre_id", " SLM-CC-01 "): "foreign-key"}
FIELD_CODES = {"integer": "type-integer", "number": "type-number", "boolean": "type-boolean", "date": "type-date",
               "month": "type-month"}
CONSTRAINT_CODES = {"required": "required-value-missing", "enum": "value-not-allowed", "minimum": "value-too-small",
                    "maximum": "value-too-large", "pattern": "pattern-mismatch"}


def export_package(folder: Path) -> Path:
    done = CliRunner().invoke(contracts_command, ["export", "--to", "datapackage", "--output", str(folder)])
    assert done.exit_code == 0, done.output
    return folder / "datapackage.json"


def frictionless_cells(package: Path) -> set[tuple[str, str, int, str]]:
    """(table, column, CSV line, ccassure code) for each error ``frictionless validate`` reports."""
    ran = subprocess.run([str(FRICTIONLESS), "validate", package.name, "--json"], cwd=package.parent,
                         capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(ran.stdout)
    cells = set()
    for task in report["tasks"]:
        table = task["name"]
        for error in task["errors"]:
            cells.add((table, *_located(table, error)))
    return cells


def _located(table: str, error: dict) -> tuple[str, int, str]:
    kind, row = error["type"], error.get("rowNumber")
    if kind == "primary-key":
        return " + ".join(CONTRACTS[table].primary_key) if len(CONTRACTS[table].primary_key) > 1 else \
            CONTRACTS[table].primary_key[0], row, "duplicate-key"
    if kind == "foreign-key":
        column = error["note"].split('"')[1]
        return column, row, "foreign-key"
    column = error["fieldName"]
    spec = CONTRACTS[table].column(column)
    if kind == "type-error":
        return column, row, FIELD_CODES[spec.type]
    assert kind == "constraint-error", error
    constraint = error["note"].split('"')[1]
    if spec.type == "date" and constraint in ("minimum", "maximum"):
        return column, row, "date-out-of-range"
    if spec.type == "month" and constraint == "pattern":
        return column, row, "type-month"
    return column, row, CONSTRAINT_CODES[constraint]


def ccassure_cells(folder: Path) -> set[tuple[str, str, int, str]]:
    result = validate(folder)
    return {(p.table, p.column, row, p.code) for p in result.problems for row in p.rows if p.code not in NOT_EXPORTED}


def test_the_data_package_passes_the_sample_return(tmp_path: Path) -> None:
    folder = tmp_path / "provider_return"
    shutil.copytree(SAMPLE, folder)
    assert frictionless_cells(export_package(folder)) == set()
    assert ccassure_cells(folder) == set()


def test_frictionless_agrees_with_ccassure_on_the_corrupted_return_except_where_documented(tmp_path: Path) -> None:
    folder = write_corrupted(tmp_path / "provider_return")
    by_frictionless = frictionless_cells(export_package(folder))
    by_ccassure = ccassure_cells(folder)
    assert by_ccassure == expected_cells()
    # what Table Schema cannot say: date order; and a full date in a month column is "not a month" there
    unsayable = {cell for cell in by_ccassure if cell[3] == "date-order"}
    renamed = {cell for cell in by_ccassure if cell[3] == "personal-data-value"}
    lenient = {(table, column, row + 2, NOT_EXPRESSIBLE[(table, column, value)])
               for table, row, column, value in LENIENT if (table, column, value) in NOT_EXPRESSIBLE}
    assert len(lenient) == len(NOT_EXPRESSIBLE)
    assert by_frictionless == (by_ccassure - unsayable - renamed) | {(t, c, r, "type-month") for t, c, r, _ in renamed} \
        | lenient


def test_a_table_schema_alone_is_a_table_schema_frictionless_reads(tmp_path: Path) -> None:
    done = CliRunner().invoke(contracts_command, ["export", "--to", "table-schema", "--output", str(tmp_path),
                                                  "--dataset", "provider_return"])
    assert done.exit_code == 0, done.output
    schema = json.loads((tmp_path / "boards.tableschema.json").read_text(encoding="utf-8"))
    assert "fields" in schema and schema["primaryKey"] == ["board_id"]
    shutil.copy(SAMPLE / "boards.csv", tmp_path / "boards.csv")
    ran = subprocess.run([str(FRICTIONLESS), "validate", "boards.csv", "--schema", "boards.tableschema.json",
                          "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert json.loads(ran.stdout)["valid"] is True, ran.stdout
    (tmp_path / "boards.csv").write_text("board_id,board_name,authority_code\nB1,Board,E1000090\nB1,,E10000901\n",
                                         encoding="utf-8")
    ran = subprocess.run([str(FRICTIONLESS), "validate", "boards.csv", "--schema", "boards.tableschema.json",
                          "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    errors = {(e["type"], e.get("fieldName"), e["rowNumber"]) for e in json.loads(ran.stdout)["tasks"][0]["errors"]}
    assert errors == {("constraint-error", "authority_code", 2), ("constraint-error", "board_name", 3),
                      ("primary-key", None, 3)}


def test_patterns_are_written_without_anchors_and_date_order_is_listed_as_not_expressed() -> None:
    from ccassure.contracts.to_tableschema import table_schema

    schema = table_schema(CONTRACTS["registrations"])
    lsoa = next(f for f in schema["fields"] if f["name"] == "lsoa_code")
    assert lsoa["constraints"]["pattern"] == "E01[0-9]{6}"
    cases = table_schema(CONTRACTS["cases"])
    assert "end_date is not before start_date" in cases["x-ccassure-not-expressed"]
