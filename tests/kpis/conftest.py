"""One synthetic sample return for the KPI tests that need realistic data (generated once per session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def generated_sample(tmp_path_factory) -> Path:
    from ccassure.demo.generate import generate_sample

    folder = tmp_path_factory.mktemp("kpi_sample")
    generate_sample(folder)
    return folder


@pytest.fixture(scope="session")
def validated_sample(generated_sample):
    from ccassure.kpis.data import load_paths

    paths = [generated_sample / name for name in ("provider_return", "authority_records", "reference")]
    tables, _, versions = load_paths(paths)
    return generated_sample, tables, versions


@pytest.fixture
def sample_copy(generated_sample, tmp_path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(generated_sample, target)
    return target
