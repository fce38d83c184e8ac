"""Reading a Parquet file: limits checked from its metadata before any data is read, then only the
contract's columns, each turned into the plain values the other readers give.

Parquet carries its own types, so a hostile or unusual file can hold what no return means: time-zone-aware
timestamps (read as the local time written), binary columns (read as text when they are UTF-8), lists and
records (refused, naming the column), or the same column name twice (refused, naming it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ccassure.contracts import Contract
from ccassure.readers.headers import HeaderMatch, match_header
from ccassure.readers.limits import MAX_CELLS, MAX_ROWS, MAX_UNZIPPED_BYTES, ReadRefused


def read_parquet(member: Path, contract: Contract) -> tuple[pd.DataFrame, HeaderMatch]:
    """The contract's columns of ``member`` as a DataFrame (columns named by contract), and the header match."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(member)
        metadata = parquet.metadata
        schema = parquet.schema_arrow
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise ReadRefused("file-unreadable", f"{member.name} is not a readable Parquet file ({type(exc).__name__})") \
            from None
    rows = metadata.num_rows
    if rows > MAX_ROWS:
        raise ReadRefused("file-too-large", f"{rows:,} rows long (the limit is {MAX_ROWS:,} rows)")
    if rows * max(1, len(schema.names)) > MAX_CELLS * 4:
        raise ReadRefused("file-too-large", f"{rows:,} rows of {len(schema.names):,} columns")
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if unpacked > MAX_UNZIPPED_BYTES:
        raise ReadRefused("file-too-large", f"{unpacked / 1e6:,.0f} MB when unpacked")
    twice = sorted(name for name, count in Counter(schema.names).items() if count > 1)
    if twice:
        raise ReadRefused("file-unreadable", f"column {twice[0]!r} appears more than once in {member.name}; "
                                             "keep one column with this name")
    match = match_header(list(schema.names), contract)
    wanted = [schema.names[position] for position in match.columns]
    for name in wanted:
        _check_type(schema.field(name), member.name)
    try:
        table = parquet.read(columns=wanted)
    except Exception as exc:
        raise ReadRefused("file-unreadable", f"{member.name} is damaged and cannot be read "
                                             f"({type(exc).__name__})") from None
    if table.num_rows != rows:
        raise ReadRefused("file-unreadable", f"{member.name} says it has {rows:,} rows but {table.num_rows:,} "
                                             "were read; the file is damaged")
    columns = {contract_name: _plain(table.column(name), name, member.name)
               for name, contract_name in zip(wanted, match.columns.values(), strict=True)}
    frame = pd.DataFrame({name: column.to_pandas() for name, column in columns.items()},
                         index=pd.RangeIndex(rows))
    return frame, match


def _check_type(field: pa.Field, file: str) -> None:
    kind = field.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_nested(kind):
        raise ReadRefused("file-unreadable", f"column {field.name!r} of {file} holds lists or records (nested "
                                             "values); a return has one plain value per cell")


def _plain(column: pa.ChunkedArray, name: str, file: str) -> pa.ChunkedArray:
    """Arrow types the coercion does not know, as the values they show."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return pc.local_timestamp(column)  # the wall-clock time written, in the file's own time zone
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        try:
            return column.cast(pa.large_binary()).cast(pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ReadRefused("file-unreadable", f"column {name!r} of {file} holds binary data, not text") from None
    if pa.types.is_decimal(kind):
        return column.cast(pa.float64())
    if pa.types.is_time(kind) or pa.types.is_duration(kind) or pa.types.is_interval(kind) or pa.types.is_null(kind):
        try:
            return column.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ReadRefused("file-unreadable", f"column {name!r} of {file} holds {kind}, which a return "
                                                 "never holds") from None
    return column
