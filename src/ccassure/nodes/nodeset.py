"""The container of loaded nodes: by id, in file order (rules by rule id, KPI frameworks by framework id)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class NodeSet(Generic[T]):
    """Loaded nodes by id, in the order their files were read."""

    def __init__(self, items: dict[str, T] | None = None):
        self.items: dict[str, T] = dict(items or {})

    def __iter__(self) -> Iterator[T]:
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, node_id: str) -> T:
        return self.items[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.items

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.items == self.items  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self.items)})"
