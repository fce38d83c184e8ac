"""Exporting the store: the current rows of each table, as :meth:`Store.read_tables` selects them, to
Parquet (or CSV) files, with the submissions table and a manifest of the submission ids each table came from.

Why apart: export writes files (atomically, one table at a time) from the reading selection; neither the
Store's connection handling nor the selection needs to know about files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from ccassure.contracts.arrow_dtypes import arrow_to_frame, empty_frame
from ccassure.store.errors import StoreError
from ccassure.store.periods import as_at_moment, checked_period, utc_now
from ccassure.store.selection import select, table_names, table_sql

if TYPE_CHECKING:
    from ccassure.store.core import Store


def write_export(store: Store, output_dir: Path | str, period: str | None = None, *, authority: str | None = None,
                 as_at: str | date | datetime | None = None, tables: Sequence[str] | None = None,
                 format: str = "parquet") -> dict[str, Path]:  # noqa: A002 - the CLI option's name
    """:meth:`Store.export`: write ``<table>.<format>`` per table, ``submissions.<format>`` and
    ``manifest.json`` into ``output_dir``; the paths written, by table."""
    from ccassure.store.csv_export import FORMATS, write_csv

    if format not in FORMATS:
        raise StoreError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    contracts = store.contracts
    names = table_names(contracts, tables)
    moment = as_at_moment(as_at)
    if period is not None:
        checked_period(period)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with store._reading() as con:
        if con is None:
            raise StoreError(f"there is no store at {store.path} yet; submit a return first.")
        selection = select(con, contracts, authority, period, moment, in_sync=store._in_sync)
        for name in names:
            contract = contracts[name]
            target = output / f"{name}.{format}"
            tmp = output / f".{name}.{format}.tmp"
            if format == "csv":
                frame = empty_frame(contract)
                if name in selection.columns and selection.per_table.get(name):
                    sql, params = table_sql(contract, selection, authority, period)
                    frame = arrow_to_frame(con.sql(sql, params=params).to_arrow_table(), contract)
                write_csv(frame, tmp)
            elif name in selection.columns:
                sql, params = table_sql(contract, selection, authority, period)
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
    manifest = {"store": str(store.path), "period": period, "authority": authority,
                "as_at": moment.isoformat() if moment else None, "exported_at": utc_now().isoformat(),
                "data_versions": {name: sorted(selection.per_table.get(name, [])) for name in names}}
    (output / "manifest.json").write_text(json.dumps(manifest, indent=2))
    written["manifest"] = output / "manifest.json"
    return written


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal's contents (absolute, quotes doubled)."""
    return str(path.resolve()).replace("'", "''")
