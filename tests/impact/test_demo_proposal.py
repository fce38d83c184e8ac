"""The demo county's proposal (synthetic): three options, exactly one of which strands a deprived area."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccassure.demo.generate import generate_demo
from ccassure.demo.impact_demo import DEMO_AUTHORITY, write_proposal
from ccassure.impact import assess, read_proposal


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out, scale=0.1)
    return out


def test_the_demo_proposal_is_valid_and_option_c_alone_strands_a_deprived_area(demo: Path):
    proposal = write_proposal(demo / "proposals")
    assert read_proposal(proposal).synthetic
    providers = sorted((demo / "provider_return").glob("PRV-WXC-*/2017Q1"))
    data = [*providers, demo / "authority_records" / DEMO_AUTHORITY, demo / "reference"]
    result = assess(proposal, data=data, period="2017Q1")
    summary = result.summary.set_index("scenario")
    a, b, c = result.scenarios
    assert summary.loc[a, "under5_newly_beyond"] == 0
    assert summary.loc[b, "deprived_under5_newly_beyond"] == 0 and summary.loc[b, "under5_newly_within"] > 0
    assert summary.loc[c, "deprived_under5_newly_beyond"] > 0
    readiness = result.checklist.groupby("scenario")["status"].apply(set)
    assert "not_met" in readiness[c] and "not_met" not in readiness[a]
    # the demo names a ward for every neighbourhood, so the stranded under-fives are given ward by ward
    wards = result.wards[result.wards["scenario"] == c]
    assert len(wards) and "Ward not known" not in set(wards["ward"])
    assert wards["under5_newly_beyond"].sum() == summary.loc[c, "under5_newly_beyond"]
