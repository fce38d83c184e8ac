"""Hostile files and folders: refused with a message naming the file, or read with every problem located;
never a traceback, never a hang, never a silent choice. All data here is synthetic."""

from __future__ import annotations

import codecs
import os
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from tests.badinput.helpers import (
    GOOD,
    GOOD_TEXT,
    HEADER,
    codes,
    csv_folder,
    only,
    session,
    sessions_workbook,
    validate,
    workbook,
)
from tests.validation.builders import minimal_return

ROW = ",".join(GOOD_TEXT)


def unreadable(result, name: str) -> str:
    assert result.exit_code == 2, [(p.code, p.message) for p in result.problems]
    assert result.tables == {}
    problem = result.problems[0]
    assert problem.file and problem.file.endswith(name), problem.file
    return problem.message


# ----------------------------------------------------------------------------------------------- CSV

@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(tmp_path: Path, separator: str) -> None:
    text = HEADER.replace(",", separator) + "\n" + ROW.replace(",", separator) + "\n" + \
        "S2;C1;03/11/2016;a;perhaps;0;12\n".replace(";", separator)
    problem = only(validate(csv_folder(tmp_path / "ret", text)), "type-boolean")
    assert (problem.sheet, problem.row, problem.value) == ("sessions.csv", 3, "perhaps")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_text_as_excel_saves_unicode_text_is_read(tmp_path: Path, encoding: str) -> None:
    text = HEADER.replace(",", "\t") + "\n" + "S1\tC1\t03/11/2016\tCafé 👶\tyes\t0\t12\n"
    result = validate(csv_folder(tmp_path / "ret", text, encoding=encoding))
    assert result.errors == [], [(p.code, p.message) for p in result.errors]
    assert result.tables["sessions"]["activity"].iloc[0] == "Café 👶"


def test_rows_are_numbered_as_excel_shows_them_when_a_quoted_cell_spans_lines(tmp_path: Path) -> None:
    text = f'{HEADER}\r\nS1,C1,03/11/2016,"line one\nline two\nline three",yes,0,12\nS2,C1,03/11/2016,a,yes,0,12\r' \
           "S3,C1,03/11/2016,a,perhaps,0,12\r\n"
    problem = only(validate(csv_folder(tmp_path / "ret", text)), "type-boolean")
    assert problem.row == 4  # header 1, S1 2 (three lines of text), S2 3, S3 4: the row Excel shows


def test_blank_lines_keep_their_row_numbers(tmp_path: Path) -> None:
    text = f"{HEADER}\n\n{ROW}\n\n\nS2,C1,03/11/2016,a,perhaps,0,12\n"
    assert only(validate(csv_folder(tmp_path / "ret", text)), "type-boolean").row == 6


def test_an_unclosed_quote_is_refused_with_its_line_not_swallowing_the_rest_of_the_file(tmp_path: Path) -> None:
    text = f'{HEADER}\nS1,C1,03/11/2016,"a,yes,0,12\nS2,C1,03/11/2016,a,yes,0,12\n'
    message = unreadable(validate(csv_folder(tmp_path / "ret", text)), "sessions.csv")
    assert "line" in message and "quote" in message


def test_a_nul_byte_anywhere_is_refused_with_its_line(tmp_path: Path) -> None:
    text = (f"{HEADER}\n" + f"{ROW}\n" * 500 + "S9,C1,03/11/2016,a\x00b,yes,0,12\n").encode()
    assert "line 502" in unreadable(validate(csv_folder(tmp_path / "ret", text)), "sessions.csv")


def test_a_byte_order_mark_in_the_middle_of_a_file_does_not_change_an_id(tmp_path: Path) -> None:
    text = f"{HEADER}\n\ufeffS1,C1,03/11/2016,a,yes,0,12\n"
    result = validate(csv_folder(tmp_path / "ret", text))
    assert result.tables["sessions"]["session_id"].iloc[0] == "S1"


def test_cells_past_the_header_are_a_warning_not_silently_dropped(tmp_path: Path) -> None:
    text = f"{HEADER}\n{ROW},extra,more\n"
    result = validate(csv_folder(tmp_path / "ret", text))
    problem = only(result, "values-without-header")
    assert (problem.row, problem.severity) == (2, "warning")
    assert "number 8, number 9" in problem.message


def test_a_header_pasted_twice_is_one_warning_per_row_not_an_error_per_column(tmp_path: Path) -> None:
    text = f"{HEADER}\n{HEADER}\n{ROW}\n"
    result = validate(csv_folder(tmp_path / "ret", text))
    assert result.exit_code == 0
    assert only(result, "header-repeated").row == 2
    assert result.row_counts["sessions"] == 1


def test_a_sheet_that_is_only_a_header_is_valid_and_an_empty_sheet_says_it_is_empty(tmp_path: Path) -> None:
    assert validate(sessions_workbook(tmp_path / "h.xlsx")).exit_code == 0
    sheets = minimal_return([GOOD])
    sheets["Sessions"] = []
    result = validate(workbook(tmp_path / "e.xlsx", sheets))
    assert only(result, "sheet-empty").sheet == "Sessions"
    assert "missing-table" not in codes(result)


# --------------------------------------------------------------------------------------------- folders

def test_a_table_given_as_both_csv_and_parquet_is_an_error_naming_both(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "ret")
    pd.read_csv(folder / "centres.csv", dtype=str).to_parquet(folder / "centres.parquet")
    problem = only(validate(folder), "table-given-twice")
    assert problem.sheet == "centres.parquet" and "centres.csv" in problem.message


def test_the_same_table_as_a_sheet_name_and_a_table_name_is_an_error(tmp_path: Path) -> None:
    sheets = minimal_return([GOOD])
    sheets["board_members"] = [["board_id", "member_ref", "role"], ["B1", "M9", "chair"]]
    result = validate(workbook(tmp_path / "r.xlsx", sheets))
    problem = only(result, "table-given-twice")
    assert problem.sheet == "board_members" and "'Board members'" in problem.message
    assert "value-not-allowed" not in codes(result)  # the second sheet was not used


@pytest.mark.parametrize("kind", ["fifo", "device", "dangling link"])
def test_a_member_that_is_not_a_regular_file_is_refused_by_name_without_hanging(tmp_path: Path, kind: str) -> None:
    folder = csv_folder(tmp_path / "ret")
    target = folder / "contacts.csv"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target.symlink_to("/dev/zero")
    else:
        target.symlink_to(tmp_path / "nowhere.csv")
    start = time.perf_counter()
    message = unreadable(validate(folder), "contacts.csv")
    assert time.perf_counter() - start < 10
    assert "regular file" in message or "does not exist" in message


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_path_that_is_a_pipe_or_a_device_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "return.xlsx"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    assert "regular file" in unreadable(validate(path), "return.xlsx")


def test_every_unreadable_file_of_a_folder_is_named_at_once(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "ret")
    (folder / "contacts.csv").write_bytes(b"")
    (folder / "boards.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    result = validate(folder)
    assert result.exit_code == 2
    assert sorted(Path(p.file).name for p in result.problems) == ["boards.csv", "contacts.csv"]


def test_a_file_that_cannot_be_opened_names_the_file_and_says_why(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = csv_folder(tmp_path / "ret")
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "contacts.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert "permission denied" in unreadable(validate(folder), "contacts.csv")


def test_folders_and_files_with_spaces_and_unicode_in_their_names(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "Rétürn 2016 Q3 👶")
    assert validate(folder).exit_code == 0
    book = sessions_workbook(tmp_path / "my return (final) é.xlsx", GOOD)
    assert validate(book).exit_code == 0


# -------------------------------------------------------------------------------------------- workbooks

def test_a_password_protected_workbook_says_so(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"  # what Excel writes when a password is set: an OLE (CFB) container
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptionInfo".ljust(1024, b"\x00"))
    assert "password" in unreadable(validate(path), "locked.xlsx")


def test_macros_in_an_xlsm_are_never_run_and_the_provider_is_told(tmp_path: Path) -> None:
    plain = sessions_workbook(tmp_path / "r.xlsx", GOOD)
    macro = tmp_path / "r.xlsm"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(macro, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")
    result = validate(macro)
    assert result.exit_code == 0
    assert only(result, "macros-ignored").severity == "warning"


def test_a_million_formatted_empty_rows_are_read_in_seconds_without_rows_for_them(tmp_path: Path) -> None:
    path = tmp_path / "tall.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    fill = book.add_format({"bg_color": "#FFFF00"})
    for name, rows in minimal_return([["S1", "C1", "03/11/2016", "a", "yes", 0, 12]]).items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if name == "Sessions":
            for r in range(len(rows), 1_048_576):
                sheet.write_blank(r, 0, None, fill)
    book.close()
    start = time.perf_counter()
    result = validate(path)
    elapsed = time.perf_counter() - start
    assert result.exit_code == 0 and result.row_counts["sessions"] == 1
    assert elapsed < 20, elapsed  # was ~35 s before the sheet scan; ~2 s on an idle 2-core machine


def test_a_sheet_16384_columns_wide_is_refused_in_seconds_naming_the_far_cell(tmp_path: Path) -> None:
    sheets = minimal_return([["S1", "C1", "03/11/2016", "a", "yes", 0, 12]])
    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if name == "Sessions":
            sheet.write(0, 16383, "far right")
            for r in range(1, 300):
                sheet.write_row(r, 0, [f"S{r}", "C1", "03/11/2016", "a", "yes", 0, 1])
                sheet.write(r, 16383, "x")
    book.close()
    start = time.perf_counter()
    result = validate(path)
    assert time.perf_counter() - start < 20  # was ~55 s
    # 300 rows x 16,384 columns would be allocated for ~2,700 filled cells: refused, naming the far cell
    assert result.exit_code == 2 and "XFD300" in result.problems[0].message


def test_values_right_of_the_table_under_no_header_are_a_located_warning(tmp_path: Path) -> None:
    sheets = minimal_return([session(), session(session_id="S2")])
    sheets["Sessions"][2] = [*sheets["Sessions"][2], None, "note to self"]
    problem = only(validate(workbook(tmp_path / "r.xlsx", sheets)), "values-without-header")
    assert (problem.cell, problem.row, problem.severity) == ("I3", 3, "warning")


def test_a_hidden_sheet_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "hidden.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, rows in minimal_return([["S1", "C1", "03/11/2016", "a", "maybe", 0, 12]]).items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if name == "Sessions":
            sheet.hide()
    book.close()
    assert only(validate(path), "type-boolean").cell == "E2"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ccassure.readers.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_BYTES", 5_000_000)
    path = tmp_path / "bomb.xlsx"
    plain = sessions_workbook(tmp_path / "r.xlsx", GOOD)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/media/padding.bin", b"\x00" * 10_000_000)
    assert path.stat().st_size < 100_000
    assert "when unpacked" in unreadable(validate(path), "bomb.xlsx")


def test_a_workbook_renamed_csv_and_a_csv_renamed_xlsx_are_refused_plainly(tmp_path: Path) -> None:
    book = sessions_workbook(tmp_path / "r.xlsx", GOOD)
    folder = tmp_path / "ret"
    folder.mkdir()
    shutil.copy(book, folder / "sessions.csv")
    unreadable(validate(folder), "sessions.csv")
    text = tmp_path / "r2.xlsx"
    text.write_text(f"{HEADER}\n{GOOD_TEXT}\n")
    assert "not an Excel" in unreadable(validate(text), "r2.xlsx")


def test_codecs_helper_sanity() -> None:
    assert codecs.BOM_UTF16_LE == b"\xff\xfe"


def test_a_sheet_whose_rows_carry_no_numbers_is_still_read_in_full(tmp_path: Path) -> None:
    # r="..." on <row> and <c> is optional in the file format; some generators leave it out
    import re

    plain = sessions_workbook(tmp_path / "r.xlsx", session(), session(session_id="S2", on_site="maybe"))
    out = tmp_path / "norefs.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = re.sub(rb'<row r="\d+"', b"<row", data)
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
            target.writestr(info, data)
    result = validate(out)
    assert result.row_counts["sessions"] == 2
    assert only(result, "type-boolean").cell == "E3"
