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


# Folders whose conftest builds a costly session fixture that several of their modules use (a whole-project
# Quarto render, a generated demo, a rendered set of documents, a generated sample, a results folder): each
# runs whole on one worker, so the fixture is built once.
SHARED_FIXTURE_FOLDERS = frozenset({"quarto", "demo", "render", "kpis", "evidence"})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs the suite on two workers (pytest-xdist, ``--dist loadgroup``): each module goes to one
    worker whole, so its module-scoped fixtures (a store, a check) are built once; so does each folder in
    SHARED_FIXTURE_FOLDERS, for its session-scoped ones. Other session fixtures are cheap (loading the rules
    or the contracts) and may be built on both workers."""
    for item in items:
        parts = item.path.relative_to(REPO).parts
        group = parts[1] if parts[0] == "tests" and parts[1] in SHARED_FIXTURE_FOLDERS else "/".join(parts)
        item.add_marker(pytest.mark.xdist_group(group))
