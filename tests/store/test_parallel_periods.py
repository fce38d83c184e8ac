"""Several periods checked at once (ccassure.check_parallel): each period's outcome comes back in order, and a
period that fails (raises, exits, kills its worker, or gives a result that cannot be sent back) is reported
as a message for that period alone, never by losing the others."""

from __future__ import annotations

import os

import pytest

from ccassure.check_parallel import map_periods, worker_share
from ccassure.store import Store
from ccassure.store.lock import StoreBusy, StoreLock


def _task(period: str):
    if period == "raises":
        raise ValueError("no such quarter")
    if period == "exits":
        raise SystemExit("stopped")
    if period == "unsendable":
        return lambda: None  # cannot be pickled back to the parent
    if period == "dies":
        os._exit(3)
    return f"checked {period}"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_period_gives_its_message_and_the_others_their_results(workers):
    outcomes = map_periods(_task, ["2016Q3", "raises", "exits", "2016Q4"], workers)
    assert outcomes == ["checked 2016Q3", "ValueError: no such quarter", "SystemExit: stopped", "checked 2016Q4"]


def test_a_result_that_cannot_be_sent_back_fails_only_its_period():
    outcomes = map_periods(_task, ["2016Q3", "unsendable", "2016Q4"], 2)
    assert outcomes[0] == "checked 2016Q3" and outcomes[2] == "checked 2016Q4"
    assert outcomes[1].startswith("the period was not checked: its worker process failed")


def test_a_worker_that_dies_is_reported_and_no_period_is_lost():
    periods = ["2016Q1", "dies", "2016Q2", "2016Q3"]
    outcomes = map_periods(_task, periods, 2)
    assert len(outcomes) == len(periods)
    assert outcomes[1].startswith("the period was not checked: its worker process failed")
    for period, outcome in zip(periods, outcomes, strict=True):
        assert outcome == f"checked {period}" or outcome.startswith("the period was not checked"), outcome


def test_workers_share_the_cores_and_memory_one_check_would_take():
    assert worker_share(1) == {}
    share = worker_share(2)
    assert share["threads"] >= 1 and share["memory_limit"].endswith("MB")
    ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    assert int(share["memory_limit"][:-2]) * 2 <= ram_mb * 0.8 + 2


def test_while_periods_are_checked_no_submission_can_be_written(tmp_path):
    store = Store(tmp_path / "store.duckdb", wait=0)
    store.migrate()
    with store.held_still(), pytest.raises(StoreBusy):
        StoreLock(store.path, exclusive=True, wait=0).__enter__()
    with StoreLock(store.path, exclusive=True, wait=0):
        pass  # released on leaving
