"""Errors raised while loading rule files: each names the file and the line."""

from __future__ import annotations

from ccassure.yamlload import YamlFileError


class RuleError(YamlFileError):
    """A rule file that cannot be used; carries file and line."""


class RuleErrors(ValueError):
    """Every problem found while loading a rule folder (loading never half-succeeds)."""

    def __init__(self, errors: list[YamlFileError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))
