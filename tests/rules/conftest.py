"""Fixtures for the rules tests. Every table built here is SYNTHETIC: invented ids, dates and places."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def contracts():
    return load_contracts(REPO / "data_contracts")


@pytest.fixture(scope="session")
def rules(contracts):
    from ccassure.rules import load_rules

    return load_rules(REPO / "rules", contracts=contracts, checks_dir=REPO / "checks")


@pytest.fixture
def typed(contracts):
    """typed(centres=[{...}], sessions=[...]) -> {table: DataFrame at the validated dtypes}."""
    def build(**tables):
        return {name: conform(pd.DataFrame(rows), contracts[name]) for name, rows in tables.items()}
    return build
