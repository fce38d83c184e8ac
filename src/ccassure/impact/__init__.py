"""Change-impact assessment: what a proposed programme of centre changes would do, before anyone decides.

    import ccassure
    result = ccassure.impact("proposals/review.yaml")   # rich display in Jupyter
    result.summary, result.deciles, result.side_by_side()

``ccassure impact PROPOSAL`` on the command line writes the same frames to a results folder that
reports/impact.qmd turns into an appendix for a consultation document or an equality impact assessment.
"""

from __future__ import annotations

import sys
import types

from ccassure.impact.assess import assess
from ccassure.impact.proposal import Proposal, ProposalError, read_proposal
from ccassure.impact.result import ImpactResult, load_impact

__all__ = ["ImpactResult", "Proposal", "ProposalError", "assess", "load_impact", "read_proposal"]


class _CallableModule(types.ModuleType):
    """Lets analysts write ``ccassure.impact("proposal.yaml")``: the package is also the function."""

    def __call__(self, *args, **kwargs) -> ImpactResult:
        return assess(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
