"""The returns store: one embedded DuckDB file, append-only submissions, readable as at any date.

Layout: one DuckDB table per contract table (contract columns at their DuckDB types, plus
``submission_id``), ``submissions`` (one row per submission or reference import) and ``store_meta``
(``schema_version``). Nothing is ever deleted: a resubmission for the same provider, period and dataset
marks the earlier one ``superseded`` (with ``superseded_by`` and ``superseded_at``), and a read "as at" a
moment sees the submissions that were active then.

Safety: every submission is written in one DuckDB transaction (a process killed half way leaves the file
as it was); writers take an exclusive lock file beside the store and readers a shared one, waiting a
bounded time before failing with a clear "busy" message.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from ccassure.contracts import Contract, ContractSet, load_contracts
from ccassure.contracts.dtypes import DUCKDB_TYPES, PANDAS_DTYPES, conform
from ccassure.store import schema, views
from ccassure.store.errors import (
    DuplicateSubmission,
    StoreBusy,
    StoreError,
    StoreSchemaError,
    SubmissionRefused,
)
from ccassure.store.lock import StoreLock
from ccassure.store.plausible import check_plausible

RETURN_DATASETS = ("provider_return", "authority_records")
# A contract with role: event (its event_date column dates each row) is read, for a period, with the rows
# dated inside the period from every submission whose period overlaps it; every other return table is a
# snapshot, read from each provider's latest submission within the period.
PROVIDER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
TEST_PAUSE_ENV = "CCASSURE_STORE_TEST_PAUSE"   # test hook: pause inside the write transaction
MAX_SUBMISSION_BYTES = 2_000_000_000


@dataclass(frozen=True)
class Submission:
    submission_id: str
    provider: str
    period: str
    dataset: str
    file_name: str | None
    content_sha256: str
    submitted_at: datetime
    submitter: str | None
    status: str = "active"
    row_counts: dict[str, int] = field(default_factory=dict)
    superseded: tuple[str, ...] = ()
    superseded_by: str | None = None
    superseded_at: datetime | None = None
    validation: dict[str, Any] | None = None

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())

    def __str__(self) -> str:
        replaced = f", superseding {', '.join(self.superseded)}" if self.superseded else ""
        return (f"{self.submission_id}: {self.dataset} for {self.provider} {self.period}, {self.rows:,} rows"
                f"{replaced}")


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


def file_sha256(path: Path) -> tuple[str, int]:
    """SHA-256 of a file, or of a folder's files (relative names and bytes, sorted); and the byte count."""
    digest = hashlib.sha256()
    total = 0
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for item in files:
        if path.is_dir():
            digest.update(str(item.relative_to(path)).encode() + b"\0")
        with item.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
                total += len(block)
    return digest.hexdigest(), total


def tables_sha256(tables: Mapping[str, pd.DataFrame]) -> str:
    """SHA-256 of typed tables' contents (for submissions made from frames rather than a file): the Arrow IPC
    bytes of each table in name order."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        table = pa.Table.from_pandas(tables[name], preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        digest.update(name.encode() + b"\0")
        digest.update(memoryview(sink.getvalue()))
    return digest.hexdigest()


def default_submitter() -> str | None:
    for env in ("CCASSURE_SUBMITTER", "USER", "USERNAME"):
        if os.environ.get(env):
            return os.environ[env]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _new_id(now: datetime) -> str:
    return f"S{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def _period(text: str):
    from ccassure.periods import parse_period

    try:
        return parse_period(text)
    except ValueError as exc:
        raise StoreError(str(exc)) from None


def _test_pause() -> None:
    """Test hook: with CCASSURE_STORE_TEST_PAUSE=<file>, create the file inside the write transaction and wait
    while it exists (at most CCASSURE_STORE_TEST_PAUSE_SECONDS, default 60), so a test can kill this process
    or start another one at that exact point."""
    marker = os.environ.get(TEST_PAUSE_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()))
        deadline = time.monotonic() + float(os.environ.get("CCASSURE_STORE_TEST_PAUSE_SECONDS", "60"))
        while time.monotonic() < deadline and Path(marker).exists():
            time.sleep(0.02)


def _types_mapper(arrow_type: pa.DataType) -> Any:
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    return None


def arrow_to_frame(table: pa.Table, contract: Contract) -> pd.DataFrame:
    """A DuckDB result as a frame typed per dtypes.py, plus ``submission_id``."""
    frame = table.to_pandas(types_mapper=_types_mapper, date_as_object=False)
    for spec in contract.columns:
        if spec.type == "date" and spec.name in frame and str(frame[spec.name].dtype) != "datetime64[s]":
            frame[spec.name] = frame[spec.name].astype("datetime64[s]")
    typed = conform_fast(frame.drop(columns=["submission_id"], errors="ignore"), contract)
    typed["submission_id"] = frame["submission_id"].astype("str") if "submission_id" in frame else \
        pd.Series(dtype="str", index=frame.index)
    return typed


_EMPTY: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}


def empty_frame(contract: Contract) -> pd.DataFrame:
    key = (contract.table, tuple(f"{spec.name}:{spec.type}" for spec in contract.columns))
    if key not in _EMPTY:
        frame = pd.DataFrame({spec.name: pd.Series(dtype=PANDAS_DTYPES[spec.type]) for spec in contract.columns})
        frame["submission_id"] = pd.Series(dtype="str")
        _EMPTY[key] = frame
    return _EMPTY[key].copy()


def conform_fast(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """conform(), skipped when the frame already has exactly the contract's columns at their dtypes."""
    names = contract.column_names
    if list(frame.columns) == names and all(
            str(frame[spec.name].dtype) == _dtype_name(spec.type) for spec in contract.columns):
        return frame
    return conform(frame, contract)


_DTYPE_NAMES: dict[str, str] = {}


def _dtype_name(column_type: str) -> str:
    if column_type not in _DTYPE_NAMES:
        _DTYPE_NAMES[column_type] = str(pd.Series(dtype=PANDAS_DTYPES[column_type]).dtype)
    return _DTYPE_NAMES[column_type]


@dataclass
class _Selection:
    """Which submissions feed each table for one read (and the context needed to filter rows)."""

    per_table: dict[str, list[str]]
    candidates: dict[str, list[str]]        # dataset -> all candidate submissions (before latest-per-provider)
    reference_order: list[str]              # reference submissions, newest first
    columns: dict[str, set[str]] = field(default_factory=dict)   # table -> columns present in the file


class Store:
    """The returns store. ``Store()`` uses the project's store (``CCASSURE_STORE`` overrides)."""

    def __init__(self, path: Path | str | None = None, *, contracts: ContractSet | None = None,
                 wait: float | None = None):
        if path is None:
            from ccassure.project import current_project

            path = current_project().store_path
        self.path = Path(path)
        self._contracts = contracts
        self.wait = wait

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def contracts(self) -> ContractSet:
        if self._contracts is None:
            self._contracts = load_contracts()
        return self._contracts

    # ------------------------------------------------------------------ connections

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            config = {} if self.path.exists() else {"storage_compatibility_version": views.STORAGE_COMPATIBILITY}
            return duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreBusy(f"The store {self.path} is busy: another program has it open ({text.splitlines()[0]}). "
                                "Close it (e.g. a notebook connection) and try again.") from None
            raise StoreSchemaError(f"{self.path} cannot be opened as a ccassure store: {text.splitlines()[0]}") from None
        except duckdb.Error as exc:
            raise StoreSchemaError(f"{self.path} cannot be opened as a ccassure store: {str(exc).splitlines()[0]}") \
                from None

    def _check_version(self, version: int | None) -> None:
        if version == -1:
            raise StoreSchemaError(f"{self.path} is a DuckDB file but not a ccassure store (no store_meta "
                                   "schema_version); point CCASSURE_STORE at another file.")
        if version is not None and version > schema.SCHEMA_VERSION:
            raise StoreSchemaError(
                f"The store {self.path} was written by a newer ccassure (store schema version {version}; this "
                f"ccassure understands up to {schema.SCHEMA_VERSION}). Upgrade ccassure to read it; the file was "
                "not changed.")

    @contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with StoreLock(self.path, exclusive=True, wait=self.wait):
            con = self._connect(read_only=False)
            try:
                self._prepare(con)
                yield con
            finally:
                con.close()

    def _prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create a new store, migrate an older one, refuse a newer one; add tables/columns contracts gained."""
        meta = schema.read_meta(con)
        version = schema.version_of(meta)
        self._check_version(version)
        fingerprint = schema.contracts_fingerprint(self.contracts)
        if version == schema.SCHEMA_VERSION and meta.get("contracts") == fingerprint and views.views_current(meta):
            return
        con.execute("BEGIN TRANSACTION")
        try:
            if version is None:
                schema.create_current(con, self.contracts)
            else:
                for step in range(version, schema.SCHEMA_VERSION):
                    schema.MIGRATIONS[step](con)
                    schema.set_version(con, step + 1)
            schema.sync_contract_tables(con, self.contracts)
            schema.set_meta(con, "contracts", fingerprint)
            views.create_views(con, self.contracts)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    @contextmanager
    def session(self) -> Iterator[Store]:
        """Every read inside shares one read-only connection (and one shared lock): a check makes a dozen
        reads, and opening the file for each costs more than the reads on a small store. Nothing can be
        submitted meanwhile (the lock is held), so what the reads see is consistent."""
        if getattr(self, "_session", None) is not None:
            yield self
            return
        with self._reading() as con:
            self._session, self._memo = con, {}
            try:
                yield self
            finally:
                self._session, self._memo = None, None

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read-only connection under a shared lock, or None when there is no store yet.

        An older store is migrated first (under the write lock); a newer one is refused."""
        if getattr(self, "_session", None) is not None:
            yield self._session
            return
        if not self.path.exists():
            yield None
            return
        for attempt in range(2):
            lock: StoreLock | None = StoreLock(self.path, exclusive=False, wait=self.wait).__enter__()
            con = None
            try:
                con = self._connect(read_only=True)
                meta = schema.read_meta(con)
                version = schema.version_of(meta)
                self._check_version(version)
                self._in_sync = bool(meta) and meta.get("contracts") == schema.contracts_fingerprint(self.contracts)
                if version is not None and version < schema.SCHEMA_VERSION and attempt == 0:
                    con.close()
                    con = None
                    lock.__exit__()
                    lock = None
                    self.migrate()
                    continue
                yield None if version is None else con
                return
            finally:
                if con is not None:
                    con.close()
                if lock is not None:
                    lock.__exit__()

    def schema_version(self) -> int | None:
        """The schema version recorded in the file (None when there is no store yet)."""
        if not self.path.exists():
            return None
        with StoreLock(self.path, exclusive=False, wait=self.wait):
            con = self._connect(read_only=True)
            try:
                return schema.read_version(con)
            finally:
                con.close()

    def migrate(self) -> int:
        """Create or upgrade the store file; returns the schema version."""
        with self._writing():
            pass
        return schema.SCHEMA_VERSION

    # ------------------------------------------------------------------ writing

    def submit(self, path_or_result: Path | str | Any, *, provider: str, period: str, submitter: str | None = None,
               accept_warnings: bool = False) -> Submission:
        """Validate (when given a path) and store a return; refuses returns with errors, and with warnings
        unless ``accept_warnings``. Supersedes the active submission for the same provider, period and
        dataset. Raises :class:`SubmissionRefused`, :class:`DuplicateSubmission`, :class:`StoreBusy`."""
        period = self._check_provider_period(provider, period)
        file_bytes = None
        if isinstance(path_or_result, (str, Path)):
            path = Path(path_or_result)
            if not path.exists():
                raise StoreError(f"{path} does not exist; nothing was stored.")
            sha, file_bytes = file_sha256(path)
            if file_bytes > MAX_SUBMISSION_BYTES:
                raise StoreError(f"{path} is {file_bytes / 1e6:,.0f} MB, over the "
                                 f"{MAX_SUBMISSION_BYTES / 1e6:,.0f} MB limit; nothing was stored.")
            from ccassure.validation import validate

            result = validate(path)
            file_name = path.name
        else:
            result = path_or_result
            file_name = Path(str(getattr(result, "source", "") or "")).name or None
            sha = None
        source = file_name or "the return"
        if getattr(result, "dataset", None) == "authority_records":  # intake: a centre the store does not know
            from ccassure.validation.across_datasets import check_against_store

            check_against_store(result, self, provider)
        if getattr(result, "unreadable", False):
            first = result.errors[0].message if result.errors else "it cannot be read"
            raise SubmissionRefused(f"{source} cannot be read ({first}); nothing was stored.", result, exit_code=2)
        if result.has_errors:
            raise SubmissionRefused(
                f"{source} has {len(result.errors)} error(s); nothing was stored. Run `ccassure validate` to see "
                "them, correct the return and submit again.", result)
        if result.warnings and not accept_warnings:
            raise SubmissionRefused(
                f"{source} has {len(result.warnings)} warning(s); nothing was stored. Review them "
                "(`ccassure validate`) and submit again with --accept-warnings (accept_warnings=True) to store it.",
                result)
        dataset = result.dataset
        if dataset not in RETURN_DATASETS:
            hint = " Reference data is loaded with `ccassure import KIND FILE`." if dataset == "reference" else ""
            raise SubmissionRefused(f"{source} is not a provider return or authority records (dataset "
                                    f"{dataset!r}); nothing was stored.{hint}", result, exit_code=2)
        validation = result.to_dict() if hasattr(result, "to_dict") else None
        return self.store_tables(result.tables, dataset=dataset, provider=provider, period=period,
                                 submitter=submitter, file_name=file_name, content_sha256=sha,
                                 validation=validation, file_bytes=file_bytes)

    def _check_provider_period(self, provider: str, period: str) -> str:
        """The canonical period label ("2016q4" -> "2016Q4"), after checking provider and period."""
        if not provider or not PROVIDER_PATTERN.match(provider):
            raise StoreError(f"provider {provider!r} is not a valid reference: use letters, digits, '-', '_' or "
                             "'.', e.g. PRV-ACTION or E10000016.")
        parsed = _period(period)
        check_plausible(parsed)  # store/plausible.py
        return parsed.label

    @staticmethod
    def _check_authority_records(tables: Mapping[str, pd.DataFrame], provider: str) -> None:
        if not re.fullmatch(r"E(06|07|08|09|10)[0-9]{6}", provider):
            raise StoreError(f"authority records are submitted under the authority's ONS code (e.g. --provider "
                             f"E10000016), not {provider!r}; nothing was stored.")
        for name, frame in tables.items():
            if "authority_code" in frame.columns:
                others = sorted({str(v) for v in frame["authority_code"].dropna().unique()} - {provider})
                if others:
                    raise StoreError(f"{name} has rows for {', '.join(others[:3])}, but these records are being "
                                     f"submitted for {provider}; submit each authority's records under its own "
                                     "code. Nothing was stored.")

    def store_tables(self, tables: Mapping[str, pd.DataFrame], *, dataset: str, provider: str, period: str,
                     submitter: str | None = None, file_name: str | None = None, content_sha256: str | None = None,
                     validation: dict[str, Any] | None = None, file_bytes: int | None = None) -> Submission:
        """Store already-validated typed tables as one submission (the lower level under :meth:`submit`)."""
        if dataset == "reference":
            if provider != "reference":
                raise StoreError("reference tables are stored with provider 'reference' (use import_reference)")
        else:
            if dataset not in RETURN_DATASETS:
                raise StoreError(f"unknown dataset {dataset!r}")
            period = self._check_provider_period(provider, period)
        if dataset == "authority_records":
            self._check_authority_records(tables, provider)
        frames: dict[str, pd.DataFrame] = {}
        for name, frame in tables.items():
            if name not in self.contracts:
                raise StoreError(f"no contract for table {name!r}; nothing was stored.")
            contract = self.contracts[name]
            if contract.dataset != dataset:
                raise StoreError(f"table {name!r} belongs to {contract.dataset}, not {dataset}; nothing was stored.")
            frames[name] = conform_fast(frame, contract)
        sha = content_sha256 or tables_sha256(frames)
        now = utc_now()
        submission_id = _new_id(now)
        submitter = submitter or default_submitter()
        row_counts = {name: len(frame) for name, frame in sorted(frames.items())}
        with self._writing() as con:
            self._refuse_duplicate(con, sha, dataset, provider, period, file_name)
            con.execute("BEGIN TRANSACTION")
            try:
                previous = [row[0] for row in con.execute(
                    "SELECT submission_id FROM submissions WHERE provider = ? AND period = ? AND dataset = ? "
                    "AND status = 'active' ORDER BY submitted_at", [provider, period, dataset]).fetchall()]
                if previous:
                    con.execute("UPDATE submissions SET status = 'superseded', superseded_by = ?, superseded_at = ? "
                                "WHERE provider = ? AND period = ? AND dataset = ? AND status = 'active'",
                                [submission_id, now, provider, period, dataset])
                con.execute(
                    "INSERT INTO submissions (submission_id, provider, period, dataset, file_name, content_sha256, "
                    "submitted_at, submitter, status, superseded_by, superseded_at, validation, row_counts, "
                    "file_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, NULL, ?, ?, ?)",
                    [submission_id, provider, period, dataset, file_name, sha, now, submitter,
                     json.dumps(validation, default=str) if validation is not None else None,
                     json.dumps(row_counts), file_bytes])
                for name, frame in frames.items():
                    self._insert(con, self.contracts[name], frame, submission_id)
                if dataset == "reference" and "postcodes" in frames:
                    con.execute(schema.points_insert_sql(), [submission_id])
                if dataset == "reference" and "lsoa_population" in frames:
                    self._fill_points(con, submission_id)
                _test_pause()
                con.execute("COMMIT")
            except BaseException:
                with suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
        return Submission(submission_id=submission_id, provider=provider, period=period, dataset=dataset,
                          file_name=file_name, content_sha256=sha, submitted_at=now, submitter=submitter,
                          row_counts=row_counts, superseded=tuple(previous), validation=validation)

    def _refuse_duplicate(self, con: duckdb.DuckDBPyConnection, sha: str, dataset: str, provider: str, period: str,
                          file_name: str | None) -> None:
        rows = con.execute("SELECT submission_id, provider, period, submitted_at, file_name FROM submissions "
                           "WHERE content_sha256 = ? AND dataset = ? AND status = 'active' ORDER BY submitted_at",
                           [sha, dataset]).fetchall()
        if not rows:
            return
        existing, other_provider, other_period, when, other_file = rows[0]
        what = file_name or "this content"
        if dataset == "reference":
            raise DuplicateSubmission(f"{what} is identical (same SHA-256) to reference import {existing} of "
                                      f"{when:%Y-%m-%d %H:%M} UTC; nothing changed.", existing)
        if other_provider == provider and other_period == period:
            raise DuplicateSubmission(
                f"{what} is identical (same SHA-256) to submission {existing} for {provider} {period}, submitted "
                f"{when:%Y-%m-%d %H:%M} UTC; nothing was stored.", existing)
        raise DuplicateSubmission(
            f"{what} is identical (same SHA-256) to submission {existing} ({other_file or 'a file'}) already stored "
            f"for {other_provider} {other_period}; the same file cannot stand for {provider} {period}. "
            "Nothing was stored; check you picked the right file.", existing)

    @staticmethod
    def _insert(con: duckdb.DuckDBPyConnection, contract: Contract, frame: pd.DataFrame, submission_id: str) -> None:
        if frame.empty:
            return
        view = f"_ccassure_in_{contract.table}"
        con.register(view, frame)
        try:
            columns = ", ".join(schema.quote(spec.name) for spec in contract.columns)
            values = ", ".join(f"CAST({schema.quote(spec.name)} AS {DUCKDB_TYPES[spec.type]})"
                               for spec in contract.columns)
            con.execute(f"INSERT INTO {schema.quote(contract.table)} ({columns}, submission_id) "
                        f"SELECT {values}, ? FROM {view}", [submission_id])
        finally:
            con.unregister(view)

    def _fill_points(self, con: duckdb.DuckDBPyConnection, submission_id: str) -> None:
        """Representative LSOA points from the current postcodes, where the population rows have none."""
        postcode_ids = [row[0] for row in con.execute(
            "SELECT submission_id FROM submissions WHERE dataset = 'reference' AND status = 'active' "
            "AND period LIKE 'postcodes%'").fetchall()]
        if not postcode_ids:
            return
        con.execute(f"""
            UPDATE lsoa_population AS p SET easting = pt.e, northing = pt.n
            FROM ({self._points_sql()}) AS pt
            WHERE p.lsoa_code = pt.lsoa_code AND p.submission_id = ? AND (p.easting IS NULL OR p.northing IS NULL)
        """, [postcode_ids, submission_id])

    @staticmethod
    def _points_sql() -> str:
        return ("SELECT lsoa_code, easting AS e, northing AS n FROM lsoa_points "
                "WHERE submission_id IN (SELECT unnest(?::VARCHAR[]))")

    def import_reference(self, kind: str, path: Path | str, *, submitter: str | None = None) -> int:
        """Import a published reference file (a kind of ``ccassure.reference.registry.IMPORTERS`` that reads one
        file); returns the number of rows stored. The new import supersedes the previous one of the
        same table (and IoD version / years), which stays readable as at earlier dates."""
        from ccassure.reference import KINDS, read_reference

        if kind not in KINDS:
            raise StoreError(f"unknown reference kind {kind!r}; choose one of {', '.join(KINDS)}")
        path = Path(path)
        table, frame = read_reference(kind, path)
        sha, size = file_sha256(path)
        key = _reference_key(table, frame)
        submission = self.store_tables({table: frame}, dataset="reference", provider="reference", period=key,
                                       submitter=submitter, file_name=path.name, content_sha256=sha,
                                       validation={"kind": kind, "rows": len(frame)}, file_bytes=size)
        return submission.rows

    def import_reference_tables(self, path_or_result: Path | str | Any, *, submitter: str | None = None
                                ) -> dict[str, int]:
        """Import reference tables already in contract format (a folder of CSV or Parquet files named after the
        reference tables, like sample_data/reference). They are validated first; a folder with errors is
        refused whole. Each table supersedes the previous import of the same table, as import_reference does."""
        result = path_or_result
        if isinstance(path_or_result, (str, Path)):
            from ccassure.validation import validate

            result = validate(Path(path_or_result), contracts=self.contracts, dataset="reference")
        if result.has_errors:
            first = result.errors[0]
            raise SubmissionRefused(f"{result.source} has {len(result.errors)} error(s), e.g. {first.message} "
                                    "Run `ccassure validate` on it; nothing was stored.", result)
        rows: dict[str, int] = {}
        for table, frame in result.tables.items():
            if self.contracts[table].dataset != "reference":
                continue
            submission = self.store_tables({table: frame}, dataset="reference", provider="reference",
                                           period=_reference_key(table, frame), submitter=submitter,
                                           file_name=f"{Path(result.source).name}/{table}",
                                           validation={"kind": "tables", "rows": len(frame)})
            rows[table] = submission.rows
        return rows

    # ------------------------------------------------------------------ reading

    def history(self, provider: str | None = None, period: str | None = None, *,
                dataset: str | None = None) -> pd.DataFrame:
        """Every submission and reference import, oldest first (superseded ones included)."""
        columns = ["submission_id", "provider", "period", "dataset", "file_name", "content_sha256", "submitted_at",
                   "submitter", "status", "superseded_by", "superseded_at", "rows", "warnings", "row_counts"]
        with self._reading() as con:
            if con is None:
                return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
            where, params = [], []
            if period is not None:
                with suppress(StoreError):  # else a reference key such as "postcodes"
                    period = _period(period).label
            for column, value in (("provider", provider), ("period", period), ("dataset", dataset)):
                if value is not None:
                    where.append(f"{column} = ?")
                    params.append(value)
            sql = ("SELECT submission_id, provider, period, dataset, file_name, content_sha256, submitted_at, "
                   "submitter, status, superseded_by, superseded_at, validation, row_counts FROM submissions"
                   + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY submitted_at, submission_id")
            frame = con.sql(sql, params=params).to_arrow_table().to_pandas(types_mapper=_types_mapper)
        counts = frame["row_counts"].map(lambda t: json.loads(t) if isinstance(t, str) and t else {})
        frame["rows"] = counts.map(lambda c: sum(c.values())).astype("Int64")
        frame["warnings"] = frame["validation"].map(_warning_count).astype("Int64")
        frame["row_counts"] = counts
        return frame[columns].reset_index(drop=True)

    def get_many(self, submission_ids: Sequence[str]) -> dict[str, Submission]:
        """Several submissions with their validation summaries, read over one connection."""
        with self._reading() as con:
            rows = [] if con is None else con.execute(
                "SELECT submission_id, provider, period, dataset, file_name, content_sha256, submitted_at, submitter, "
                "status, row_counts, superseded_by, superseded_at, validation FROM submissions "
                "WHERE submission_id IN (SELECT unnest(?::VARCHAR[]))", [list(submission_ids)]).fetchall()
        return {row[0]: Submission(submission_id=row[0], provider=row[1], period=row[2], dataset=row[3],
                                   file_name=row[4], content_sha256=row[5], submitted_at=row[6], submitter=row[7],
                                   status=row[8], row_counts=json.loads(row[9] or "{}"), superseded_by=row[10],
                                   superseded_at=row[11], validation=json.loads(row[12]) if row[12] else None)
                for row in rows}

    def get(self, submission_id: str) -> Submission:
        """One submission with its validation summary."""
        with self._reading() as con:
            rows = [] if con is None else con.execute(
                "SELECT submission_id, provider, period, dataset, file_name, content_sha256, submitted_at, submitter, "
                "status, row_counts, superseded_by, superseded_at, validation FROM submissions "
                "WHERE submission_id = ?", [submission_id]).fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise StoreError(f"no submission {submission_id!r} in {self.path}")
        return Submission(submission_id=row[0], provider=row[1], period=row[2], dataset=row[3], file_name=row[4],
                          content_sha256=row[5], submitted_at=row[6], submitter=row[7], status=row[8],
                          row_counts=json.loads(row[9] or "{}"), superseded_by=row[10], superseded_at=row[11],
                          validation=json.loads(row[12]) if row[12] else None)

    def _tables(self, tables: Sequence[str] | None) -> list[str]:
        names = list(tables) if tables is not None else self.contracts.tables
        unknown = [name for name in names if name not in self.contracts]
        if unknown:
            raise StoreError(f"no contract for table(s) {', '.join(unknown)}; known: {', '.join(self.contracts.tables)}")
        return names

    def _select(self, con: duckdb.DuckDBPyConnection, authority: str | None, period: str | None,
                as_at: datetime | None) -> _Selection:
        where = "status = 'active'" if as_at is None else \
            "submitted_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)"
        params = [] if as_at is None else [as_at, as_at]
        subs = con.execute(f"SELECT submission_id, provider, period, dataset, submitted_at FROM submissions "
                           f"WHERE {where} ORDER BY submitted_at", params).fetchall()
        wanted = _period(period) if period else None

        def span(text: str):
            try:
                return _period(text)
            except StoreError:
                return None

        def latest_per_provider(rows: list[tuple]) -> list[str]:
            best: dict[str, tuple] = {}
            for row in rows:
                p = span(row[2])
                key = (p.end if p else date.min, row[4])
                if row[1] not in best or key > best[row[1]][0]:
                    best[row[1]] = (key, row[0])
            return [value[1] for value in best.values()]

        provider_rows = [r for r in subs if r[3] == "provider_return"]
        if wanted is not None:
            provider_rows = [r for r in provider_rows
                             if (p := span(r[2])) is not None and p.start <= wanted.end and p.end >= wanted.start]
        if authority is not None and provider_rows:
            ids = [r[0] for r in provider_rows]
            inside = {row[0] for row in con.execute(
                "SELECT DISTINCT submission_id FROM centres WHERE authority_code = ? "
                "AND submission_id IN (SELECT unnest(?::VARCHAR[]))", [authority, ids]).fetchall()}
            provider_rows = [r for r in provider_rows if r[0] in inside]
        authority_rows = [r for r in subs if r[3] == "authority_records"
                          and (authority is None or r[1] == authority)]
        if wanted is not None:
            authority_rows = [r for r in authority_rows if (p := span(r[2])) is not None and p.start <= wanted.end]
        reference_rows = [r for r in subs if r[3] == "reference"]
        snapshot = latest_per_provider(provider_rows)
        per_table: dict[str, list[str]] = {}
        for contract in self.contracts:
            if contract.dataset == "provider_return":
                per_table[contract.table] = [r[0] for r in provider_rows] if contract.role == "event" \
                    else snapshot
            elif contract.dataset == "authority_records":
                per_table[contract.table] = latest_per_provider(authority_rows)
            else:
                prefix = contract.table
                per_table[contract.table] = [r[0] for r in reference_rows
                                             if r[2] == prefix or r[2].startswith(prefix + ":")]
        columns: dict[str, set[str]] = {}
        if getattr(self, "_in_sync", False):
            columns = {contract.table: set(contract.column_names) for contract in self.contracts}
        else:
            for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                             "WHERE schema_name = 'main'").fetchall():
                columns.setdefault(table, set()).add(column)
        return _Selection(per_table=per_table,
                          candidates={"provider_return": [r[0] for r in provider_rows]},
                          reference_order=[r[0] for r in reversed(reference_rows)], columns=columns)

    def _table_sql(self, con: duckdb.DuckDBPyConnection, contract: Contract, selection: _Selection,
                   authority: str | None, period: str | None) -> tuple[str, list[Any]]:
        name = contract.table
        existing = selection.columns.get(name, set())
        q = schema.quote
        select = ", ".join(q(spec.name) if spec.name in existing else
                           f"CAST(NULL AS {DUCKDB_TYPES[spec.type]}) AS {q(spec.name)}" for spec in contract.columns)
        ids = selection.per_table.get(name, [])
        conditions = ["submission_id IN (SELECT unnest(?::VARCHAR[]))"]
        params: list[Any] = [ids]
        if period and contract.role == "event":
            p = _period(period)
            conditions.append(f"{q(contract.event_date)} BETWEEN ? AND ?")
            params += [p.start, p.end]
        if authority is not None:
            cond, extra = self._authority_condition(contract, selection, authority)
            if cond:
                conditions.append(cond)
                params += extra
        sql = f"SELECT {select}, submission_id FROM {q(name)} WHERE " + " AND ".join(conditions)
        if contract.dataset == "reference" and len(ids) > 1 and contract.primary_key:
            keys = ", ".join(q(k) for k in contract.primary_key)
            sql += f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY list_position(?, submission_id)) = 1"
            params.append([i for i in selection.reference_order if i in ids])
        if name == "lsoa_population":
            postcode_ids = selection.per_table.get("postcodes", [])
            sql = (f"SELECT p.* REPLACE (coalesce(p.easting, pt.e) AS easting, coalesce(p.northing, pt.n) AS northing) "
                   f"FROM ({sql}) AS p LEFT JOIN ({self._points_sql()}) AS pt ON p.lsoa_code = pt.lsoa_code")
            params.append(postcode_ids)
        return sql, params

    @staticmethod
    def _authority_condition(contract: Contract, selection: _Selection, authority: str) -> tuple[str, list[Any]]:
        """SQL keeping the rows of one authority, from the contract's declared authority scope."""
        candidates = selection.candidates.get("provider_return", [])
        scope, column = contract.authority_scope, contract.authority_column
        if scope == "area":
            postcode_ids = selection.per_table.get("postcodes", [])
            population_ids = selection.per_table.get("lsoa_population", [])
            lsoas = ("lsoa_code IN (SELECT lsoa_code FROM postcodes WHERE authority_code = ? AND submission_id IN "
                     "(SELECT unnest(?::VARCHAR[])) UNION SELECT lsoa_code FROM lsoa_population WHERE "
                     "authority_code = ? AND submission_id IN (SELECT unnest(?::VARCHAR[])))")
            lsoa_params = [authority, postcode_ids, authority, population_ids]
            if column is None:
                return lsoas, lsoa_params
            return f"({schema.quote(column)} = ? OR {lsoas})", [authority, *lsoa_params]
        if scope == "authority_column" and column is not None:
            return f"{schema.quote(column)} = ?", [authority]
        if scope == "centre":
            return ("centre_id IN (SELECT centre_id FROM centres WHERE authority_code = ? AND submission_id IN "
                    "(SELECT unnest(?::VARCHAR[])))", [authority, candidates])
        if scope == "board":
            return ("board_id IN (SELECT board_id FROM boards WHERE authority_code = ? AND submission_id IN "
                    "(SELECT unnest(?::VARCHAR[])))", [authority, candidates])
        return "", []

    def read_tables(self, *, authority: str | None = None, period: str | None = None,
                    as_at: str | date | datetime | None = None,
                    tables: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
        """The current rows of every contract table (or ``tables``), typed per dtypes.py, plus ``submission_id``.

        ``as_at``: read the store as it stood then (a date means the end of that day, UTC).
        ``authority``: rows for centres, boards and records of that authority (ONS code).
        ``period``: "2016Q4" or "2016-17": event tables (sessions, contacts, board meetings) keep rows dated in
        the period from every submission whose period overlaps it; other return tables come from each
        provider's latest submission within the period; authority records from the authority's latest
        submission starting on or before the period's end. Reference tables are not period-filtered.
        """
        names = self._tables(tables)
        moment = as_at_moment(as_at)
        if period is not None:
            _period(period)
        memo = getattr(self, "_memo", None) if getattr(self, "_session", None) is not None else None
        key = (authority, period, moment, tuple(names))
        if memo is not None and key in memo:  # the same read again in one session (event history per quarter)
            return {name: frame.copy(deep=False) for name, frame in memo[key].items()}
        with self._reading() as con:
            if con is None:
                return {name: empty_frame(self.contracts[name]) for name in names}
            selection = self._select(con, authority, period, moment)
            out = {}
            for name in names:
                contract = self.contracts[name]
                if not selection.per_table.get(name) or name not in selection.columns:
                    out[name] = empty_frame(contract)
                    continue
                sql, params = self._table_sql(con, contract, selection, authority, period)
                out[name] = arrow_to_frame(con.sql(sql, params=params).to_arrow_table(), contract)
            if memo is not None:
                memo[key] = {name: frame.copy(deep=False) for name, frame in out.items()}
            return out

    def data_versions(self, *, authority: str | None = None, period: str | None = None,
                      as_at: str | date | datetime | None = None,
                      tables: Sequence[str] | None = None) -> dict[str, list[str]]:
        """For each table, the submission ids a :meth:`read_tables` call with the same arguments reads from."""
        names = self._tables(tables)
        moment = as_at_moment(as_at)
        with self._reading() as con:
            if con is None:
                return {name: [] for name in names}
            selection = self._select(con, authority, period, moment)
        return {name: sorted(selection.per_table.get(name, [])) for name in names}

    def export(self, output_dir: Path | str, period: str | None = None, *, authority: str | None = None,
               as_at: str | date | datetime | None = None, tables: Sequence[str] | None = None,
               format: str = "parquet") -> dict[str, Path]:  # noqa: A002 - the CLI option's name
        """Write the current rows of each table (as :meth:`read_tables` selects them) to ``<table>.parquet``
        (or ``.csv`` with ``format="csv"``), plus ``submissions`` and ``manifest.json`` (the submission ids each
        table came from)."""
        from ccassure.store.csv_export import FORMATS, write_csv

        if format not in FORMATS:
            raise StoreError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
        names = self._tables(tables)
        moment = as_at_moment(as_at)
        if period is not None:
            _period(period)
        output = Path(output_dir)
        output.mkdir(parents=True, exist_ok=True)
        written: dict[str, Path] = {}
        with self._reading() as con:
            if con is None:
                raise StoreError(f"there is no store at {self.path} yet; submit a return first.")
            selection = self._select(con, authority, period, moment)
            for name in names:
                contract = self.contracts[name]
                target = output / f"{name}.{format}"
                tmp = output / f".{name}.{format}.tmp"
                if format == "csv":
                    frame = empty_frame(contract)
                    if name in selection.columns and selection.per_table.get(name):
                        sql, params = self._table_sql(con, contract, selection, authority, period)
                        frame = arrow_to_frame(con.sql(sql, params=params).to_arrow_table(), contract)
                    write_csv(frame, tmp)
                elif name in selection.columns:
                    sql, params = self._table_sql(con, contract, selection, authority, period)
                    con.sql(f"COPY ({sql}) TO '{_sql_path(tmp)}' (FORMAT parquet)", params=params)
                else:  # a contract the store has not seen yet: an empty file with the right columns
                    import pyarrow.parquet as pq

                    pq.write_table(pa.Table.from_pandas(empty_frame(contract), preserve_index=False), tmp)
                os.replace(tmp, target)
                written[name] = target
            target = output / f"submissions.{format}"
            if format == "csv":
                write_csv(con.sql("SELECT * FROM submissions ORDER BY submitted_at").df(), target)
            else:
                con.sql(f"COPY (SELECT * FROM submissions ORDER BY submitted_at) TO '{_sql_path(target)}' "
                        "(FORMAT parquet)")
            written["submissions"] = target
        manifest = {"store": str(self.path), "period": period, "authority": authority,
                    "as_at": moment.isoformat() if moment else None, "exported_at": utc_now().isoformat(),
                    "data_versions": {name: sorted(selection.per_table.get(name, [])) for name in names}}
        (output / "manifest.json").write_text(json.dumps(manifest, indent=2))
        written["manifest"] = output / "manifest.json"
        return written


def _sql_path(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")


def _warning_count(validation: object) -> int | None:
    if not isinstance(validation, str) or not validation:
        return None
    try:
        data = json.loads(validation)
    except ValueError:
        return None
    counts = data.get("counts") if isinstance(data, dict) else None
    return counts.get("warnings") if isinstance(counts, dict) else None


def _reference_key(table: str, frame: pd.DataFrame) -> str:
    """What a reference import replaces: the table, per IoD version, per population years, per EYFSP year."""
    column = {"deprivation": "iod_version", "lsoa_population": "year", "eyfsp": "time_period"}.get(table)
    if column is None or frame.empty:
        return table
    values = sorted({str(v) for v in frame[column].dropna().unique()})
    return f"{table}:{','.join(values)}"
