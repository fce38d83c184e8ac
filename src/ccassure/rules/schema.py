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
from ccassure.rules.blanks import blank_schema
from ccassure.rules.model import STATUSES, SUBJECT_TYPES

ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9]+)*$"
PARAM_PATTERN = r"^[a-z][a-z0-9_]*$"
PUBLISHED = "schemas/rule.schema.json"
LEGAL_NOTE_PATTERN = r"^docs/legal/[a-z0-9-]+\.md(#[a-z0-9-]+)?$"
WORDING_CHECKED = ("verified", "secondary", "unverified")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


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
                     "guidance", "examples", "valid_from"],
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN,
                   "description": "Stable identifier, e.g. CA06-S5A-DEF-ACTIVITIES. Never reuse one."},
            "version": {"type": "integer", "minimum": 1,
                        "description": "Bump whenever the test or a default threshold changes."},
            "title": {"type": "string", "minLength": 3},
            "areas": AREAS_SCHEMA,
            "basis": {
                "type": "object", "additionalProperties": False,
                "required": ["citation", "wording", "source", "legal_note", "wording_checked"],
                "properties": {
                    "citation": {"type": "string", "description": "e.g. Childcare Act 2006 s.5A(4)(c)"},
                    "wording": {"type": "string", "description": "The short wording the rule relies on."},
                    "source": {"type": "string", "description": "Where the wording comes from (URL)."},
                    "legal_note": {"type": "string", "pattern": LEGAL_NOTE_PATTERN,
                                   "description": "The project's legal-basis note the rule follows, e.g. "
                                                  "docs/legal/s5d-consultation.md#closure."},
                    "wording_checked": {"enum": list(WORDING_CHECKED),
                                        "description": "verified: the wording was read in the published text; "
                                                       "secondary: quoted from a court, Parliament or DfE "
                                                       "summary; unverified: not yet read in the source "
                                                       "(caps the rule at at_risk)."},
                    "note": {"type": "string"},
                },
            },
            "valid_from": {"type": "string", "pattern": DATE_PATTERN,
                           "description": "Commencement: the first day this version of the rule is in force "
                                          "(a change is judged by the version in force on its decision date)."},
            "valid_to": {"type": "string", "pattern": DATE_PATTERN,
                         "description": "The last day this version is in force (blank: still in force)."},
            "predecessor": {"type": "string", "pattern": ID_PATTERN,
                            "description": "The rule id that judged subjects before valid_from."},
            "blank_means": blank_schema(),
            "subject": {"enum": list(SUBJECT_TYPES)},
            "applies_when": {"type": "string", "description": "Condition over the subject's columns."},
            "parameters": {
                "type": "object",
                "propertyNames": {"pattern": PARAM_PATTERN},
                "additionalProperties": {
                    "type": "object", "additionalProperties": False, "required": ["unit", "basis"],
                    "oneOf": [{"required": ["default"]}, {"required": ["values"]}],
                    "properties": {
                        "default": {"type": ["number", "string", "boolean"]},
                        "values": {
                            "type": "array", "minItems": 1,
                            "description": "Dated values (instead of default): each subject is judged with the "
                                           "value in force on its date, like the rule's own window.",
                            "items": {
                                "type": "object", "additionalProperties": False,
                                "required": ["valid_from", "value"],
                                "properties": {
                                    "valid_from": {"type": "string", "pattern": DATE_PATTERN,
                                                   "description": "The first day this value is in force."},
                                    "value": {"type": ["number", "string", "boolean"]},
                                    "reference": {"type": "string",
                                                  "description": "The legal or published source of this value."},
                                },
                            },
                        },
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
