"""Validation of returns against data contracts (pandera by default; Great Expectations on request).

The names below are imported on first use, so that ``ccassure validate --help`` can read the output-format
registry (``validation.outputs``) without importing pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccassure.validation.api import validate
    from ccassure.validation.result import ValidationResult

__all__ = ["ValidationResult", "validate"]


def __getattr__(name: str) -> Any:
    if name == "validate":
        from ccassure.validation.api import validate

        return validate
    if name == "ValidationResult":
        from ccassure.validation.result import ValidationResult

        return ValidationResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
