"""Store and disk faults a user can cause are said plainly (exit 2), never as an internal error, and what is
stored stays as it was. Synthetic returns only."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ccassure.cli import cli
from ccassure.cli.faults import describe_fault
from tests.store.conftest import return_rows, write_return


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    store = tmp_path / "store.duckdb"
    path = write_return(tmp_path / "q4", return_rows(sessions=3))
    result = run("submit", str(path), "--provider", "PRV-A", "--period", "2016Q4", "--store", str(store))
    assert result.exit_code == 0, result.output
    return store


def _plain(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def test_a_store_file_cut_short_is_named_as_damaged(stored: Path) -> None:
    data = stored.read_bytes()
    stored.write_bytes(data[: len(data) // 3])
    _plain(run("history", "--store", str(stored)), "damaged", str(stored))


def test_a_store_file_that_is_not_a_database_is_refused_plainly(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    store.write_bytes(b"not a database at all\n" * 100)
    result = run("history", "--store", str(store))
    assert result.exit_code == 2 and "internal error" not in result.output


def test_a_lock_file_that_cannot_be_written_is_named(stored: Path, tmp_path: Path) -> None:
    lock = Path(str(stored) + ".lock")
    lock.unlink()
    lock.mkdir()  # root ignores permission bits, so a folder in its place is the unwritable lock file
    path = write_return(tmp_path / "q3", return_rows(sessions=2, first_day="2016-07-04"))
    _plain(run("submit", str(path), "--provider", "PRV-A", "--period", "2016Q3", "--store", str(stored)),
           str(lock), "Nothing already stored was changed")


@pytest.mark.parametrize(("message", "words"), [
    ('IO Error: Could not write file "{store}.wal": No space left on device', ("is full",)),
    ('IO Error: Cannot open file "{store}": Permission denied', ("not allowed", "write access")),
    ('IO Error: Cannot open file "{store}": Read-only file system', ("read-only disk",)),
])
def test_a_full_disk_or_read_only_store_is_said_plainly(stored: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, message: str,
                                                        words: tuple[str, ...]) -> None:
    def refuse(*args, **kwargs):
        raise duckdb.IOException(message.format(store=stored))
    monkeypatch.setattr(duckdb, "connect", refuse)
    path = write_return(tmp_path / "q3", return_rows(sessions=2, first_day="2016-07-04"))
    _plain(run("submit", str(path), "--provider", "PRV-A", "--period", "2016Q3", "--store", str(stored)), *words)


def test_the_store_is_intact_after_a_refused_write(stored: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = run("history", "--store", str(stored)).output
    lock = Path(str(stored) + ".lock")
    lock.unlink()
    lock.mkdir()
    path = write_return(tmp_path / "q3", return_rows(sessions=2, first_day="2016-07-04"))
    run("submit", str(path), "--provider", "PRV-A", "--period", "2016Q3", "--store", str(stored))
    lock.rmdir()
    assert run("history", "--store", str(stored)).output == before


@pytest.mark.parametrize(("exc", "words"), [
    (OSError(errno.ENOSPC, "No space left on device", "/data/store.duckdb"), ("full", "/data/store.duckdb")),
    (PermissionError(errno.EACCES, "Permission denied", "/data/store.duckdb.lock"), ("not allowed",)),
    (OSError(errno.EROFS, "Read-only file system", "/mnt/x"), ("read-only disk",)),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "/data/store.duckdb.lock"), ("a folder",)),
])
def test_each_disk_fault_has_its_own_plain_message(exc: BaseException, words: tuple[str, ...]) -> None:
    message = describe_fault(exc)
    assert message is not None and all(word in message for word in words), message


def test_a_bug_is_not_disguised_as_a_disk_fault() -> None:
    assert describe_fault(ValueError("something else")) is None


def test_the_console_command_says_it_plainly_for_any_command(stored: Path) -> None:
    data = stored.read_bytes()
    stored.write_bytes(data[: len(data) // 3])
    done = subprocess.run([sys.executable, "-m", "ccassure", "history", "--store", str(stored)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "damaged" in done.stderr and "Traceback" not in done.stderr
