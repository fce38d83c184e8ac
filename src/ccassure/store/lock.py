"""A lock file beside the store: one writer at a time, readers share; waits a bounded time, then says so.

DuckDB itself lets only one process open a database file for writing. The lock file turns "could not set
lock on file" into an orderly queue: a second ``ccassure submit`` waits (up to ``CCASSURE_STORE_WAIT``
seconds, default 30) and then fails with a clear message, never touching the file.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from ccassure.store.errors import StoreBusy

DEFAULT_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


def default_wait() -> float:
    try:
        return float(os.environ.get("CCASSURE_STORE_WAIT", DEFAULT_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


class StoreLock:
    def __init__(self, store_path: Path, *, exclusive: bool, wait: float | None = None):
        self.path = Path(str(store_path) + ".lock")
        self.exclusive = exclusive
        self.wait = default_wait() if wait is None else wait
        self._fd: int | None = None

    def __enter__(self) -> StoreLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        mode = (fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + max(self.wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    action = "writing to" if not self.exclusive else "using"
                    raise StoreBusy(
                        f"The store {self.path.with_suffix('')} is busy: another ccassure process is {action} it "
                        f"(waited {self.wait:g} s). Try again in a moment, or set CCASSURE_STORE_WAIT to wait longer."
                    ) from None
                time.sleep(POLL_SECONDS)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
