"""The text forms the exports accept (contracts/accepted.py) are exactly those the reader accepts, cell by
cell, except for the narrowings docs/exports.md lists."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ccassure.contracts import ColumnSpec
from ccassure.contracts.accepted import full, not_a_birth_date, number_check_text, type_text
from ccassure.validation.coerce import coerce_column

CELLS = {
    "integer": ["0", "7", "007", "3.0", "3.", "+4", "-2", "1,234", "1,234,567", "£12", "£1,200", "3.5", "1,2",
                "12,34", "n/a", "six", "", "1.0e3", "0x10", "--1", "£", "1 000"],
    "number": ["0", "0.5", ".5", "82.1%", "82.1", "1,234.5", "£3.20", "-0.5", "3.", "1,2", "5 %", "%", "abc",
               "1.2.3", "1e-3"],
    "boolean": ["yes", "YES", "Y", "n", "No", "TRUE", "false", "T", "f", "1", "0", "1.0", "0.0", "maybe", "2",
                "si", "yes please"],
    "date": ["2016-11-03", "2016-7-3", "2016/11/03", "03/11/2016", "3/7/2016", "13/01/2016", "03-11-2016",
             "03.11.2016", "03/11/16", "03.11.16", "3-Nov-2016", "3 Nov 2016", "3 November 2016", "3-nov-16",
             "2016-11-03 10:00", "2016-11-03T10:00:00", "2016-11-03T10:00:00.5Z", "2016-11-03 10:00:00+01:00",
             "03/11/2016 10:00", "03/11/2016 10:00:00", "42675", "42675.0", "29/02/2016", "29/02/2017",
             "31/04/2016", "30/04/2016", "31/12/2016", "2016-02-30", "2016-13-45", "yesterday", "2000-02-29",
             "1900-02-29", "2100-02-28", "3 Sept 2016", "16-11-03", "11/03/2016/1", "2016-11-03x"],
    "month": ["2015-06", "2015/06", "06/2015", "6/2015", "2015-6", "2015-13", "13/2015", "2015-06-01",
              "01/06/2015", "June 2015", "2101-01", "1899-12"],
}
# Where the exports are narrower than the reader (docs/exports.md lists each).
NARROWER = {("integer", "1.0e3"), ("number", "1e-3"), ("number", "5 %")}


@pytest.mark.parametrize("column_type", sorted(CELLS))
def test_the_exports_accept_exactly_the_cells_the_reader_reads(column_type: str) -> None:
    cells = [c for c in CELLS[column_type] if c]
    read = coerce_column(pd.Series(cells, dtype="str"), ColumnSpec("x", column_type))
    by_reader = {cell: not bad for cell, bad in zip(cells, read.bad, strict=True)}
    if column_type == "month":  # a full date other than the 1st is read, then reported as a date of birth
        by_reader = {cell: ok and not birth for (cell, ok), birth
                     in zip(by_reader.items(), read.full_birth_date, strict=True)}
    pattern = re.compile(full(type_text(column_type)))
    if column_type == "month":
        birth = re.compile(not_a_birth_date())
        by_export = {cell: bool(pattern.search(cell)) and bool(birth.search(cell)) for cell in cells}
    else:
        by_export = {cell: bool(pattern.search(cell)) for cell in cells}
    if column_type == "date":  # years outside 1900-2100 are read as out of range, not as dates
        by_reader = {cell: ok or bool(out) for (cell, ok), out in zip(by_reader.items(), read.out_of_range,
                                                                      strict=True)}
    differ = {cell for cell in cells if by_reader[cell] != by_export[cell]} - {c for t, c in NARROWER
                                                                             if t == column_type}
    assert differ == set()
    for kind, cell in NARROWER:
        if kind == column_type:
            assert by_reader[cell] and not by_export[cell], cell


@pytest.mark.parametrize(("column_type", "low", "high", "inside", "outside"), [
    ("integer", 0, 500, ["0", "500", "007", "3.0", "+12", "£5"], ["501", "-1", "1,000"]),
    ("integer", 10000, 999999, ["10000", "999,999", "12,345"], ["9,999", "1,000,000", "9999"]),
    ("integer", 0, 1300000, ["1,300,000", "351,709", "0"], ["1,300,001", "1300001"]),
    ("number", 1, 10, ["1", "10", "10.0", "9.99", "5%"], ["10.01", "0.99", ".5", "11"]),
    ("number", 0, 1, ["0", "1", ".5", "0.25", "1.000"], ["1.5", "-0.1"]),
    ("number", 0, None, ["0", "12345.6", ".5", "1,234,567.8"], ["-3", "-0.5"]),
])
def test_range_patterns_pass_numbers_inside_and_fail_numbers_outside(column_type, low, high, inside,
                                                                     outside) -> None:
    low_check = re.compile(number_check_text(column_type, low, None))
    high_check = re.compile(number_check_text(column_type, None, high)) if high is not None else None
    def passes(cell: str) -> bool:
        return bool(low_check.search(cell)) and (high_check is None or bool(high_check.search(cell)))
    assert [c for c in inside if not passes(c)] == []
    assert [c for c in outside if passes(c)] == []
    # text that is not a number is left to the type check
    assert passes("n/a") and passes("six")
