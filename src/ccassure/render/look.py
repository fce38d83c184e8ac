"""The look of the reports, read from ``_quarto.yml`` so that ``ccassure render`` and ``quarto render``
use the very same files: the stylesheet (``format.html.css``), the typst page template
(``format.typst.template-partials``), the Lua filter (``filters``) and the page options (paper, margins,
font size, table of contents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Look:
    css: Path | None = None
    typst_template: Path | None = None
    lua_filters: tuple[Path, ...] = ()
    html_toc: bool = True
    html_toc_depth: int = 2
    html_toc_title: str | None = None
    typst_options: dict[str, Any] = field(default_factory=dict)
    execute: dict[str, Any] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _existing(root: Path, value: Any) -> Path | None:
    if not isinstance(value, str):
        return None
    path = (root / value).resolve()
    return path if path.is_file() else None


def read_look(project_root: Path) -> Look:
    """The look ``_quarto.yml`` declares (an empty look, pandoc's defaults, when there is none)."""
    path = project_root / "_quarto.yml"
    if not path.is_file():
        return Look()
    from ccassure.yamlload import load_yaml, to_plain

    data = to_plain(load_yaml(path)) or {}
    formats = data.get("format") or {}
    html = formats.get("html") or {}
    typst = formats.get("typst") or {}
    css = next((p for p in map(lambda v: _existing(project_root, v), _as_list(html.get("css"))) if p), None)
    template = next((p for p in (_existing(project_root, v) for v in _as_list(typst.get("template-partials")))
                     if p and p.name == "typst-template.typ"), None)
    filters = []
    for entry in _as_list(data.get("filters")):
        found = _existing(project_root, entry.get("path") if isinstance(entry, dict) else entry)
        if found:
            filters.append(found)
    options = {k: typst[k] for k in ("papersize", "margin", "fontsize", "mainfont", "toc") if k in typst}
    return Look(css=css, typst_template=template, lua_filters=tuple(filters),
                html_toc=bool(html.get("toc", True)), html_toc_depth=int(html.get("toc-depth", 2)),
                html_toc_title=html.get("toc-title"),
                typst_options=options, execute=dict(data.get("execute") or {}))
