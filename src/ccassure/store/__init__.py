"""The returns store: an embedded DuckDB file of append-only, versioned submissions and reference imports."""

from ccassure.store.core import Store, Submission
from ccassure.store.errors import (
           DuplicateSubmission,
           StoreBusy,
           StoreError,
           StoreSchemaError,
           SubmissionRefused,
)
from ccassure.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "DuplicateSubmission", "Store", "StoreBusy", "StoreError", "StoreSchemaError",
           "Submission", "SubmissionRefused"]
