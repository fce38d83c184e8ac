"""Loading rule files: every problem is an error naming file and line; the published schema is current."""

from pathlib import Path

import pytest

from ccassure.nodes.manifest import lint_manifest
from ccassure.rules import RuleErrors, lint_rules, load_rule_file
from ccassure.rules.errors import RuleError
from ccassure.rules.schema import build_rule_schema, published_schema

REPO = Path(__file__).resolve().parents[2]
GOOD = (REPO / "rules" / "statutory" / "CA06-S5A-DEF-ACTIVITIES.yaml").read_text(encoding="utf-8")


def write(tmp_path, text, name="rule.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_containing(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_repository_rules_lint_clean(contracts):
    rules, errors = lint_rules(REPO / "rules", contracts=contracts, checks_dir=REPO / "checks")
    assert errors == []
    assert len(rules) >= 20


def test_published_schema_matches_the_registered_test_types():
    assert published_schema() == build_rule_schema()


@pytest.mark.parametrize("old, new, fragment", [
    ('where: "on_site AND', 'where: "on_sight AND', "unknown column 'on_sight'"),
    ('where: "on_site AND', 'where: "upper(activity) = \'X\' AND on_site AND', "not allowed"),
    ('where: "on_site AND', 'where: "on_site = 1 AND', "cannot compare"),
    ('where: "on_site AND', 'where: "on_site; DROP TABLE sessions; --', "not allowed"),
    ("table: sessions", "table: sesions", "unknown table 'sesions'"),
    ("at_least: min_sessions", "at_least: min_session", "'min_session' is not a parameter"),
    ("dated_by: date", "dated_by: activity", "needs date"),
    ("designation IN ('childrens_centre'", "designation IN ('childrens_centr'", "not an allowed value"),
])
def test_bad_rule_is_located_to_its_line(tmp_path, contracts, old, new, fragment):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path, contracts)
    error = caught.value
    assert fragment in error.message
    assert error.path == str(path)
    assert error.line == line_containing(text, new.split(":")[0].strip() if ":" in new else new)


def test_schema_errors_are_located(tmp_path, contracts):
    text = GOOD.replace("severity: not_met", "severity: fatal")
    with pytest.raises(RuleError) as caught:
        load_rule_file(write(tmp_path, text), contracts)
    assert caught.value.line == line_containing(text, "severity: fatal")
    assert "severity" in caught.value.message


def test_unknown_message_placeholder_is_an_error(tmp_path, contracts):
    text = GOOD.replace("{subject_name} ran {observed}", "{subject_name} ran {observed.__class__}")
    with pytest.raises(RuleError) as caught:
        load_rule_file(write(tmp_path, text), contracts)
    assert "placeholder" in caught.value.message


def test_example_with_unknown_column_is_an_error(tmp_path, contracts):
    text = GOOD.replace("activity: Stay and play, on_site: true", "activity: Stay and play, onsite: true", 1)
    with pytest.raises(RuleError) as caught:
        load_rule_file(write(tmp_path, text), contracts)
    assert "no column 'onsite'" in caught.value.message
    assert caught.value.line == line_containing(text, "onsite")


def test_lint_collects_every_file_and_duplicate_ids(tmp_path, contracts):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    write(tmp_path, GOOD.replace("type: count", "type: tally"), "c.yaml")
    _, errors = lint_rules(tmp_path, contracts=contracts, checks_dir=REPO / "checks", check_published_schema=False)
    messages = [str(e) for e in errors]
    assert any("also used in" in m for m in messages)
    assert any("c.yaml" in m and "tally" in m for m in messages)


def test_lint_reports_overrides_for_unknown_parameters(tmp_path, contracts):
    write(tmp_path, GOOD)
    found = lint_manifest(rules_dir=tmp_path, contracts=contracts, checks_dir=REPO / "checks",
                          overrides={"CA06-S5A-DEF-ACTIVITIES": {"min_sesions": 2}, "NO-SUCH-RULE": {}},
                          check_published_schema=False)
    text = "\n".join(map(str, found.errors_for("rule")))
    assert "rule CA06-S5A-DEF-ACTIVITIES has no parameter 'min_sesions'" in text and "NO-SUCH-RULE" in text


def test_one_parameter_namespace_knows_rules_frameworks_and_kpis(contracts):
    """A KPI or framework override is not a stray rule override: the namespace holds every kind of node."""
    found = lint_manifest(rules_dir=REPO / "rules", contracts=contracts, checks_dir=REPO / "checks",
                          overrides={"CORE": {"min_denominator": 3}, "CORE-REG-U5": {"target": 70},
                                     "CA06-S5A-DEF-ACTIVITIES": {}}, check_published_schema=False)
    assert found.parameter_errors == []
    found = lint_manifest(rules_dir=REPO / "rules", contracts=contracts, checks_dir=REPO / "checks",
                          overrides={"CORE": {"min_denominatr": 3}}, check_published_schema=False)
    assert [e.message for e in found.parameter_errors] == [
        "parameters: framework CORE has no parameter 'min_denominatr' (it has: "
        + ", ".join(sorted(found.manifest.namespace["CORE"].names)) + ")"]


def test_load_rules_refuses_a_folder_with_any_bad_file(tmp_path, contracts):
    from ccassure.rules import load_rules

    write(tmp_path, GOOD.replace("table: sessions", "table: nope"))
    with pytest.raises(RuleErrors):
        load_rules(tmp_path, contracts=contracts, checks_dir=REPO / "checks")


def test_rules_with_unverified_wording_are_capped(rules):
    for rule in rules:
        if rule.basis.wording_checked == "unverified":
            assert rule.cap == "at_risk" and rule.effective_severity == "at_risk", rule.id


def test_lint_rejects_a_rule_with_no_commencement_date(tmp_path, contracts):
    from ccassure.rules import lint_rules

    write(tmp_path, "\n".join(line for line in GOOD.splitlines() if not line.startswith("valid_from:")))
    _, errors = lint_rules(tmp_path, contracts=contracts, checks_dir=REPO / "checks", check_published_schema=False)
    assert any("valid_from" in str(error) for error in errors), errors


def test_a_rule_basis_points_to_the_projects_legal_notes(rules):
    for rule in rules:
        note = rule.basis.legal_note
        path, _, anchor = note.partition("#")
        text = (REPO / path).read_text(encoding="utf-8")
        assert not anchor or f"{{#{anchor}}}" in text or f'id="{anchor}"' in text or \
            any(_slug(line) == anchor for line in text.splitlines() if line.startswith("#")), (rule.id, note)


def _slug(heading: str) -> str:
    import re

    return re.sub(r"[^a-z0-9 -]", "", heading.lstrip("#").strip().lower()).replace(" ", "-")


def test_no_rule_file_cites_the_teams_reference_shelf():
    import re

    for path in (REPO / "rules").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"statute\.md|\.\./shared|\bseed\b|\[[VPR]\]|\[V-", text), path
