"""The JSON Schema of rule files, composed from the base schema and each registered test type's fragment.

The published copy lives at src/ccassure/schemas/rule.schema.json (rule files point editors at it from a
``# yaml-language-server: $schema=...`` comment). ``ccassure rules schema --write`` regenerates it after a
test type is added; a test keeps the published copy in step with the registry.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ccassure.areas import AREAS_SCHEMA
from ccassure.rules.model import STATUSES, SUBJECT_TYPES

ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9]+)*$"
PARAM_PATTERN = r"^[a-z][a-z0-9_]*$"
PUBLISHED = "schemas/rule.schema.json"


def build_rule_schema() -> dict[str, Any]:
    from ccassure.rules.testtypes import TEST_TYPES

    type_names = sorted(TEST_TYPES)
    branches = [{"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                 "then": TEST_TYPES[name].schema} for name in type_names]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ccassure.example/schemas/rule.schema.json",
        "title": "ccassure rule",
        "description": "One rule: a duty or expectation, the subject it judges, the test, and its own examples.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "version", "title", "areas", "basis", "subject", "test", "severity", "message",
                     "guidance", "examples"],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN,
                   "description": "Stable identifier, e.g. CA06-S5A-DEF-ACTIVITIES. Never reuse one."},
            "version": {"type": "integer", "minimum": 1,
                        "description": "Bump whenever the test or a default threshold changes."},
            "title": {"type": "string", "minLength": 3},
            "areas": AREAS_SCHEMA,
            "basis": {
                "type": "object", "additionalProperties": False,
                "required": ["citation", "wording", "source", "statute_ref", "grade"],
                "properties": {
                    "citation": {"type": "string", "description": "e.g. Childcare Act 2006 s.5A(4)(c)"},
                    "wording": {"type": "string", "description": "The short wording the rule relies on."},
                    "source": {"type": "string", "description": "Where the wording comes from (URL)."},
                    "statute_ref": {"type": "string", "pattern": "statute\\.md",
                                    "description": "Section of ../shared/domain/statute.md the rule follows."},
                    "grade": {"enum": ["V", "P", "R"],
                              "description": "Confidence in the wording (statute.md): V verbatim, P paraphrase, "
                                             "R recalled and unverified (caps the rule at at_risk)."},
                    "note": {"type": "string"},
                },
            },
            "subject": {"enum": list(SUBJECT_TYPES)},
            "applies_when": {"type": "string", "description": "Condition over the subject's columns."},
            "parameters": {
                "type": "object",
                "propertyNames": {"pattern": PARAM_PATTERN},
                "additionalProperties": {
                    "type": "object", "additionalProperties": False, "required": ["default", "unit", "basis"],
                    "properties": {
                        "default": {"type": ["number", "string", "boolean"]},
                        "unit": {"type": "string"},
                        "basis": {"enum": ["law", "policy"],
                                  "description": "law: set by statute; policy: a choice an authority may change."},
                        "description": {"type": "string"},
                        "source": {"type": "string"},
                    },
                },
            },
            "test": {
                "type": "object", "required": ["type"],
                "properties": {"type": {"enum": type_names}},
                "allOf": branches,
            },
            "severity": {"enum": ["not_met", "at_risk"],
                         "description": "The status a failing test gives."},
            "cap": {"enum": ["at_risk"], "description": "Never report worse than this."},
            "cap_reason": {"type": "string"},
            "message": {
                "type": "object", "additionalProperties": False, "required": ["met", "not_met"],
                "properties": {status: {"type": "string"} for status in STATUSES},
                "description": "Templates: {subject_name} {subject_id} {period} {observed} {threshold} {detail} "
                               "and parameter names.",
            },
            "guidance": {"type": "string", "minLength": 10},
            "tags": {"type": "array", "items": {"type": "string"}},
            "examples": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object", "additionalProperties": False, "required": ["name", "given", "expect"],
                    "properties": {
                        "name": {"type": "string"},
                        "period": {"type": "string", "pattern": r"^([0-9]{4}Q[1-4]|[0-9]{4}-[0-9]{2})$"},
                        "parameters": {"type": "object"},
                        "given": {"type": "object", "additionalProperties": {"type": "array",
                                                                             "items": {"type": "object"}}},
                        "expect": {"type": "object", "additionalProperties": {"enum": list(STATUSES)}},
                    },
                },
            },
        },
    }


def published_schema() -> dict[str, Any]:
    return json.loads(resources.files("ccassure").joinpath(PUBLISHED).read_text(encoding="utf-8"))


def write_published_schema(path: Path | None = None) -> Path:
    target = path or Path(str(resources.files("ccassure").joinpath(PUBLISHED)))
    target.write_text(json.dumps(build_rule_schema(), indent=2) + "\n", encoding="utf-8")
    return target
