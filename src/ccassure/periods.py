"""Reporting periods: calendar quarters ("2016Q4" = October to December 2016) and financial years
("2016-17" = 1 April 2016 to 31 March 2017), as used in returns and in ``ccassure check --period``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A quarter or a financial year, with its first and last day (both inclusive)."""

    start: date
    end: date
    label: str

    @property
    def kind(self) -> str:
        return "quarter" if "Q" in self.label else "financial_year"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The quarter or financial year before this one."""
        if self.kind == "quarter":
            year, q = int(self.label[:4]), int(self.label[-1])
            return quarter(year - 1, 4) if q == 1 else quarter(year, q - 1)
        return financial_year(int(self.label[:4]) - 1)

    def quarters(self) -> list[Period]:
        """The calendar quarters of a financial year (Apr-Jun ... Jan-Mar); a quarter is its own list."""
        if self.kind == "quarter":
            return [self]
        year = int(self.label[:4])
        return [quarter(year, 2), quarter(year, 3), quarter(year, 4), quarter(year + 1, 1)]


def quarter(year: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise ValueError(f"quarter must be 1 to 4, not {q}")
    start = date(year, 3 * (q - 1) + 1, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    return Period(start, end, f"{year}Q{q}")


def financial_year(first_year: int) -> Period:
    return Period(date(first_year, 4, 1), date(first_year + 1, 3, 31),
                  f"{first_year}-{(first_year + 1) % 100:02d}")


def parse_period(text: str | Period) -> Period:
    """Parse "2016Q4" (calendar quarter) or "2016-17" (financial year April 2016 to March 2017)."""
    if isinstance(text, Period):
        return text
    value = str(text).strip().upper()
    match = _QUARTER.match(value)
    if match:
        return quarter(int(match.group(1)), int(match.group(2)))
    match = _FINANCIAL_YEAR.match(value)
    if match:
        first = int(match.group(1))
        if (first + 1) % 100 != int(match.group(2)):
            raise ValueError(f"{text!r} is not a financial year: the second year must follow the first (e.g. 2016-17)")
        return financial_year(first)
    raise ValueError(f"{text!r} is not a period: use a quarter such as 2016Q4 or a financial year such as 2016-17")


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def financial_year_of(day: date) -> Period:
    return financial_year(day.year if day.month >= 4 else day.year - 1)
