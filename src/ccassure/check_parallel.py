"""Checking several periods at once: one worker process per core, each checking whole periods.

Why processes: a check is half Python (findings, KPI arithmetic) and half DuckDB, so threads would wait on
each other for the interpreter; the periods of ``make report`` share nothing but the loaded engine and the
store session, which a forked worker inherits as they are (nothing is parsed or linted again).

Why fork only: a worker started afresh would import and load the engine again, which costs more than it
saves. Where fork is not available (or one worker is asked for), the periods run one after another in this
process. A period that fails gives its message instead of a run; the others go on. The store is not passed
back (it holds a connection): the caller puts its own store on each run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_TASK: Callable[[Any], Any] | None = None  # the forked workers' task, inherited from the parent


def worker_count(asked: int | None, periods: int) -> int:
    """Workers for ``periods`` periods: as asked, else one per core; never more than periods, at least one."""
    wanted = asked if asked is not None else (os.cpu_count() or 1)
    if "fork" not in multiprocessing.get_all_start_methods():
        wanted = 1
    return max(1, min(wanted, periods))


def map_periods(task: Callable[[Any], Any], periods: Sequence[Any], workers: int) -> list[Any]:
    """``task(period)`` for each period, in order: its result, or a message when it raised."""
    if workers <= 1:
        return [_outcome(task, period) for period in periods]
    global _TASK
    _TASK = task
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_in_worker, periods))
    finally:
        _TASK = None


def _in_worker(period: Any) -> Any:
    outcome = _outcome(_TASK, period)
    data = getattr(outcome, "data", None)
    if data is not None:
        data.store = None  # holds the session's connection: the parent gives the run its own store back
    return outcome


def _outcome(task: Callable[[Any], Any] | None, period: Any) -> Any:
    try:
        return task(period)  # type: ignore[misc]
    except Exception as exc:  # noqa: BLE001 - reported per period, never hidden
        return f"{type(exc).__name__}: {exc}"
