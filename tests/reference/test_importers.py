"""Reference importers on the real public samples, and on synthetic files in the exact real layouts.

Real: EYFSP 2024/25 rows, the NSPL 2025-format sample, the GIAS 2021 establishment sample and links sample,
the LA code list, the IoD2019 / IoD2025 File 7 header lines. Synthetic (said so at each use): data rows under
the real IoD headers, a GIAS children's centre extract (no real one is public), SAPE workbooks, and rows
under the older ONSPD / NSPL headers quoted in formats.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import PANDAS_DTYPES
from ccassure.reference import ReferenceFileError, read_reference
from ccassure.reference import common as reference_common
from ccassure.reference.authorities import read_authorities
from ccassure.reference.eyfsp import read_eyfsp
from ccassure.reference.gias import read_gias
from ccassure.reference.iod import read_iod
from ccassure.reference.population import read_population
from ccassure.reference.postcodes import lsoa_points, read_postcodes


def assert_typed(frame: pd.DataFrame, table: str) -> None:
    contract = load_contracts()[table]
    assert list(frame.columns) == contract.column_names
    for spec in contract.columns:
        assert str(frame[spec.name].dtype) == str(pd.Series(dtype=PANDAS_DTYPES[spec.type]).dtype), spec.name


# ---------------------------------------------------------------- EYFSP (real rows)

def test_eyfsp_real_rows(realdata: Path):
    frame = read_eyfsp(realdata / "eyfsp_headline_measures_202425_sample.csv")
    assert_typed(frame, "eyfsp")
    assert set(frame["authority_code"]) == {"E08000032", "E08000033", "E06000011", "E08000035", "E08000038",
                                            "E08000007"}  # national rows and sex Female/Male rows dropped
    rows = frame.set_index(["authority_code", "breakdown"])
    bradford = rows.loc[("E08000032", "total")]
    assert (bradford["dfe_code"], bradford["children_count"], bradford["gld_count"]) == ("380", 6815, 4220)
    assert bradford["gld_percent"] == pytest.approx(61.92223)
    assert rows.loc[("E06000011", "total"), "gld_percent"] == pytest.approx(68.505452)
    assert rows.loc[("E08000035", "total"), "gld_percent"] == pytest.approx(63.92877)
    traveller = rows.loc[("E06000011", "ethnicity_minor:irish_traveller")]   # the real `z` row
    assert traveller["children_count"] == 0 and pd.isna(traveller["gld_percent"])
    assert rows.loc[("E08000007", "fsm_eligible"), "gld_percent"] == pytest.approx(43.043478)
    assert ("E08000032", "sen_provision:education_health_and_care_plan") in rows.index  # quoted breakdown
    assert (frame["time_period"] == 202425).all()


def test_eyfsp_bad_value_is_located(realdata: Path, tmp_path: Path):
    lines = (realdata / "eyfsp_headline_measures_202425_sample.csv").read_text().splitlines()
    lines[5] = lines[5].replace(",4220,", ",42x0,")   # Bradford total, line 6 of the file
    bad = tmp_path / "eyfsp.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReferenceFileError) as info:
        read_eyfsp(bad)
    assert info.value.row == 6 and info.value.column == "gld_children_count"
    assert "eyfsp.csv" in str(info.value) and "42x0" in str(info.value)


def test_eyfsp_older_column_names(tmp_path: Path):
    # synthetic rows under the 2022 single-year naming (gld_number, gld_percentage, characteristic ...)
    path = tmp_path / "eyfsp2022.csv"
    path.write_text("time_period,time_identifier,geographic_level,new_la_code,old_la_code,la_name,"
                    "characteristic_type,characteristic,gender,children_number,gld_number,gld_percentage\n"
                    "202122,Academic year,Local authority,E10000016,886,Kent,Total,Total,Total,100,60,60.0\n"
                    "202122,Academic year,Local authority,E10000016,886,Kent,FSM,FSM eligible,Total,20,c,c\n")
    frame = read_eyfsp(path).set_index("breakdown")
    assert frame.loc["total", "gld_count"] == 60 and pd.isna(frame.loc["fsm_eligible", "gld_count"])


# ---------------------------------------------------------------- postcodes (real + synthetic generations)

def test_nspl_2025_real_sample(realdata: Path):
    frame = read_postcodes(realdata / "nspl_2025_format_sample.csv")
    assert_typed(frame, "postcodes")
    rows = frame.set_index("postcode")
    assert list(rows.index) == ["CA8 7JG", "BR8 7QP", "BR8 7QW"]
    assert tuple(rows.loc["BR8 7QP", ["lsoa_code", "authority_code", "easting", "northing"]]) == (
        "E01000720", "E09000006", 549571, 169349)           # cty E13000002 (Outer London) is not a county
    assert rows.loc["CA8 7JG", "authority_code"] == "E06000057"   # cty E99999999
    assert not rows["terminated"].any()


OLD_ONSPD = ("pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,"
             "oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,"
             "ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,"
             "calncv,icb,oa21,lsoa21,msoa21")
NSPL_MAY_2025 = ("pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,ward,nhser,ctry,"
                 "rgn,pcon,ttwa,itl,park,lsoa21,msoa21,wz11,sicbl,bua24,ruc21,oac11,lat,long,lep1,lep2,pfa,imd,icb")


def _row(header: str, values: dict[str, str]) -> str:
    return ",".join(f'"{values.get(name, "")}"' for name in header.split(","))


@pytest.mark.parametrize("header, names", [
    (OLD_ONSPD, {"la": "oslaua", "cty": "oscty", "east": "oseast1m", "north": "osnrth1m", "lsoa": "lsoa21"}),
    (NSPL_MAY_2025, {"la": "laua", "cty": "cty", "east": "oseast1m", "north": "osnrth1m", "lsoa": "lsoa21"}),
])
def test_postcode_column_generations(tmp_path: Path, header: str, names: dict[str, str]):
    # synthetic rows (values modelled on the real sample) under the verbatim headers from formats.md
    rows = [
        {"pcd": "ME141XX", "pcds": "ME14 1XX", "doterm": "", names["la"]: "E07000110", names["cty"]: "E10000016",
         names["east"]: "575900", names["north"]: "155900", names["lsoa"]: "E01024354"},
        {"pcd": "ME141XY", "pcds": "me14 1xy", "doterm": "201505", names["la"]: "E07000110",
         names["cty"]: "E10000016", names["east"]: "575950", names["north"]: "155950", names["lsoa"]: "E01024354"},
        {"pcd": "BR8 7QP", "pcds": "BR8 7QP", "doterm": "", names["la"]: "E09000006", names["cty"]: "E99999999",
         names["east"]: "0", names["north"]: "0", names["lsoa"]: "E01000720"},
    ]
    path = tmp_path / "onspd.csv"
    path.write_text(header + "\n" + "\n".join(_row(header, r) for r in rows) + "\n")
    frame = read_postcodes(path).set_index("postcode")
    assert frame.loc["ME14 1XX", "authority_code"] == "E10000016"          # the county holds the duty
    assert bool(frame.loc["ME14 1XY", "terminated"]) is True
    assert frame.loc["BR8 7QP", "authority_code"] == "E09000006"
    assert pd.isna(frame.loc["BR8 7QP", "easting"])                        # no grid reference
    points = lsoa_points(frame.reset_index()).set_index("lsoa_code")
    assert (points.loc["E01024354", "easting"], points.loc["E01024354", "northing"]) == (575900, 155900)
    assert "E01000720" not in points.index


def test_postcodes_2026_suffixes(tmp_path: Path):
    path = tmp_path / "nspl26.csv"
    path.write_text("pcd7,pcd8,pcds,dointr,doterm,east1m,north1m,cty26cd,lad26cd,lsoa21cd\n"
                    '"CT170HL","CT17 0HL","CT17 0HL","198001","","631000","141000","E10000016","E07000108","E01024000"\n')
    frame = read_postcodes(path)
    assert frame.loc[0, "authority_code"] == "E10000016" and frame.loc[0, "easting"] == 631000


def test_not_a_postcode_file(realdata: Path):
    with pytest.raises(ReferenceFileError, match="pcds"):
        read_postcodes(realdata / "la_codes_target.csv")


# ---------------------------------------------------------------- IoD File 7 (real headers, synthetic rows)

def _iod_file(realdata: Path, tmp_path: Path, version: str, rows: list[dict[str, str]],
              shuffle: bool = False) -> Path:
    header_line = (realdata / "headers" / f"iod{version}_file7_header.csv").read_text().strip()
    columns = list(pd.read_csv(realdata / "headers" / f"iod{version}_file7_header.csv", nrows=0).columns)
    frame = pd.DataFrame([{c: r.get(_key(c), "1") for c in columns} for r in rows], columns=columns)
    if shuffle:
        frame = frame[list(reversed(columns))]
    path = tmp_path / f"iod{version}.csv"
    frame.to_csv(path, index=False)
    if not shuffle:
        text = path.read_text().split("\n", 1)[1]
        path.write_text(header_line + "\n" + text)   # keep the real header bytes
    return path


def _key(column: str) -> str:
    for prefix, key in (("LSOA code", "lsoa"), ("Local Authority District code", "lad"),
                        ("Index of Multiple Deprivation (IMD) Decile", "imd"),
                        ("Income Deprivation Affecting Children Index (IDACI) Decile", "idaci_decile"),
                        ("Income Deprivation Affecting Children Index (IDACI) Score", "idaci_score"),
                        ("Dependent Children aged 0-15", "children")):
        if column.startswith(prefix):
            return key
    return column


IOD_ROWS = [
    {"lsoa": "E01000001", "lad": "E09000001", "imd": "9", "idaci_decile": "10", "idaci_score": "0.006",
     "children": "115"},
    {"lsoa": "E01024354", "lad": "E07000110", "imd": "2", "idaci_decile": "1", "idaci_score": "0.411",
     "children": "402"},
]


@pytest.mark.parametrize("version, expected", [("2019", "IoD2019"), ("2025", "IoD2025")])
def test_iod_file7_real_headers(realdata: Path, tmp_path: Path, version: str, expected: str):
    frame = read_iod(_iod_file(realdata, tmp_path, version, IOD_ROWS))
    assert_typed(frame, "deprivation")
    assert (frame["iod_version"] == expected).all()
    row = frame.set_index("lsoa_code").loc["E01024354"]
    assert (row["lad_code"], row["imd_decile"], row["idaci_decile"]) == ("E07000110", 2, 1)
    assert row["idaci_score"] == pytest.approx(0.411) and row["children_0_15"] == 402


def test_iod_columns_found_by_name_not_position(realdata: Path, tmp_path: Path):
    frame = read_iod(_iod_file(realdata, tmp_path, "2025", IOD_ROWS, shuffle=True))
    assert frame.set_index("lsoa_code").loc["E01000001", "imd_decile"] == 9


def test_iod2025_truncated_header_is_tolerated(realdata: Path):
    header = (realdata / "headers" / "iod2025_file7_header.csv").read_text()
    assert "Sub-domain Decile (where 1 is most deprived 10% of LSO," in header   # the real truncation
    columns = list(pd.read_csv(realdata / "headers" / "iod2025_file7_header.csv", nrows=0).columns)
    found = reference_common.find_column(Path("x"), columns, "Children and Young People Sub-domain Decile",
                                         prefix=True)
    assert found.endswith("10% of LSO")


def test_iod_bad_decile_is_located(realdata: Path, tmp_path: Path):
    rows = [dict(IOD_ROWS[0]), dict(IOD_ROWS[1], imd="11")]
    with pytest.raises(ReferenceFileError) as info:
        read_iod(_iod_file(realdata, tmp_path, "2019", rows))
    assert info.value.row == 3 and info.value.column.startswith("Index of Multiple Deprivation (IMD) Decile")


def test_iod_header_only_file_is_refused(realdata: Path):
    with pytest.raises(ReferenceFileError, match="no data rows"):
        read_iod(realdata / "headers" / "iod2019_file7_header.csv")


# ---------------------------------------------------------------- GIAS

CC_HEADER = ['URN', 'LA (code)', 'LA (name)', 'EstablishmentNumber', 'EstablishmentName',
             'TypeOfEstablishment (code)', 'TypeOfEstablishment (name)', 'EstablishmentTypeGroup (code)',
             'EstablishmentTypeGroup (name)', 'EstablishmentStatus (code)', 'EstablishmentStatus (name)', 'OpenDate',
             'CloseDate', 'Street', 'Locality', 'Address3', 'Town', 'Postcode', 'SchoolWebsite', 'TelephoneNum',
             'GOR (name)']


def _cc_extract(path: Path, rows: list[list[object]], header: list[str] = CC_HEADER) -> Path:
    """Synthetic children's centre extract in the published layout: cp1252, CRLF, text quoted, URN unquoted."""
    def cell(value: object) -> str:
        return str(value) if isinstance(value, int) else '"' + str(value).replace('"', '""') + '"'
    lines = [",".join(f'"{h}"' for h in header)] + [",".join(cell(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


CC_ROWS = [
    [21081, "886", "Kent", "", "Riverside Children’s Centre", "47", "Children's centre", "12", "Children's centres",
     "1", "Open", "01-09-2006", "", "High St", "", "", "Maidstone", "me14 1xx", "", "01622 000000", "South East"],
    [21462, "886", "Kent", "", "Café Corner Linked Site, Hythe", "48", "Children's centre linked site", "12",
     "Children's centres", "3", "Open, but proposed to close", "15-01-2010", "", "", "", "", "Hythe", "CT21 5AA",
     "", "", "South East"],
    [20646, "380", "Bradford", "", "Low Fold Children and Family Centre", "47", "Children's centre", "12",
     "Children's centres", "2", "Closed", "03-04-2006", "31-03-2019", "Exley Road", "", "", "Keighley", "BD21 1LT",
     "", "", "Yorkshire and the Humber"],
]


def test_gias_children_centre_extract_cp1252(tmp_path: Path):
    path = _cc_extract(tmp_path / "edubaseallchildrencentre20250422.csv", CC_ROWS)
    assert b"\x92" in path.read_bytes() and b"\xe9" in path.read_bytes()   # cp1252 ’ and é
    frame = read_gias(path)
    assert_typed(frame, "gias_centres")
    rows = frame.set_index("urn")
    assert rows.loc[21081, "name"] == "Riverside Children’s Centre"
    assert rows.loc[21462, "name"] == "Café Corner Linked Site, Hythe"
    assert list(rows["establishment_type"]) == ["childrens_centre", "linked_site", "childrens_centre"]
    assert list(rows["status"]) == ["open", "proposed_to_close", "closed"]
    assert rows.loc[21081, "postcode"] == "ME14 1XX"
    assert rows.loc[21081, "open_date"] == pd.Timestamp("2006-09-01")     # dd-mm-yyyy, not mm-dd
    assert rows.loc[20646, "close_date"] == pd.Timestamp("2019-03-31")
    assert pd.isna(rows.loc[21081, "close_date"])


def test_gias_columns_by_name_and_names_only(tmp_path: Path):
    # a drifted extract: columns reordered, no (code) columns - types and statuses from the (name) columns
    keep = ["Postcode", "CloseDate", "OpenDate", "EstablishmentStatus (name)", "TypeOfEstablishment (name)",
            "EstablishmentName", "LA (name)", "URN"]
    index = [CC_HEADER.index(k) for k in keep]
    rows = [[row[i] for i in index] for row in CC_ROWS]
    frame = read_gias(_cc_extract(tmp_path / "cc.csv", rows, keep)).set_index("urn")
    assert frame.loc[21462, "establishment_type"] == "linked_site"
    assert frame.loc[21462, "status"] == "proposed_to_close"
    assert frame.loc[20646, "la_name"] == "Bradford"


def test_gias_bad_date_is_located(tmp_path: Path):
    rows = [list(r) for r in CC_ROWS]
    rows[1][11] = "2010-01-15"
    with pytest.raises(ReferenceFileError) as info:
        read_gias(_cc_extract(tmp_path / "cc.csv", rows))
    assert (info.value.row, info.value.column) == (3, "OpenDate") and "dd-mm-yyyy" in str(info.value)


def test_gias_real_establishment_sample(realdata: Path):
    frame = read_gias(realdata / "gias_edubasealldata_2021_sample.csv").set_index("urn")
    assert list(frame.index) == [100000, 100001]
    assert frame.loc[100000, "name"] == "The Aldgate School"
    assert (frame["establishment_type"] == "other").all() and (frame["status"] == "open").all()
    assert frame.loc[100000, "postcode"] == "EC3A 5DE"


def test_gias_links_file_is_refused_clearly(realdata: Path):
    with pytest.raises(ReferenceFileError) as info:
        read_gias(realdata / "gias_links_edubasealldata20250422_sample.csv")
    assert "gias_links_edubasealldata20250422_sample.csv" in str(info.value)
    assert "EstablishmentName" in str(info.value)


# ---------------------------------------------------------------- SAPE population workbook (synthetic)

def _sape_workbook(path: Path, years: dict[int, list[tuple[str, str, list[int], list[int]]]],
                   extra_sheet: bool = True) -> Path:
    """Synthetic workbook in the published SAPE layout: title rows 1-3, header row 4, F0..F90 then M0..M90."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    if extra_sheet:
        book.create_sheet("Contents").append(["Contents of this workbook (synthetic)"])
    for year, rows in years.items():
        sheet = book.create_sheet(f"Mid-{year} LSOA 2021")
        sheet.append([f"Mid-{year} population estimates for Lower layer Super Output Areas (synthetic)"])
        sheet.append(["Source: synthetic test data"])
        sheet.append([])
        sheet.append(["LAD 2023 Code", "LAD 2023 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total"]
                     + [f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)])
        for lad, lsoa, females, males in rows:
            f = females + [7] * (91 - len(females))
            m = males + [7] * (91 - len(males))
            sheet.append([lad, "Somewhere", lsoa, "Somewhere 001A", sum(f) + sum(m)] + f + m)
    book.save(path)
    return path


def test_sape_workbook_every_year_and_under_fives(tmp_path: Path):
    path = _sape_workbook(tmp_path / "sapelsoasyoa20222024.xlsx", {
        2022: [("E07000110", "E01024354", [1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
               ("W06000015", "W01001000", [0, 0, 0, 0, 1], [0, 0, 0, 0, 0])],
        2023: [("E07000110", "E01024354", [2, 2, 2, 2, 2], [3, 3, 3, 3, 3])],
    })
    frame = read_population(path)
    assert_typed(frame, "lsoa_population")
    rows = frame.set_index(["lsoa_code", "year"])
    assert rows.loc[("E01024354", 2022), "under5"] == 55        # F0..F4 + M0..M4, not F5 (7)
    assert rows.loc[("E01024354", 2023), "under5"] == 25
    assert rows.loc[("W01001000", 2022), "authority_code"] == "W06000015"
    assert rows["easting"].isna().all()


def test_sape_header_row_is_detected_not_assumed(tmp_path: Path):
    from openpyxl import load_workbook

    path = _sape_workbook(tmp_path / "sape.xlsx", {2021: [("E07000110", "E01024354", [1] * 5, [1] * 5)]})
    book = load_workbook(path)
    book["Mid-2021 LSOA 2021"].insert_rows(1, 2)                # header now on row 6
    book.save(path)
    assert read_population(path).loc[0, "under5"] == 10


def test_sape_bad_count_is_located(tmp_path: Path):
    from openpyxl import load_workbook

    path = _sape_workbook(tmp_path / "sape.xlsx", {2022: [("E07000110", "E01024354", [1] * 5, [1] * 5),
                                                          ("E07000110", "E01024355", [1] * 5, [1] * 5)]},
                          extra_sheet=False)
    book = load_workbook(path)
    book["Mid-2022 LSOA 2021"]["H6"] = "n/a"   # F2 of the second data row (Excel row 6)
    book.save(path)
    with pytest.raises(ReferenceFileError) as info:
        read_population(path)
    assert (info.value.row, info.value.column) == (6, "F2")


def test_sape_broad_age_file_is_refused(tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Mid-2022 LSOA 2021"
    for row in (["title"], [], [], ["LAD 2023 Code", "LSOA 2021 Code", "Total", "F0 to 15"],
                ["E07000110", "E01024354", 10, 2]):
        sheet.append(row)
    book.save(tmp_path / "broad.xlsx")
    with pytest.raises(ReferenceFileError, match="single-year"):
        read_population(tmp_path / "broad.xlsx")


def test_not_a_workbook(tmp_path: Path):
    (tmp_path / "fake.xlsx").write_text("not a zip")
    with pytest.raises(ReferenceFileError, match="fake.xlsx"):
        read_population(tmp_path / "fake.xlsx")


# ---------------------------------------------------------------- authorities, limits, dispatch

def test_authorities_real_codes(realdata: Path):
    frame = read_authorities(realdata / "la_codes_target.csv").set_index("authority_code")
    assert_typed(frame.reset_index(), "authorities")
    assert frame.loc["E10000016", ["authority_name", "dfe_code", "authority_type"]].tolist() == [
        "Kent", "886", "county"]
    assert frame.loc["E06000023", "authority_name"] == "Bristol, City of"
    assert frame.loc["E08000032", "authority_type"] == "metropolitan_district"
    assert len(frame) == 12


def test_size_limit_and_missing_file(realdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reference_common, "MAX_REFERENCE_BYTES", 100)
    with pytest.raises(ReferenceFileError, match="over the"):
        read_eyfsp(realdata / "eyfsp_headline_measures_202425_sample.csv")
    with pytest.raises(ReferenceFileError, match="not found"):
        read_eyfsp(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ReferenceFileError, match="empty"):
        read_eyfsp(empty)


def test_read_reference_dispatch(realdata: Path):
    table, frame = read_reference("postcodes", realdata / "nspl_2025_format_sample.csv")
    assert table == "postcodes" and len(frame) == 3
    with pytest.raises(ValueError, match="unknown reference kind"):
        read_reference("nope", realdata / "nspl_2025_format_sample.csv")
