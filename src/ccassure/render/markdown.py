"""An executed notebook as one Markdown document, honouring Quarto's cell options.

- ``echo`` (default false in ccassure reports): show the code;
- ``include: false``: neither code nor output;
- ``output: false`` hides output; ``output: asis`` passes printed text through as Markdown;
- ``warning: false`` drops stderr; ``error``: show an error output instead of failing;
- ``IPython.display.Markdown`` outputs are kept as Markdown; images (matplotlib) are written as PNG
  files next to the Markdown and referenced, so pandoc embeds them in HTML and typst in PDF;
- ``fig-cap`` / ``fig-alt`` give the figure's caption and alternative text.
Raw HTML outputs are dropped (they would be lost in PDF); a DataFrame falls back to its text form.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _fence(text: str, lang: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _truthy(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "0", "none")
    return bool(value)


def _escape_attr(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _flush_streams(streams: dict[str, list[str]], parts: list[str], asis: bool, show_warnings: bool) -> None:
    out = "".join(streams["stdout"])
    if out.strip():
        parts.append(out if asis else _fence(_ANSI.sub("", out)))
    err = "".join(streams["stderr"])
    if err.strip() and show_warnings:
        parts.append(_fence(_ANSI.sub("", err)))
    streams["stdout"].clear()
    streams["stderr"].clear()


def notebook_to_markdown(nb: Any, image_dir: Path, defaults: dict[str, Any] | None = None,
                         stem: str = "fig") -> str:
    """Markdown for ``nb``; images are written into ``image_dir`` and linked by file name."""
    defaults = {"echo": False, "warning": False, "error": False, "output": True, "include": True,
                **(defaults or {})}
    image_dir.mkdir(parents=True, exist_ok=True)
    parts: list[str] = []
    figure = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        options = {**defaults, **(cell.metadata.get("quarto") or {})}
        if not _truthy(options.get("include"), True):
            continue
        if _truthy(options.get("echo"), False) and cell.source.strip():
            parts.append(_fence(cell.source, "python"))
        output_option = options.get("output", True)
        if output_option is False or (isinstance(output_option, str) and output_option.lower() == "false"):
            continue
        asis = isinstance(output_option, str) and output_option.lower() == "asis"
        caption = options.get("fig-cap")
        alt = options.get("fig-alt") or caption or "Chart"
        streams: dict[str, list[str]] = {"stdout": [], "stderr": []}
        show_warnings = _truthy(options.get("warning"), False)
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                streams[output.get("name", "stdout")].append(output.get("text", ""))
                continue
            _flush_streams(streams, parts, asis, show_warnings)
            if kind == "error":
                if _truthy(options.get("error"), False):
                    trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
                    parts.append(_fence(trace))
                continue
            data = output.get("data", {})
            if "text/markdown" in data:
                parts.append(data["text/markdown"])
            elif "image/svg+xml" in data:
                figure += 1
                name = f"{stem}-{figure}.svg"
                svg = data["image/svg+xml"]
                (image_dir / name).write_text(svg if isinstance(svg, str) else "".join(svg), encoding="utf-8")
                label = caption if isinstance(caption, str) else ""
                parts.append(f'![{label}]({name}){{alt="{_escape_attr(alt)}" width="100%"}}')
            elif "image/png" in data or "image/jpeg" in data:
                mime = "image/png" if "image/png" in data else "image/jpeg"
                figure += 1
                name = f"{stem}-{figure}.{'png' if mime == 'image/png' else 'jpg'}"
                (image_dir / name).write_bytes(base64.b64decode(data[mime]))
                label = caption if isinstance(caption, str) else ""
                parts.append(f'![{label}]({name}){{alt="{_escape_attr(alt)}" width="100%"}}')
            elif "text/plain" in data:
                value = data["text/plain"]
                if asis:
                    parts.append(value)
                elif value.strip() and not value.startswith("<Figure size"):
                    parts.append(_fence(_ANSI.sub("", value)))
        _flush_streams(streams, parts, asis, show_warnings)
    return "\n\n".join(p.strip("\n") for p in parts if p and p.strip()) + "\n"
