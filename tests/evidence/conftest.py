"""A synthetic format-2 results folder shared by the evidence-pack, catalogue, validation and index tests."""

from __future__ import annotations

import pytest

from ccassure.reports.results import load_results
from tests.evidence.format2 import write_format2


@pytest.fixture(scope="session")
def results(tmp_path_factory):
    return load_results(write_format2(tmp_path_factory.mktemp("results")))
