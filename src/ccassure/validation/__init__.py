"""Validation of returns against data contracts (pandera by default; Great Expectations on request)."""

from ccassure.validation.api import validate
from ccassure.validation.result import ValidationResult

__all__ = ["ValidationResult", "validate"]
