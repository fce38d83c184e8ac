"""`ccassure kpis list | show | test | lint | run`: output and exit codes (the shape `rules` shares)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ccassure.cli import cli
from tests.kpis.helpers import EXAMPLE, write_framework


def invoke(*args: str):
    return CliRunner().invoke(cli, ["kpis", *args], catch_exceptions=False)


def test_list_shows_every_framework_with_parameters():
    result = invoke("list")
    assert result.exit_code == 0
    for text in ("CORE v1", "BRAD v1", "ESX v1", "CORE-SUSTAINED-TG", "min_contacts=3", "POLICY CHOICE"):
        assert text in result.output


def test_test_runs_the_examples_of_one_kpi():
    result = invoke("test", "CORE-GLD-GAP")
    assert result.exit_code == 0
    assert "1 of 1 examples passed in 1 KPIs." in result.output


def test_show_gives_a_framework_or_one_kpi_with_its_parameters():
    result = invoke("show", "CORE-GLD-GAP")
    assert result.exit_code == 0
    assert "CORE v1" in result.output and "CORE-GLD-GAP" in result.output and "parameters:" in result.output
    assert "CORE-REG-U5" not in result.output
    assert invoke("show", "NO-SUCH-KPI").exit_code == 1


def test_test_fails_on_a_wrong_example(tmp_path):
    kpis = """\
    - id: T-COUNT
      version: 1
      title: Contacts
      basis: {source: tests, policy_choice: true}
      kind: count
      unit: count
      direction: higher
      areas: [access]
      numerator: {table: contacts, dated: date}
      examples:
        - name: one contact, but two expected
          given:
            centres: [{centre_id: C1}]
            contacts: [{contact_id: T1, family_ref: F001, centre_id: C1, date: 2016-10-03, contact_type: phone}]
          subject: C1
          expect: {numerator: 2}
    """
    write_framework(tmp_path, kpis)
    result = invoke("test", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert "FAILED T-COUNT" in result.output and "numerator: expected 2, got 1.0" in result.output


def test_lint_reports_file_and_line(tmp_path):
    write_framework(tmp_path, """\
    - id: T-BAD
      version: 1
      title: Bad
      basis: {source: tests, policy_choice: true}
      unit: percent
      direction: sideways
      areas: [access]
      numerator: {table: contacts}
    """ + EXAMPLE)
    result = invoke("lint", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 't.yaml'}:15:" in result.output and "sideways" in result.output


def test_a_broken_folder_makes_other_commands_exit_2(tmp_path):
    (tmp_path / "t.yaml").write_text("framework: [", encoding="utf-8")
    result = CliRunner().invoke(cli, ["kpis", "list", "--dir", str(tmp_path)])
    assert result.exit_code == 2


def test_run_rejects_a_bad_period():
    result = CliRunner().invoke(cli, ["kpis", "run", "--period", "2016Q5"])
    assert result.exit_code == 2
    assert "not a period" in result.output


@pytest.fixture
def sample_folder(sample_copy) -> Path:
    folder = sample_copy
    returns = folder / "provider_return" / "kpi_returns.csv"
    text = returns.read_text(encoding="utf-8").splitlines()
    # the provider overstates one 2016Q4 reach figure by 14 points
    for i, line in enumerate(text):
        if line.startswith("CORE-REG-U5,") and ",2016Q4," in line:
            head, value = line.rsplit(",", 1)
            text[i] = f"{head},{float(value) + 14:.1f}"
            break
    returns.write_text("\n".join(text) + "\n", encoding="utf-8")
    return folder


def test_run_writes_results_and_flags_the_disagreeing_figure(sample_folder, tmp_path):
    out = tmp_path / "out"
    args = ["run", "--period", "2016Q4", "--output", str(out), "--strict"]
    for name in ("provider_return", "authority_records", "reference"):
        args += ["--data", str(sample_folder / name)]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert "1 provider figure(s) disagree with the data" in result.output
    assert "KPI-XCHECK-CORE-REG-U5" in result.output
    assert (out / "kpi_results.parquet").is_file() and (out / "kpi_findings.csv").is_file()


def test_run_defaults_to_the_latest_quarter_in_the_data(sample_folder, tmp_path):
    args = ["run", "--output", str(tmp_path / "out")]
    for name in ("provider_return", "authority_records", "reference"):
        args += ["--data", str(sample_folder / name)]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "KPI results for 2016Q4" in result.output  # the sample runs January to December 2016
