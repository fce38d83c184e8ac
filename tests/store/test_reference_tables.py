"""Reference tables already in contract format (as in sample_data/reference) can be imported too."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccassure.store import Store, SubmissionRefused

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "reference"


def test_the_sample_reference_folder_imports_and_reads_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    rows = store.import_reference_tables(SAMPLE)
    assert set(rows) >= {"authorities", "lsoa_population", "deprivation"}
    back = store.read_tables(tables=["lsoa_population"])["lsoa_population"]
    assert len(back) == rows["lsoa_population"] > 0


def test_a_reference_folder_with_errors_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "lsoa_population.csv").write_text("lsoa_code,year,under5\nE01900001,2015,-3\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(SubmissionRefused):
        store.import_reference_tables(folder)
    assert store.history().empty
