"""Loading a folder of node files, the same way for rules and KPI frameworks: every file is tried, every
problem collected, and an id used twice is an error naming both files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from ccassure.nodes.errors import NodeError
from ccassure.yamlload import YamlFileError

T = TypeVar("T")


def load_folder(directory: Path, files: Iterable[Path], load_file: Callable[[Path], T], *, folder: str,
                noun: str) -> tuple[dict[str, T], list[YamlFileError]]:
    """The nodes of each file by id, in file order, and every problem (``folder``/``noun`` word the
    messages: "rules folder not found", "rule id X is also used in ...")."""
    if not directory.is_dir():
        return {}, [NodeError(directory, None, f"{folder} folder not found")]
    loaded: dict[str, Any] = {}
    errors: list[YamlFileError] = []
    for path in files:
        try:
            node = load_file(path)
        except YamlFileError as exc:
            errors.append(exc)
            continue
        if node.id in loaded:  # type: ignore[attr-defined]
            errors.append(NodeError(path, getattr(node, "line", None) or 1,
                                    f"{noun} id {node.id} is also used in {loaded[node.id].source}"))  # type: ignore[attr-defined]
            continue
        loaded[node.id] = node  # type: ignore[attr-defined]
    return loaded, errors
