"""Safe YAML loading that remembers line numbers, so a bad contract or rule file is reported at its line.

ruamel's round-trip loader builds only plain mappings, lists and scalars (no Python objects), and keeps
each key's position; nothing in a YAML file is ever executed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

MAX_YAML_BYTES = 2_000_000


class YamlFileError(ValueError):
    """A YAML file that cannot be used, located to file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; raise YamlFileError with the line of any syntax error."""
    if path.stat().st_size > MAX_YAML_BYTES:
        raise YamlFileError(path, None, f"file is larger than {MAX_YAML_BYTES} bytes")
    yaml = YAML(typ="rt")
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlFileError(path, line, f"YAML syntax: {problem}") from None
    except UnicodeDecodeError:
        raise YamlFileError(path, None, "file is not UTF-8 text") from None


def line_of(document: Any, path: Sequence[Any]) -> int | None:
    """1-based line of the node at ``path`` (keys and list indexes), or of its nearest located parent."""
    node, line = document, _own_line(document)
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            pos = node.lc.key(step)
            line = pos[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            pos = node.lc.item(step)
            line = pos[0] + 1
            node = node[step]
        else:
            break
    return line


def _own_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def to_plain(node: Any) -> Any:
    """Convert ruamel containers to plain dicts and lists (for JSON Schema and dataclasses)."""
    if isinstance(node, dict):
        return {str(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(item) for item in node]
    return node
