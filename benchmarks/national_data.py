"""The national SYNTHETIC data set of benchmarks/national_bench.py: every table the statutory rules and the three
KPI frameworks read, for one set of authorities and centres.

It reuses the two existing generators (rules_bench.generate: centres, boards, sessions, authority records,
reference data; kpi_bench.make_tables: registrations, contacts, cases, reach areas, population by year) and
joins them onto ONE set of centres: both build 20 centres per authority in the same order, so centre i of
one is centre i of the other and only the identifiers are rewritten. It then adds the columns and tables the
two generators leave out (partner agreements, inspections, the consultation and needs-assessment flags), so
that no rule is not_evaluable merely because the benchmark forgot a column. All data are invented (random
numbers); nothing here describes a real centre, family or child.
"""

from __future__ import annotations

import kpi_bench
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import rules_bench

PERIOD = "2016Q4"  # rules_bench's sessions are dated in 2016; kpi_bench's contacts run from January 2016
CENTRES_PER_AUTHORITY = 20


def _replace_prefix(column: pd.Series, old: str, new: str) -> pd.Series:
    """kpi_bench's identifiers rewritten as rules_bench's (C000123 -> CC-00123, E06100007 -> E06900007)."""
    arrow = pa.array(column.array, type=pa.string()) if not isinstance(column.array, pa.ChunkedArray) else column.array
    replaced = pc.replace_substring(arrow, old, new, max_replacements=1)
    return pd.Series(pd.array(replaced, dtype="str"), index=column.index)


def _booleans(rng: np.random.Generator, n: int, true_share: float, blank_share: float = 0.0) -> pd.Series:
    values = pd.array(rng.random(n) < true_share, dtype="boolean")
    if blank_share:
        values[rng.random(n) < blank_share] = pd.NA
    return pd.Series(values)


def national_tables(scale: float = 1.0, seed: int = 2016) -> dict[str, pd.DataFrame]:
    """150 authorities, 3,000 centres, 10M sessions and 10M contacts at scale 1.0 (fewer authorities below)."""
    rng = np.random.default_rng(seed)
    authorities = max(int(150 * scale), 2)
    centres = authorities * CENTRES_PER_AUTHORITY
    sessions = max(int(10_000_000 * scale), 1000)
    contacts = max(int(10_000_000 * scale), 1000)
    tables = rules_bench.generate(authorities, centres, sessions)
    kpi = kpi_bench.make_tables(authorities, contacts, CENTRES_PER_AUTHORITY)
    for frame in kpi.values():
        for column in ("centre_id", "parent_centre_id"):
            if column in frame:
                frame[column] = _replace_prefix(frame[column], "C0", "CC-")
        if "authority_code" in frame:
            frame["authority_code"] = _replace_prefix(frame["authority_code"], "E061", "E069")
    kpi["kpi_returns"]["subject_id"] = _replace_prefix(pd.Series(kpi["kpi_returns"]["subject_id"], dtype="str"),
                                                       "C0", "CC-")
    kpi["kpi_returns"]["period"] = pd.Series([PERIOD] * len(kpi["kpi_returns"]), dtype="str")
    # one centres table: rules_bench's columns, with kpi_bench's linked sites (one per authority) and clusters
    centre_frame = tables["centres"]
    assert (centre_frame["centre_id"].to_numpy() == kpi["centres"]["centre_id"].to_numpy()).all()
    for column in ("designation", "parent_centre_id", "cluster"):
        centre_frame[column] = kpi["centres"][column]
    # population by year (two years) from kpi_bench, with grid references near each LSOA's centre for reach
    population = kpi["lsoa_population"]
    lsoas = len(population) // 2
    lsoa_centre = np.arange(lsoas) // 8
    east = centre_frame["easting"].to_numpy(dtype=np.int64)[lsoa_centre] + rng.integers(-4500, 4500, lsoas)
    north = centre_frame["northing"].to_numpy(dtype=np.int64)[lsoa_centre] + rng.integers(-4500, 4500, lsoas)
    population["easting"] = pd.array(np.tile(east, 2), dtype="Int64")
    population["northing"] = pd.array(np.tile(north, 2), dtype="Int64")
    tables["lsoa_population"] = population
    tables["deprivation"] = pd.DataFrame({
        "lsoa_code": population["lsoa_code"].iloc[:lsoas].reset_index(drop=True),
        "iod_version": pd.Series(["IoD2019"] * lsoas, dtype="str"),
        "imd_decile": pd.array(rng.integers(1, 11, lsoas), dtype="Int64")})
    for name in ("reach_areas", "registrations", "contacts", "cases", "kpi_returns"):
        tables[name] = kpi[name]
    _add_missing_columns(tables, rng)
    return tables


def _add_missing_columns(tables: dict[str, pd.DataFrame], rng: np.random.Generator) -> None:
    """The flags and tables the statutory rules read that neither generator makes."""
    needs = tables["needs_assessments"]
    for column in ("involved_parents", "involved_pvi_providers", "children_views_considered"):
        needs[column] = _booleans(rng, len(needs), 0.85, 0.05)
    consultations = tables["consultations"]
    for column in ("consulted_families", "consulted_staff", "consulted_advisory_board", "consulted_partners",
                   "targeted_methods"):
        consultations[column] = _booleans(rng, len(consultations), 0.95, 0.02)
    changes = tables["service_changes"]
    n = len(changes)
    changes["decision_published"] = _booleans(rng, n, 0.9, 0.05)
    changes["committing_step_date"] = pd.Series(np.where(
        rng.random(n) < 0.3, changes["decision_date"] + pd.to_timedelta(rng.integers(-30, 120, n), unit="D"),
        np.datetime64("NaT")).astype("datetime64[s]"))
    # changes decided together: a third of each authority's changes form one programme
    programme = np.where(rng.random(n) < 0.33, "PRG-" + changes["authority_code"].to_numpy(dtype=object), None)
    changes["programme_ref"] = pd.Series(programme, dtype="str")
    changes["departure_reasons"] = pd.Series(np.where(rng.random(n) < 0.05, "Local reasons", None), dtype="str")
    codes = tables["needs_assessments"]["authority_code"].to_numpy()
    kinds = np.repeat(np.array(["health", "jcp"]), len(codes))
    starts = np.datetime64("2013-04-01") + rng.integers(0, 900, len(kinds)).astype("timedelta64[D]")
    ends = np.where(rng.random(len(kinds)) < 0.1, starts + np.timedelta64(700, "D"), np.datetime64("NaT"))
    tables["partner_agreements"] = pd.DataFrame({
        "agreement_id": pd.Series([f"PA-{i:05d}" for i in range(len(kinds))], dtype="str"),
        "authority_code": pd.Series(np.tile(codes, 2), dtype="str"), "partner_type": pd.Series(kinds, dtype="str"),
        "partner_name": pd.Series(["Partner"] * len(kinds), dtype="str"),
        "start_date": pd.Series(starts.astype("datetime64[s]")), "end_date": pd.Series(ends.astype("datetime64[s]")),
        "data_sharing": pd.array([True] * len(kinds), dtype="boolean")})
    centre_ids = tables["centres"]["centre_id"].to_numpy()
    inspected = np.datetime64("2011-01-01") + rng.integers(0, 1800, len(centre_ids)).astype("timedelta64[D]")
    has_action = rng.random(len(centre_ids)) < 0.85
    tables["inspections"] = pd.DataFrame({
        "inspection_id": pd.Series([f"INS-{i:05d}" for i in range(len(centre_ids))], dtype="str"),
        "centre_id": pd.Series(centre_ids, dtype="str"),
        "inspection_date": pd.Series(inspected.astype("datetime64[s]")),
        "report_date": pd.Series((inspected + np.timedelta64(30, "D")).astype("datetime64[s]")),
        "overall_grade": pd.array(rng.integers(1, 5, len(centre_ids)), dtype="Int64"),
        "action_statement_date": pd.Series(np.where(has_action, inspected + np.timedelta64(70, "D"),
                                                    np.datetime64("NaT")).astype("datetime64[s]")),
        "action_statement_has_timescales": _booleans(rng, len(centre_ids), 0.9)})


def row_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {name: len(frame) for name, frame in sorted(tables.items())}
