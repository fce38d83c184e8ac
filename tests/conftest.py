"""Shared test settings: tests never touch the developer's store or need stdin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCASSURE_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("CCASSURE_PROJECT", str(REPO))
    os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs the suite on two workers (pytest-xdist, ``--dist loadgroup``): each module goes to one
    worker whole, so its module-scoped fixtures (a rendered demo, a store) are built once; the Quarto modules
    form one group because they share one whole-project render (tests/quarto/conftest.py)."""
    for item in items:
        parts = item.path.relative_to(REPO).parts
        group = "quarto" if parts[:2] == ("tests", "quarto") else "/".join(parts)
        item.add_marker(pytest.mark.xdist_group(group))
