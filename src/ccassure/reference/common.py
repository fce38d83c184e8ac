"""Shared helpers for the reference-data importers: file checks, located errors, header matching.

Every importer selects columns by header name (exact, or by prefix / pattern where the publisher varies
the wording), never by position, and reports bad input as :class:`ReferenceFileError` naming the file and,
where it applies, the row (as numbered in the file, header = its own line) and the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from ccassure.contracts import Contract, load_contracts
from ccassure.contracts.dtypes import conform

MAX_REFERENCE_BYTES = 2_500_000_000   # the NSPL/ONSPD CSV is about 1 GB; anything far larger is not ours
ENCODINGS = ("utf-8-sig", "cp1252")
MISSING_MARKERS = frozenset({"", "z", "c", "x", "low", ":", "..", "-", "u", "~"})


class ReferenceFileError(ValueError):
    """A reference file that cannot be imported; names the file, and the row and column where it applies."""

    def __init__(self, file: Path | str, message: str, *, row: int | None = None, column: str | None = None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.detail = message
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(", ".join(where) + ": " + message)


def check_file(path: Path | str, *, limit: int | None = None, suffixes: Sequence[str] = ()) -> Path:
    """The path, after checking it is a readable, non-empty file under the size limit."""
    path = Path(path)
    limit = MAX_REFERENCE_BYTES if limit is None else limit
    if not path.exists():
        raise ReferenceFileError(path, "file not found")
    if not path.is_file():
        raise ReferenceFileError(path, "is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise ReferenceFileError(path, "the file is empty")
    if size > limit:
        raise ReferenceFileError(path, f"the file is {size / 1e6:,.0f} MB, over the {limit / 1e6:,.0f} MB limit")
    if suffixes and path.suffix.lower() not in suffixes:
        raise ReferenceFileError(path, f"expected a {' or '.join(suffixes)} file, got {path.suffix or 'no extension'!r}")
    return path


def detect_encoding(path: Path, encodings: Iterable[str] = ENCODINGS) -> str:
    """The first encoding that decodes the whole file (UTF-8 first; Windows-1252 as GIAS publishes).

    The file is decoded in blocks, so a 1 GB postcode file is never held in memory at once."""
    import codecs

    with path.open("rb") as handle:
        if b"\x00" in handle.read(4096):
            raise ReferenceFileError(path, "this is a binary file, not a CSV text file")
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 22), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ReferenceFileError(path, "the text encoding is neither UTF-8 nor Windows-1252")


def read_header(path: Path, encoding: str) -> list[str]:
    try:
        frame = pd.read_csv(path, nrows=0, dtype=str, encoding=encoding)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(path, f"cannot read the header line as CSV ({exc})") from None
    return [str(c) for c in frame.columns]


def read_csv_columns(path: Path, wanted: Sequence[str], *, encoding: str | None = None) -> pd.DataFrame:
    """Read only the named columns, every value as text ('' for empty)."""
    encoding = encoding or detect_encoding(path)
    try:
        frame = pd.read_csv(path, usecols=list(dict.fromkeys(wanted)), dtype=str, keep_default_na=False,
                            encoding=encoding, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(path, f"not a valid CSV file ({exc})") from None
    return frame


@dataclass(frozen=True)
class CsvFile:
    """A checked CSV file with its encoding and header: what every CSV importer starts from
    (``registry.importer`` opens it), so that each picks its columns and reads only those."""

    path: Path
    encoding: str
    header: list[str]

    @classmethod
    def open(cls, path: Path | str) -> CsvFile:
        checked = check_file(path, suffixes=(".csv",))
        encoding = detect_encoding(checked)
        return cls(checked, encoding, read_header(checked, encoding))

    def column(self, *names: str, **options: object) -> str | None:
        """The header matching one of ``names`` (see :func:`find_column` for the options)."""
        return find_column(self.path, self.header, *names, **options)  # type: ignore[arg-type]

    def pick(self, required: dict[str, str | tuple[str, ...]],
             optional: dict[str, str | tuple[str, ...]] | None = None) -> SimpleNamespace:
        """The headers playing each role, by the names each role may have (``None`` for an absent optional
        one): ``csv.pick({"urn": "URN"}, optional={"sex": ("sex", "gender")}).urn``."""
        def names(value: str | tuple[str, ...]) -> tuple[str, ...]:
            return (value,) if isinstance(value, str) else value

        found = {role: self.column(*names(v)) for role, v in required.items()}
        found |= {role: self.column(*names(v), required=False) for role, v in (optional or {}).items()}
        return SimpleNamespace(**found)

    def read(self, *columns: str | None) -> pd.DataFrame:
        """The named columns (``None`` skipped: an optional column that is absent), every value as text."""
        return read_csv_columns(self.path, [c for c in columns if c], encoding=self.encoding)


def norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().lower()


def find_column(path: Path, columns: Sequence[str], *names: str, prefix: bool = False,
                pattern: str | None = None, required: bool = True, what: str | None = None) -> str | None:
    """The header that matches one of ``names`` (case and spacing ignored), by prefix when asked, or by
    regular expression; ``None`` (or an error naming what is missing, if required) when none does."""
    normalised = {norm(c): c for c in columns}
    for name in names:
        if norm(name) in normalised:
            return normalised[norm(name)]
    if prefix:
        for name in names:
            for key, original in normalised.items():
                if key.startswith(norm(name)):
                    return original
    if pattern is not None:
        for key, original in normalised.items():
            if re.fullmatch(pattern, key):
                return original
    if required:
        label = what or " or ".join(repr(n) for n in names)
        raise ReferenceFileError(path, f"no column {label} in the header (is this the right file for this import?)")
    return None


def to_integer(path: Path, frame: pd.DataFrame, column: str, *, row_offset: int = 2,
               missing: frozenset[str] = MISSING_MARKERS) -> pd.Series:
    """Whole numbers from text; suppression markers and blanks become missing; anything else is an error."""
    return _numbers(path, frame, column, row_offset, missing, whole=True).astype("Int64")


def to_number(path: Path, frame: pd.DataFrame, column: str, *, row_offset: int = 2,
              missing: frozenset[str] = MISSING_MARKERS) -> pd.Series:
    """Numbers from text; suppression markers and blanks become missing; anything else is an error."""
    return _numbers(path, frame, column, row_offset, missing, whole=False)


def _numbers(path: Path, frame: pd.DataFrame, column: str, row_offset: int, missing: frozenset[str],
             whole: bool) -> pd.Series:
    values = frame[column].astype("str").str.strip()
    blank = values.str.lower().isin(missing)
    numbers = pd.to_numeric(values.where(~blank), errors="coerce")
    bad = numbers.isna() & ~blank
    if whole:
        bad = bad | (numbers.notna() & (numbers != numbers.round()))
    _raise_first_bad(path, frame, column, bad, values, "a whole number" if whole else "a number", row_offset)
    return numbers.astype("Float64")


def _raise_first_bad(path: Path, frame: pd.DataFrame, column: str, bad: pd.Series, values: pd.Series,
                     what: str, row_offset: int) -> None:
    if bool(bad.any()):
        position = int(bad.to_numpy().nonzero()[0][0])
        count = int(bad.sum())
        more = f" ({count - 1} more rows like it)" if count > 1 else ""
        raise ReferenceFileError(path, f"expected {what}, found {values.iloc[position]!r}{more}",
                                 row=position + row_offset, column=column)


def check_range(path: Path, frame: pd.DataFrame, values: pd.Series, column: str, lo: float, hi: float,
                *, row_offset: int = 2) -> None:
    bad = values.notna() & ((values < lo) | (values > hi))
    bad = bad.fillna(False).astype(bool)
    if bool(bad.any()):
        position = int(bad.to_numpy().nonzero()[0][0])
        raise ReferenceFileError(path, f"value {values.iloc[position]} is outside {lo}..{hi}",
                                 row=position + row_offset, column=column)


PCDS = r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}"


def normalise_postcode(values: pd.Series) -> pd.Series:
    """Upper case with one space before the inward code (the ONS ``pcds`` form); blanks stay missing."""
    values = values.astype("str")
    done = values.str.fullmatch(PCDS).fillna(False).astype(bool)
    if bool(done.all()):
        return values
    rest = values[~done]
    text = rest.str.upper().str.replace(r"\s+", "", regex=True)
    text = text.where(text.str.len() >= 5)
    out = values.copy()
    out[~done] = (text.str[:-3] + " " + text.str[-3:]).astype("str")
    return out


def reference_contract(table: str) -> Contract:
    """The contract of a reference table (from the project's data_contracts/)."""
    return load_contracts()[table]


def finish(frame: pd.DataFrame, table: str, path: Path) -> pd.DataFrame:
    """Conform to the table's contract and check its primary key is unique and required columns filled."""
    contract = reference_contract(table)
    if frame.empty:
        raise ReferenceFileError(path, f"no data rows for {table} were found (only a header?)")
    out = conform(frame.reset_index(drop=True), contract)
    for spec in contract.columns:
        if spec.required and bool(out[spec.name].isna().any()):
            position = int(out[spec.name].isna().to_numpy().nonzero()[0][0])
            raise ReferenceFileError(path, f"{spec.name} is missing on a data row (data row {position + 1})")
    if contract.primary_key:
        dup = out.duplicated(list(contract.primary_key), keep="first")
        if bool(dup.any()):
            first = out.loc[dup].iloc[0]
            key = ", ".join(f"{k}={first[k]}" for k in contract.primary_key)
            raise ReferenceFileError(path, f"the key ({key}) appears on more than one row")
    return out
