"""The blank workbook a provider fills in, generated from the data contracts.

One sheet per table of a dataset, named as the contract says; a header row whose cells carry a note with
the column's description, type, allowed values and example; drop-down lists for listed values and yes/no
columns; whole-number, decimal and date checks as Excel data validation; dd/mm/yyyy formatting for dates
and text formatting for codes (so 001 stays 001 and 2015-06 stays a month). A "Read me" sheet comes first.
The template holds no data, so validating it as it is gives no errors.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ccassure.contracts.model import ColumnSpec, Contract, ContractSet

README_SHEET = "Read me"
LAST_ROW = 1_048_575          # 0-based index of Excel's last row: validation covers the whole column
EXCEL_LIST_LIMIT = 255        # Excel refuses drop-down lists longer than this when typed in
TYPE_WORDS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "yes or no",
    "date": "date (dd/mm/yyyy)",
    "month": "year and month (yyyy-mm), never a full date of birth",
}
BOOLEAN_CHOICES = ["yes", "no"]
def ordered_tables(contracts: ContractSet, dataset: str) -> list[Contract]:
    """Sheets in the order a provider fills them in: each contract's ``sheet_order``; undeclared ones follow."""
    return contracts.in_sheet_order(dataset)


def column_note(spec: ColumnSpec, contract: Contract) -> str:
    """The note shown on a header cell: what goes in the column, in plain English."""
    lines = [spec.name + (" (required)" if spec.required else " (optional)")]
    if spec.description:
        lines.append(spec.description)
    lines.append(f"Type: {TYPE_WORDS[spec.type]}.")
    if spec.allowed is not None:
        lines.append("Allowed values: " + ", ".join(str(v) for v in spec.allowed) + ".")
    if spec.minimum is not None or spec.maximum is not None:
        low = f"{spec.minimum:g}" if spec.minimum is not None else None
        high = f"{spec.maximum:g}" if spec.maximum is not None else None
        lines.append("Range: " + (f"{low} to {high}" if low and high else f"at least {low}" if low
                                  else f"at most {high}") + ".")
    if spec.pattern is not None and spec.example is None:
        lines.append(f"Format: {spec.pattern}")
    if spec.example is not None:
        lines.append(f"Example: {_example_text(spec)}")
    if spec.name in contract.primary_key:
        lines.append("Each row needs its own value." if len(contract.primary_key) == 1 else
                     "Together with " + ", ".join(k for k in contract.primary_key if k != spec.name)
                     + " it must be unique on each row.")
    for fk in contract.foreign_keys:
        if fk.column == spec.name:
            lines.append(f"Must match a {fk.ref_column} on the {fk.ref_table} sheet.")
    return "\n".join(lines)


def _example_text(spec: ColumnSpec) -> str:
    value = spec.example
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def write_template(path: Path | str, contracts: ContractSet, dataset: str = "provider_return") -> Path:
    """Write the blank template for ``dataset`` to ``path`` (an .xlsx file) and return the path."""
    import xlsxwriter

    tables = ordered_tables(contracts, dataset)
    if not tables:
        raise ValueError(f"no contracts in dataset {dataset!r}")
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False})
    try:
        formats = _formats(workbook)
        _readme(workbook, tables, dataset, formats)
        for contract in tables:
            _table_sheet(workbook, contract, formats)
    finally:
        workbook.close()
    return path


def _formats(workbook: Any) -> dict[str, Any]:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "required": workbook.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF",
                                         "border": 1}),
        "optional": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "text": workbook.add_format({"num_format": "@"}),
        "integer": workbook.add_format({"num_format": "0"}),
        "number": workbook.add_format({"num_format": "General"}),
    }


def _readme(workbook: Any, tables: list[Contract], dataset: str, formats: dict[str, Any]) -> None:
    sheet = workbook.add_worksheet(README_SHEET)
    title = dataset.replace("_", " ").capitalize()
    lines = [
        (f"{title} template", "title"),
        ("This workbook is a blank template generated by ccassure from the data contracts. "
         "It holds no data.", None),
        ("", None),
        ("How to fill it in", "bold"),
        ("1. Fill in one sheet per table below. Keep the sheet names and the header row as they are.", None),
        ("2. Enter one record per row, starting on row 2. Leave no blank rows between records.", None),
        ("3. Dark headers are required columns; light headers are optional: fill them in if you hold the data.",
         None),
        ("4. Hover over (or click) a header cell to read what the column holds, its allowed values and an "
         "example.", None),
        ("5. Pick listed values from the drop-down. Enter dates as dd/mm/yyyy; yes/no columns take yes or no.",
         None),
        ("6. Never enter names, full dates of birth, NHS numbers, addresses, phone numbers or e-mail "
         "addresses: use the pseudonymous references (child_ref, family_ref).", None),
        ("7. Check the file before you send it: ccassure validate <this file>. Every problem is listed with "
         "its sheet and cell.", None),
        ("", None),
        ("Sheets", "bold"),
    ]
    for row, (text, style) in enumerate(lines):
        sheet.write_string(row, 0, text, formats.get(style) if style else None)
    row = len(lines)
    sheet.write_string(row, 0, "Sheet", formats["optional"])
    sheet.write_string(row, 1, "Needed", formats["optional"])
    sheet.write_string(row, 2, "What goes in it", formats["optional"])
    for offset, contract in enumerate(tables, start=1):
        sheet.write_string(row + offset, 0, contract.sheet)
        sheet.write_string(row + offset, 1, "required" if contract.required else "if it applies")
        sheet.write_string(row + offset, 2, contract.description or contract.title, formats["wrap"])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 100)
    sheet.activate()


def _table_sheet(workbook: Any, contract: Contract, formats: dict[str, Any]) -> None:
    sheet = workbook.add_worksheet(contract.sheet)
    for col, spec in enumerate(contract.columns):
        sheet.write_string(0, col, spec.name, formats["required" if spec.required else "optional"])
        sheet.write_comment(0, col, column_note(spec, contract),
                            {"x_scale": 2.2, "y_scale": 2.5, "author": "ccassure"})
        width = max(12, min(40, len(spec.name) + 4))
        cell_format = {"date": formats["date"], "string": formats["text"], "month": formats["text"],
                       "integer": formats["integer"], "number": formats["number"]}.get(spec.type)
        sheet.set_column(col, col, width, cell_format)
        validation = _validation(spec)
        if validation is not None:
            sheet.data_validation(1, col, LAST_ROW, col, validation)
    sheet.freeze_panes(1, 0)


def _validation(spec: ColumnSpec) -> dict[str, Any] | None:
    """Excel data validation for one column (drop-downs, numbers, dates), with a plain-English message."""
    message = {"error_title": f"Check {spec.name}"[:32], "input_title": spec.name[:32]}
    if spec.allowed is not None or spec.type == "boolean":
        choices = [str(v) for v in spec.allowed] if spec.allowed is not None else BOOLEAN_CHOICES
        if len(",".join(choices)) > EXCEL_LIST_LIMIT:
            return {"validate": "any", "input_title": spec.name[:32],
                    "input_message": ("One of: " + ", ".join(choices))[:255]}
        return {**message, "validate": "list", "source": choices,
                "error_message": ("Pick one of: " + ", ".join(choices))[:255]}
    if spec.type in ("integer", "number"):
        kind = "integer" if spec.type == "integer" else "decimal"
        low, high = spec.minimum, spec.maximum
        if low is not None and high is not None:
            criteria = {"criteria": "between", "minimum": low, "maximum": high}
            text = f"between {low:g} and {high:g}"
        elif low is not None:
            criteria = {"criteria": ">=", "value": low}
            text = f"at least {low:g}"
        elif high is not None:
            criteria = {"criteria": "<=", "value": high}
            text = f"at most {high:g}"
        else:
            criteria = {"criteria": "between", "minimum": -1e15, "maximum": 1e15}
            text = "a number"
        noun = "a whole number" if kind == "integer" else "a number"
        return {**message, "validate": kind, **criteria, "error_message": f"Enter {noun} {text}."[:255]}
    if spec.type == "date":
        return {**message, "validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2100, 12, 31), "error_message": "Enter a date as dd/mm/yyyy."}
    return None
