"""Quarto ``.qmd`` documents as Jupyter notebooks.

A ``.qmd`` is YAML front matter, Markdown, and executable chunks fenced as ```` ```{python} ````, whose
first lines may be ``#| key: value`` cell options (YAML). Parameters work as in papermill and Quarto: the
first cell tagged ``parameters`` is followed by an injected cell tagged ``injected-parameters``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccassure.yamlload import YamlFileError, load_yaml_text, to_plain

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.S)
_OPEN = re.compile(r"^(?P<fence>`{3,})\s*\{(?P<lang>[A-Za-z0-9_]+)(?P<rest>[^}]*)\}\s*$")
_OPTION = re.compile(r"^#\|\s?(.*)$")


@dataclass
class QmdDocument:
    path: Path | None
    front_matter: dict[str, Any]
    notebook: Node
    options: list[dict[str, Any]] = field(default_factory=list)


class QmdError(ValueError):
    pass


class Node(dict):
    """A notebook node (notebook, cell or output): a dict whose keys also read as attributes, the shape of
    nbformat's NotebookNode (the kernel path converts to that with ``nbformat.from_dict``). Rendering one
    document in process never imports nbformat, whose JSON-schema validators cost a tenth of a second."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


NBFORMAT, NBFORMAT_MINOR = 4, 5  # the notebook format version the cells below follow (cell ids: 4.5)


def _cell_id() -> str:
    return uuid.uuid4().hex[:8]


def _code_cell(source: str) -> Node:
    return Node(id=_cell_id(), cell_type="code", metadata=Node(), execution_count=None, source=source, outputs=[])


def _markdown_cell(source: str) -> Node:
    return Node(id=_cell_id(), cell_type="markdown", metadata=Node(), source=source)


def _notebook(cells: list[Node], metadata: dict[str, Any]) -> Node:
    return Node(nbformat=NBFORMAT, nbformat_minor=NBFORMAT_MINOR, metadata=Node(metadata), cells=cells)


def _yaml(text: str, where: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        data = to_plain(load_yaml_text(text, where))
    except YamlFileError as exc:
        at = f" (line {exc.line} of it)" if exc.line else ""
        raise QmdError(f"{where}: the YAML could not be read{at}: {exc.message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise QmdError(f"{where}: expected YAML keys and values")
    return data


def split_options(source: str, where: str = "cell") -> tuple[dict[str, Any], str]:
    """The ``#|`` options at the top of a chunk, and the code below them."""
    lines = source.split("\n")
    option_lines = []
    while lines and _OPTION.match(lines[0]):
        option_lines.append(_OPTION.match(lines.pop(0)).group(1))
    return _yaml("\n".join(option_lines), where), "\n".join(lines)


def parse_qmd(text: str, path: Path | None = None) -> QmdDocument:
    name = str(path) if path else "<qmd>"
    front: dict[str, Any] = {}
    match = _FRONT.match(text)
    if match:
        front = _yaml(match.group(1), f"{name} front matter")
        text = text[match.end():]
    cells = []
    markdown: list[str] = []
    lines = text.split("\n")
    i = 0

    def flush() -> None:
        body = "\n".join(markdown).strip("\n")
        if body.strip():
            cells.append(_markdown_cell(body))
        markdown.clear()

    while i < len(lines):
        opened = _OPEN.match(lines[i])
        if not opened:
            markdown.append(lines[i])
            i += 1
            continue
        fence, lang = opened.group("fence"), opened.group("lang")
        start = i + 1
        j = start
        while j < len(lines) and not re.match(rf"^{fence}`*\s*$", lines[j]):
            j += 1
        if j >= len(lines):
            raise QmdError(f"{name}: the chunk opened at line {i + 1} is never closed")
        if lang != "python":
            raise QmdError(f"{name}: line {i + 1}: only {{python}} chunks are supported (found {{{lang}}})")
        flush()
        options, code = split_options("\n".join(lines[start:j]), f"{name} line {i + 1}")
        cell = _code_cell(code.strip("\n"))
        tags = options.get("tags") or []
        if isinstance(tags, str):
            tags = [tags]
        cell.metadata["tags"] = list(tags)
        cell.metadata["quarto"] = options
        cells.append(cell)
        i = j + 1
    flush()
    nb = _notebook(cells, {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    return QmdDocument(path=path, front_matter=front, notebook=nb)


def read_qmd(path: str | Path) -> QmdDocument:
    path = Path(path)
    return parse_qmd(path.read_text(encoding="utf-8"), path)


def parameter_source(parameters: dict[str, Any]) -> str:
    """Python assignments for parameters, as papermill writes them (repr of plain values only)."""
    lines = ["# Injected parameters"]
    for key, value in parameters.items():
        if not key.isidentifier():
            raise QmdError(f"Parameter name {key!r} is not a Python identifier")
        if not isinstance(value, (str, int, float, bool, type(None), list, dict, tuple)):
            raise QmdError(f"Parameter {key} must be a plain value, not {type(value).__name__}")
        lines.append(f"{key} = {value!r}")
    return "\n".join(lines)


def inject_parameters(nb: Node, parameters: dict[str, Any]) -> Node:
    """Insert an ``injected-parameters`` cell after the first ``parameters`` cell (replacing an existing
    injected cell); with no parameters cell, insert it first, as papermill does."""
    if not parameters:
        return nb
    cell = _code_cell(parameter_source(parameters))
    cell.metadata["tags"] = ["injected-parameters"]
    cell.metadata["quarto"] = {"echo": False}
    cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    position = next((k + 1 for k, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), 0)
    cells.insert(position, cell)
    nb.cells = cells
    return nb
