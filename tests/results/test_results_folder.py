"""The results folder `ccassure check` writes is the contract of docs/results.md (synthetic sample data)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from click.testing import CliRunner

from ccassure.cli import cli
from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.kpis.model import RESULT_COLUMNS
from ccassure.results.frames import RESULTS_FINDING_COLUMNS

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "src" / "ccassure" / "schemas" / "results-manifest.schema.json"
pytestmark = pytest.mark.skipif(not (REPO / "sample_data" / "provider_return").is_dir(),
                                reason="sample data not generated")


@pytest.fixture
def sample_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the repository's rules and contracts, its sample data and no store at all."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "ccassure.yml").write_text(
        "name: sample-check\n"
        f"paths:\n  data_contracts: {REPO / 'data_contracts'}\n  rules: {REPO / 'rules'}\n"
        f"  checks: {REPO / 'checks'}\n  output: _output\n  store: .ccassure/store.duckdb\n"
        "reporting:\n  frameworks: [CORE]\n  by_authority:\n    E06000903: [CORE, ESX]\n", encoding="utf-8")
    (root / "sample_data").symlink_to(REPO / "sample_data")
    monkeypatch.delenv("CCASSURE_STORE")
    monkeypatch.setenv("CCASSURE_PROJECT", str(root))
    return root


@pytest.fixture
def results(sample_project: Path) -> Path:
    outcome = CliRunner().invoke(cli, ["check", "--period", "2016Q4"])
    assert outcome.exit_code == 0, outcome.output
    return sample_project / "_output" / "results"


def test_check_writes_the_results_folder_that_render_reads_by_default(results: Path) -> None:
    for name in ("manifest.json", "findings.parquet", "kpi_results.parquet", "kpi_findings.parquet",
                 "findings.csv", "findings.json", "kpi_results.csv"):
        assert (results / name).is_file(), name
    assert (results / "records" / "centres.parquet").is_file()


def test_the_manifest_follows_its_published_schema(results: Path) -> None:
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert manifest["format_version"] == "2.0" and manifest["periods"] == ["2016Q4"]
    kinds = {node["kind"] for node in manifest["nodes"]}
    assert kinds == {"rule", "kpi", "kpi_crosscheck"}
    assert all(node["summary"] and node["applies_to"] for node in manifest["nodes"])


def test_frameworks_reported_per_authority_come_from_the_project_file(results: Path) -> None:
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    assert {a["code"]: a["frameworks"] for a in manifest["authorities"]} == {"E06000903": ["CORE", "ESX"]}


def test_findings_and_kpi_results_have_the_documented_columns(results: Path) -> None:
    findings = pd.read_parquet(results / "findings.parquet")
    assert tuple(findings.columns) == RESULTS_FINDING_COLUMNS
    kpis = pd.read_parquet(results / "kpi_results.parquet")
    assert tuple(kpis.columns) == RESULT_COLUMNS
    assert set(kpis["window"]) <= {"quarter", "year_to_date", "rolling_12_months"}
    assert set(kpis["rag"]) <= {"green", "amber", "red", "not_rated"}
    unrated = kpis[kpis["rag"] == "not_rated"]
    assert unrated["rating_reason"].notna().all()
    assert kpis.loc[kpis["rag"] != "not_rated", "rating_reason"].isna().all()


def test_cross_check_findings_are_written_once(results: Path) -> None:
    findings = pd.read_parquet(results / "findings.parquet")
    assert not findings["rule_id"].str.startswith("KPI-XCHECK-").any()
    flagged = pd.read_parquet(results / "kpi_findings.parquet")
    assert flagged["rule_id"].str.startswith("KPI-XCHECK-").all()


def test_a_missing_store_named_by_the_environment_is_an_error_not_the_sample_data(
        sample_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCASSURE_STORE", str(tmp_path / "nowhere.duckdb"))
    outcome = CliRunner().invoke(cli, ["check", "--period", "2016Q4"])
    assert outcome.exit_code == 2
    assert "does not exist" in outcome.output and "Traceback" not in outcome.output
    assert not (sample_project / "_output" / "results" / "findings.parquet").exists()


def test_a_supplied_empty_table_reaches_the_rules_while_an_unsupplied_one_does_not(tmp_path: Path) -> None:
    from ccassure.assessment import store_tables
    from ccassure.periods import parse_period
    from ccassure.store import Store

    contracts = load_contracts()
    store = Store(tmp_path / "store.duckdb")
    empty = conform(pd.DataFrame({c: [] for c in contracts["consultations"].column_names}), contracts["consultations"])
    store.store_tables({"consultations": empty}, dataset="authority_records", provider="E10000016", period="2016Q1")
    tables, versions = store_tables(store, authority="E10000016", period=parse_period("2016Q4"))
    assert "consultations" in tables and len(tables["consultations"]) == 0
    assert versions["consultations"]
    assert "needs_assessments" not in tables


def test_a_check_from_the_store_copies_each_submissions_validation_summary(tmp_path: Path) -> None:
    from ccassure.assessment import CheckData, load_engine, run_check, store_tables
    from ccassure.periods import parse_period
    from ccassure.project import current_project
    from ccassure.results import write_results
    from ccassure.store import Store

    store = Store(tmp_path / "store.duckdb")
    submitted = store.submit(REPO / "sample_data" / "provider_return", provider="PRV-SLM-TRUST", period="2016Q4",
                             accept_warnings=True)
    period = parse_period("2016Q4")
    tables, versions = store_tables(store, authority=None, period=period)
    project = current_project()
    engine = load_engine(project)
    run = run_check(data=CheckData(tables, "store", "the store", versions, store=store), period=period,
                    project=project, engine=engine)
    write_results(tmp_path / "results", [run], project=project, engine=engine)
    summary = json.loads((tmp_path / "results" / "validation" / f"{submitted.submission_id}.json").read_text())
    assert summary["provider_id"] == "PRV-SLM-TRUST" and summary["file_name"] == "provider_return"
    assert summary["authority_code"] == "E06000903" and set(summary["counts"]) == {"errors", "warnings"}
    manifest = json.loads((tmp_path / "results" / "manifest.json").read_text())
    assert manifest["source"] == "store"
    assert [v["submission_id"] for v in manifest["data_versions"]] == [submitted.submission_id]
