"""The JSON Schemas describe one row as typed JSON; CSV rows converted the documented way (json_rows) pass
on the sample return, and on the corrupted copy fail where ``ccassure validate`` fails, apart from the
checks one row cannot make (keys, references, date order, the 1900-2100 range). Synthetic data only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from jsonschema import Draft202012Validator

from ccassure import validate
from ccassure.contracts import load_contracts
from ccassure.contracts.to_jsonschema import json_rows, json_schema
from tests.conftest import REPO
from tests.exports.corrupted import NOT_EXPORTED, SAMPLE, expected_cells, write_corrupted

CONTRACTS = load_contracts(REPO / "data_contracts")
ONE_ROW_CANNOT = {"duplicate-key", "foreign-key", "date-order", "date-out-of-range"}
CODES = {"enum": "value-not-allowed", "minimum": "value-too-small", "maximum": "value-too-large",
         "pattern": "pattern-mismatch", "required": "required-value-missing", "format": "type-date"}


def validator(table: str) -> Draft202012Validator:
    # format is asserted: without a format checker JSON Schema treats "format": "date" as a note
    return Draft202012Validator(json_schema(CONTRACTS[table]), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_cells(folder: Path) -> set[tuple[str, str, int, str]]:
    cells = set()
    for path in sorted(folder.glob("*.csv")):
        table = path.stem
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        check = validator(table)
        for position, row in enumerate(json_rows(CONTRACTS[table], frame)):
            for error in check.iter_errors(row):
                column = error.path[0] if error.path else error.message.split("'")[1]
                spec = CONTRACTS[table].column(column)
                if error.validator == "type":
                    code = f"type-{spec.type}"
                elif spec.type == "month" and error.validator == "pattern":
                    code = "type-month"
                else:
                    code = CODES[error.validator]
                cells.add((table, column, position + 2, code))
    return cells


@pytest.mark.parametrize("table", sorted(CONTRACTS.tables))
def test_every_schema_is_valid_2020_12_and_its_examples_are_of_the_right_type(table: str) -> None:
    schema = json_schema(CONTRACTS[table])
    Draft202012Validator.check_schema(schema)
    for name, prop in schema["properties"].items():
        assert "anyOf" not in prop
        for example in prop.get("examples", []):
            errors = list(Draft202012Validator(prop, format_checker=Draft202012Validator.FORMAT_CHECKER)
                          .iter_errors(example))
            assert errors == [], (name, example)


def test_optional_columns_say_the_real_reason() -> None:
    errors = list(validator("sessions").iter_errors({"session_id": "S1", "centre_id": "C1", "date": "2016-11-03",
                                                     "activity": "Play", "on_site": True, "attendances": 3,
                                                     "min_age_months": "n/a"}))
    assert [e.message for e in errors] == ["'n/a' is not of type 'integer', 'null'"]
    assert json_schema(CONTRACTS["sessions"])["properties"]["min_age_months"]["type"] == ["integer", "null"]


def test_csv_rows_converted_as_documented_pass_on_the_sample_return() -> None:
    assert schema_cells(SAMPLE) == set()


def test_converted_rows_fail_where_ccassure_fails(tmp_path: Path) -> None:
    folder = write_corrupted(tmp_path / "provider_return")
    by_ccassure = {(t, c, r, code) for p in validate(folder).problems for (t, c, code) in [(p.table, p.column, p.code)]
                   for r in p.rows if code not in NOT_EXPORTED}
    assert by_ccassure == expected_cells()
    expected = {cell for cell in by_ccassure if cell[3] not in ONE_ROW_CANNOT}
    expected = {(t, c, r, "type-month" if code == "personal-data-value" else code) for t, c, r, code in expected}
    assert schema_cells(folder) == expected


def test_lenient_cells_convert_to_what_ccassure_reads() -> None:
    frame = pd.DataFrame({"session_id": ["S1"], "centre_id": [" C1 "], "date": ["13/01/2016"], "activity": ["Play"],
                          "on_site": ["YES"], "attendances": ["3.0"], "min_age_months": [""]})
    (row,) = json_rows(CONTRACTS["sessions"], frame)
    assert row == {"session_id": "S1", "centre_id": "C1", "date": "2016-01-13", "activity": "Play", "on_site": True,
                   "attendances": 3}
