"""The comparators importer reads England and regional good level of development from the EYFSP file.

The rows below are synthetic values under the real published header (explore-education-statistics,
EYFSP headline measures table 1).
"""

import pytest

from ccassure.reference import ReferenceFileError, read_reference

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,new_la_code,la_name,lad_code,lad_name,breakdown_topic,breakdown,sex,children_count,"
          "gld_children_count,gld_children_percent")
ROWS = [
    "202425,Academic year,National,E92000001,England,,,,,,,,Total,Total,Total,1000,680,68.0",
    "202425,Academic year,National,E92000001,England,,,,,,,,Total,Total,Female,500,370,74.0",
    "202425,Academic year,Regional,E92000001,England,E12000003,Yorkshire and The Humber,,,,,,Total,Total,Total,100,66,66.0",
    "202425,Academic year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,380,E08000032,Bradford,,,"
    "Total,Total,Total,50,30,60.0",
    "202425,Academic year,Regional,E92000001,England,E12000004,East Midlands,,,,,,Total,Total,Total,c,c,c",
]


def test_england_and_regions_become_comparator_rows(tmp_path):
    path = tmp_path / "eyfsp.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    table, frame = read_reference("comparators-eyfsp", path)
    assert table == "comparators"
    rows = {(r.comparator, r.area_code): r for r in frame.itertuples()}
    assert set(rows) == {("england", "E92000001"), ("region", "E12000003")}  # suppressed region left out
    assert rows[("england", "E92000001")].value == 68.0 and rows[("england", "E92000001")].period == "2024-25"
    assert rows[("region", "E12000003")].area_name == "Yorkshire and The Humber"
    assert set(frame["kpi_id"]) == {"CORE-GLD"}


def test_a_file_without_national_rows_is_refused_with_its_name(tmp_path):
    path = tmp_path / "eyfsp_la_only.csv"
    path.write_text("\n".join([HEADER, ROWS[3]]) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="eyfsp_la_only.csv"):
        read_reference("comparators-eyfsp", path)
