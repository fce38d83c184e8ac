"""Each planted breach is in the data (checked on the rows, not through the rules), and the rest is healthy."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ccassure.demo.generate import PLANTED, SAMPLE_PLANTED

from .conftest import SAMPLE, records, stacked

QUARTERS = ["2016Q2", "2016Q3", "2016Q4", "2017Q1"]


def plant(plant_id: str) -> dict:
    (found,) = [p for p in PLANTED if p["id"] == plant_id]
    return found


def test_planted_json_lists_every_plant(demo_dir) -> None:
    written = json.loads((demo_dir / "planted.json").read_text())
    ids = [p["id"] for p in written["planted"]]
    assert ids == [p["id"] for p in PLANTED]
    assert len(set(ids)) == len(ids) == 16
    for p in written["planted"]:
        assert {"id", "authority_code", "subject", "subject_id", "period", "tables", "rules", "description"} <= set(p)


def test_signposting_only_health_service(demo_data: dict) -> None:
    services = stacked(demo_data, "services")
    signposting = services[services["availability"] == "signposting_only"]
    assert set(zip(signposting["centre_id"], signposting["service_category"], strict=True)) == {("WXC-CC-07", "health")}
    assert sorted(signposting["quarter"]) == QUARTERS
    # every other open centre offers all five services on site or with advice and assistance
    for (provider, quarter), tables in demo_data["returns"].items():
        centres = tables["centres"]
        main = centres[(centres["designation"] != "linked_site") & (centres["status"] != "closed")]
        per_centre = tables["services"].groupby("centre_id").size()
        assert (per_centre.reindex(main["centre_id"]) == 5).all(), (provider, quarter)


def test_no_on_site_activity_for_under_fives_in_one_quarter(demo_data: dict) -> None:
    sessions = stacked(demo_data, "sessions")
    under5_on_site = sessions[sessions["on_site"] & (sessions["min_age_months"] < 60)]
    centres = stacked(demo_data, "centres")
    active = centres[(centres["status"] != "closed") & (centres["designation"] != "linked_site")]
    missing = set(zip(active["centre_id"], active["quarter"], strict=True)) - \
        set(zip(under5_on_site["centre_id"], under5_on_site["quarter"], strict=True))
    assert missing == {("PEL-CC-05", "2016Q4")}
    pel05 = sessions[(sessions["centre_id"] == "PEL-CC-05") & (sessions["quarter"] == "2016Q4")]
    assert len(pel05) > 0 and not pel05["on_site"].any()


def test_centre_without_advisory_board(demo_data: dict) -> None:
    centres = stacked(demo_data, "centres")
    assert set(centres.loc[centres["advisory_board_id"].isna(), "centre_id"]) == {"WXC-CC-24"}


def test_board_without_parent_member(demo_data: dict) -> None:
    members = stacked(demo_data, "board_members")
    boards = stacked(demo_data, "boards")
    with_parent = set(members.loc[members["role"] == "parent", "board_id"])
    assert set(boards["board_id"]) - with_parent == {"PEL-BRD-02"}
    for role in ("centre", "authority"):
        assert set(members.loc[members["role"] == role, "board_id"]) == set(boards["board_id"])


def test_board_meeting_once_a_year(demo_data: dict) -> None:
    meetings = stacked(demo_data, "board_meetings")
    in_year = meetings[meetings["meeting_date"].between("2016-04-01", "2017-03-31")]
    per_board = in_year.groupby("board_id").size()
    assert per_board["HRF-BRD-04"] == 1
    assert (per_board.drop("HRF-BRD-04") == 4).all()
    assert meetings.loc[meetings["board_id"] == "HRF-BRD-04", "quarter"].tolist() == ["2016Q3"]
    # every other board also has three meetings in the year before, listed in its first return
    history = meetings[meetings["meeting_date"] < "2016-04-01"]
    assert (history["quarter"] == "2016Q2").all()
    assert (history.groupby("board_id").size() == 3).all()
    assert "HRF-BRD-04" not in set(history["board_id"])


def _changes(demo_data: dict) -> pd.DataFrame:
    changes = records(demo_data, "service_changes")
    consultations = records(demo_data, "consultations").set_index("consultation_id")
    return changes.join(consultations[["open_date", "close_date", "analysis_date"]], on="consultation_id")


def test_decision_before_consultation_closed(demo_data: dict) -> None:
    changes = _changes(demo_data)
    early = changes[changes["decision_date"] <= changes["close_date"]]
    assert early["change_id"].tolist() == ["CHG-WXC-2016-01"]
    consulted = changes.dropna(subset=["consultation_id"])
    late = consulted.drop(early.index)
    assert (late["decision_date"] > late["analysis_date"]).all()


def test_four_week_consultation(demo_data: dict) -> None:
    consultations = records(demo_data, "consultations")
    days = (consultations["close_date"] - consultations["open_date"]).dt.days
    short = consultations.loc[days < 28, "consultation_id"].tolist()
    assert short == ["CONS-PEL-2016-02"]
    assert (days[consultations["consultation_id"] != "CONS-PEL-2016-02"] >= 42).all()
    assert _changes(demo_data).set_index("change_id").loc["CHG-PEL-2016-02", "consultation_id"] == "CONS-PEL-2016-02"


def test_eqia_after_decision(demo_data: dict) -> None:
    changes = records(demo_data, "service_changes")
    assert changes["eqia_date"].notna().all()
    late = changes[changes["eqia_date"] > changes["decision_date"]]
    assert late["change_id"].tolist() == ["CHG-PEL-2016-03"]


def test_closure_without_disadvantaged_impact_assessment(demo_data: dict) -> None:
    changes = records(demo_data, "service_changes")
    missing = changes[~changes["disadvantaged_impact_assessed"].astype(bool)]
    assert missing["change_id"].tolist() == ["CHG-WXC-2016-03"]
    assert missing["change_type"].tolist() == ["close"]


def test_de_designation_without_consultation(demo_data: dict) -> None:
    changes = records(demo_data, "service_changes")
    unconsulted = changes[changes["consultation_id"].isna()]
    assert unconsulted["change_id"].tolist() == ["CHG-HRF-2016-02"]
    assert unconsulted["change_type"].tolist() == ["de_designate"]
    centres = stacked(demo_data, "centres").set_index(["centre_id", "quarter"])
    assert centres.loc[("HRF-FH-08", "2016Q4"), "designation"] == "family_hub_designated"
    assert centres.loc[("HRF-FH-08", "2017Q1"), "designation"] == "family_hub_not_designated"
    # the consulted de-designation took effect from 2016Q3
    assert centres.loc[("HRF-FH-07", "2016Q2"), "designation"] == "family_hub_designated"
    assert centres.loc[("HRF-FH-07", "2016Q3"), "designation"] == "family_hub_not_designated"


def test_live_birth_feed_stale(demo_data: dict) -> None:
    feeds = records(demo_data, "data_feeds")
    births = feeds[feeds["feed_type"] == "live_births"]
    last = births.groupby("authority_code")["received_date"].max()
    end_2016q4 = pd.Timestamp("2016-12-31")
    stale = last[(end_2016q4 - last).dt.days > 92]
    assert stale.index.tolist() == ["E06000901"]
    assert (last.drop("E06000901") >= pd.Timestamp("2017-03-01")).all()


def test_old_needs_assessment(demo_data: dict) -> None:
    needs = records(demo_data, "needs_assessments")
    latest = needs.groupby("authority_code")["assessment_date"].max()
    old = latest[latest < pd.Timestamp("2014-04-01")]
    assert old.index.tolist() == ["E10000901"]


def test_deprived_lsoas_far_from_any_centre(demo_data: dict) -> None:
    reference = demo_data["reference"]
    lsoas = reference["lsoa_population"].query("year == 2016").merge(
        reference["deprivation"][["lsoa_code", "imd_decile"]], on="lsoa_code")
    centres = stacked(demo_data, "centres").drop_duplicates("centre_id")
    dx = lsoas["easting"].to_numpy(dtype=float)[:, None] - centres["easting"].to_numpy(dtype=float)[None, :]
    dy = lsoas["northing"].to_numpy(dtype=float)[:, None] - centres["northing"].to_numpy(dtype=float)[None, :]
    nearest_km = np.sqrt(dx ** 2 + dy ** 2).min(axis=1) / 1000
    far = lsoas[nearest_km > 8]
    assert sorted(far["lsoa_code"]) == [f"E0191900{k}" for k in range(1, 7)]
    assert (far["imd_decile"] <= 2).all()
    assert nearest_km.max() < 20
    assert np.sort(nearest_km)[-7] < 3  # every other LSOA is within 3 km of a centre


def test_gias_extract_lags_one_closure(demo_data: dict) -> None:
    gias = demo_data["reference"]["gias_centres"].set_index("urn")
    centres = stacked(demo_data, "centres")
    for quarter in ("2016Q4", "2017Q1"):
        register = centres[centres["quarter"] == quarter].set_index("urn")
        differs = register.index[register["status"] != gias.loc[register.index, "status"]]
        expected = [] if quarter == "2016Q4" else list(register.index[register["centre_id"] == "WXC-CC-12"])
        assert list(differs) == expected, quarter
    assert set(gias.index) == set(centres["urn"])


def _registration_share(demo_data: dict, quarter: str) -> pd.Series:
    regs = stacked(demo_data, "registrations").query("quarter == @quarter")
    year, q = int(quarter[:4]), int(quarter[-1])
    end_month = year * 12 + 3 * q - 1
    born = regs["birth_month"].str[:4].astype(int) * 12 + regs["birth_month"].str[5:].astype(int) - 1
    under5 = regs[end_month - born < 60].groupby("centre_id").size()
    return under5


def _reach_population(demo_dir) -> pd.Series:
    reach = pd.concat(pd.read_csv(path) for path in sorted(demo_dir.glob("authority_records/*/reach_areas.csv")))
    population = pd.read_csv(demo_dir / "reference" / "lsoa_population.csv").query("year == 2016")
    return reach.merge(population, on="lsoa_code").groupby("centre_id")["under5"].sum()


def test_kpi_shortfalls_for_one_provider(demo_data: dict, demo_dir) -> None:
    centres = stacked(demo_data, "centres").drop_duplicates("centre_id").set_index("centre_id")["provider_id"]
    meadow = centres.index[centres == "PRV-WXC-MEADOW"]
    # registration share, from registrations and the reach-area population
    registered = _registration_share(demo_data, "2016Q4")
    population = _reach_population(demo_dir)
    by_provider = pd.DataFrame({"registered": registered, "population": population}).dropna()
    by_provider = by_provider.groupby(by_provider.index.map(centres)).sum()
    share = 100 * by_provider["registered"] / by_provider["population"]
    assert share["PRV-WXC-MEADOW"] < 65
    assert (share.drop("PRV-WXC-MEADOW") > 70).all()
    assert set(meadow) == {"WXC-CC-17", "WXC-CC-18", "WXC-CC-19", "WXC-LS-03"}
    # sustained engagement of target-group families: 3+ contacts in the year
    contacts = stacked(demo_data, "contacts")
    per_family = contacts.groupby("family_ref").size()
    regs = stacked(demo_data, "registrations").query("quarter == '2017Q1' and target_group")
    families = regs.drop_duplicates("family_ref").set_index("family_ref")["centre_id"]
    engaged = (per_family.reindex(families.index).fillna(0) >= 3).groupby(families.map(centres)).mean() * 100
    assert engaged["PRV-WXC-MEADOW"] < 50
    assert (engaged.drop("PRV-WXC-MEADOW") > 65).all()
    # Family Star: closed cases whose score rose by at least one point
    cases = stacked(demo_data, "cases").drop_duplicates("case_id", keep="last").dropna(subset=["star_end"])
    improved = ((cases["star_end"] - cases["star_start"]) >= 1).groupby(cases["centre_id"].map(centres)).mean() * 100
    assert improved["PRV-WXC-MEADOW"] < 50
    assert (improved.drop("PRV-WXC-MEADOW") > 60).all()


def test_misreported_kpi(demo_data: dict, demo_dir) -> None:
    kpis = stacked(demo_data, "kpi_returns").query("kpi_id == 'CORE-REG-U5'")
    population = _reach_population(demo_dir)
    recomputed = []
    for quarter in QUARTERS:
        under5 = _registration_share(demo_data, quarter)
        part = kpis[kpis["period"] == quarter].set_index("subject_id")
        recomputed.append(pd.DataFrame({
            "period": quarter, "reported": part["value"],
            "data": (100 * under5.reindex(part.index) / population.reindex(part.index)).round(1)}))
    both = pd.concat(recomputed)
    differs = both[(both["reported"] - both["data"]).abs() > 0.051]
    assert list(zip(differs.index, differs["period"], strict=True)) == [("WXC-CC-03", "2016Q4")]
    assert float(differs["reported"].iloc[0] - differs["data"].iloc[0]) > 10


def test_sample_data_plants_exactly_one_gap() -> None:
    written = json.loads((SAMPLE / "planted.json").read_text())
    assert written["planted"] == SAMPLE_PLANTED
    services = pd.read_csv(SAMPLE / "provider_return" / "services.csv")
    weak = services[~services["availability"].isin(["provided_on_site", "advice_and_assistance"])]
    assert list(zip(weak["centre_id"], weak["service_category"], weak["availability"], strict=True)) == \
        [("SLM-CC-03", "health", "signposting_only")]
    sessions = pd.read_csv(SAMPLE / "provider_return" / "sessions.csv")
    on_site = sessions[(sessions["on_site"] == "yes") & (sessions["min_age_months"] < 60)]
    on_site = on_site.assign(quarter=pd.PeriodIndex(on_site["date"], freq="Q").astype(str))
    for centre in ("SLM-CC-01", "SLM-CC-02", "SLM-CC-03", "SLM-CC-04"):
        assert sorted(on_site.loc[on_site["centre_id"] == centre, "quarter"].unique()) == \
            ["2016Q1", "2016Q2", "2016Q3", "2016Q4"]
    members = pd.read_csv(SAMPLE / "provider_return" / "board_members.csv")
    assert {"centre", "authority", "parent", "partner"} <= set(members["role"])
    centres = pd.read_csv(SAMPLE / "provider_return" / "centres.csv")
    assert centres["advisory_board_id"].notna().all()
