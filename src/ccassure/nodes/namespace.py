"""The one parameter namespace: every id a ccassure.yml override may name, and the parameters it has.

An authority sets parameters per id: a rule id, a KPI framework id (its parameters and every KPI's in it)
or a KPI id (its own and its framework's). The namespace is built from every node the manifest loaded, so
one check decides whether an override names something real, whichever kind of node it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccassure.nodes.errors import NodeError


@dataclass(frozen=True)
class Scope:
    """One id overrides may name: what it is ("rule", "framework", "KPI") and the parameter names it takes."""

    id: str
    kind: str
    names: frozenset[str]


class ParameterNamespace:
    """Scopes by id (ids are unique across rules, frameworks and KPIs)."""

    def __init__(self, scopes: Iterable[Scope] = ()):
        self.scopes: dict[str, Scope] = {scope.id: scope for scope in scopes}

    def __contains__(self, scope_id: object) -> bool:
        return scope_id in self.scopes

    def __getitem__(self, scope_id: str) -> Scope:
        return self.scopes[scope_id]

    def problems(self, overrides: Mapping[str, Any] | None, source: Path | str, *,
                 complete: bool = True) -> list[NodeError]:
        """Overrides naming no id (only said when the namespace is ``complete``: nothing failed to load) or
        a parameter the id does not have."""
        errors: list[NodeError] = []
        for scope_id, values in (overrides or {}).items():
            scope = self.scopes.get(scope_id)
            if scope is None:
                if complete:
                    errors.append(NodeError(source, None, f"parameters: no rule, KPI framework or KPI has id "
                                                          f"{scope_id!r}"))
                continue
            for name in values or {}:
                if name not in scope.names:
                    errors.append(NodeError(source, None, f"parameters: {scope.kind} {scope_id} has no parameter "
                                                          f"{name!r} (it has: {', '.join(sorted(scope.names)) or 'none'})"))
        return errors
