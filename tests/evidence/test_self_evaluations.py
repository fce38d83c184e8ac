"""The self_evaluations table is a contract like every other: template sheet, validation at the cell, demo rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from ccassure import validate
from ccassure.areas import AREAS
from ccassure.contracts import load_contracts
from ccassure.contracts.template import write_template
from ccassure.demo.generate import AUTHORITY_TABLES

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = load_contracts(REPO / "data_contracts")
GOOD = {"centre_id": "C1", "authority_code": "E10000901", "period": "2015-16", "area": "access", "self_grade": 2,
        "self_narrative": "Synthetic narrative.", "agreed_grade": 2, "authority_comment": "Agreed."}


def test_the_contract_lists_exactly_the_three_inspection_areas():
    area = next(c for c in CONTRACTS["self_evaluations"].columns if c.name == "area")
    assert tuple(area.allowed) == tuple(AREAS)
    assert CONTRACTS["self_evaluations"].dataset == "authority_records"


def test_the_authority_records_template_has_a_self_evaluations_sheet(tmp_path):
    path = write_template(tmp_path / "records.xlsx", CONTRACTS, "authority_records")
    assert "Self-evaluations" in openpyxl.load_workbook(path).sheetnames


def test_a_wrong_grade_area_or_period_is_reported_at_its_cell(tmp_path):
    path = write_template(tmp_path / "records.xlsx", CONTRACTS, "authority_records")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Self-evaluations"]
    letter = {cell.value: get_column_letter(cell.column) for cell in sheet[1]}
    rows = [GOOD, {**GOOD, "area": "outreach"}, {**GOOD, "area": "quality", "self_grade": 5},
            {**GOOD, "area": "leadership", "period": "2015/16"}, {**GOOD}]
    for r, values in enumerate(rows, start=2):
        for name, value in values.items():
            sheet[f"{letter[name]}{r}"] = value
    workbook.save(path)
    result = validate(path, dataset="authority_records")
    found = {(p.sheet, p.cell) for p in result.errors}
    assert ("Self-evaluations", f"{letter['area']}3") in found
    assert ("Self-evaluations", f"{letter['self_grade']}4") in found
    assert ("Self-evaluations", f"{letter['period']}5") in found
    assert any(p.code == "duplicate-key" and p.sheet == "Self-evaluations" for p in result.errors)


def test_the_sample_authority_records_include_valid_self_evaluations():
    assert "self_evaluations" in AUTHORITY_TABLES
    result = validate(REPO / "sample_data" / "authority_records", dataset="authority_records")
    assert result.errors == []
    assert result.row_counts["self_evaluations"] > 0
