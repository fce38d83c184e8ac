"""Errors raised while loading rule files: the shared node errors (:mod:`ccassure.nodes.errors`)."""

from __future__ import annotations

from ccassure.nodes.errors import NodeError as RuleError
from ccassure.nodes.errors import NodeErrors as RuleErrors

__all__ = ["RuleError", "RuleErrors"]
