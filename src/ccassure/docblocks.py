"""The lists the code keeps once, written into the docs: validation output formats, report documents and
reference importer kinds.

Each doc carries its list between ``<!-- registry:NAME -->`` and ``<!-- /registry:NAME -->``, written from
the registry by ``python scripts/registry_docs.py``; ``tests/cli/test_registries.py`` fails when a doc and
its registry differ, so a format, document or importer added in code cannot be missing from the docs.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

# block name -> (doc, relative to the project root; "module:function" returning the block's Markdown)
BLOCKS: dict[str, tuple[str, str]] = {
    "validation-formats": ("docs/validation.md", "ccassure.validation.outputs:formats_table"),
    "report-documents": ("docs/reports.md", "ccassure.render.documents:documents_table"),
    "reference-importers": ("docs/store.md", "ccassure.reference.registry:importers_table"),
}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- registry:{re.escape(name)} -->\n)(.*?)(<!-- /registry:{re.escape(name)} -->)", re.S)


def expected(name: str) -> str:
    """The block's Markdown as its registry writes it (for the current project)."""
    module, function = BLOCKS[name][1].split(":")
    return getattr(importlib.import_module(module), function)()


def current(name: str, root: Path) -> str | None:
    """The block as the doc holds it now (None when the doc has no such block)."""
    match = _pattern(name).search((root / BLOCKS[name][0]).read_text(encoding="utf-8"))
    return match.group(2).rstrip("\n") if match else None


def update(root: Path) -> list[str]:
    """Rewrite every block from its registry; returns the docs that changed."""
    changed = []
    for name, (doc, _) in BLOCKS.items():
        path = root / doc
        text = path.read_text(encoding="utf-8")
        pattern = _pattern(name)
        if not pattern.search(text):
            raise ValueError(f"{doc} has no <!-- registry:{name} --> block")
        new = pattern.sub(lambda m, n=name: m.group(1) + expected(n) + "\n" + m.group(3), text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(doc)
    return changed
