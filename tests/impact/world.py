"""Small synthetic worlds for the impact tests: centres and LSOAs on a line, distances easy to do by hand."""

from __future__ import annotations

import pandas as pd

AUTHORITY = "E06000901"


def centre(cid: str, easting: int, northing: int = 200000, status: str = "open",
           designation: str = "childrens_centre") -> dict:
    return {"centre_id": cid, "centre_name": f"{cid} Children's Centre", "authority_code": AUTHORITY,
            "provider_id": "PRV-1", "designation": designation, "status": status, "easting": easting,
            "northing": northing}


def lsoa(code: str, easting: int, under5: int, decile: int, northing: int = 200000) -> dict:
    return {"lsoa_code": code, "year": 2016, "authority_code": AUTHORITY, "under5": under5, "easting": easting,
            "northing": northing, "imd_decile": decile}


def tables(centres: list[dict], lsoas: list[dict], registrations: list[dict] | None = None,
           sessions: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    pop = pd.DataFrame(lsoas)
    dep = pd.DataFrame({"lsoa_code": pop["lsoa_code"], "iod_version": "IoD2019", "imd_decile": pop["imd_decile"]})
    out = {
        "centres": pd.DataFrame(centres),
        "lsoa_population": pop.drop(columns="imd_decile"),
        "deprivation": dep,
        "authorities": pd.DataFrame([{"authority_code": AUTHORITY, "authority_name": "Testshire Council"}]),
        "sessions": pd.DataFrame(sessions or [{"session_id": "S0", "centre_id": centres[0]["centre_id"],
                                               "date": pd.Timestamp("2016-11-01"), "activity": "Stay and play",
                                               "on_site": True, "min_age_months": 0, "attendances": 10}]),
    }
    out["sessions"]["date"] = pd.to_datetime(out["sessions"]["date"])
    if registrations is not None:
        out["registrations"] = pd.DataFrame(registrations)
    return out


def proposal(*scenarios: dict, **extra) -> dict:
    return {"title": "Test review", "authority": AUTHORITY, "synthetic": True, "scenarios": list(scenarios), **extra}
