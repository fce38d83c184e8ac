"""What a cell of each column type may hold, written once for every export.

ccassure reads typed cells leniently (``yes``/``Y``/``TRUE``, ``1,234``, ``£5``, ``82.1%``, ``3.0`` in a
whole-number column, ``13/01/2016``, an Excel serial day number saved as text). The exports (Great
Expectations suites, Table Schemas, JSON Schemas) check the text of a CSV cell, so they need the same
rules as regular expressions over that text. This module is that one statement; tests prove it agrees
with the reader (``validation/coerce.py``) on a battery of cells, and docs/exports.md lists what each
format can and cannot say.

The text is matched after trimming spaces at both ends (the documented way to read a CSV for the exports).
"""

from __future__ import annotations

# Words read as yes / no (any letter case).
TRUE_WORDS = ("yes", "y", "true", "t", "1", "1.0")
FALSE_WORDS = ("no", "n", "false", "f", "0", "0.0")

# Whole-number and decimal text: thousands separators in groups of three, a leading pound sign, and
# (decimals only) a trailing percent sign, as 82.1% means 82.1 percentage points.
_DIGITS = r"(?:\d+|\d{1,3}(?:,\d{3})+)"
INTEGER_TEXT = rf"[+-]?£?{_DIGITS}(?:\.0*)?"
NUMBER_TEXT = rf"[+-]?£?(?:{_DIGITS}(?:\.\d*)?|\.\d+)%?"
BOOLEAN_TEXT = "(?i:" + "|".join(w.replace(".", r"\.") for w in TRUE_WORDS + FALSE_WORDS) + ")"

# Dates: the formats the reader tries, each as text whose day exists in its month (29 February only in a
# leap year). Years are any four digits here; 1900-2100 is a separate check (DATE_YEAR_IN_RANGE).
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_D28 = r"(?:0?[1-9]|1\d|2[0-8])"
_M_ANY, _M_30, _M_31 = r"(?:0?[1-9]|1[0-2])", r"(?:0?[13-9]|1[0-2])", r"(?:0?[13578]|1[02])"
_Y4, _Y2 = r"\d{4}", r"\d{2}"
_LEAP4 = r"(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_LEAP2 = r"(?:0[048]|[2468][048]|[13579][26])"
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_SHORT_TIME = r"(?: \d{1,2}:\d{2}(?::\d{2})?)?"


def _names(months: list[int], full: bool) -> str:
    short = [_MONTHS[m - 1] for m in months]
    words = short + ([_MONTH_NAMES[m - 1] for m in months if _MONTH_NAMES[m - 1] != _MONTHS[m - 1]] if full else [])
    return "(?i:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


def _day_month_pairs(numeric: bool, full_names: bool = False) -> list[tuple[str, str, bool]]:
    """(day, month, leap-only) alternatives whose combinations are real dates."""
    if numeric:
        any_month, month_30, month_31, february = _M_ANY, _M_30, _M_31, r"0?2"
    else:
        any_month = _names(list(range(1, 13)), full_names)
        month_30 = _names([m for m in range(1, 13) if m != 2], full_names)
        month_31 = _names([1, 3, 5, 7, 8, 10, 12], full_names)
        february = _names([2], full_names)
    return [(_D28, any_month, False), ("(?:29|30)", month_30, False), ("31", month_31, False),
            ("29", february, True)]


def _ymd(sep: str) -> str:
    parts = [f"{_LEAP4 if leap else _Y4}{sep}{month}{sep}{day}" for day, month, leap in _day_month_pairs(True)]
    return "(?:" + "|".join(parts) + ")"


def _dmy(sep: str, *, two_digit_year: bool = False, named: bool = False, full_names: bool = False) -> str:
    year, leap_year = (_Y2, _LEAP2) if two_digit_year else (_Y4, _LEAP4)
    parts = [f"{day}{sep}{month}{sep}{leap_year if leap else year}"
             for day, month, leap in _day_month_pairs(not named, full_names)]
    return "(?:" + "|".join(parts) + ")"


DATE_TEXT = "(?:" + "|".join([
    _ymd("-") + _TIME, _ymd("/"),
    _dmy("/") + _SHORT_TIME, _dmy("-"), _dmy(r"\."), _dmy("/", two_digit_year=True), _dmy(r"\.", two_digit_year=True),
    _dmy("-", named=True), _dmy(" ", named=True, full_names=True), _dmy("-", named=True, two_digit_year=True),
    r"(?:1[89]\d{3}|[2-6]\d{4}|7[0-2]\d{3}|730[0-4]\d|73050)(?:\.0*)?",  # an Excel serial day number, 1950-2099
]) + ")"
# A four-digit year outside 1900-2100 anywhere in the text: the date is out of range.
YEAR_OUT_OF_RANGE = r"(?<!\d)(?:0\d{3}|1[0-8]\d\d|2[2-9]\d\d|210[1-9]|21[1-9]\d|[3-9]\d{3})(?!\d)"

# Months: yyyy-mm, yyyy/mm or mm/yyyy; a full date on the 1st is read as its month, and any other full
# date is a date of birth (a privacy error, checked separately: FULL_DATE_NOT_FIRST).
_MONTH_YEAR = r"(?:19\d\d|20\d\d|2100)"
MONTH_ONLY_TEXT = rf"(?:{_MONTH_YEAR}[-/](?:0?[1-9]|1[0-2])|(?:0?[1-9]|1[0-2])[-/]{_MONTH_YEAR})"
MONTH_TEXT = f"(?:{MONTH_ONLY_TEXT}|{DATE_TEXT})"
FIRST_OF_MONTH = r"(?:\d{4}[-/]\d{1,2}[-/]0?1(?!\d)|0?1(?!\d)\D.*)"


def not_a_birth_date() -> str:
    """A whole-cell regex for a month column: passes anything but a full date on a day other than the 1st."""
    return rf"^(?!(?:{DATE_TEXT})$)|^(?:{FIRST_OF_MONTH})$"


def date_year_in_range() -> str:
    """A whole-cell regex for a date column: passes anything but a date with a year outside 1900-2100."""
    return rf"^(?!(?:{DATE_TEXT})$)|^(?!.*{YEAR_OUT_OF_RANGE})"


def full(pattern: str) -> str:
    """``pattern`` as a whole-cell regular expression (Great Expectations and JSON Schema search in text)."""
    return f"^(?:{pattern})$"


def type_text(column_type: str) -> str | None:
    """The text a cell of this type may hold (None for strings: any text)."""
    return {"integer": INTEGER_TEXT, "number": NUMBER_TEXT, "boolean": BOOLEAN_TEXT, "date": DATE_TEXT,
            "month": MONTH_TEXT}.get(column_type)


# ----------------------------------------------------------------------------------------------- ranges


def _digit_runs(low: str, high: str) -> list[list[str]]:
    """Digit-by-digit patterns (one atom per digit) of one length, together matching exactly low..high."""
    if not low:
        return [[]]
    if low == high:
        return [list(low)]
    if low[0] == high[0]:
        return [[low[0], *rest] for rest in _digit_runs(low[1:], high[1:])]
    rest = len(low) - 1
    runs = [[low[0], *tail] for tail in _digit_runs(low[1:], "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        runs.append([f"[{int(low[0]) + 1}-{int(high[0]) - 1}]", *[r"\d"] * rest])
    runs += [[high[0], *tail] for tail in _digit_runs("0" * rest, high[1:])]
    return runs


def _runs(low: int, high: int) -> list[list[str]]:
    runs: list[list[str]] = []
    for width in range(len(str(low)), len(str(high)) + 1):
        start, end = max(low, 10 ** (width - 1) if width > 1 else 0), min(high, 10 ** width - 1)
        if start <= end:
            runs += _digit_runs(str(start), str(end))
    return runs


def _render(runs: list[list[str]]) -> str:
    """Each run written plainly (leading zeros allowed) and, from four digits, with thousands separators."""
    plain = ["0*" + "".join(run) for run in runs]
    grouped = ["".join(("," if i and (len(run) - i) % 3 == 0 else "") + atom for i, atom in enumerate(run))
               for run in runs if len(run) >= 4]
    return "(?:" + "|".join(plain + grouped) + ")"


def whole_number_range(low: int, high: int) -> str:
    """A regex matching every whole number from ``low`` to ``high`` (both >= 0), with or without
    thousands separators."""
    return _render(_runs(low, high))


def range_text(minimum: float | None, maximum: float | None, *, integer: bool) -> str:
    """Text of a number between ``minimum`` and ``maximum``, in the forms INTEGER_TEXT / NUMBER_TEXT allow.

    Bounds must be whole numbers and the minimum at least 0 (every contract's ranges are); anything else
    is refused, so an export never claims a check it cannot make.
    """
    low = 0 if minimum is None else minimum
    if low < 0 or not float(low).is_integer() or (maximum is not None and not float(maximum).is_integer()):
        raise ValueError(f"ranges from {minimum} to {maximum} cannot be written as a text pattern")
    low = int(low)
    zero_fraction, any_fraction = r"(?:\.0*)?", r"(?:\.\d*)?"
    if maximum is None:
        width = len(str(low))
        longer = [rf"0*[1-9]\d{{{width}}}\d*", rf"(?=[1-9](?:,?\d){{{width}}})\d{{1,3}}(?:,\d{{3}})+"]
        numbers = [*longer, whole_number_range(low, 10 ** width - 1)]
        body = "(?:" + "|".join(numbers) + ")" + (zero_fraction if integer else any_fraction)
        if not integer and low == 0:
            body = rf"(?:{body}|\.\d+)"
    else:
        high = int(maximum)
        if high < low:
            raise ValueError(f"minimum {minimum} is above maximum {maximum}")
        if integer:
            body = whole_number_range(low, high) + zero_fraction
        else:
            parts = [whole_number_range(high, high) + zero_fraction]
            if high > low:
                parts.append(whole_number_range(low, high - 1) + any_fraction)
                if low == 0:
                    parts.append(r"\.\d+")
            body = "(?:" + "|".join(parts) + ")"
    return rf"\+?£?{body}" + ("" if integer else "%?")


def number_check_text(column_type: str, minimum: float | None, maximum: float | None) -> str:
    """A whole-cell regex that passes cells that are not numbers at all (the type check reports those)
    and numbers within the range; only numbers outside it fail."""
    kind = INTEGER_TEXT if column_type == "integer" else NUMBER_TEXT
    inside = range_text(minimum, maximum, integer=column_type == "integer")
    below_zero = "|^-" if minimum is None else ""  # a negative number is not too large
    return rf"^(?!(?:{kind})$)|^(?:{inside})${below_zero}"
