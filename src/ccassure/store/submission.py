"""Submission policy: what may be stored, under which provider and period, what it supersedes; and the
record of every submission (history, one or several by id).

Nothing is ever deleted: a resubmission for the same provider, period and dataset marks the earlier one
``superseded`` (with ``superseded_by`` and ``superseded_at``). Every submission is written in one DuckDB
transaction, so a process killed half way leaves the file as it was. Why apart from the Store: these are
the rules a return must pass to be stored; the Store only opens the connection they write on.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from ccassure.contracts import Contract
from ccassure.contracts.arrow_dtypes import conform_fast, types_mapper
from ccassure.contracts.dtypes import DUCKDB_TYPES
from ccassure.store import schema
from ccassure.store.errors import DuplicateSubmission, StoreError, SubmissionRefused
from ccassure.store.periods import checked_period, utc_now
from ccassure.store.plausible import check_plausible

if TYPE_CHECKING:
    from ccassure.store.core import Store

RETURN_DATASETS = ("provider_return", "authority_records")
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
    """Who is submitting, when not said: CCASSURE_SUBMITTER, else the login name (None when unknown)."""
    for env in ("CCASSURE_SUBMITTER", "USER", "USERNAME"):
        if os.environ.get(env):
            return os.environ[env]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _new_id(now: datetime) -> str:
    """A submission id that sorts by time and does not collide within a second."""
    return f"S{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


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


# ---------------------------------------------------------------------- writing


def submit(store: Store, path_or_result: Path | str | Any, *, provider: str, period: str,
           submitter: str | None = None, accept_warnings: bool = False) -> Submission:
    """:meth:`Store.submit`: validate (when given a path), refuse what may not be stored, then store_tables."""
    period = check_provider_period(provider, period)
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

        check_against_store(result, store, provider)
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
    return store.store_tables(result.tables, dataset=dataset, provider=provider, period=period,
                              submitter=submitter, file_name=file_name, content_sha256=sha,
                              validation=validation, file_bytes=file_bytes)


def check_provider_period(provider: str, period: str) -> str:
    """The canonical period label ("2016q4" -> "2016Q4"), after checking provider and period."""
    if not provider or not PROVIDER_PATTERN.match(provider):
        raise StoreError(f"provider {provider!r} is not a valid reference: use letters, digits, '-', '_' or "
                         "'.', e.g. PRV-ACTION or E10000016.")
    parsed = checked_period(period)
    check_plausible(parsed)  # store/plausible.py
    return parsed.label


def check_authority_records(tables: Mapping[str, pd.DataFrame], provider: str) -> None:
    """Authority records go under the authority's own ONS code, and hold only that authority's rows."""
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


def store_tables(store: Store, tables: Mapping[str, pd.DataFrame], *, dataset: str, provider: str, period: str,
                 submitter: str | None = None, file_name: str | None = None, content_sha256: str | None = None,
                 validation: dict[str, Any] | None = None, file_bytes: int | None = None) -> Submission:
    """:meth:`Store.store_tables`: check, conform and store the tables as one submission, in one transaction
    under the store's write lock, superseding the active one for the same provider, period and dataset."""
    contracts = store.contracts
    if dataset == "reference":
        if provider != "reference":
            raise StoreError("reference tables are stored with provider 'reference' (use import_reference)")
    else:
        if dataset not in RETURN_DATASETS:
            raise StoreError(f"unknown dataset {dataset!r}")
        period = check_provider_period(provider, period)
    if dataset == "authority_records":
        check_authority_records(tables, provider)
    frames: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        if name not in contracts:
            raise StoreError(f"no contract for table {name!r}; nothing was stored.")
        contract = contracts[name]
        if contract.dataset != dataset:
            raise StoreError(f"table {name!r} belongs to {contract.dataset}, not {dataset}; nothing was stored.")
        frames[name] = conform_fast(frame, contract)
    sha = content_sha256 or tables_sha256(frames)
    now = utc_now()
    submission_id = _new_id(now)
    submitter = submitter or default_submitter()
    row_counts = {name: len(frame) for name, frame in sorted(frames.items())}
    with store._writing() as con:
        _refuse_duplicate(con, sha, dataset, provider, period, file_name)
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
                _insert(con, contracts[name], frame, submission_id)
            if dataset == "reference" and "postcodes" in frames:
                con.execute(schema.points_insert_sql(), [submission_id])
            if dataset == "reference" and "lsoa_population" in frames:
                _fill_points(con, submission_id)
            _test_pause()
            con.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
    return Submission(submission_id=submission_id, provider=provider, period=period, dataset=dataset,
                      file_name=file_name, content_sha256=sha, submitted_at=now, submitter=submitter,
                      row_counts=row_counts, superseded=tuple(previous), validation=validation)


def _refuse_duplicate(con: duckdb.DuckDBPyConnection, sha: str, dataset: str, provider: str, period: str,
                      file_name: str | None) -> None:
    """The same content (by SHA-256) already active is refused, saying where it is stored."""
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


def _insert(con: duckdb.DuckDBPyConnection, contract: Contract, frame: pd.DataFrame, submission_id: str) -> None:
    """Append one typed table's rows under ``submission_id``, cast to the store's column types."""
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


def _fill_points(con: duckdb.DuckDBPyConnection, submission_id: str) -> None:
    """Representative LSOA points from the current postcodes, where the population rows have none."""
    postcode_ids = [row[0] for row in con.execute(
        "SELECT submission_id FROM submissions WHERE dataset = 'reference' AND status = 'active' "
        "AND period LIKE 'postcodes%'").fetchall()]
    if not postcode_ids:
        return
    con.execute(f"""
            UPDATE lsoa_population AS p SET easting = pt.e, northing = pt.n
            FROM ({schema.points_select_sql()}) AS pt
            WHERE p.lsoa_code = pt.lsoa_code AND p.submission_id = ? AND (p.easting IS NULL OR p.northing IS NULL)
        """, [postcode_ids, submission_id])


# ---------------------------------------------------------------------- the record of submissions

def history(con: duckdb.DuckDBPyConnection | None, provider: str | None = None, period: str | None = None, *,
            dataset: str | None = None) -> pd.DataFrame:
    """Every submission and reference import, oldest first (superseded ones included); no store, no rows."""
    columns = ["submission_id", "provider", "period", "dataset", "file_name", "content_sha256", "submitted_at",
               "submitter", "status", "superseded_by", "superseded_at", "rows", "warnings", "row_counts"]
    if con is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    where, params = [], []
    if period is not None:
        with suppress(StoreError):  # else a reference key such as "postcodes"
            period = checked_period(period).label
    for column, value in (("provider", provider), ("period", period), ("dataset", dataset)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = ("SELECT submission_id, provider, period, dataset, file_name, content_sha256, submitted_at, "
           "submitter, status, superseded_by, superseded_at, validation, row_counts FROM submissions"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY submitted_at, submission_id")
    frame = con.sql(sql, params=params).to_arrow_table().to_pandas(types_mapper=types_mapper)
    counts = frame["row_counts"].map(lambda t: json.loads(t) if isinstance(t, str) and t else {})
    frame["rows"] = counts.map(lambda c: sum(c.values())).astype("Int64")
    frame["warnings"] = frame["validation"].map(_warning_count).astype("Int64")
    frame["row_counts"] = counts
    return frame[columns].reset_index(drop=True)


def get_many(con: duckdb.DuckDBPyConnection | None, submission_ids: Sequence[str]) -> dict[str, Submission]:
    """Several submissions with their validation summaries, by id (unknown ids are left out)."""
    rows = [] if con is None else con.execute(
        "SELECT submission_id, provider, period, dataset, file_name, content_sha256, submitted_at, submitter, "
        "status, row_counts, superseded_by, superseded_at, validation FROM submissions "
        "WHERE submission_id IN (SELECT unnest(?::VARCHAR[]))", [list(submission_ids)]).fetchall()
    return {row[0]: _from_row(row) for row in rows}


def get(con: duckdb.DuckDBPyConnection | None, submission_id: str, store_path: Path) -> Submission:
    """One submission with its validation summary; an unknown id is a StoreError naming the store."""
    rows = [] if con is None else con.execute(
        "SELECT submission_id, provider, period, dataset, file_name, content_sha256, submitted_at, submitter, "
        "status, row_counts, superseded_by, superseded_at, validation FROM submissions "
        "WHERE submission_id = ?", [submission_id]).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise StoreError(f"no submission {submission_id!r} in {store_path}")
    return _from_row(row)


def _from_row(row: tuple) -> Submission:
    """A Submission from a row of the columns get and get_many select, in their order."""
    return Submission(submission_id=row[0], provider=row[1], period=row[2], dataset=row[3], file_name=row[4],
                      content_sha256=row[5], submitted_at=row[6], submitter=row[7], status=row[8],
                      row_counts=json.loads(row[9] or "{}"), superseded_by=row[10], superseded_at=row[11],
                      validation=json.loads(row[12]) if row[12] else None)


def _warning_count(validation: object) -> int | None:
    """The warnings count of a stored validation summary (None when there is none)."""
    if not isinstance(validation, str) or not validation:
        return None
    try:
        data = json.loads(validation)
    except ValueError:
        return None
    counts = data.get("counts") if isinstance(data, dict) else None
    return counts.get("warnings") if isinstance(counts, dict) else None
