"""Checking several periods at once: one worker process per core, each checking whole periods.

Why processes: a check is half Python (findings, KPI arithmetic) and half DuckDB, so threads would wait on
each other for the interpreter; the periods of ``make report`` share nothing but the loaded engine and the
store session, which a forked worker inherits as they are (nothing is parsed or linted again).

Why fork only: a worker started afresh would import and load the engine again, which costs more than it
saves. Where fork is not available (or one worker is asked for), the periods run one after another in this
process. A period that fails gives its message instead of a run; the others go on, even when the failure is
a worker process that died (its periods are reported as not checked) or a result that cannot be sent back.
The store is not passed back: the caller puts its own store on each run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

_TASK: Callable[[Any], Any] | None = None  # the forked workers' task, inherited from the parent


def usable_cores() -> int:
    """The cores this process may run on (its affinity, which a container or `taskset` may narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(asked: int | None, periods: int) -> int:
    """Workers for ``periods`` periods: as asked, else one per usable core; never more than periods, at least one."""
    wanted = asked if asked is not None else usable_cores()
    if "fork" not in multiprocessing.get_all_start_methods():
        wanted = 1
    return max(1, min(wanted, periods))


def worker_share(workers: int) -> dict[str, Any]:
    """DuckDB settings for one of ``workers`` checks running at once: its share of the cores and of the memory
    DuckDB would take for one connection alone (80% of RAM), so together they ask no more than one would.
    Empty for one worker: DuckDB's own defaults."""
    if workers <= 1:
        return {}
    share: dict[str, Any] = {"threads": max(1, usable_cores() // workers)}
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return share
    share["memory_limit"] = f"{max(256, int(ram * 0.8 / workers) >> 20)}MB"
    return share


def map_periods(task: Callable[[Any], Any], periods: Sequence[Any], workers: int) -> list[Any]:
    """``task(period)`` for each period, in order: its result, or a message when it raised."""
    if workers <= 1:
        return [_outcome(task, period) for period in periods]
    global _TASK
    _TASK = task
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_in_worker, period) for period in periods]
            return [_collected(future) for future in futures]
    finally:
        _TASK = None


def _collected(future: Future) -> Any:
    """A worker's outcome, or a message when it never came back (the worker died, or the result could not be
    sent): the other periods keep theirs."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - BrokenProcessPool, a pickling error: reported per period
        return f"the period was not checked: its worker process failed ({type(exc).__name__}: {exc})"


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
    except SystemExit as exc:  # a task that exits must not take the other periods (or a worker) with it
        return f"SystemExit: {exc}"
