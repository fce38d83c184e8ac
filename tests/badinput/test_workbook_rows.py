"""Workbooks never lose a row without a word: every row is read whatever its order, the quoting of its
reference or whether it has one; what cannot be read with certainty, or would exhaust memory, is refused
with the file and the reason. All data here is synthetic."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.badinput.helpers import only, session, sessions_workbook, validate

SESSIONS_XML = "xl/worksheets/sheet3.xml"
ROWS = 30


def _rows() -> list[list]:
    """30 sessions; S17 has a bad on_site value so that losing it would hide an error."""
    return [session(session_id=f"S{i}", on_site="maybe" if i == 17 else "yes") for i in range(1, ROWS + 1)]


def _edited(tmp_path: Path, edit, name: str = "edited.xlsx", part: str = SESSIONS_XML) -> Path:
    """A copy of a 30-session workbook with one part's XML passed through ``edit`` (bytes -> bytes)."""
    plain = sessions_workbook(tmp_path / "plain.xlsx", *_rows())
    out = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = edit(data)
            if data is not None:
                target.writestr(info, data)
    return out


def _split_rows(xml: bytes) -> tuple[bytes, list[bytes], bytes]:
    rows = re.findall(rb"<row .*?</row>", xml, re.S)
    return xml[: xml.index(rows[0])], rows, xml[xml.index(rows[-1]) + len(rows[-1]):]


def _read_in_full(result) -> None:
    assert result.row_counts["sessions"] == ROWS, result.row_counts
    problem = only(result, "type-boolean")
    assert (problem.row, problem.cell, problem.value) == (18, "E18", "maybe")


def test_rows_stored_out_of_order_are_all_read_at_their_own_row_numbers(tmp_path: Path) -> None:
    def shuffle(xml: bytes) -> bytes:
        head, rows, tail = _split_rows(xml)
        return head + b"".join(rows[5:] + rows[:5][::-1]) + tail
    _read_in_full(validate(_edited(tmp_path, shuffle)))


def test_a_third_row_stored_last_is_still_read(tmp_path: Path) -> None:
    def third_last(xml: bytes) -> bytes:
        head, rows, tail = _split_rows(xml)
        return head + b"".join(rows[:2] + rows[3:] + rows[2:3]) + tail
    result = validate(_edited(tmp_path, third_last))
    assert sorted(result.tables["sessions"]["session_id"]) == sorted(f"S{i}" for i in range(1, ROWS + 1))


def test_rows_and_cells_without_their_optional_references_are_numbered_in_order(tmp_path: Path) -> None:
    def drop_after_20(xml: bytes) -> bytes:
        head, rows, tail = _split_rows(xml)
        late = [re.sub(rb'<c r="[A-Z]+\d+"', b"<c", re.sub(rb'<row r="\d+"', b"<row", row)) for row in rows[20:]]
        return head + b"".join(rows[:20] + late) + tail
    _read_in_full(validate(_edited(tmp_path, drop_after_20)))


def test_references_in_single_quotes_are_read(tmp_path: Path) -> None:
    def single(xml: bytes) -> bytes:
        return re.sub(rb'r="(\w+)"', rb"r='\1'", xml)
    _read_in_full(validate(_edited(tmp_path, single)))


def test_elements_with_a_namespace_prefix_are_read(tmp_path: Path) -> None:
    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                          b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
        return re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|dimension|sheetViews|sheetView|selection|"
                      rb"sheetFormatPr|cols|col|pageMargins)\b", rb"<\1x:\2", xml)
    result = validate(_edited(tmp_path, prefixed))
    assert result.exit_code in (1, 2)
    if result.exit_code == 1:  # calamine reads prefixed sheets: then every row must be there
        _read_in_full(result)
    else:
        assert "Sessions" in result.problems[0].message


@pytest.mark.parametrize("cell", ["XFD1048576", "G1048576", "XFD40", "ZZ2000"])
def test_one_value_far_from_the_table_is_refused_naming_the_cell_without_allocating_the_grid(
        tmp_path: Path, cell: str) -> None:
    def far(xml: bytes) -> bytes:
        row = re.search(rb"\d+", cell.encode()).group()
        extra = b'<row r="%s"><c r="%s"><v>1</v></c></row>' % (row, cell.encode())
        return xml.replace(b"</sheetData>", extra + b"</sheetData>")
    result = validate(_edited(tmp_path, far))
    if cell in ("XFD40", "ZZ2000"):  # a rectangle small enough to read: the value is a located warning
        assert result.row_counts["sessions"] == ROWS
        assert only(result, "values-without-header").cell == cell
        return
    assert result.exit_code == 2
    problem = result.problems[0]
    assert problem.file.endswith("edited.xlsx") and cell in problem.message and "Sessions" in problem.message


@pytest.mark.parametrize("reference", ["XFE1", "A1048577", "A0", "1A", "AAAA5"])
def test_a_cell_reference_beyond_the_grid_is_refused_plainly(tmp_path: Path, reference: str) -> None:
    def beyond(xml: bytes) -> bytes:
        return xml.replace(b'<c r="A5"', b'<c r="%s"' % reference.encode(), 1)
    result = validate(_edited(tmp_path, beyond))
    assert result.exit_code == 2
    assert "Sessions" in result.problems[0].message and result.problems[0].file.endswith("edited.xlsx")


@pytest.mark.parametrize("number", ["0", "1048577", "99999999999", "-3", "x"])
def test_a_row_number_beyond_the_grid_is_refused_plainly(tmp_path: Path, number: str) -> None:
    def beyond(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="([A-Z]+)\d+"', rb"<c", xml)  # cells take their row from the row element
        return xml.replace(b'<row r="5"', b'<row r="%s"' % number.encode(), 1)
    result = validate(_edited(tmp_path, beyond))
    assert result.exit_code == 2
    assert "row" in result.problems[0].message and "Sessions" in result.problems[0].message


def test_a_sheet_whose_xml_breaks_off_is_refused_not_read_short(tmp_path: Path) -> None:
    def truncate(xml: bytes) -> bytes:
        return xml[: xml.index(b'<row r="20"')]
    result = validate(_edited(tmp_path, truncate))
    assert result.exit_code == 2 and "Sessions" in result.problems[0].message


def test_entity_declarations_in_a_sheet_are_refused(tmp_path: Path) -> None:
    def bomb(xml: bytes) -> bytes:
        declaration = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        return xml.replace(b"?>", b"?>" + declaration, 1)
    result = validate(_edited(tmp_path, bomb))
    assert result.exit_code == 2 and "entities" in result.problems[0].message


def test_a_cell_longer_than_excel_allows_is_refused_before_it_is_read(tmp_path: Path) -> None:
    def long_inline(xml: bytes) -> bytes:
        cell = b'<c r="D5" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c>"
        return re.sub(rb'<c r="D5"[^>]*>.*?</c>', cell, xml, count=1, flags=re.S)
    result = validate(_edited(tmp_path, long_inline))
    assert result.exit_code == 2 and "32,767 characters" in result.problems[0].message


def test_a_shared_string_longer_than_excel_allows_is_refused_before_it_is_read(tmp_path: Path) -> None:
    def long_string(xml: bytes) -> bytes:
        return xml.replace(b"<t>Stay and play</t>", b"<t>" + b"y" * 50_000 + b"</t>", 1)
    result = validate(_edited(tmp_path, long_string, part="xl/sharedStrings.xml"))
    assert result.exit_code == 2
    assert "shared strings" in result.problems[0].message and "32,767" in result.problems[0].message


def test_a_relationship_target_with_dot_dot_segments_is_refused_plainly_not_an_internal_error(
        tmp_path: Path) -> None:
    def dotted(xml: bytes) -> bytes:
        return xml.replace(b'Target="worksheets/', b'Target="../xl/worksheets/')
    result = validate(_edited(tmp_path, dotted, part="xl/_rels/workbook.xml.rels"))
    if result.exit_code == 2:  # the value reader cannot follow such links: refused, naming the sheet
        assert "cannot be found where the workbook says" in result.problems[0].message
        assert result.problems[0].file.endswith("edited.xlsx")
    else:
        _read_in_full(result)


def test_a_workbook_whose_sheet_part_is_missing_says_so(tmp_path: Path) -> None:
    result = validate(_edited(tmp_path, lambda xml: None))
    assert result.exit_code == 2
    message = result.problems[0].message
    assert "Sessions" in message and "missing" in message and result.problems[0].file.endswith("edited.xlsx")


def test_rows_the_scan_saw_but_the_reader_did_not_return_are_an_error(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import ccassure.readers.xlsx as xlsx

    real = xlsx.scan_sheet

    def phantom_row(*args, **kwargs):
        scan = real(*args, **kwargs)
        if args[2] == "Sessions":
            scan.rows.add(500)
            scan.certain_rows.add(500)
        return scan
    monkeypatch.setattr(xlsx, "scan_sheet", phantom_row)
    result = validate(sessions_workbook(tmp_path / "r.xlsx", *_rows()))
    assert result.exit_code == 2
    assert "row 500" in result.problems[0].message and "certainty" in result.problems[0].message
