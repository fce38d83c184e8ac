"""The rules and check commands, run in-process with click's runner."""

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ccassure.cli import cli

REPO = Path(__file__).resolve().parents[2]


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_rules_list_shows_ids_titles_and_citations():
    code, output = run("rules", "list")
    assert code == 0
    assert "CA06-S5A-DEF-SERVICES" in output and "s.5A(4)(b)" in output


def test_rules_show_gives_basis_parameters_and_test():
    code, output = run("rules", "show", "GUN-3-TIME")
    assert code == 0
    for text in ("Gunning", "warn_below_days = 42", "basis: policy", "duration"):
        assert text in output


def test_rules_show_unknown_rule_fails():
    code, _ = run("rules", "show", "NO-SUCH-RULE")
    assert code == 1


def test_rules_lint_and_test_pass_on_the_repository():
    code, output = run("rules", "lint")
    assert code == 0, output
    code, output = run("rules", "test")
    assert code == 0, output
    assert "examples passed" in output


def test_rules_lint_fails_with_file_and_line(tmp_path):
    text = (REPO / "rules/statutory/GUN-3-TIME.yaml").read_text(encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(text.replace("consultations.open_date", "consultations.opened"),
                                       encoding="utf-8")
    code, output = run("rules", "lint", "--dir", str(tmp_path))
    assert code == 1
    assert "bad.yaml:" in output and "unknown column 'opened'" in output


def test_rules_test_one_rule():
    code, output = run("rules", "test", "PSED-149")
    assert code == 0 and "in 1 rules" in output


@pytest.mark.skipif(not (REPO / "sample_data" / "provider_return").is_dir(), reason="sample data not generated")
def test_check_on_the_sample_data_finds_the_planted_gap(tmp_path, monkeypatch):
    data = [arg for name in ("provider_return", "authority_records", "reference")
            for arg in ("--data", str(REPO / "sample_data" / name))]
    code, output = run("check", "--period", "2016Q4", "--output", str(tmp_path), *data)
    assert code == 0, output
    frame = pd.read_parquet(tmp_path / "findings.parquet")
    planted = json.loads((REPO / "sample_data" / "planted.json").read_text())["planted"][0]
    gap = frame[(frame.subject_id == planted["subject_id"]) & (frame.rule_id == "CA06-S5A-DEF-SERVICES")]
    assert gap.status.tolist() == ["not_met"]
    evidence = json.loads(gap.evidence.iloc[0])
    assert {"table": "services", "keys": {"centre_id": planted["subject_id"], "service_category": "health"},
            "matched": False} in evidence
    definition = frame[frame.rule_id.str.startswith("CA06-S5A-DEF") & (frame.status == "not_met")]
    assert set(definition.subject_id) == {planted["subject_id"]}
    assert (tmp_path / "findings.csv").is_file() and (tmp_path / "findings.json").is_file()


def test_a_missing_store_is_an_error_never_the_sample_data(tmp_path, monkeypatch):
    monkeypatch.setenv("CCASSURE_STORE", str(tmp_path / "no-store.duckdb"))
    code, output = run("check", "--period", "2016Q4", "--output", str(tmp_path))
    assert code == 2
    assert "does not exist" in output and "sample" not in output.lower()
    assert not (tmp_path / "findings.parquet").exists()
