"""Errors the store raises for things a user can act on; the CLI prints them without a traceback."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """A store operation refused or impossible; the message says why and what to do. Nothing was changed."""

    exit_code = 2


class SubmissionRefused(StoreError):
    """The return has errors (or warnings that were not accepted); carries the validation result."""

    exit_code = 1

    def __init__(self, message: str, result: Any = None, *, exit_code: int = 1):
        super().__init__(message)
        self.result = result
        self.exit_code = exit_code


class DuplicateSubmission(StoreError):
    """The same content (by SHA-256) is already in the store."""

    def __init__(self, message: str, existing_id: str):
        super().__init__(message)
        self.existing_id = existing_id


class StoreSchemaError(StoreError):
    """The store file was written by a newer ccassure, or is not a ccassure store."""


class StoreBusy(StoreError):
    """Another process holds the store; try again."""

    exit_code = 3
