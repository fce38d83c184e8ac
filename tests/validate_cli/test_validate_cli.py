"""`ccassure validate`: every problem at once, located, in the format asked for, safely escaped, with exit
codes a script can trust, and never a traceback for bad input. All data here is synthetic."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ccassure import validate
from ccassure.cli.validate_cmd import validate as validate_command
from ccassure.validation.outputs import render_text, write_result
from tests.validation.builders import minimal_return, write_csv_folder

D = dt.datetime(2016, 11, 3)
FORMULA = '=HYPERLINK("http://example.invalid","x")'
SCRIPT = "<script>alert(1)</script>"
GOOD = [["S1", "C1", D, "Stay and play", "yes", 0, 12]]


def write_workbook(path: Path, sheets: dict) -> Path:
    """Like the shared builder, but text that starts with '=' stays text, as when a user types it in a cell
    formatted as text (the shared builder would turn it into a real formula)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def run(*args: str, cwd: Path | None = None):
    import os

    before = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(validate_command, list(args), catch_exceptions=True)
    finally:
        os.chdir(before)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "clean.xlsx", minimal_return(GOOD))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """One bad date, thirty rows out of range, an activity that looks like a formula, and markup."""
    sessions = [["S1", "C1", "32/01/2016", FORMULA, "yes", 0, 12],
                ["S2", "C1", D, "a", "yes", 0, 999], *[[f"S{i}", "C1", D, "a", "yes", -1, 1] for i in range(3, 33)]]
    centres = [["C1", "Riverside", "E10000901", "P1", "childrens_centre", SCRIPT, "B1"]]
    return write_workbook(tmp_path / "broken.xlsx", minimal_return(sessions, centres))


def test_a_clean_return_exits_0_and_says_it_is_valid(clean: Path) -> None:
    result = run(str(clean))
    assert result.exit_code == 0
    assert "is valid: 0 error(s)" in result.output


def test_errors_exit_1_with_a_summary_each_problem_located_and_a_count_of_the_rest(broken: Path) -> None:
    result = run(str(broken), "--limit", "2")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{broken} has errors: 4 error(s)")
    assert "Centres F2 · column status · value '<script>alert(1)</script>'" in result.output
    assert "Sessions C2 · column date · value '32/01/2016'" in result.output
    assert "Fix: Enter the date as dd/mm/yyyy" in result.output
    assert "more problem(s); use --format csv or --format xlsx for the full list." in lines[-1]


def test_a_group_of_rows_with_one_cause_shows_its_other_rows() -> None:
    result = validate({"sessions": _frame([["S1", "C1", D, "a", "yes", -1, 1]] * 1 + [
        [f"S{i}", "C1", D, "a", "yes", -1, 1] for i in range(2, 15)])}, dataset="provider_return")
    text = render_text(result)
    assert "(and 13 more rows: 2, 3, 4, 5, 6, 7, 8, 9, 10, ...)" in text


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows, columns=["session_id", "centre_id", "date", "activity", "on_site", "min_age_months",
                                       "attendances"])


def test_json_goes_to_standard_output_and_holds_every_problem(broken: Path) -> None:
    result = run(str(broken), "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["valid"] is False
    codes = {(p["code"], p["cell"]) for p in data["problems"]}
    assert ("type-date", "C2") in codes and ("value-too-large", "G3") in codes
    assert next(p for p in data["problems"] if p["code"] == "value-too-small")["count"] == 30


def test_csv_is_excel_friendly_and_formula_text_cannot_run(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "problems.csv"
    assert run(str(broken), "--format", "csv", "--output", str(out)).exit_code == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads the encoding right
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert {row["Cell"] for row in rows} >= {"C2", "G3", "F4", "F2"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")) or value.lstrip("-").replace(".", "").isdigit()


def test_a_formula_looking_value_in_a_problem_is_escaped_in_csv(tmp_path: Path) -> None:
    sessions = [["S1", "C1", D, "a", "yes", 0, FORMULA]]
    path = write_workbook(tmp_path / "f.xlsx", minimal_return(sessions))
    out = tmp_path / "p.csv"
    run(str(path), "--format", "csv", "--output", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ',=HYPERLINK' not in text and ',"=HYPERLINK' not in text


def test_the_xlsx_list_writes_provider_text_as_text_with_a_filter_a_frozen_header_and_a_summary(
        tmp_path: Path) -> None:
    sessions = [["S1", "C1", D, "a", "yes", 0, FORMULA]]
    path = write_workbook(tmp_path / "f.xlsx", minimal_return(sessions))
    out = tmp_path / "p.xlsx"
    assert run(str(path), "--format", "xlsx", "--output", str(out)).exit_code == 1
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Summary", "Problems"]
    sheet = workbook["Problems"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    value_col = header.index("Value found")
    formula_cells = [row[value_col] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[value_col].value)]
    assert formula_cells and all(cell.data_type == "s" for cell in formula_cells)
    assert formula_cells[0].value == FORMULA
    summary = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows() if row[0].value}
    assert summary["Result"] == "Errors found" and summary["Errors"] == 1


def test_the_html_page_is_standalone_and_provider_text_never_becomes_markup(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    assert run(str(broken), "--format", "html", "--output", str(out)).exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and "<link" not in page and "src=" not in page and "href=" not in page
    assert "<style>" in page and "Errors (4)" in page


def test_file_formats_without_output_are_written_next_to_where_you_are(broken: Path, tmp_path: Path) -> None:
    result = run(str(broken), "--format", "csv", cwd=tmp_path)
    assert result.exit_code == 1
    assert "broken-problems.csv" in result.output
    assert (tmp_path / "broken-problems.csv").is_file()


def test_output_goes_to_a_file_for_text_too(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = run(str(broken), "--output", str(out))
    assert result.exit_code == 1 and out.read_text().startswith(str(broken))
    assert f"Report written to {out}" in result.output


def _zip_not_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return path


def _truncated(path: Path) -> Path:
    source = write_workbook(path.with_name("whole.xlsx"), minimal_return(GOOD))
    path.write_bytes(source.read_bytes()[:600])
    return path


MALFORMED = {
    "missing file": lambda d: d / "missing.xlsx",
    "empty file": lambda d: _write(d / "empty.xlsx", b""),
    "text called xlsx": lambda d: _write(d / "text.xlsx", b"centre_id,name\nC1,x\n"),
    "zip that is not a workbook": lambda d: _zip_not_workbook(d / "z.xlsx"),
    "truncated workbook": lambda d: _truncated(d / "cut.xlsx"),
    "old xls": lambda d: _write(d / "old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 600),
    "pdf": lambda d: _write(d / "return.pdf", b"%PDF-1.4"),
    "binary csv": lambda d: _write(d / "sessions.csv", b"\x00\x01\x02" * 50),
    "empty csv": lambda d: _write(d / "sessions.csv", b""),
    "bad parquet": lambda d: _write(d / "sessions.parquet", b"PAR1 not really"),
    "folder without tables": lambda d: _mkdir(d / "emptydir"),
    "workbook with no known sheets": lambda d: write_workbook(d / "other.xlsx", {"Budget": [["a", "b"], [1, 2]]}),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_malformed_input_exits_2_with_a_message_and_no_traceback(kind: str, tmp_path: Path) -> None:
    path = MALFORMED[kind](tmp_path)
    result = run(str(path))
    assert result.exit_code == 2, result.output
    assert f"ccassure: cannot read {path}:" in result.output
    assert "Traceback" not in result.output


def test_unreadable_input_still_gives_json_to_a_script(tmp_path: Path) -> None:
    result = run(str(tmp_path / "missing.xlsx"), "--format", "json")
    assert result.exit_code == 2
    assert '"code": "file-not-found"' in result.output


def test_unreadable_input_leaves_no_stray_problem_file_unless_one_was_asked_for(tmp_path: Path) -> None:
    assert run(str(tmp_path / "missing.xlsx"), "--format", "csv", cwd=tmp_path).exit_code == 2
    assert list(tmp_path.iterdir()) == []
    asked = tmp_path / "asked.csv"
    assert run(str(tmp_path / "missing.xlsx"), "--output", str(asked)).exit_code == 2
    assert "file-not-found" in asked.read_text(encoding="utf-8-sig")


def test_a_broken_contract_folder_exits_2_with_the_file_and_line(clean: Path, tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "bad.yaml").write_text("table: x\ncolumns: [\n", encoding="utf-8")
    result = run(str(clean), "--contracts", str(folder))
    assert result.exit_code == 2
    assert "data contracts cannot be loaded" in result.output and "bad.yaml:" in result.output


def test_an_unwritable_output_is_a_message_not_a_traceback(clean: Path, tmp_path: Path) -> None:
    result = run(str(clean), "--format", "csv", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
    assert result.exit_code == 2 and "cannot write" in result.output


def test_terminal_output_drops_control_characters_from_provider_text(tmp_path: Path) -> None:
    sheets = minimal_return([["S1", "C1", "2016-11-03", "a", "yes", "\x1b[2J\x1b[31mX", "1"]])
    sheets["Sessions"][0] = [*sheets["Sessions"][0], "\x1b[31mnotes"]
    sheets["Sessions"][1] = [*sheets["Sessions"][1], "x"]
    result = run(str(write_csv_folder(tmp_path / "ret", sheets)))
    assert result.exit_code == 1 and "min_age_months" in result.output
    assert "\x1b" not in result.output and "column ?[31mnotes" in result.output


def test_write_result_refuses_binary_formats_without_a_file(clean: Path) -> None:
    with pytest.raises(ValueError, match="needs --output"):
        write_result(validate(clean), "xlsx", None)


def test_the_python_api_gives_the_same_result_and_a_rich_notebook_view(broken: Path) -> None:
    result = validate(broken)
    assert result.exit_code == 1
    page = result._repr_html_()
    assert "&lt;script&gt;" in page and SCRIPT not in page


def test_the_validate_path_never_imports_great_expectations_ipython_or_the_renderer(broken: Path) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ccassure", "validate", str(broken)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stdout.startswith(f"{broken} has errors")
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "ccassure" in imported and "pandera" in imported  # the probe sees imports at all
    assert not imported & {"great_expectations", "IPython", "nbclient", "nbformat", "matplotlib", "ipykernel",
                           "typst", "pypandoc"}


@pytest.mark.parametrize(("name", "check"), [
    ("list.xlsx", lambda p: openpyxl.load_workbook(p).sheetnames == ["Summary", "Problems"]),
    ("list.csv", lambda p: p.read_bytes().startswith(b"\xef\xbb\xbfSeverity,")),
    ("list.html", lambda p: p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")),
    ("list.json", lambda p: json.loads(p.read_text(encoding="utf-8"))["valid"] is False),
])
def test_the_output_extension_chooses_the_format_when_none_is_given(broken: Path, tmp_path: Path, name, check) -> None:
    assert run(str(broken), "--output", str(tmp_path / name)).exit_code == 1
    assert check(tmp_path / name)


def test_a_reader_that_stops_early_gets_no_traceback(broken: Path) -> None:
    """`ccassure validate big.xlsx --format json | head` must end quietly when head stops reading."""
    script = ("import sys; import ccassure.validation.outputs as o; o.render_json = lambda r: 'x' * 2_000_000; "
              f"sys.argv = ['ccassure', 'validate', {str(broken)!r}, '--format', 'json']; "
              "from ccassure.cli import main; main()")
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
