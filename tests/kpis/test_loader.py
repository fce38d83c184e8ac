"""Framework files are checked against the JSON Schema and the data contracts, with errors at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ccassure.kpis.loader import KpiErrors, kpi_json_schema, load_frameworks
from ccassure.nodes.manifest import lint_manifest
from tests.kpis.helpers import EXAMPLE, write_framework

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
- id: T-SHARE
  version: 1
  title: Home visits among contacts
  basis: {source: tests, policy_choice: true}
  unit: percent
  direction: higher
  areas: [access]
  target: target
  parameters:
    target: {default: 50}
  numerator: {table: contacts, dated: date, where: "contact_type = 'home_visit'"}
  denominator: {table: contacts, dated: date}
""" + EXAMPLE


def error_for(tmp_path: Path, kpis: str) -> str:
    path = write_framework(tmp_path, kpis)
    with pytest.raises(KpiErrors) as caught:
        load_frameworks(tmp_path)
    (error,) = caught.value.errors
    assert error.path == str(path)
    return f"{error.line}: {error.message}"


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_a_good_framework_loads(tmp_path):
    write_framework(tmp_path, GOOD)
    frameworks = load_frameworks(tmp_path)
    assert [k.id for _, k in frameworks.kpis()] == ["T-SHARE"]


def test_an_unknown_column_in_a_filter_is_reported_at_its_line(tmp_path):
    bad = GOOD.replace("contact_type = 'home_visit'", "contact_kind = 'home_visit'")
    message = error_for(tmp_path, bad)
    assert message.startswith(f"{line_of(tmp_path / 't.yaml', 'contact_kind')}:")
    assert "unknown column 'contact_kind'" in message


@pytest.mark.parametrize("expression", [
    "lower(contact_type) = 'home_visit'",           # function call
    "contact_type = 'home_visit'; DROP TABLE contacts",
    "contact_type IN (SELECT contact_type FROM contacts)",
    "date = 'yesterday'",                           # not a date
])
def test_unsafe_or_ill_typed_filters_are_rejected(tmp_path, expression):
    message = error_for(tmp_path, GOOD.replace("contact_type = 'home_visit'", expression.replace('"', "'")))
    assert message.split(":", 1)[0].isdigit()


def test_a_value_the_contract_does_not_allow_is_rejected(tmp_path):
    message = error_for(tmp_path, GOOD.replace("'home_visit'", "'home_visits'"))
    assert "not an allowed value of contacts.contact_type" in message


def test_an_unknown_parameter_is_rejected(tmp_path):
    message = error_for(tmp_path, GOOD.replace("target: target", "target: goal"))
    assert "'goal' is not a parameter" in message


def test_a_missing_field_is_a_schema_error(tmp_path):
    message = error_for(tmp_path, GOOD.replace("  unit: percent\n", ""))
    assert "'unit' is a required property" in message


def test_kpi_ids_start_with_their_framework_id(tmp_path):
    message = error_for(tmp_path, GOOD.replace("T-SHARE", "X-SHARE"))
    assert "must start with its framework id T-" in message


def test_amber_on_the_wrong_side_of_the_target(tmp_path):
    message = error_for(tmp_path, GOOD.replace("target: target", "target: 50\n  amber_from: 60").replace(
        "  parameters:\n    target: {default: 50}\n", ""))
    assert "wrong side" in message


def test_an_unknown_table_is_rejected(tmp_path):
    message = error_for(tmp_path, GOOD.replace("{table: contacts, dated: date}", "{table: visits}"))
    assert "unknown table 'visits'" in message


def test_authority_overrides_must_name_a_parameter(tmp_path):
    write_framework(tmp_path, GOOD)
    found = lint_manifest(rules_dir=REPO / "rules", kpi_dir=tmp_path, checks_dir=REPO / "checks",
                          overrides={"T-SHARE": {"targett": 60}, "T": {"tolerance": 1},
                                     "CA06-S5D-DESIGNATION": {}},
                          check_published_schema=False)
    assert [e.message for e in found.errors_for("kpi")] == [
        "parameters: KPI T-SHARE has no parameter 'targett' (it has: min_denominator, target, tolerance)"]


def test_the_published_schema_is_valid_and_every_framework_file_points_at_it():
    Draft202012Validator.check_schema(kpi_json_schema())
    files = sorted((REPO / "rules" / "kpis").glob("*.yaml"))
    assert len(files) >= 3
    for path in files:
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../../src/ccassure/schemas/kpi.schema.json"), path


def test_the_project_frameworks_load_with_their_kpis():
    frameworks = load_frameworks(REPO / "rules" / "kpis")
    ids = {f.id: [k.id for k in f.kpis] for f in frameworks}
    assert set(ids) == {"CORE", "BRAD", "ESX"}
    assert len(ids["BRAD"]) == 7
    assert {"CORE-REG-U5", "CORE-SUSTAINED-TG", "CORE-CASEWORK-N", "CORE-FAMILY-STAR"} <= set(ids["CORE"])
    assert any(k.startswith("ESX-U-") for k in ids["ESX"]) and any(k.startswith("ESX-S-") for k in ids["ESX"])
    for _, kpi in frameworks.kpis():
        assert kpi.basis.source and kpi.examples, kpi.id


def test_a_title_names_its_parameters_and_shows_the_value_in_force(tmp_path: Path) -> None:
    write_framework(tmp_path, GOOD.replace("title: Home visits among contacts",
                                           "title: Home visits among contacts (target {target}%)"))
    (framework,) = load_frameworks(tmp_path)
    (kpi,) = framework.kpis
    assert kpi.title_for(framework.parameter_values(kpi)) == "Home visits among contacts (target 50%)"
    overridden = framework.parameter_values(kpi, {"T-SHARE": {"target": 65}})
    assert kpi.title_for(overridden) == "Home visits among contacts (target 65%)"


def test_a_title_naming_an_unknown_parameter_is_refused_at_its_line(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace("title: Home visits among contacts",
                                               "title: Home visits within {weeks} weeks"))
    assert "{weeks}" in message and "not a parameter" in message


def test_no_shipped_kpi_title_keeps_a_placeholder() -> None:
    for framework in load_frameworks(REPO / "rules" / "kpis"):
        for kpi in framework.kpis:
            title = kpi.title_for(framework.parameter_values(kpi))
            assert "{" not in title and " N " not in f" {title} ", (kpi.id, title)
