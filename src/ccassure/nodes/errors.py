"""Errors raised while loading rule and KPI files: each names the file and the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccassure.yamlload import YamlFileError, line_of


class NodeError(YamlFileError):
    """A rule or KPI file that cannot be used; carries file and line."""


class NodeErrors(ValueError):
    """Every problem found while loading a folder of rule or KPI files (loading never half-succeeds)."""

    def __init__(self, errors: list[YamlFileError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class Locator:
    """Turns a path inside a loaded YAML document into a located NodeError."""

    path: Path
    document: Any
    base: tuple[Any, ...] = ()

    def at(self, *steps: Any) -> Locator:
        return Locator(self.path, self.document, self.base + steps)

    def error(self, message: str, *steps: Any) -> NodeError:
        return NodeError(self.path, line_of(self.document, [*self.base, *steps]), message)
