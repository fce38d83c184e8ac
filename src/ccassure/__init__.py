"""ccassure."""

from ccassure.validation import ValidationResult, validate

__all__ = ["ValidationResult", "validate"]
