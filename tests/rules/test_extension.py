"""Adding a test type touches no engine module: register it, write a rule, evaluate."""

from dataclasses import dataclass

from ccassure.rules import evaluate, load_rule_file
from ccassure.rules.expr import sql_literal
from ccassure.rules.testtypes import TEST_TYPES, register_test_type
from ccassure.rules.testtypes.base import SqlPlan, TestType, Thresholds

RULE = """
id: TEST-NAME-LENGTH
version: 1
title: Centre names are short enough for the GIAS field
areas: [leadership]
valid_from: "2010-01-12"
basis: {citation: test only, wording: synthetic, source: none, legal_note: docs/legal/s5a-sufficiency.md, wording_checked: verified}
subject: centre
parameters:
  max_length: {default: 10, unit: characters, basis: policy}
test: {type: name_length, at_most: max_length}
severity: at_risk
message: {met: "{subject_name} ok", not_met: "{subject_name} is {observed} characters long"}
guidance: A synthetic rule used only to test that the registry is open.
examples:
  - name: short
    given: {centres: [{centre_id: C1, centre_name: Short}]}
    expect: {C1: met}
"""


@dataclass(frozen=True)
class NameLengthSpec:
    thresholds: Thresholds


class NameLength(TestType):
    name = "name_length"
    schema = {"type": "object", "properties": {"type": {"const": "name_length"}, "at_most": {}}}

    def parse(self, raw, ctx):
        return NameLengthSpec(Thresholds.parse(raw, ctx))

    def tables(self, spec):
        return []

    def params(self, spec):
        return spec.thresholds.params()

    def compile(self, spec, ctx):
        value = "length(s.centre_name)"
        return SqlPlan(f"SELECT s.__subject_id AS subject_id, {spec.thresholds.outcome_sql(value, ctx.params)} AS outcome, "
                       f"CAST({value} AS VARCHAR) AS observed, {sql_literal('<= 10')} AS threshold, "
                       f"[]::VARCHAR[] AS evidence, NULL AS detail FROM {ctx.subjects} s")


def test_a_new_test_type_plugs_in(tmp_path, contracts, typed):
    register_test_type(NameLength())
    try:
        path = tmp_path / "rule.yaml"
        path.write_text(RULE, encoding="utf-8")
        rule = load_rule_file(path, contracts)
        data = typed(centres=[{"centre_id": "C1", "centre_name": "Short"},
                              {"centre_id": "C2", "centre_name": "A very long centre name"}])
        findings = evaluate(rule, data, period="2016Q4")
        assert {f.subject_id: f.status for f in findings} == {"C1": "met", "C2": "at_risk"}
    finally:
        TEST_TYPES.pop("name_length", None)
