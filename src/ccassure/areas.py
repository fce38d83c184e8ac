"""The three inspection areas of a children's centre inspection, the one registry of them.

Every rule and KPI file declares which areas it evidences (``areas:``, checked by the rule and KPI
schemas); the results manifest carries them (``nodes[].areas``) and the evidence pack groups duties by
them. Nothing guesses an area from a title.
"""

from __future__ import annotations

AREAS: dict[str, str] = {
    "access": "Access to services by young children and families",
    "quality": "The quality of practice and services",
    "leadership": "The effectiveness of leadership, governance and management",
}

AREAS_SCHEMA: dict = {
    "type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(AREAS)},
    "description": "The inspection areas this duty or measure evidences: access (access to services by young "
                   "children and families), quality (the quality of practice and services), leadership (the "
                   "effectiveness of leadership, governance and management). The first is where the evidence "
                   "pack shows it.",
}
