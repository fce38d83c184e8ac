"""Files LibreOffice writes: an .ods workbook, a multi-sheet CSV export named ``<book>-<Sheet>.csv`` with the
"Read me" sheet among them, and a CSV export in an English (US) locale that writes dates month first.

The fixtures were saved by LibreOffice 7.4 headless from ccassure's own template filled with synthetic
sample data (tests/exports/fixtures/make_libreoffice.py regenerates them).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ccassure import validate
from ccassure.cli import cli
from ccassure.validation.month_first import month_first_cells

FIXTURES = Path(__file__).parent / "fixtures" / "libreoffice"
DATE_COLUMNS = {("sessions", "date"), ("registrations", "registration_date"), ("cases", "start_date"),
                ("cases", "end_date"), ("board_meetings", "meeting_date"), ("centres", "open_date")}


def test_an_ods_workbook_reads_like_the_same_return_saved_as_csv() -> None:
    from_ods = validate(FIXTURES / "return.ods")
    from_csv = validate(FIXTURES / "csv")
    assert from_ods.problems == [] and from_csv.problems == []
    assert from_ods.row_counts == from_csv.row_counts
    for table, frame in from_ods.tables.items():
        pd.testing.assert_frame_equal(frame, from_csv.tables[table], check_dtype=True)


def test_libreoffice_sheet_csv_names_are_recognised_and_the_read_me_sheet_is_not_warned_about() -> None:
    assert (FIXTURES / "csv" / "return-Read me.csv").exists()
    result = validate(FIXTURES / "csv")
    assert result.warnings == [] and result.errors == []
    assert set(result.tables) == {"centres", "services", "sessions", "registrations", "contacts", "cases", "boards",
                                  "board_members", "board_meetings", "kpi_returns"}


def test_the_read_me_csv_does_not_block_submit(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["submit", str(FIXTURES / "csv"), "--provider", "PRV-SLM-TRUST", "--period",
                                    "2016Q4", "--store", str(tmp_path / "store.duckdb")], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "warning" not in done.output


def test_a_csv_written_month_first_is_an_error_naming_the_ambiguity_never_read_day_first() -> None:
    us = validate(FIXTURES / "month_first")
    uk = validate(FIXTURES / "csv")
    assert {p.code for p in us.problems} == {"date-month-first"}
    flagged = {(p.table, p.column) for p in us.problems}
    assert flagged >= DATE_COLUMNS
    assert all("month first" in p.message for p in us.problems)
    assert ("centres", "open_date") in flagged  # 04/01/2008 alone cannot show it; the rest of the return does
    # whatever was still read is the date meant (the same day in both exports), never a swapped one
    for table, column in flagged:
        read = us.tables[table][column]
        meant = uk.tables[table][column]
        assert (read.dropna() == meant[read.notna()]).all()


@pytest.mark.parametrize(("cells", "flagged"), [
    (["07/04/2016", "05/06/2016"], None),                               # nothing shows month first: day first
    (["13/04/2016", "07/04/2016"], None),                               # 13 can only be a day: day first
    (["04/13/2016", "07/04/2016", "03/03/2016"], [True, True, False]),  # 13 can only be a day: month first
    (["13/04/2016", "04/13/2016", "07/04/2016"], [False, True, True]),  # both: the column is inconsistent
    (["2016-04-13", "07/04/2016"], None),
])
def test_month_first_detection_in_one_column(cells: list[str], flagged: list[bool] | None) -> None:
    found = month_first_cells(pd.Series(cells, dtype="str"))
    assert (found is None) if flagged is None else found[0].tolist() == flagged


def test_month_first_writing_in_one_column_flags_ambiguous_dates_in_the_others() -> None:
    found = month_first_cells(pd.Series(["04/01/2008", "12/12/2008"], dtype="str"), seen="05/14/2015")
    assert found is not None and found[0].tolist() == [True, False] and found[1] == "05/14/2015"
