"""LibreOffice's .ods workbooks get the same guards as .xlsx before any value is read: size when unpacked,
filled cells (counting repeated rows and cells, which let a tiny file describe the whole grid), a value far
outside the table, text per cell, nesting, declared entities, damage, and the cross-check of rows seen
against rows read. Each file is built here, by hand, as a minimal OpenDocument package. Synthetic data."""

from __future__ import annotations

import datetime as dt
import html
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ccassure import validate
from tests.validation.builders import minimal_return

OFFICE = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"')
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')
GOOD = [["S1", "C1", dt.date(2016, 11, 3), "Stay and play", "yes", 0, 12]]


def _cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f'<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{html.escape(str(value))}</text:p></table:table-cell>'


def _table(name: str, rows: list[list[Any]], extra: str = "") -> str:
    body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>" for row in rows)
    return f'<table:table table:name="{html.escape(name)}">{body}{extra}</table:table>'


def write_ods(path: Path, sheets: dict[str, list[list[Any]]], extra: dict[str, str] | None = None,
              content: str | None = None, prolog: str = "") -> Path:
    """An .ods package: ``extra`` appends raw XML (rows) to a sheet; ``content`` replaces content.xml."""
    extra = extra or {}
    tables = "".join(_table(name, rows, extra.get(name, "")) for name, rows in sheets.items())
    xml = content if content is not None else (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {OFFICE}><office:body>'
        f'<office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", xml, zipfile.ZIP_DEFLATED)
    return path


def _refused(path: Path) -> str:
    result = validate(path)
    assert result.exit_code == 2, [(p.code, p.message) for p in result.problems]
    assert result.tables == {}
    problem = result.problems[0]
    assert problem.file and problem.file.endswith(path.name), problem.file
    return problem.message


def test_a_hand_built_ods_return_reads_every_row(tmp_path: Path) -> None:
    sessions = [GOOD[0], ["S2", "C2", dt.date(2016, 11, 10), "Baby massage", "yes", 0, 8]]
    result = validate(write_ods(tmp_path / "r.ods", minimal_return(sessions)))
    assert result.exit_code == 0, [(p.code, p.message) for p in result.problems]
    assert result.row_counts["sessions"] == 2


def test_trailing_empty_rows_repeated_to_the_end_of_the_grid_cost_nothing(tmp_path: Path) -> None:
    """LibreOffice writes the rest of the sheet as one empty row repeated a million times."""
    tail = ('<table:table-row table:number-rows-repeated="1048570">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    result = validate(write_ods(tmp_path / "r.ods", minimal_return(GOOD), extra={"Sessions": tail}))
    assert result.exit_code == 0, [(p.code, p.message) for p in result.problems]
    assert result.row_counts["sessions"] == 1


def test_a_comment_on_an_empty_cell_is_not_a_value(tmp_path: Path) -> None:
    note = ('<table:table-row><table:table-cell><office:annotation><text:p>checked by the manager</text:p>'
            '</office:annotation></table:table-cell></table:table-row>')
    result = validate(write_ods(tmp_path / "r.ods", minimal_return(GOOD), extra={"Sessions": note}))
    assert result.exit_code == 0, [(p.code, p.message) for p in result.problems]


def test_one_value_repeated_over_the_whole_grid_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    bomb = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="1000" office:value-type="float" office:value="1"><text:p>1</text:p>'
            '</table:table-cell></table:table-row>')
    path = write_ods(tmp_path / "grid.ods", minimal_return(GOOD), extra={"Sessions": bomb})
    assert path.stat().st_size < 10_000
    message = _refused(path)
    assert "Sessions" in message and "filled cells" in message


def test_a_value_far_outside_the_table_is_refused_naming_its_cell(tmp_path: Path) -> None:
    far = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
           '<table:table-row><table:table-cell table:number-columns-repeated="300"/>'
           '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    message = _refused(write_ods(tmp_path / "far.ods", minimal_return(GOOD), extra={"Sessions": far}))
    assert "KO1000003" in message and "far outside" in message


@pytest.mark.parametrize("count", ["99999999", "-1", "lots"])
def test_a_repeat_count_outside_the_grid_is_refused(tmp_path: Path, count: str) -> None:
    row = f'<table:table-row table:number-rows-repeated="{count}"><table:table-cell/></table:table-row>'
    assert "repeats a row" in _refused(write_ods(tmp_path / "n.ods", minimal_return(GOOD), extra={"Sessions": row}))


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    sessions = [[*GOOD[0][:3], "x" * 40_000, *GOOD[0][4:]]]
    assert "32,767 characters" in _refused(write_ods(tmp_path / "long.ods", minimal_return(sessions)))


def test_declared_entities_are_refused(tmp_path: Path) -> None:
    prolog = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    assert "declares its own entities" in _refused(write_ods(tmp_path / "e.ods", minimal_return(GOOD), prolog=prolog))


def test_content_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    deep = "<table:table-row><table:table-cell>" + "<text:span>" * 80 + "x" + "</text:span>" * 80 + \
        "</table:table-cell></table:table-row>"
    assert "nested more than" in _refused(write_ods(tmp_path / "d.ods", minimal_return(GOOD), extra={"Sessions": deep}))


def test_content_that_breaks_off_is_refused_as_damaged(tmp_path: Path) -> None:
    whole = write_ods(tmp_path / "whole.ods", minimal_return(GOOD))
    with zipfile.ZipFile(whole) as archive:
        text = archive.read("content.xml").decode()
    cut = write_ods(tmp_path / "cut.ods", {}, content=text[: len(text) // 2])
    message = _refused(cut)
    assert "damaged" in message


def test_a_zip_bomb_ods_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ccassure.readers.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_BYTES", 5_000_000)
    path = write_ods(tmp_path / "bomb.ods", minimal_return(GOOD))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("Pictures/padding.bin", b"\x00" * 10_000_000, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 100_000
    assert "when unpacked" in _refused(path)


def test_content_xml_over_the_unpacked_limit_is_refused_while_streaming(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan stops reading at the limit even when the package's declared sizes are not checked first."""
    import ccassure.readers.xlsx as xlsx

    def names_only(path: Path) -> list[str]:  # the package check without its size sum
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()

    monkeypatch.setattr(xlsx, "check_workbook", names_only)
    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_BYTES", 2_000)
    message = _refused(write_ods(tmp_path / "big.ods", minimal_return(GOOD)))
    assert "content is over" in message
