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
    """The generated sample loaded as `ccassure check` and `ccassure kpis run` load it (one loader)."""
    from ccassure.assessment import SAMPLE_FOLDERS, load_check_data

    loaded = load_check_data([generated_sample / name for name in SAMPLE_FOLDERS])
    return generated_sample, loaded.tables, loaded.data_versions


@pytest.fixture
def sample_copy(generated_sample, tmp_path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(generated_sample, target)
    return target
