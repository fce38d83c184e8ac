"""Disk and store faults a user can cause, in plain words: a full disk, a read-only store or folder, a lock
file that cannot be written, a store file that was cut short or damaged.

Used where the command line meets the store (and around every command), so that none of these is ever
reported as an internal error. Every message says what to do and that nothing stored was changed (the
store writes in one transaction, so a failed write leaves it as it was).
"""

from __future__ import annotations

import errno
import re

UNCHANGED = "Nothing already stored was changed."
_QUOTED_FILE = re.compile(r'file "([^"]+)"|"([^"]+\.duckdb[^"]*)"')
_DAMAGED = ("could not read enough bytes", "not a valid duckdb database", "checksum", "corrupt", "truncated",
            "invalid database", "failed to read database header", "unexpected end of file", "serialization")


def describe_fault(exc: BaseException) -> str | None:
    """A plain-English message for a disk or store fault, or None when ``exc`` is something else (a bug)."""
    text = str(exc)
    low = text.lower()
    code = getattr(exc, "errno", None)
    where = _file_named(exc, text)
    if code == errno.ENOSPC or "no space left" in low or "disk full" in low:
        return f"the disk holding {where} is full. Free some space and try again. {UNCHANGED}"
    if code == errno.EROFS or "read-only file system" in low:
        return f"{where} is on a read-only disk. Use a store on a disk you can write to (--store). {UNCHANGED}"
    if isinstance(exc, IsADirectoryError) or "is a directory" in low:
        return f"{where} is a folder where ccassure keeps a file. Move the folder away and try again. {UNCHANGED}"
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM) or "permission denied" in low \
            or "operation not permitted" in low:
        return (f"ccassure is not allowed to open or write {where} (the file or its folder is read-only, or "
                f"belongs to someone else). Ask whoever manages it for write access, or use --store. {UNCHANGED}")
    if _is_duckdb_error(exc) and any(sign in low for sign in _DAMAGED):
        return (f"the store file {where} is damaged (cut short or corrupted), so it cannot be read. Restore it "
                "from a backup, or point --store at another file. Nothing was written to it.")
    if isinstance(exc, OSError) and exc.strerror:
        return f"{where}: {exc.strerror}. {UNCHANGED}"
    return None


def _file_named(exc: BaseException, text: str) -> str:
    filename = getattr(exc, "filename", None)
    if filename:
        return str(filename)
    found = _QUOTED_FILE.search(text)
    return (found.group(1) or found.group(2)) if found else "the store"


def _is_duckdb_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("duckdb") or type(exc).__module__ == "_duckdb"
