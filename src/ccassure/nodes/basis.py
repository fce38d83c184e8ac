"""Why a node exists and what it may be tuned by: its basis, and its parameters with theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

WordingChecked = Literal["verified", "secondary", "unverified", ""]


@dataclass(frozen=True)
class Basis:
    """Where a rule or KPI comes from.

    ``source``: the published text it follows (a statute, guidance, a council's contract paper);
    ``legal_note``: the project's own note on it (``docs/legal/<note>.md[#section]``); ``citation`` and
    ``wording`` (rules): the section relied on and its words, with ``wording_checked`` saying whether they
    were read in the published text; ``policy_choice`` (KPIs): the definition or threshold is the
    authority's choice, not law."""

    source: str
    note: str = ""
    legal_note: str = ""
    citation: str = ""
    wording: str = ""
    wording_checked: WordingChecked = ""
    policy_choice: bool = False


@dataclass(frozen=True)
class Parameter:
    """A named setting with a default that an authority may override in ccassure.yml.

    ``basis``: ``law`` when the value is set in law, ``policy`` when it is the authority's choice (None:
    not said). ``versions`` (rules): dated values, oldest first (rules.commencement.ParameterValue); the
    default is then the latest."""

    name: str
    default: Any
    description: str = ""
    unit: str | None = None
    basis: Literal["law", "policy"] | None = None
    source: str = ""
    versions: tuple[Any, ...] = ()

    @property
    def policy_choice(self) -> bool:
        return self.basis == "policy"


def defaults(parameters: dict[str, Parameter]) -> dict[str, Any]:
    """name -> default value."""
    return {name: p.default for name, p in parameters.items()}
