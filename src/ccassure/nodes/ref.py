"""A threshold or setting of a node: a literal value, or the name of one of its parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ref:
    """``value`` as written, or the value of parameter ``param`` in force.

    ``as_float``: the value is computed with in floating point (KPI targets and thresholds), so ``resolve``
    gives a float (or None: a parameter set to null means "not set"). Rule thresholds keep the value as
    written, because it is shown in messages ("at least 3 sessions")."""

    value: Any = None
    param: str | None = None
    as_float: bool = False

    def resolve(self, parameters: dict[str, Any]) -> Any:
        value = parameters.get(self.param) if self.param else self.value
        if self.as_float:
            return None if value is None else float(value)
        return value

    def describe(self) -> str:
        return self.param if self.param else str(self.value)
