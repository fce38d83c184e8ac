"""Every duty and KPI declares the inspection areas it evidences; the schemas refuse one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccassure.areas import AREAS
from ccassure.contracts import load_contracts
from ccassure.kpis.loader import KpiErrors, load_frameworks
from ccassure.rules import RuleErrors, load_rule_file, load_rules
from ccassure.rules.errors import RuleError
from tests.kpis.helpers import write_framework

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def contracts():
    return load_contracts(REPO / "data_contracts")


def test_every_rule_declares_known_areas(contracts):
    rules = load_rules(REPO / "rules", contracts=contracts, checks_dir=REPO / "checks")
    assert len(rules) >= 20
    for rule in rules.values() if isinstance(rules, dict) else rules:
        assert rule.areas, rule.id
        assert set(rule.areas) <= set(AREAS), rule.id


def test_every_kpi_declares_known_areas():
    frameworks = load_frameworks(REPO / "rules" / "kpis")
    kpis = [kpi for framework in frameworks for kpi in framework.kpis]
    assert len(kpis) >= 30
    for kpi in kpis:
        assert kpi.areas and set(kpi.areas) <= set(AREAS), kpi.id


def test_the_three_areas_are_all_used(contracts):
    rules = load_rules(REPO / "rules", contracts=contracts, checks_dir=REPO / "checks")
    used = {a for rule in (rules.values() if isinstance(rules, dict) else rules) for a in rule.areas}
    used |= {a for f in load_frameworks(REPO / "rules" / "kpis") for k in f.kpis for a in k.areas}
    assert used == set(AREAS)


def test_a_rule_without_areas_is_a_load_error(tmp_path, contracts):
    good = (REPO / "rules" / "statutory" / "CA06-S5A-DEF-ACTIVITIES.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rule.yaml"
    path.write_text(good.replace("areas: [access]\n", ""), encoding="utf-8")
    with pytest.raises((RuleErrors, RuleError)) as caught:
        load_rule_file(path, contracts=contracts)
    assert "areas" in str(caught.value)


def test_a_rule_with_an_unknown_area_is_a_load_error(tmp_path, contracts):
    good = (REPO / "rules" / "statutory" / "CA06-S5A-DEF-ACTIVITIES.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rule.yaml"
    path.write_text(good.replace("areas: [access]", "areas: [outreach]"), encoding="utf-8")
    with pytest.raises((RuleErrors, RuleError)) as caught:
        load_rule_file(path, contracts=contracts)
    assert "outreach" in str(caught.value)


def test_a_kpi_without_areas_is_a_load_error(tmp_path):
    write_framework(tmp_path, """\
    - id: T-COUNT
      version: 1
      title: Contacts
      basis: {source: tests, policy_choice: true}
      kind: count
      unit: count
      direction: higher
      numerator: {table: contacts, dated: date}
      examples: []
    """)
    with pytest.raises(KpiErrors) as caught:
        load_frameworks(tmp_path)
    assert "areas" in str(caught.value)
