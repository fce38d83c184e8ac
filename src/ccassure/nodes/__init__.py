"""What rules and KPIs have in common: the model layer both kinds of node are built from.

A *node* is one thing the engine evaluates: a statutory rule, a KPI, or the cross-check of a figure a
provider reports for a KPI. The kinds keep their own evaluation strategies (per-subject test plans for
rules; batched aggregates for KPIs), but they are described with the same parts, defined here once:

- :class:`Ref`: a threshold written in the file, or the name of a parameter whose value is used;
- :class:`Parameter` with its basis (law or the authority's policy choice) and :class:`Basis`;
- :class:`Example`: rows given, the expected answers, and the period (and for KPIs the subject) they are for;
- :class:`NodeError` / :class:`NodeErrors`: located load errors (file and line), collected, never half a load.

The one loader entry (``ccassure.nodes.manifest``) and the one examples runner (``ccassure.nodes.examples``)
import the rule and KPI packages, so they are not imported here.
"""

from ccassure.nodes.basis import Basis, Parameter
from ccassure.nodes.errors import Locator, NodeError, NodeErrors
from ccassure.nodes.example import Example
from ccassure.nodes.ref import Ref

__all__ = ["Basis", "Example", "Locator", "NodeError", "NodeErrors", "Parameter", "Ref"]
