"""A real, small impact assessment kept with a results folder, as `ccassure impact --output` writes it: two
centres on a line, one option closing the one nearest a deprived neighbourhood (tests/impact/world.py)."""

from __future__ import annotations

from pathlib import Path

from ccassure.impact import assess
from ccassure.impact.proposal import proposal_from_document
from tests.impact.world import centre, lsoa, proposal, tables

TITLE = "Testshire centres review"
CLOSE_A = {"name": "Close A", "changes": [{"action": "close", "centre": "A", "from": "2017-10-01"}]}


def write_assessment(folder: Path, title: str = TITLE) -> Path:
    """Assess the proposal and write it to ``folder`` (e.g. <results>/impact/<name>); returns the folder."""
    world = tables([centre("A", 403000), centre("B", 409000)],
                   [lsoa("E01000001", 403000, 30, 1), lsoa("E01000002", 409000, 50, 8)])
    result = assess(proposal_from_document(proposal(CLOSE_A, title=title)), data=world, period="2016Q4",
                    parameters={})
    return result.write(folder)
