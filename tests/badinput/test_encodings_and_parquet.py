"""CSV text encodings and Parquet types: read when they are what a return can be, refused with the file,
the line or the column otherwise; never mojibake, never an internal error. All data here is synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.badinput.helpers import GOOD_TEXT, HEADER, csv_folder, only, validate

ROW = ",".join(GOOD_TEXT)
TEXT = f"{HEADER}\n{ROW}\nS2,C1,03/11/2016,Café crèche – £5,yes,0,12\n"


def unreadable(result, name: str) -> str:
    assert result.exit_code == 2, [(p.code, p.message) for p in result.problems]
    problem = result.problems[0]
    assert problem.file and problem.file.endswith(name), problem.file
    return problem.message


# --------------------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252"])
def test_the_encodings_excel_and_other_tools_write_are_read_exactly(tmp_path: Path, encoding: str) -> None:
    result = validate(csv_folder(tmp_path / "ret", TEXT, encoding=encoding))
    assert result.errors == [], [(p.code, p.message) for p in result.errors]
    assert result.tables["sessions"]["activity"].iloc[1] == "Café crèche – £5"


def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_the_first_bad_line(tmp_path: Path) -> None:
    data = f"{HEADER}\n{ROW}\nS2,C1,03/11/2016,Café,yes,0,12\n".encode() + \
        "S3,C1,03/11/2016,Crèche,yes,0,12\n".encode("cp1252")
    message = unreadable(validate(csv_folder(tmp_path / "ret", data)), "sessions.csv")
    assert "line 4" in message and "mixes encodings" in message


@pytest.mark.parametrize("encoding", ["gb18030", "shift_jis", "big5"])
def test_east_asian_encodings_are_refused_with_their_line_not_stored_as_mojibake(tmp_path: Path,
                                                                                  encoding: str) -> None:
    data = f"{HEADER}\n{ROW}\n".encode() + "S2,C1,03/11/2016,日本,yes,0,12\n".encode(encoding)
    message = unreadable(validate(csv_folder(tmp_path / "ret", data)), "sessions.csv")
    assert "line 3" in message


def test_a_byte_windows_1252_does_not_define_is_refused_with_its_line(tmp_path: Path) -> None:
    data = f"{HEADER}\n{ROW}\n".encode() + b"S2,C1,03/11/2016,a\x81b,yes,0,12\n"
    assert "line 3" in unreadable(validate(csv_folder(tmp_path / "ret", data)), "sessions.csv")


def test_utf16_that_breaks_off_mid_file_is_refused_with_its_line(tmp_path: Path) -> None:
    data = TEXT.encode("utf-16") + b"\x00\xd8"  # a lone high surrogate at the end
    assert "line" in unreadable(validate(csv_folder(tmp_path / "ret", data)), "sessions.csv")


def test_values_made_only_of_invisible_characters_are_blank(tmp_path: Path) -> None:
    text = f"{HEADER}\nS1,\u200b\u00ad,03/11/2016,a,yes,0,12\n"
    problem = only(validate(csv_folder(tmp_path / "ret", text)), "required-value-missing")
    assert (problem.column, problem.row) == ("centre_id", 2)


# ----------------------------------------------------------------------------------------- parquet

def _parquet_folder(tmp_path: Path, table: pa.Table) -> Path:
    folder = csv_folder(tmp_path / "ret")
    (folder / "sessions.csv").unlink()
    pq.write_table(table, folder / "sessions.parquet")
    return folder


def _sessions(**columns: pa.Array) -> pa.Table:
    base = {"session_id": pa.array(["S1", "S2"]), "centre_id": pa.array(["C1", "C1"]),
            "date": pa.array([dt.date(2016, 11, 3)] * 2), "activity": pa.array(["a", "b"]),
            "on_site": pa.array([True, False]), "min_age_months": pa.array([0, 0]),
            "attendances": pa.array([5, 6])}
    base.update(columns)
    return pa.table(base)


def test_time_zone_aware_timestamps_are_read_as_the_local_date_written(tmp_path: Path) -> None:
    stamps = pa.array([dt.datetime(2016, 11, 3, 0, 30), dt.datetime(2016, 11, 4, 23, 30)],
                      type=pa.timestamp("us", tz="Europe/London"))
    result = validate(_parquet_folder(tmp_path, _sessions(date=stamps)))
    assert result.errors == [], [(p.code, p.message) for p in result.errors]
    assert [d.date() for d in result.tables["sessions"]["date"]] == [dt.date(2016, 11, 3), dt.date(2016, 11, 4)]


def test_a_binary_column_of_utf8_text_is_read_and_one_of_bytes_is_refused_by_name(tmp_path: Path) -> None:
    good = validate(_parquet_folder(tmp_path / "a", _sessions(activity=pa.array([b"Caf\xc3\xa9", b"b"]))))
    assert good.tables["sessions"]["activity"].iloc[0] == "Café"
    bad = validate(_parquet_folder(tmp_path / "b", _sessions(activity=pa.array([b"\xff\xfe", b"b"]))))
    assert "'activity'" in unreadable(bad, "sessions.parquet") and "binary" in bad.problems[0].message


def test_nested_values_are_refused_naming_the_column(tmp_path: Path) -> None:
    result = validate(_parquet_folder(tmp_path, _sessions(attendances=pa.array([[1, 2], [3]]))))
    assert "'attendances'" in unreadable(result, "sessions.parquet")


def test_booleans_in_a_number_column_are_not_numbers(tmp_path: Path) -> None:
    result = validate(_parquet_folder(tmp_path, _sessions(attendances=pa.array([True, False]))))
    assert only(result, "type-integer").count == 2


def test_a_duplicate_column_name_is_named(tmp_path: Path) -> None:
    table = _sessions().append_column("activity", pa.array(["x", "y"]))
    message = unreadable(validate(_parquet_folder(tmp_path, table)), "sessions.parquet")
    assert "'activity' appears more than once" in message


def test_the_row_limit_is_applied_from_the_metadata_before_any_row_is_read(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import ccassure.readers.parquetfile as parquetfile

    monkeypatch.setattr(parquetfile, "MAX_ROWS", 1)
    read = []
    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: read.append(1))
    message = unreadable(validate(_parquet_folder(tmp_path, _sessions())), "sessions.parquet")
    assert "2 rows long" in message and read == []


def test_dictionary_encoded_text_is_read_as_text(tmp_path: Path) -> None:
    result = validate(_parquet_folder(tmp_path, _sessions(activity=pa.array(["a", "b"]).dictionary_encode())))
    assert list(result.tables["sessions"]["activity"]) == ["a", "b"]
