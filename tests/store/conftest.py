"""Synthetic returns for the store tests (no real people; all references invented)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform


def return_rows(authority: str = "E10000016", prefix: str = "KNT", sessions: int = 3,
                first_day: str = "2016-10-03") -> dict[str, list[dict]]:
    """A small valid provider return: two centres of one authority, a board, sessions in one quarter."""
    c1, c2 = f"{prefix}-CC-001", f"{prefix}-CC-002"
    days = pd.date_range(first_day, periods=sessions, freq="7D").strftime("%Y-%m-%d")
    return {
        "centres": [
            {"centre_id": c1, "centre_name": "Riverside Children's Centre", "authority_code": authority,
             "provider_id": "PRV-A", "designation": "childrens_centre", "status": "open", "advisory_board_id": "BRD-01"},
            {"centre_id": c2, "centre_name": "Hillside Linked Site", "authority_code": authority,
             "provider_id": "PRV-A", "designation": "linked_site", "parent_centre_id": c1, "status": "open",
             "advisory_board_id": "BRD-01"},
        ],
        "boards": [{"board_id": "BRD-01", "board_name": "North board", "authority_code": authority}],
        "board_members": [{"board_id": "BRD-01", "member_ref": "M01", "role": "parent"}],
        "services": [{"centre_id": c1, "service_category": "health", "availability": "provided_on_site"}],
        "registrations": [{"child_ref": "CH-0001", "family_ref": "FM-0001", "centre_id": c1,
                           "registration_date": "2016-10-12", "birth_month": "2015-06", "lsoa_code": "E01024354",
                           "target_group": "no"}],
        "contacts": [{"contact_id": "CT-1", "family_ref": "FM-0001", "centre_id": c1, "date": days[0],
                      "contact_type": "session", "session_id": "S-0"}],
        "sessions": [{"session_id": f"S-{i}", "centre_id": c1 if i % 2 == 0 else c2, "date": day,
                      "activity": "Stay and play", "activity_type": "stay_and_play", "on_site": "yes",
                      "min_age_months": 0, "max_age_months": 59, "attendances": 10 + i}
                     for i, day in enumerate(days)],
    }


def write_return(folder: Path, rows: dict[str, list[dict]]) -> Path:
    """Write a return as a folder of CSV files with every contract column in the header."""
    contracts = load_contracts()
    folder.mkdir(parents=True, exist_ok=True)
    for table, records in rows.items():
        columns = contracts[table].column_names
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for record in records:
                writer.writerow({k: record.get(k, "") for k in columns})
    return folder


def typed_tables(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """The same return as typed frames (what validation hands to the store)."""
    contracts = load_contracts()
    out = {}
    for table, records in rows.items():
        frame = pd.DataFrame.from_records(records)
        contract = contracts[table]
        for spec in contract.columns:
            if spec.name in frame and spec.type == "boolean":
                frame[spec.name] = frame[spec.name].map({"yes": True, "no": False})
            if spec.name in frame and spec.type == "integer":
                frame[spec.name] = frame[spec.name].astype("Int64")
        out[table] = conform(frame, contract)
    return out


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "store.duckdb"
