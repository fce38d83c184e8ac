"""Reference imports: published reference files (GIAS, IoD, population, postcodes, ...) and folders of
reference tables in contract format, each stored as a submission of dataset ``reference``.

What an import replaces is its reference key (the table, per IoD version, per population years, per EYFSP
year): a new import supersedes the previous one with the same key, which stays readable as at earlier dates.
Why apart: which reader a kind uses and what an import replaces are reference policy, not submission policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccassure.store.errors import StoreError, SubmissionRefused
from ccassure.store.submission import file_sha256

if TYPE_CHECKING:
    from ccassure.store.core import Store


def import_reference(store: Store, kind: str, path: Path | str, *, submitter: str | None = None) -> int:
    """:meth:`Store.import_reference`: read one published file of a kind and store it; the rows stored."""
    from ccassure.reference import KINDS, read_reference

    if kind not in KINDS:
        raise StoreError(f"unknown reference kind {kind!r}; choose one of {', '.join(KINDS)}")
    path = Path(path)
    table, frame = read_reference(kind, path)
    sha, size = file_sha256(path)
    key = reference_key(table, frame)
    submission = store.store_tables({table: frame}, dataset="reference", provider="reference", period=key,
                                    submitter=submitter, file_name=path.name, content_sha256=sha,
                                    validation={"kind": kind, "rows": len(frame)}, file_bytes=size)
    return submission.rows


def import_reference_tables(store: Store, path_or_result: Path | str | Any, *,
                            submitter: str | None = None) -> dict[str, int]:
    """:meth:`Store.import_reference_tables`: validate a folder of reference tables (refused whole when it has
    errors) and store each table as its own import; rows stored per table."""
    result = path_or_result
    if isinstance(path_or_result, (str, Path)):
        from ccassure.validation import validate

        result = validate(Path(path_or_result), contracts=store.contracts, dataset="reference")
    if result.has_errors:
        first = result.errors[0]
        raise SubmissionRefused(f"{result.source} has {len(result.errors)} error(s), e.g. {first.message} "
                                "Run `ccassure validate` on it; nothing was stored.", result)
    rows: dict[str, int] = {}
    for table, frame in result.tables.items():
        if store.contracts[table].dataset != "reference":
            continue
        submission = store.store_tables({table: frame}, dataset="reference", provider="reference",
                                        period=reference_key(table, frame), submitter=submitter,
                                        file_name=f"{Path(result.source).name}/{table}",
                                        validation={"kind": "tables", "rows": len(frame)})
        rows[table] = submission.rows
    return rows


def reference_key(table: str, frame: pd.DataFrame) -> str:
    """What a reference import replaces: the table, per IoD version, per population years, per EYFSP year."""
    column = {"deprivation": "iod_version", "lsoa_population": "year", "eyfsp": "time_period"}.get(table)
    if column is None or frame.empty:
        return table
    values = sorted({str(v) for v in frame[column].dropna().unique()})
    return f"{table}:{','.join(values)}"
