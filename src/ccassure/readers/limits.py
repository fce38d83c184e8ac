"""Limits that protect the machine from untrusted provider files."""

from __future__ import annotations

MAX_FILE_BYTES = 1_000_000_000        # one CSV or Parquet file
MAX_XLSX_BYTES = 200_000_000          # one workbook on disk
MAX_UNZIPPED_BYTES = 2_000_000_000    # one workbook once unpacked


class ReadRefused(Exception):
    """The input cannot be read at all; carries a problem code and a plain-English detail."""

    def __init__(self, code: str, detail: str, file: str | None = None):
        self.code = code
        self.detail = detail
        self.file = file  # the file at fault, when it is one file of a folder
        super().__init__(detail)
