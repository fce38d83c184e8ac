"""Reporting windows of a KPI, all ending on the last day of a calendar quarter.

- ``quarter``: the quarter itself (2016Q4 = 1 October to 31 December 2016);
- ``ytd``: the financial year to date, 1 April to the quarter end (2017Q1 closes FY 2016-17, so its YTD is
  April 2016 to March 2017; 2017Q2 opens FY 2017-18, so its YTD is April to June 2017);
- ``r12``: the 12 months ending on the quarter end (2016Q4: January to December 2016).

The previous period, for ``change_on_previous``, is the previous quarter for ``quarter`` and ``r12``, and the
same quarter a year earlier for ``ytd`` (so a YTD figure is compared with the same point last year).

A change is only worked out when the earlier window is *covered*: it starts on or after the day the KPI's data
begin (:func:`covered`). A window that starts before it lies wholly or partly before the data, so its value is
computed over no data, or over part of it (a count of 0, a share over an empty numerator), and value minus it
would report the whole current value as a rise. The data begin on the first day of the quarter holding the
earliest event (:func:`quarter_start`): returns are quarterly, and a quarter's first recorded session may fall
on the 6th.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ccassure.periods import Period, financial_year_of, parse_period, quarter, quarter_of


@dataclass(frozen=True, order=True)
class WindowSpan:
    end_quarter: str
    kind: str
    start: date
    end: date


def _q(label: str) -> tuple[int, int]:
    return int(label[:4]), int(label[-1])


def span(end_quarter: str | Period, kind: str) -> WindowSpan:
    q = parse_period(end_quarter)
    if q.kind != "quarter":
        raise ValueError(f"a window ends on a quarter, not {q.label}")
    if kind == "quarter":
        start = q.start
    elif kind == "ytd":
        start = financial_year_of(q.end).start
    elif kind == "r12":
        year, n = _q(q.label)
        start = quarter(year - 1, n + 1).start if n < 4 else quarter(year, 1).start
    else:
        raise ValueError(f"unknown window {kind!r}")
    return WindowSpan(q.label, kind, start, q.end)


def previous(end_quarter: str, kind: str) -> str:
    """The quarter label whose window of the same kind is 'the previous period'."""
    year, n = _q(end_quarter)
    if kind == "ytd":
        return quarter(year - 1, n).label
    return parse_period(end_quarter).previous().label


def r12_start(end: date) -> date:
    """First day of the 12 months ending on ``end`` (a quarter end)."""
    return date(end.year - 1, end.month + 1, 1) if end.month < 12 else date(end.year, 1, 1)


def quarter_start(day: date) -> date:
    """First day of the calendar quarter holding ``day``."""
    return quarter_of(day).start


def covered(window: WindowSpan, data_start: date) -> bool:
    """Whether the data reach back over the whole of ``window``: it starts on or after ``data_start``."""
    return window.start >= data_start


def quarters_of(period: str | Period) -> list[str]:
    """The quarters a run period covers: a quarter itself, or the four quarters of a financial year."""
    return [q.label for q in parse_period(period).quarters()]


def return_period_target(label: str) -> tuple[str, str | None]:
    """Where a provider-reported figure for ``label`` is compared: (end quarter, forced window or None).

    A quarter label is compared with the KPI's first window at that quarter; a financial year label with
    the year-to-date window at its last quarter (January to March).
    """
    p = parse_period(label)
    if p.kind == "quarter":
        return p.label, None
    return p.quarters()[-1].label, "ytd"
