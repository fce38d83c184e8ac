"""The returns store: one embedded DuckDB file, append-only submissions, readable as at any date.

Layout: one DuckDB table per contract table (contract columns at their DuckDB types, plus
``submission_id``), ``submissions`` (one row per submission or reference import) and ``store_meta``
(``schema_version``). Nothing is ever deleted: a resubmission for the same provider, period and dataset
marks the earlier one ``superseded`` (with ``superseded_by`` and ``superseded_at``), and a read "as at" a
moment sees the submissions that were active then.

Safety: every submission is written in one DuckDB transaction (a process killed half way leaves the file
as it was); writers take an exclusive lock file beside the store and readers a shared one, waiting a
bounded time before failing with a clear "busy" message.

Here: the connection and its transactions (locks, creating and migrating the file, sessions). The public
methods delegate by job to ``selection``, ``submission``, ``reference_imports`` and ``export``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ccassure.contracts import ContractSet, load_contracts
from ccassure.contracts.arrow_dtypes import empty_frame
from ccassure.store import reference_imports, schema, selection, submission, views
from ccassure.store.errors import StoreBusy, StoreSchemaError
from ccassure.store.export import write_export
from ccassure.store.lock import StoreLock
from ccassure.store.periods import as_at_moment, checked_period
from ccassure.store.submission import Submission

__all__ = ["Store", "Submission"]

ATTACHED = "store_file"  # the name a check's connection gives the attached store file


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
        self._session: duckdb.DuckDBPyConnection | None = None   # the connection session() shares
        self._memo: dict[tuple, dict[str, pd.DataFrame]] | None = None   # reads made in that session
        self._in_sync = False   # the file's tables match the contracts (set each time a read opens it)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def contracts(self) -> ContractSet:
        if self._contracts is None:
            self._contracts = load_contracts()
        return self._contracts

    # ------------------------------------------------------------------ connections

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        config = {} if self.path.exists() else {"storage_compatibility_version": views.STORAGE_COMPATIBILITY}
        with self._opening():
            return duckdb.connect(str(self.path), read_only=read_only, config=config)

    @contextmanager
    def _opening(self) -> Iterator[None]:
        """DuckDB's errors on opening (or attaching) the file, as the store's: busy, or not a store."""
        try:
            yield
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
        if self._session is not None:
            yield self
            return
        with self._reading() as con:
            self._session, self._memo = con, {}
            try:
                yield self
            finally:
                self._session, self._memo = None, None

    @contextmanager
    def held_still(self) -> Iterator[Store]:
        """The shared lock only, held until leaving: no submission can be written meanwhile, so checks that
        each attach the file (in this process or in forked workers) all see the same submissions. Unlike
        :meth:`session` it keeps no connection open: DuckDB's own lock on the file is per process and would
        be dropped when a check in this process detaches the file, so the lock file alone is relied on."""
        if not self.path.exists():
            yield self
            return
        with StoreLock(self.path, exclusive=False, wait=self.wait):
            yield self

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read-only connection under a shared lock, or None when there is no store yet.

        An older store is migrated first (under the write lock); a newer one is refused."""
        if self._session is not None:
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

    @contextmanager
    def attached(self, con: duckdb.DuckDBPyConnection) -> Iterator[bool | None]:
        """The store file ATTACHed read-only to another connection (a check's own) as ``store_file`` and made
        its default database, under the same shared lock a read takes; yields whether the file's tables
        match the contracts, or None when there is no store yet (nothing attached). On leaving, the file is
        detached and the lock released: what was copied from it meanwhile is one consistent state, because
        no submission can be written while the lock is held.

        An older store is migrated first (under the write lock); a newer one is refused."""
        if not self.path.exists():
            yield None
            return
        home = con.execute("SELECT current_database()").fetchall()[0][0]
        for attempt in range(2):
            lock: StoreLock | None = StoreLock(self.path, exclusive=False, wait=self.wait).__enter__()
            attached = False
            try:
                self._attach(con)
                attached = True
                meta = schema.read_meta(con)
                version = schema.version_of(meta)
                self._check_version(version)
                in_sync = bool(meta) and meta.get("contracts") == schema.contracts_fingerprint(self.contracts)
                if version is not None and version < schema.SCHEMA_VERSION and attempt == 0:
                    self._detach(con, home)
                    attached = False
                    lock.__exit__()
                    lock = None
                    self.migrate()
                    continue
                yield None if version is None else in_sync
                return
            finally:
                if attached:
                    self._detach(con, home)
                if lock is not None:
                    lock.__exit__()

    def _attach(self, con: duckdb.DuckDBPyConnection) -> None:
        path = str(self.path).replace("'", "''")
        with self._opening():
            con.execute(f"ATTACH '{path}' AS {ATTACHED} (READ_ONLY)")
        con.execute(f"USE {ATTACHED}")

    @staticmethod
    def _detach(con: duckdb.DuckDBPyConnection, home: str) -> None:
        con.execute(f"USE {schema.quote(home)}")
        con.execute(f"DETACH {ATTACHED}")

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

    # ------------------------------------------------------------------ writing (store/submission.py)

    def submit(self, path_or_result: Path | str | Any, *, provider: str, period: str, submitter: str | None = None,
               accept_warnings: bool = False) -> Submission:
        """Validate (when given a path) and store a return; refuses returns with errors, and with warnings
        unless ``accept_warnings``. Supersedes the active submission for the same provider, period and
        dataset. Raises :class:`SubmissionRefused`, :class:`DuplicateSubmission`, :class:`StoreBusy`."""
        return submission.submit(self, path_or_result, provider=provider, period=period, submitter=submitter,
                                 accept_warnings=accept_warnings)

    def store_tables(self, tables: Mapping[str, pd.DataFrame], *, dataset: str, provider: str, period: str,
                     submitter: str | None = None, file_name: str | None = None, content_sha256: str | None = None,
                     validation: dict[str, Any] | None = None, file_bytes: int | None = None) -> Submission:
        """Store already-validated typed tables as one submission (the lower level under :meth:`submit`)."""
        return submission.store_tables(self, tables, dataset=dataset, provider=provider, period=period,
                                       submitter=submitter, file_name=file_name, content_sha256=content_sha256,
                                       validation=validation, file_bytes=file_bytes)

    def import_reference(self, kind: str, path: Path | str, *, submitter: str | None = None) -> int:
        """Import a published reference file (a kind of ``ccassure.reference.registry.IMPORTERS`` that reads one
        file); returns the number of rows stored. The new import supersedes the previous one of the
        same table (and IoD version / years), which stays readable as at earlier dates."""
        return reference_imports.import_reference(self, kind, path, submitter=submitter)

    def import_reference_tables(self, path_or_result: Path | str | Any, *, submitter: str | None = None
                                ) -> dict[str, int]:
        """Import reference tables already in contract format (a folder of CSV or Parquet files named after the
        reference tables, like sample_data/reference). They are validated first; a folder with errors is
        refused whole. Each table supersedes the previous import of the same table, as import_reference does."""
        return reference_imports.import_reference_tables(self, path_or_result, submitter=submitter)

    # ------------------------------------------------------------------ reading

    def history(self, provider: str | None = None, period: str | None = None, *,
                dataset: str | None = None) -> pd.DataFrame:
        """Every submission and reference import, oldest first (superseded ones included)."""
        with self._reading() as con:
            return submission.history(con, provider, period, dataset=dataset)

    def get_many(self, submission_ids: Sequence[str]) -> dict[str, Submission]:
        """Several submissions with their validation summaries, read over one connection."""
        with self._reading() as con:
            return submission.get_many(con, submission_ids)

    def get(self, submission_id: str) -> Submission:
        """One submission with its validation summary."""
        with self._reading() as con:
            return submission.get(con, submission_id, self.path)

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
        names = selection.table_names(self.contracts, tables)
        moment = as_at_moment(as_at)
        if period is not None:
            checked_period(period)
        memo = self._memo if self._session is not None else None
        key = (authority, period, moment, tuple(names))
        if memo is not None and key in memo:  # the same read again in one session (event history per quarter)
            return {name: frame.copy(deep=False) for name, frame in memo[key].items()}
        with self._reading() as con:
            if con is None:
                return {name: empty_frame(self.contracts[name]) for name in names}
            out = selection.read_tables(con, self.contracts, names, authority=authority, period=period,
                                        as_at=moment, in_sync=self._in_sync)
            if memo is not None:
                memo[key] = {name: frame.copy(deep=False) for name, frame in out.items()}
            return out

    def data_versions(self, *, authority: str | None = None, period: str | None = None,
                      as_at: str | date | datetime | None = None,
                      tables: Sequence[str] | None = None) -> dict[str, list[str]]:
        """For each table, the submission ids a :meth:`read_tables` call with the same arguments reads from."""
        names = selection.table_names(self.contracts, tables)
        moment = as_at_moment(as_at)
        with self._reading() as con:
            if con is None:
                return {name: [] for name in names}
            return selection.data_versions(con, self.contracts, names, authority=authority, period=period,
                                           as_at=moment, in_sync=self._in_sync)

    def export(self, output_dir: Path | str, period: str | None = None, *, authority: str | None = None,
               as_at: str | date | datetime | None = None, tables: Sequence[str] | None = None,
               format: str = "parquet") -> dict[str, Path]:  # noqa: A002 - the CLI option's name
        """Write the current rows of each table (as :meth:`read_tables` selects them) to ``<table>.parquet``
        (or ``.csv`` with ``format="csv"``), plus ``submissions`` and ``manifest.json`` (the submission ids each
        table came from)."""
        return write_export(self, output_dir, period, authority=authority, as_at=as_at, tables=tables,
                            format=format)
