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
