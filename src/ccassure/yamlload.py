"""Safe YAML loading that remembers line numbers, so a bad contract or rule file is reported at its line.

Files are parsed by libyaml (PyYAML's C parser, ~10x faster than a pure-Python loader) into nodes, and
the nodes are turned into plain mappings, lists and scalars here: only the standard YAML tags are known,
so nothing in a file is ever executed or turned into a Python object. Scalars are read as YAML 1.2 (the
version the files were written for): ``yes``/``no``/``on``/``off`` stay strings, ``012`` is twelve,
``1e3`` is a float. A key given twice in one mapping is refused, at its line.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_YAML_BYTES = 2_000_000


class YamlFileError(ValueError):
    """A YAML file that cannot be used, located to file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class LocatedMap(dict):
    """A mapping that knows its own line and the line of each of its keys."""

    line: int | None = None
    key_lines: dict[Any, int]


class LocatedList(list):
    """A list that knows its own line and the line of each of its items."""

    line: int | None = None
    item_lines: list[int]


class _Resolver(yaml.resolver.BaseResolver):
    """The YAML 1.2 core schema's implicit types (PyYAML's own resolver is YAML 1.1)."""

    yaml_implicit_resolvers: dict = {}


_TAG = "tag:yaml.org,2002:"
_IMPLICIT = [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("float", r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                  |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", "-+0123456789."),
    ("int", r"""^(?:[-+]?0b[0-1_]+
                |[-+]?0o?[0-7_]+
                |[-+]?[0-9_]+
                |[-+]?0x[0-9a-fA-F_]+)$""", "-+0123456789"),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("timestamp", r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                      |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
                      (?:[Tt]|[ \t]+)[0-9][0-9]?
                      :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
                      (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", "0123456789"),
]
for _name, _pattern, _first in _IMPLICIT:
    _Resolver.add_implicit_resolver(_TAG + _name, re.compile(_pattern, re.X), list(_first))


class _Parser(CParser, _Resolver):
    """libyaml's parser and composer with the YAML 1.2 resolver: it builds nodes, never objects."""

    def __init__(self, text: str):
        CParser.__init__(self, text)
        _Resolver.__init__(self)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; raise YamlFileError with the line of any syntax error or duplicate key."""
    if path.stat().st_size > MAX_YAML_BYTES:
        raise YamlFileError(path, None, f"file is larger than {MAX_YAML_BYTES} bytes")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise YamlFileError(path, None, "file is not UTF-8 text") from None
    return load_yaml_text(text, path)


def load_yaml_text(text: str, where: Path | str = "<text>") -> Any:
    """Parse YAML already read (a document's front matter, a cell's options) the same way as a file;
    ``where`` names it in errors."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlFileError(where, None, f"text is larger than {MAX_YAML_BYTES} bytes")
    parser = _Parser(text)
    try:
        node = parser.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlFileError(where, line, f"YAML syntax: {problem}") from None
    finally:
        parser.dispose()
    if node is None:
        return None
    try:
        return _Builder(where).build(node)
    except RecursionError:
        raise YamlFileError(where, node.start_mark.line + 1, "YAML syntax: nested too deeply") from None


class _Builder:
    """Turns composed nodes into LocatedMap/LocatedList/scalars; a node reached twice (an alias) is built once."""

    def __init__(self, path: Path | str):
        self.path = path
        self.built: dict[int, Any] = {}

    def build(self, node: Node) -> Any:
        done = self.built.get(id(node), self)
        if done is not self:
            return done
        if isinstance(node, ScalarNode):
            value = self.scalar(node)
            self.built[id(node)] = value
            return value
        if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            items = LocatedList()
            items.line = node.start_mark.line + 1
            self.built[id(node)] = items
            items.item_lines = [item.start_mark.line + 1 for item in node.value]
            items.extend(self.build(item) for item in node.value)
            return items
        if isinstance(node, MappingNode) and node.tag == _TAG + "map":
            return self.mapping(node)
        raise self.error(node, f"tag {node.tag} is not allowed")

    def mapping(self, node: MappingNode) -> LocatedMap:
        data = LocatedMap()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        self.built[id(node)] = data
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merges.append(value_node)
                continue
            key = self.build(key_node)
            try:
                hash(key)
            except TypeError:
                raise self.error(key_node, "a mapping key must be a plain value") from None
            if key in data.key_lines:
                raise self.error(key_node, f'found duplicate key "{key}" (first on line {data.key_lines[key]})')
            data.key_lines[key] = key_node.start_mark.line + 1
            data[key] = self.build(value_node)
        for merge in merges:  # YAML's merge key: explicit keys win, then earlier mappings over later ones
            for source in merge.value if isinstance(merge, SequenceNode) else [merge]:
                built = self.build(source)
                if not isinstance(built, LocatedMap):
                    raise self.error(source, "a merge key (<<) takes a mapping or a list of mappings")
                for key, value in built.items():
                    if key not in data:
                        data[key] = value
                        data.key_lines[key] = built.key_lines[key]
        return data

    def scalar(self, node: ScalarNode) -> Any:
        kind = node.tag[len(_TAG):] if node.tag.startswith(_TAG) else None
        text = node.value
        try:
            if kind == "str":
                return text
            if kind == "null":
                return None
            if kind == "bool":
                return text.lower() == "true"
            if kind == "int":
                return _int(text)
            if kind == "float":
                return _float(text)
            if kind == "timestamp":
                return _timestamp(text)
        except ValueError:
            raise self.error(node, f"{text!r} is not a valid {kind}") from None
        raise self.error(node, f"tag {node.tag} is not allowed")

    def error(self, node: Node, message: str) -> YamlFileError:
        return YamlFileError(self.path, node.start_mark.line + 1, f"YAML syntax: {message}")


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)  # YAML 1.2: a leading zero is not octal


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    if digits.lstrip("+-") == ".inf":
        return -math.inf if digits[0] == "-" else math.inf
    if digits.lstrip("+-") == ".nan":
        return math.nan
    return float(digits)


_TIMESTAMP = re.compile(r"""^(?P<year>[0-9][0-9][0-9][0-9])-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])
    (?:\.(?P<fraction>[0-9]*))?(?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)
    (?::(?P<tz_minute>[0-9][0-9]))?))?)?$""", re.X)


def _timestamp(text: str) -> datetime.date | datetime.datetime:
    match = _TIMESTAMP.match(text)
    if match is None:
        raise ValueError(text)
    parts = match.groupdict()
    day = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    if parts["hour"] is None:
        return day
    fraction = int((parts["fraction"] or "").ljust(6, "0")[:6])
    zone = None
    if parts["tz_sign"]:
        offset = datetime.timedelta(hours=int(parts["tz_hour"]), minutes=int(parts["tz_minute"] or 0))
        zone = datetime.timezone(-offset if parts["tz_sign"] == "-" else offset)
    elif parts["tz"]:
        zone = datetime.UTC
    return datetime.datetime(day.year, day.month, day.day, int(parts["hour"]), int(parts["minute"]),
                             int(parts["second"]), fraction, zone)


def line_of(document: Any, path: Sequence[Any]) -> int | None:
    """1-based line of the node at ``path`` (keys and list indexes), or of its nearest located parent."""
    node, line = document, getattr(document, "line", None)
    for step in path:
        if isinstance(node, LocatedMap) and step in node.key_lines:
            line = node.key_lines[step]
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line


def to_plain(node: Any) -> Any:
    """Convert located containers to plain dicts and lists (for JSON Schema and dataclasses)."""
    if isinstance(node, dict):
        return {str(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(item) for item in node]
    return node
