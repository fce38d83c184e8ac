"""Where the real public samples live (../shared/reference/realdata, relative to the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

REALDATA = REPO.parent / "shared" / "reference" / "realdata"


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"the real public samples are not here ({REALDATA} is absent)")
    return REALDATA
