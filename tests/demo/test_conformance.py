"""Every generated table, and every table of sample_data/, conforms to its contract: exact headers, ISO
formats, allowed values, patterns and ranges, the typed-table dtypes, unique primary keys, and foreign keys
that resolve (within a return, and across folders: authority records and registrations to centres and LSOAs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ccassure.contracts import ContractSet
from ccassure.demo.generate import AUTHORITY_TABLES, COLUMNS, PROVIDER_TABLES, REFERENCE_TABLES

from .conftest import SAMPLE, check_keys, records, stacked


def test_generator_columns_match_the_contracts(contracts: ContractSet) -> None:
    for table, columns in COLUMNS.items():
        assert columns == contracts[table].column_names, table
    for table in (*PROVIDER_TABLES, *AUTHORITY_TABLES, *REFERENCE_TABLES):
        assert table in COLUMNS


def test_every_demo_table_conforms_and_keys_hold(demo_data: dict, contracts: ContractSet) -> None:
    assert len(demo_data["returns"]) == 24
    for (provider, quarter), tables in demo_data["returns"].items():
        assert set(tables) == set(PROVIDER_TABLES)
        check_keys(tables, contracts, f"{provider}/{quarter}")
        for name in ("centres", "registrations", "contacts", "sessions"):
            assert len(tables[name]) > 0, f"{provider}/{quarter}: {name} is empty"
        assert (tables["centres"]["provider_id"] == provider).all()
    for code, tables in demo_data["records"].items():
        assert set(tables) == set(AUTHORITY_TABLES)
        check_keys(tables, contracts, code)
        for name in ("providers", "consultations", "service_changes", "needs_assessments"):
            assert (tables[name]["authority_code"] == code).all()
    check_keys(demo_data["reference"], contracts, "reference")


def test_cross_folder_references_resolve(demo_data: dict) -> None:
    centres = stacked(demo_data, "centres")
    reference = demo_data["reference"]
    lsoas = set(reference["lsoa_population"]["lsoa_code"])
    assert set(reference["deprivation"]["lsoa_code"]) == lsoas
    authorities = set(reference["authorities"]["authority_code"])
    assert set(centres["authority_code"]) == authorities == set(demo_data["records"])
    assert set(centres["lsoa_code"]) <= lsoas
    assert set(stacked(demo_data, "registrations")["lsoa_code"]) <= lsoas
    for table in ("service_changes", "inspections"):
        assert set(records(demo_data, table)["centre_id"]) <= set(centres["centre_id"]), table
    providers = records(demo_data, "providers")
    assert set(centres["provider_id"]) == set(providers["provider_id"])
    assert set(centres["la_contract_ref"]) == set(providers["contract_ref"])
    for provider, frame in centres.groupby("provider"):
        own = providers.set_index("provider_id").loc[provider, "authority_code"]
        assert (frame["authority_code"] == own).all()


def test_returns_are_internally_consistent(demo_data: dict) -> None:
    for (provider, quarter), tables in demo_data["returns"].items():
        year, q = int(quarter[:4]), int(quarter[-1])
        start = pd.Timestamp(year, 3 * q - 2, 1)
        end = start + pd.offsets.QuarterEnd(0)
        for name in ("sessions", "contacts"):
            dates = tables[name]["date"]
            assert dates.between(start, end).all(), f"{provider}/{quarter}: {name} outside the quarter"
        contacts = tables["contacts"]
        registered = tables["registrations"].set_index("child_ref")
        with_child = contacts.dropna(subset=["child_ref"])
        on_or_after = with_child["date"].to_numpy() >= \
            registered.loc[with_child["child_ref"], "registration_date"].to_numpy()
        assert on_or_after.all(), f"{provider}/{quarter}: contact before registration"
        session = contacts["contact_type"] == "session"
        assert contacts.loc[session, "session_id"].notna().all()
        assert contacts.loc[~session, "session_id"].isna().all()
        sessions = tables["sessions"].set_index("session_id")
        linked = contacts[session]
        assert (linked["date"].to_numpy() == sessions.loc[linked["session_id"], "date"].to_numpy()).all()
        counted = linked["session_id"].value_counts()
        assert (sessions.loc[counted.index, "attendances"] >= counted).all()
        births = tables["registrations"]["birth_month"]
        assert births.str.fullmatch(r"20(1[0-7])-\d{2}").all()


def test_sample_data_conforms(read_folder: Callable[[Path], dict[str, pd.DataFrame]], contracts: ContractSet) -> None:
    provider = read_folder(SAMPLE / "provider_return")
    authority = read_folder(SAMPLE / "authority_records")
    reference = read_folder(SAMPLE / "reference")
    assert set(provider) == set(PROVIDER_TABLES)
    assert set(authority) == set(AUTHORITY_TABLES)
    assert set(reference) == set(REFERENCE_TABLES)
    for where, tables in (("provider_return", provider), ("authority_records", authority), ("reference", reference)):
        check_keys(tables, contracts, where)
    centres = provider["centres"]
    assert len(centres) == 5
    assert (centres["designation"] == "linked_site").sum() == 1
    assert set(centres["authority_code"]) == {"E06000903"} == set(reference["authorities"]["authority_code"])
    assert provider["sessions"]["date"].between("2016-01-01", "2016-12-31").all()
    assert set(provider["kpi_returns"]["period"]) == {"2016Q1", "2016Q2", "2016Q3", "2016Q4"}
    assert set(authority["inspections"]["centre_id"]) <= set(centres["centre_id"])
    assert set(authority["service_changes"]["centre_id"]) <= set(centres["centre_id"])
    assert set(provider["registrations"]["lsoa_code"]) <= set(reference["lsoa_population"]["lsoa_code"])
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert total < 300_000
