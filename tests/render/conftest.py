"""One synthetic render shared by the end-to-end and browser tests (rendering is the slow part)."""

from __future__ import annotations

import pytest

from .synthetic_results import make_results
from .tools import run_render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """(completed process, output folder, results folder) of `ccassure render` over 2 authorities."""
    base = tmp_path_factory.mktemp("render")
    results = make_results(base / "results", authorities=2, centres_per_authority=2)
    out = base / "reports"
    proc = run_render("--results", str(results), "--output-dir", str(out))
    return proc, out, results
