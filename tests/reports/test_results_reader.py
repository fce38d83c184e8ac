"""The one reader of the results folder: names from the manifest, every window, tolerant, versioned."""

import json

import pytest

from ccassure.reports.results import ResultsFormatError, load_results

from .format2 import AUTHORITY, make_format2


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return load_results(make_format2(tmp_path_factory.mktemp("f2")))


def test_names_come_from_the_manifest(results):
    assert results.authority_name(AUTHORITY) == "Synthshire Council"
    assert results.providers(AUTHORITY) == ["PRV-LARK", "PRV-OAK"]  # the authority's own records are no provider
    assert results.provider_name("PRV-OAK") == "Oakfield Partnership"
    centres = results.centres(AUTHORITY)
    assert list(centres["subject_name"])[0] == "Lark Rise Children's Centre"
    assert set(centres["provider_name"]) == {"Larkspur Trust", "Oakfield Partnership"}
    assert results.frameworks(AUTHORITY) == ["SYN"]
    assert results.data_as_at.startswith("2026-11-30")


def test_every_window_is_kept(results):
    assert set(results.kpis["window"]) == {"quarter", "year_to_date", "rolling_12_months"}


def test_records_tables_are_read_and_missing_ones_are_empty(results):
    assert len(results.record("actions")) == 1
    assert results.record("inspections").empty


def test_unknown_major_version_is_refused(tmp_path):
    directory = make_format2(tmp_path, format_version="3.0")
    with pytest.raises(ResultsFormatError, match="format 3.0"):
        load_results(directory)


def test_missing_optional_files_give_empty_tables(tmp_path):
    directory = make_format2(tmp_path)
    for name in ("kpi_results.parquet", "kpi_findings.parquet"):
        (directory / name).unlink(missing_ok=True)
    for path in (directory / "records").iterdir():
        path.unlink()
    results = load_results(directory)
    assert not results.has_kpis and results.record("actions").empty
    assert results.providers(AUTHORITY) == ["PRV-LARK", "PRV-OAK"]


def test_validation_file_names_never_carry_a_path(tmp_path):
    directory = make_format2(tmp_path)
    path = next((directory / "validation").glob("*.json"))
    data = json.loads(path.read_text())
    data["file_name"] = "/home/someone/returns/larkspur.xlsx"
    path.write_text(json.dumps(data))
    assert {v["file"] for v in load_results(directory).validations} >= {"larkspur.xlsx"}
