"""Rewrite the registry blocks of the docs (formats, documents, importers) from the code's registries."""

from __future__ import annotations

import sys
from pathlib import Path

from ccassure.docblocks import update

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    changed = update(root)
    print("updated: " + ", ".join(changed) if changed else "the docs match the registries")
    sys.exit(0)
