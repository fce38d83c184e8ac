"""Importers for real published reference data, one module per format, listed once in ``registry``.

Each ``read_<kind>(path)`` returns a frame conforming to ``data_contracts/reference/<table>.yaml`` or raises
:class:`ReferenceFileError` naming the file (and row/column where it applies). The names below that need
pandas are imported on first use, so that the registry can be read without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccassure.reference.registry import FILE_KINDS, IMPORTERS, Importer, reader

if TYPE_CHECKING:
    import pandas as pd

    from ccassure.reference.common import ReferenceFileError

KINDS = FILE_KINDS  # kind -> Importer, for the kinds that read one file (the store's import_reference)


def read_reference(kind: str, path: Path | str) -> tuple[str, pd.DataFrame]:
    """(table name, typed frame) for a reference file of the given kind."""
    function = reader(kind)
    return str(FILE_KINDS[kind].table), function(path)


def __getattr__(name: str) -> Any:
    if name == "ReferenceFileError":
        from ccassure.reference.common import ReferenceFileError

        return ReferenceFileError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["IMPORTERS", "KINDS", "Importer", "ReferenceFileError", "read_reference", "reader"]
