"""Periods and moments as the store takes them: period labels checked, "as at" values made naive UTC.

Why apart: reading (selection, export) and writing (submission, history) both need them, and the store
holds every time as naive UTC (what DuckDB TIMESTAMP holds), so there is one place that says how.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as dtime

from ccassure.store.errors import StoreError


def utc_now() -> datetime:
    """Naive UTC, microsecond resolution (what DuckDB TIMESTAMP holds)."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_at_moment(value: str | date | datetime | None) -> datetime | None:
    """A date means the end of that day (UTC); a datetime with a zone is converted to UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text) if ("T" in text or " " in text or ":" in text) else date.fromisoformat(text)
        except ValueError:
            raise StoreError(f"as-at {text!r} is not a date (use yyyy-mm-dd or yyyy-mm-ddThh:mm:ss)") from None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return datetime.combine(value, dtime.max)


def checked_period(text: str):
    """The Period a label names; a label that is not one is a StoreError (the CLI prints it plainly)."""
    from ccassure.periods import parse_period

    try:
        return parse_period(text)
    except ValueError as exc:
        raise StoreError(str(exc)) from None
