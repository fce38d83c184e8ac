"""ccassure: statutory-compliance and KPI assurance for English children's centres and family hubs.

    import ccassure
    result = ccassure.validate("return.xlsx")
    impact = ccassure.impact("proposal.yaml")   # what a proposed closure programme would do

``validate`` and ``ValidationResult`` are loaded on first use (PEP 562), so that processes that never
validate (rendering a report, checking rules) do not pay for importing pandera at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccassure.validation import ValidationResult, validate

__all__ = ["ValidationResult", "validate"]


def __getattr__(name: str) -> Any:
    if name == "impact":  # ccassure.impact(proposal, ...): the change-impact assessment (a callable package)
        import importlib

        return importlib.import_module("ccassure.impact")
    if name in __all__:
        from ccassure import validation

        return getattr(validation, name)
    raise AttributeError(f"module 'ccassure' has no attribute {name!r}")
