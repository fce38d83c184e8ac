"""Limits that protect the machine from untrusted provider files."""

from __future__ import annotations

MAX_FILE_BYTES = 1_000_000_000        # one CSV or Parquet file
MAX_XLSX_BYTES = 200_000_000          # one workbook on disk
MAX_UNZIPPED_BYTES = 2_000_000_000    # one workbook once unpacked
MAX_ROWS = 5_000_000                  # one table, whatever its format
MAX_CELLS = 30_000_000                # filled cells in one sheet
MAX_CELL_TEXT = 32_767                # characters in one cell (Excel's own limit)
MAX_XML_DEPTH = 64                    # nesting of a workbook part's XML
# A dense reader allocates the rectangle from A1 to the furthest value: allowed up to this many cells (about
# 60 MB), or this many times the filled cells, whichever is more; a value far outside the table (XFD1048576,
# or column XFD on a short sheet) is refused with its cell named rather than costing gigabytes.
MAX_DENSE_AREA = 2_000_000
DENSE_AREA_FACTOR = 64
MAX_NESTING = 8                       # levels of lists/structs in a Parquet column (none are read)


class ReadRefused(Exception):
    """The input cannot be read at all; carries a problem code and a plain-English detail."""

    def __init__(self, code: str, detail: str, file: str | None = None):
        self.code = code
        self.detail = detail
        self.file = file  # the file at fault, when it is one file of a folder
        super().__init__(detail)
