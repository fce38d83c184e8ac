"""Readers: workbooks, CSV folders and Parquet into raw tables located to sheet, row and cell."""

from ccassure.readers.model import RawReturn, RawTable, normalise_name
from ccassure.readers.source import read_source

__all__ = ["RawReturn", "RawTable", "normalise_name", "read_source"]
