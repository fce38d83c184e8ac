"""Turning raw cell values into typed columns, remembering which cells could not be read.

Workbooks give Python values (datetimes for Excel dates, numbers, text); CSV gives text; Parquet gives
typed columns. All become the dtypes of ccassure.contracts.dtypes. A cell that cannot be read is reported
once, here, and is then missing for the later checks (which skip it, so it is not reported twice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ccassure.contracts import ColumnSpec
from ccassure.contracts.dtypes import PANDAS_DTYPES
from ccassure.validation.arrowtext import as_arrow_text, regex_mask

TRUE_WORDS = {"yes", "y", "true", "t", "1", "1.0"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "0.0"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d", "%d/%m/%y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y",
                "%d-%b-%y", "%d.%m.%y")
# Where the day of the month sits in text of each format: strptime rolls 31/02 over into March, so a
# parsed day that differs from the day written means the date does not exist.
DAY_FIRST = r"^\s*(?P<day>\d{1,2})"
DAY_LAST = r"^\s*\d{4}[-/]\d{1,2}[-/](?P<day>\d{1,2})"
# ISO 8601 date-times (with seconds' fractions or a time zone): the date as written is the date meant.
ISO_DATETIME = r"^\s*(\d{4}-\d{1,2}-\d{1,2})[T ]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?\s*$"
SERIAL_TEXT = r"^\s*\d{5}(\.0*)?\s*$"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Excel serial day numbers read as dates: 1950-01-01 .. 2099-12-31. Smaller numbers (a year such as 2016, a
# count) are far more often a mistake than a date before 1950.
FIRST_SERIAL, LAST_SERIAL = 18264, 73050
# What Excel shows (and saves to CSV) in a cell whose formula failed.
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#VALUE!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#N/A N/A"})
# Invisible characters that copy-and-paste leaves at the ends of ids and headers: zero-width space,
# non-joiner and joiner, left-to-right and right-to-left marks, word joiner, byte-order mark. A cell made
# only of these (and spaces) is blank.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"  # and the soft hyphen


@dataclass
class Coerced:
    """A typed column, the cells that could not be read, and cells that are a privacy problem.

    ``out_of_range`` marks, among ``bad``, dates that were read but fall outside 1900-2100.
    """

    values: pd.Series
    bad: np.ndarray
    full_birth_date: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    out_of_range: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def excel_error_mask(raw: pd.Series) -> np.ndarray:
    """True where a cell holds what Excel shows for a failed formula (#N/A, #DIV/0!, #REF!, ...)."""
    if raw.dtype == object:
        if not raw.map(lambda v: isinstance(v, str) and v.startswith("#"), na_action="ignore").fillna(False).any():
            return np.zeros(len(raw), dtype=bool)
        return raw.map(lambda v: isinstance(v, str) and v.strip() in EXCEL_ERRORS,
                       na_action="ignore").fillna(False).to_numpy(dtype=bool)
    if not pd.api.types.is_string_dtype(raw.dtype):
        return np.zeros(len(raw), dtype=bool)
    array = as_arrow_text(raw)
    if not pc.any(pc.fill_null(pc.starts_with(array, "#"), False)).as_py():
        return np.zeros(len(raw), dtype=bool)
    found = pc.is_in(pc.utf8_trim_whitespace(array), value_set=pa.array(sorted(EXCEL_ERRORS)))
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def coerce_column(raw: pd.Series, spec: ColumnSpec) -> Coerced:
    blank = _blank(raw)
    if spec.type == "string":
        return Coerced(_as_text(raw, blank), np.zeros(len(raw), dtype=bool))
    if spec.type in ("integer", "number"):
        return _as_number(raw, blank, integer=spec.type == "integer")
    if spec.type == "boolean":
        return _as_boolean(raw, blank)
    if spec.type == "date":
        return _as_date(raw, blank)
    return _as_month(raw, blank)


def _blank(raw: pd.Series) -> np.ndarray:
    if _is_text_column(raw) and getattr(raw.dtype, "storage", None) == "pyarrow":
        # pyarrow classifies in place: missing, empty or all whitespace, without building stripped copies
        array = as_arrow_text(raw)
        blank = pc.or_kleene(pc.equal(pc.binary_length(array), 0), pc.utf8_is_space(array))
        if not pc.all(pc.fill_null(pc.string_is_ascii(array), True)).as_py():
            trimmed = pc.utf8_trim(array, characters=" \t\r\n\u00a0" + INVISIBLE)
            blank = pc.or_kleene(blank, pc.equal(pc.binary_length(trimmed), 0))
        return pc.fill_null(blank, True).to_numpy(zero_copy_only=False)
    missing = raw.isna().to_numpy(dtype=bool, copy=True)
    if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
        text = _strip(raw.astype("str"))
        missing |= text.eq("").fillna(True).to_numpy(dtype=bool)
    return missing


def _is_text_column(raw: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(raw.dtype) and raw.dtype != object


def _as_text(raw: pd.Series, blank: np.ndarray) -> pd.Series:
    if raw.dtype == object and not _is_text_column(raw):
        raw = raw.map(_cell_text, na_action="ignore")
    text = _strip(raw.astype("str"))
    return text.mask(blank).astype(PANDAS_DTYPES["string"])


def _strip(text: pd.Series) -> pd.Series:
    """Whitespace (including non-breaking spaces) and invisible characters off both ends."""
    text = text.str.strip()
    if pd.api.types.is_string_dtype(text.dtype) and getattr(text.dtype, "storage", None) == "pyarrow":
        array = as_arrow_text(text)
        if pc.all(pc.fill_null(pc.string_is_ascii(array), True)).as_py() or not pc.any(pc.fill_null(
                pc.match_substring_regex(array, f"^[{INVISIBLE}]|[{INVISIBLE}]$"), False)).as_py():
            return text
    return text.str.strip(" \t\r\n\u00a0" + INVISIBLE)


def _cell_text(value: object) -> object:
    """Excel stores numeric-looking ids as numbers: 123.0 -> '123'; dates -> ISO text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return value


def _as_number(raw: pd.Series, blank: np.ndarray, *, integer: bool) -> Coerced:
    if pd.api.types.is_bool_dtype(raw.dtype):  # a true/false column (Parquet) is not a number column
        return Coerced(pd.Series(pd.NA, index=raw.index, dtype="Int64" if integer else "Float64"), ~blank)
    booleans = np.zeros(len(raw), dtype=bool)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        numbers = raw.astype("Float64")
    elif _is_text_column(raw):
        numbers = _arrow_numbers(raw, percent=not integer)
    else:
        source = raw
        if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
            source = raw.where(~pd.Series(blank, index=raw.index), None)
            kinds = raw.map(type)
            booleans = kinds.isin([bool, np.bool_]).to_numpy(dtype=bool)  # Excel TRUE/FALSE is not a number
            if booleans.any():
                source = source.mask(pd.Series(booleans, index=raw.index), None)
            if raw.dtype != object or kinds.eq(str).any():
                source = _drop_thousands(_strip(source.astype("str"))).str.replace(
                    "£", "", regex=False).where(~pd.Series(blank, index=raw.index), None)
                if not integer:
                    source = source.str.removesuffix("%")
        numbers = pd.to_numeric(source, errors="coerce").astype("Float64")
    # inf, nan and numbers past what a whole number can hold are not values anyone meant
    as_float = numbers.to_numpy(dtype="float64", na_value=0.0)
    wrong = ~np.isfinite(as_float)
    if integer:
        wrong |= np.abs(as_float) >= 2.0**53
    if wrong.any():
        numbers = numbers.mask(pd.Series(wrong, index=numbers.index))
    unreadable = (numbers.isna().to_numpy(dtype=bool) & ~blank) | booleans
    if integer:
        fractional = (numbers.notna() & (numbers.round() != numbers)).fillna(False).to_numpy(dtype=bool)
        unreadable |= fractional
        numbers = numbers.mask(fractional).round().astype("Int64")
    return Coerced(numbers.mask(blank), unreadable)


def _as_boolean(raw: pd.Series, blank: np.ndarray) -> Coerced:
    if pd.api.types.is_bool_dtype(raw.dtype):
        return Coerced(raw.astype("boolean"), np.zeros(len(raw), dtype=bool))
    if not _is_text_column(raw):
        raw = raw.map(_cell_text, na_action="ignore")
    words = raw.astype("str").str.strip().str.lower()
    values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    values[words.isin(TRUE_WORDS).to_numpy(dtype=bool)] = True
    values[words.isin(FALSE_WORDS).to_numpy(dtype=bool)] = False
    unreadable = values.isna().to_numpy(dtype=bool) & ~blank
    return Coerced(values, unreadable)


def _as_date(raw: pd.Series, blank: np.ndarray) -> Coerced:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw.dt.normalize()
    else:
        values = _parse_dates(raw, blank)
    values = values.astype("datetime64[s]")
    years = values.dt.year
    out_of_range = ((years < FIRST_YEAR) | (years > LAST_YEAR)).fillna(False)
    values = values.mask(out_of_range)
    unreadable = values.isna().to_numpy(dtype=bool) & ~blank
    return Coerced(values, unreadable, out_of_range=out_of_range.to_numpy(dtype=bool))


def _parse_dates(raw: pd.Series, blank: np.ndarray) -> pd.Series:
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
    todo = ~blank
    if raw.dtype == object:
        kinds = raw.map(type)
        native = kinds.isin([dt.datetime, pd.Timestamp, dt.date]).to_numpy(dtype=bool) & todo
        if native.any():
            result[native] = pd.to_datetime(raw[native].map(_as_datetime)).dt.normalize().astype("datetime64[s]")
        serial = kinds.isin([int, float]).to_numpy(dtype=bool) & todo
        if serial.any():
            result[serial] = _from_serial(pd.to_numeric(raw[serial], errors="coerce"))
        todo &= ~native & ~serial
    if todo.any():
        text = raw[todo].astype("str").str.strip()
        result[todo] = _arrow_dates(text)
    return result


def _arrow_dates(text: pd.Series) -> pd.Series:
    """Parse text dates with pyarrow, trying the formats that fit a sample first (a wrong format costs
    as much as a right one, so the common case tries one format over the whole column).

    Dates that do not exist (31/02/2016) are not rolled over into the next month; two-digit years are not
    read as the first century; ISO date-times keep the date as written whatever their time zone; text that
    is an Excel serial day number (as a CSV saved from a General-formatted cell holds) is read as one.
    """
    array = as_arrow_text(text)
    sample = array.slice(0, 200).drop_null()
    ranked = sorted(DATE_FORMATS, key=lambda fmt: -_parsed_count(sample, fmt))
    parsed = pa.nulls(len(array), type=pa.timestamp("s"))
    for fmt in ranked:
        missing = pc.and_(pc.is_null(parsed), pc.is_valid(array))
        if not pc.any(missing).as_py():
            break
        attempt = pc.strptime(pc.if_else(missing, array, None), format=fmt, unit="s", error_is_null=True)
        parsed = pc.coalesce(parsed, _real_dates(array, attempt, DAY_LAST if fmt.startswith("%Y") else DAY_FIRST))
    result = parsed.to_pandas().set_axis(text.index)
    left = (result.isna() & text.notna()).to_numpy(dtype=bool)
    if left.any():
        rest = text[left]
        iso = rest.str.extract(ISO_DATETIME)[0]
        if iso.notna().any():
            dates = iso.dropna()
            array = as_arrow_text(dates)
            attempt = pc.strptime(array, format="%Y-%m-%d", unit="s", error_is_null=True)
            result[dates.index] = _real_dates(array, attempt, DAY_LAST).to_pandas().to_numpy()
        serial = rest[rest.str.match(SERIAL_TEXT).fillna(False).to_numpy(dtype=bool)]
        if len(serial):
            result[serial.index] = _from_serial(pd.to_numeric(serial.str.strip(), errors="coerce")).to_numpy()
    return result.dt.normalize().astype("datetime64[s]")


def _real_dates(array: pa.Array, attempt: pa.Array, day_pattern: str) -> pa.Array:
    """``attempt`` without dates strptime rolled over (31/02 -> 2/03) or read with a two-digit year as
    the year 16 AD: both become missing, for the next format to try."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if isinstance(attempt, pa.ChunkedArray):
        attempt = attempt.combine_chunks()
    early = pc.fill_null(pc.less(attempt, pa.scalar(dt.datetime(100, 1, 1), attempt.type)), False)
    if pc.any(early).as_py():
        attempt = pc.if_else(early, pa.scalar(None, attempt.type), attempt)
    day = pc.day(attempt)
    suspect = pc.fill_null(pc.less_equal(day, 3), False)  # a rolled-over date lands on the 1st to 3rd
    if not pc.any(suspect).as_py():
        return attempt
    positions = np.flatnonzero(suspect.to_numpy(zero_copy_only=False))
    written = pc.struct_field(pc.extract_regex(array.take(positions), day_pattern), [0])
    written = pc.cast(pc.if_else(pc.equal(written, ""), None, written), pa.int64())
    rolled = pc.fill_null(pc.not_equal(written, day.take(positions)), False).to_numpy(zero_copy_only=False)
    if not rolled.any():
        return attempt
    keep = np.ones(len(attempt), dtype=bool)
    keep[positions[rolled]] = False
    return pc.if_else(pa.array(keep), attempt, pa.scalar(None, attempt.type))


def _from_serial(days: pd.Series) -> pd.Series:
    """Excel serial day numbers (1950 .. 2099) to dates at midnight; anything else missing."""
    ok = days.between(FIRST_SERIAL, LAST_SERIAL)
    whole = np.floor(days.where(ok).astype("float64"))
    return (EXCEL_EPOCH + pd.to_timedelta(whole, unit="D")).astype("datetime64[s]")


def _parsed_count(sample: pa.Array, fmt: str) -> int:
    return pc.count(pc.strptime(sample, format=fmt, unit="s", error_is_null=True)).as_py()


NUMBER_TEXT = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"


def _arrow_numbers(raw: pd.Series, *, percent: bool = False) -> pd.Series:
    """Text to numbers with pyarrow; only cells that are not plain numbers go through the slow path
    (thousands separators, pound signs, invisible characters; for numbers, a percent sign: 45% -> 45, the
    percentage points a percentage KPI is reported in)."""
    array = as_arrow_text(raw)
    try:  # the common case: every cell is a plain number, and one cast reads the whole column
        numbers = pc.cast(array, pa.float64())
        if pc.all(pc.is_finite(numbers)).as_py() is not False:
            return pd.Series(pd.array(numbers.to_numpy(zero_copy_only=False), dtype="Float64"),
                             index=raw.index).mask(raw.isna())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    plain = pc.fill_null(pc.match_substring_regex(array, NUMBER_TEXT), False)
    numbers = pc.cast(pc.utf8_trim_whitespace(pc.if_else(plain, array, None)), pa.float64())
    result = numbers.to_pandas().set_axis(raw.index).astype("Float64")
    other = ~plain.to_numpy(zero_copy_only=False) & raw.notna().to_numpy(dtype=bool)
    if other.any():
        cleaned = _drop_thousands(_strip(raw[other].str.replace("£", "", regex=False)))
        if percent:
            cleaned = cleaned.str.removesuffix("%")
        result[other] = pd.to_numeric(cleaned.where(cleaned.str.match(NUMBER_TEXT), None), errors="coerce")
    return result


THOUSANDS = r"^[+-]?£?\d{1,3}(,\d{3})+(\.\d*)?%?$"


def _drop_thousands(text: pd.Series) -> pd.Series:
    """1,234,567 -> 1234567. A comma anywhere else (1,5 as a decimal comma, 12,34) is left in, so the cell
    is reported as not a number rather than read as 15 or 1234."""
    grouped = text.str.match(THOUSANDS).fillna(False).to_numpy(dtype=bool)
    if not grouped.any():
        return text
    return text.where(~grouped, text.str.replace(",", "", regex=False))


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    assert isinstance(value, dt.date)
    return dt.datetime(value.year, value.month, value.day)


MONTH_TEXT = r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$"


def _as_month(raw: pd.Series, blank: np.ndarray) -> Coerced:
    """yyyy-mm (or mm/yyyy). A full date with a day other than the 1st is a date of birth: a privacy error."""
    if _is_text_column(raw):
        plain = regex_mask(raw.str.strip(), MONTH_TEXT)
        if plain.all() or (plain | blank).all():
            values = raw.str.strip().mask(blank).astype(PANDAS_DTYPES["month"])
            return Coerced(values, np.zeros(len(raw), dtype=bool), np.zeros(len(raw), dtype=bool))
    text = raw.map(_cell_text, na_action="ignore").astype("str").str.strip()
    month = text.str.extract(r"^(\d{4})[-/](\d{1,2})$")
    swapped = text.str.extract(r"^(\d{1,2})[-/](\d{4})$")
    year = month[0].fillna(swapped[1])
    mon = month[1].fillna(swapped[0])
    as_date = _parse_dates(raw, blank | year.notna().to_numpy(dtype=bool))
    full_date = as_date.notna().to_numpy(dtype=bool)
    first_of_month = full_date & (as_date.dt.day == 1).fillna(False).to_numpy(dtype=bool)
    birth_date = full_date & ~first_of_month
    year = year.mask(pd.Series(first_of_month, index=raw.index), as_date.dt.year.astype("Int64").astype("str"))
    mon = mon.mask(pd.Series(first_of_month, index=raw.index), as_date.dt.month.astype("Int64").astype("str"))
    number = pd.to_numeric(mon, errors="coerce")
    year_number = pd.to_numeric(year, errors="coerce")
    valid = number.between(1, 12) & year_number.between(FIRST_YEAR, LAST_YEAR)
    values = (year.str.zfill(4) + "-" + mon.str.zfill(2)).where(valid).astype(PANDAS_DTYPES["month"])
    unreadable = values.isna().to_numpy(dtype=bool) & ~blank & ~birth_date
    return Coerced(values.mask(blank), unreadable, birth_date)
