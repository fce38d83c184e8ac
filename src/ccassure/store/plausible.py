"""Periods a return can plausibly be for: from 2006 (the Childcare Act) to the end of next year.

Why: a typo such as 2099Q1 or 1899Q1 is a valid period label but would be stored and then read as the
"latest" data, or never read at all. Refusing it at submission keeps the store honest.
"""

from __future__ import annotations

from datetime import date

from ccassure.store.errors import StoreError

EARLIEST_YEAR = 2006


def check_plausible(period, today: date | None = None) -> None:
    """Raise StoreError naming the period when it starts before 2006 or after the end of next year."""
    today = today or date.today()
    latest = date(today.year + 1, 12, 31)
    if period.start.year < EARLIEST_YEAR or period.start > latest:
        raise StoreError(f"period {period.label} is not plausible for a children's centre return: it must fall "
                         f"between {EARLIEST_YEAR} and the end of {today.year + 1}. Check the period you typed; "
                         "nothing was stored.")
