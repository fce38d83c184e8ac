"""Run KPI frameworks over typed tables in an in-memory DuckDB: values, RAG, change, and the cross-check of
provider-reported figures.

RAG (per KPI, with the parameter values recorded in each row):

- no data, a zero denominator or no target -> ``not_evaluable`` (never green);
- a denominator below ``min_denominator`` -> ``not_evaluable``, with numerator and denominator kept;
- higher is better: ``green`` at or above the target, ``amber`` at or above ``amber_from``, else ``red``;
  lower is better: ``green`` at or below the target, ``amber`` at or below ``amber_from``, else ``red``.

Change (``change_on_previous``, ``change_on_year_before``): value minus the value in the earlier window, only
when that window is covered by the data (:class:`DataStarts`); otherwise missing (NaN), never the current value
less a value computed over no data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ccassure.contracts import ContractSet, load_contracts
from ccassure.contracts.arrow_dtypes import arrow_to_frame
from ccassure.kpis.batch import BatchEvaluator, Request, fallback_sql
from ccassure.kpis.centre_targets import apply_centre_targets
from ccassure.kpis.compiler import kpi_aggregates, population_sql
from ccassure.kpis.loader import POPULATION_TABLE, REACH_TABLE, FrameworkSet, load_frameworks
from ccassure.kpis.model import FINDING_COLUMNS, LEVELS, RESULT_COLUMNS, Framework, Kpi
from ccassure.kpis.results import KpiResults, empty_findings, empty_results
from ccassure.kpis.windows import (
    WindowSpan,
    covered,
    previous,
    quarter_start,
    quarters_of,
    return_period_target,
    span,
)
from ccassure.rules.expr import quote_ident as q


def run_kpis(tables: Mapping[str, pd.DataFrame] | None, period: str, authority: str | None = None,
             parameters: dict[str, dict[str, Any]] | None = None, *, frameworks: FrameworkSet | None = None,
             data_versions: Mapping[str, list[str]] | None = None, threads: int | None = None,
             con: duckdb.DuckDBPyConnection | None = None, contracts: ContractSet | None = None) -> KpiResults:
    """Compute every KPI of ``frameworks`` (default: the project's rules/kpis/) for ``period`` (a quarter, or a
    financial year = its four quarters), per centre, cluster, provider and authority, and cross-check the
    provider-reported figures in ``tables['kpi_returns']``.

    ``parameters``: overrides by KPI or framework id ({id: {name: value}}); None uses the project's ccassure.yml.
    ``data_versions``: submission ids per table (recorded in every row); by default the distinct
    ``submission_id`` values of each table, when it has that column.
    ``con``: the check's connection, already holding its typed tables under their names (the rules
    evaluator's, so a check loads its data into DuckDB once); the KPIs read those tables, add their own
    prepared views and temporary tables, and leave it open. By default a new connection is made for
    ``tables`` and closed after. With ``tables=None`` the tables are those ``con`` holds (the store path of a
    check: no frames at all; the few small tables read in Python are fetched from ``con``, typed per
    ``contracts``, by default the project's).
    """
    if frameworks is None:
        frameworks = load_frameworks()
    if parameters is None:
        from ccassure.project import current_project

        parameters = current_project().parameters
    quarters = quarters_of(period)
    own = con is None
    if con is None:
        if tables is None:
            raise ValueError("run_kpis needs tables, or a connection holding them")
        con = duckdb.connect()
    if threads:
        _run(con, f"SET threads = {int(threads)}")
    try:
        tables = Intake.of(con, tables, contracts)
        present = _register(con, tables, authority, _month_columns(frameworks))
        versions = _versions(tables, data_versions)
        subjects = _subjects(con, tables)
        starts = DataStarts.of(con, tables, present, contracts or tables.contracts or load_contracts(), frameworks)
        registered = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        batch = BatchEvaluator(con, present, _month_columns(frameworks), registered)
        prepared, requests = [], []
        for framework, kpi in frameworks.kpis():
            values = framework.parameter_values(kpi, parameters)
            spans, wanted = _instances(kpi, quarters)
            by_table = kpi_aggregates(kpi, spans, values)
            prepared.append((framework, kpi, values, spans, wanted, by_table))
            requests += [Request(kpi.id, agg, values) for table, aggs in by_table.items() if table in present
                         for agg in aggs]
        left = {(r.kpi, r.agg.name) for r in batch.execute_all(requests)}
        index = SubjectIndex(subjects)
        parts, findings = [], []
        for framework, kpi, values, spans, wanted, by_table in prepared:
            arrays = _measure_arrays(con, batch, index, kpi, values, by_table, present, left)
            parts.append(_evaluate(framework, kpi, values, spans, wanted, arrays, index, versions, starts))
        frame = pd.concat(parts, ignore_index=True) if parts else empty_results()
        frame = apply_centre_targets(frame[list(RESULT_COLUMNS)], tables.frame("centre_targets"))
        for column in ("framework_version", "kpi_version"):
            frame[column] = frame[column].astype("Int64")
        if tables.rows.get("kpi_returns"):
            findings = _cross_check(tables.frame("kpi_returns"), frame, frameworks, parameters, quarters, versions)
        finding_frame = pd.DataFrame(findings, columns=list(FINDING_COLUMNS)) if findings else empty_findings()
        if findings:
            finding_frame["rule_version"] = finding_frame["rule_version"].astype("Int64")
        return KpiResults(frame.reset_index(drop=True), finding_frame, str(period))
    finally:
        if own:
            con.close()


# Loading the tables ------------------------------------------------------------------------------------

class Intake:
    """The tables a KPI run reads: their columns and row counts, and (for the few read in Python: names,
    centre targets, provider-reported figures) a frame. From frames given, or from the tables a connection
    holds (then only those with rows, and a frame is fetched only when asked for)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame] | None,
                 columns: dict[str, list[str]], rows: dict[str, int], contracts: ContractSet | None = None):
        self.con, self.frames, self.columns, self.rows = con, frames, columns, rows
        self.contracts = contracts
        self._fetched: dict[str, pd.DataFrame] = {}

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, tables: Mapping[str, pd.DataFrame] | None,
           contracts: ContractSet | None = None) -> Intake:
        if tables is not None:
            kept = {name: frame for name, frame in tables.items() if frame is not None}
            return cls(con, kept, {name: list(frame.columns) for name, frame in kept.items()},
                       {name: len(frame) for name, frame in kept.items()})
        contracts = contracts or load_contracts()
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = "
                "current_database() AND table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
            if table in contracts:
                columns.setdefault(table, []).append(column)
        rows = {}
        if columns:
            counts = " UNION ALL ".join(f"SELECT {_literal(name)}, count(*) FROM {q(name)}" for name in columns)
            rows = {name: count for name, count in con.execute(counts).fetchall() if count}
        return cls(con, None, {name: columns[name] for name in columns if name in rows}, rows, contracts)

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def frame(self, name: str) -> pd.DataFrame | None:
        """The table as a frame (None when absent): given, or fetched once from the connection."""
        if self.frames is not None:
            return self.frames.get(name)
        if name not in self.rows:
            return None
        if name not in self._fetched:
            table = self.con.sql(f"SELECT * FROM {q(name)}").to_arrow_table()
            self._fetched[name] = arrow_to_frame(table, (self.contracts or load_contracts())[name])
        return self._fetched[name]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _register(con: duckdb.DuckDBPyConnection, tables: Intake, authority: str | None,
              month_columns: dict[str, set[str]] | None = None) -> set[str]:
    """Make each table readable by its name (a table the connection already holds is read from there, not
    registered again), with ``__r_T`` (its rows plus precomputed month numbers) and ``__k_T`` (those rows on
    the centre map) beside it; build the centre map. Returns the names of tables that hold at least one row
    (the others count as 'no data')."""
    present: set[str] = set()
    held = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if tables.rows.get("centres") and "centres" in held:
        source = "centres"
    else:
        centres = tables.frame("centres")
        if centres is None or centres.empty:
            centres = pd.DataFrame({c: pd.Series(dtype="str") for c in
                                    ("centre_id", "centre_name", "authority_code", "provider_id", "designation",
                                     "parent_centre_id", "status", "cluster")})
        con.register("__raw_centres", centres)
        source = "__raw_centres"
    where = "WHERE u.authority_code = $authority" if authority else ""
    _run(con,
        "CREATE TABLE __k_units AS SELECT c.centre_id AS centre_id, u.centre_id AS centre, "
        "nullif(trim(CAST(u.cluster AS VARCHAR)), '') AS cluster, u.provider_id AS provider, "
        "u.authority_code AS authority_code, u.centre_name AS centre_name, u.status AS status "
        f"FROM {source} c JOIN {source} u ON u.centre_id = CASE WHEN c.designation = 'linked_site' AND "
        f"c.parent_centre_id IN (SELECT centre_id FROM {source}) THEN c.parent_centre_id ELSE c.centre_id END "
        f"{where}", {"authority": authority} if authority else None)
    for name in tables.names:
        if name == "centres":
            continue
        columns = tables.columns[name]
        if name not in held:
            con.register(f"__raw_{name}", tables.frame(name))
            _run(con, f"CREATE VIEW {q(name)} AS SELECT * FROM {q('__raw_' + name)}")
        months = [c for c in sorted((month_columns or {}).get(name, set())) if c in columns]
        extra = "".join(f", (TRY_CAST(substr(t.{q(c)}, 1, 4) AS INTEGER) * 12 + TRY_CAST(substr(t.{q(c)}, 6, 2) "
                        f"AS INTEGER)) AS {q('__mn_' + c)}, TRY_CAST(t.{q(c)} || '-01' AS DATE) AS {q('__md_' + c)}"
                        for c in months)
        _run(con, f"CREATE VIEW {q('__r_' + name)} AS SELECT t.*{extra} FROM {q(name)} t")
        if "centre_id" in columns:
            _run(con, f"CREATE VIEW {q('__k_' + name)} AS SELECT t.*, m.centre AS __centre, "
                      f"m.cluster AS __cluster, m.provider AS __provider, m.authority_code AS __authority "
                      f"FROM {q('__r_' + name)} t LEFT JOIN __k_units m ON t.centre_id = m.centre_id")
            inside = _run(con, f"SELECT EXISTS (SELECT 1 FROM {q(name)} t JOIN __k_units m ON t.centre_id = m.centre_id)")
            if inside and inside[0][0]:
                present.add(name)
        elif tables.rows.get(name):
            present.add(name)
    for name, columns in ((REACH_TABLE, "centre_id VARCHAR, lsoa_code VARCHAR"),
                          (POPULATION_TABLE, "lsoa_code VARCHAR, year BIGINT, authority_code VARCHAR, under5 BIGINT")):
        if name not in tables.columns and name not in held:
            _run(con, f"CREATE TABLE {q(name)} ({columns})")
    return present


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[tuple]:
    return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def _versions(tables: Intake, given: Mapping[str, list[str]] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in tables.names:
        if given is not None and name in given:
            out[name] = sorted(map(str, given[name]))
        elif "submission_id" in tables.columns[name]:
            frame = tables.frame(name)
            out[name] = sorted(map(str, frame["submission_id"].dropna().unique()))
        else:
            out[name] = []
    return out


def _subjects(con: duckdb.DuckDBPyConnection, tables: Intake) -> pd.DataFrame:
    """Every subject a KPI can be reported for, in report order (centre, cluster, provider, authority; then
    authority and id): centres (linked sites roll up; ``active`` False for closed ones, reported only when
    they have rows), clusters, providers and authorities."""
    units = con.sql("SELECT centre, centre_name, authority_code, provider, cluster, status FROM __k_units "
                    "WHERE centre_id = centre").df().astype(object).where(lambda f: f.notna(), None)
    provider_names: dict[str, str] = {}
    providers = tables.frame("providers")
    if providers is not None and {"provider_id", "provider_name"} <= set(providers.columns):
        provider_names = dict(zip(providers["provider_id"].astype(str).tolist(),
                                  providers["provider_name"].astype(str).tolist(), strict=False))
    authority_names: dict[str, str] = {}
    authorities = tables.frame("authorities")
    if authorities is not None and {"authority_code", "authority_name"} <= set(authorities.columns):
        authority_names = dict(zip(authorities["authority_code"].astype(str).tolist(),
                                   authorities["authority_name"].astype(str).tolist(), strict=False))
    rows: list[tuple] = []
    clusters: dict[tuple[str, str], set] = {}
    providers_seen: set[tuple[str, str]] = set()
    authorities_seen: set[str] = set()
    for centre, name, code, provider, cluster, status in zip(*(units[c].tolist() for c in units.columns),
                                                             strict=True):
        rows.append(("centre", centre, name or centre, code, provider, status != "closed", cluster))
        if cluster is not None and code is not None:
            clusters.setdefault((code, cluster), set()).add(provider)
        if provider is not None and code is not None:
            providers_seen.add((code, provider))
        if code is not None:
            authorities_seen.add(code)
    for (code, cluster), owners in clusters.items():
        rows.append(("cluster", cluster, cluster, code, next(iter(owners)) if len(owners) == 1 else None, True,
                     cluster))
    for code, provider in providers_seen:
        rows.append(("provider", provider, provider_names.get(provider, provider), code, provider, True, None))
    for code in authorities_seen:
        rows.append(("authority", code, authority_names.get(code, code), code, None, True, None))
    order = {lv: i for i, lv in enumerate(LEVELS)}
    rows.sort(key=lambda r: (order[r[0]], str(r[3]), str(r[1])))
    return pd.DataFrame(rows, columns=["level", "subject_id", "subject_name", "authority_code", "provider_id",
                                       "active", "cluster"], dtype=object)


class SubjectIndex:
    """Positions of (level, authority, subject) in the subjects frame, to align measure columns by index."""

    def __init__(self, subjects: pd.DataFrame):
        self.subjects = subjects
        self.n = len(subjects)
        self.position = {key: i for i, key in enumerate(zip(subjects["level"].tolist(),
                                                             subjects["authority_code"].tolist(),
                                                             subjects["subject_id"].tolist(), strict=True))}
        self.level = subjects["level"].to_numpy(dtype=object)
        self.active = subjects["active"].to_numpy(dtype=bool)
        self.columns = {c: subjects[c].to_numpy(dtype=object) for c in ("subject_id", "subject_name",
                                                                          "authority_code", "provider_id",
                                                                          "cluster")}
        self._cache: dict[int, tuple[pd.DataFrame, np.ndarray]] = {}

    def positions(self, frame: pd.DataFrame) -> np.ndarray:
        """Position of each row of ``frame`` (-1 when the subject is unknown), cached per frame."""
        entry = self._cache.get(id(frame))
        if entry is None or entry[0] is not frame:  # the frame is kept with its positions, so an id is never reused
            keys = zip(frame["level"].tolist(), frame["authority_code"].tolist(), frame["subject_id"].tolist(),
                       strict=True)
            entry = (frame, np.array([self.position.get(k, -1) for k in keys], dtype=np.int64))
            self._cache[id(frame)] = entry
        return entry[1]

    def align(self, frame: pd.DataFrame, column: str) -> np.ndarray:
        """``frame[column]`` laid out by subject (0 where the subject has no row)."""
        out = np.zeros(self.n)
        pos = self.positions(frame)
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = pos >= 0
        out[pos[ok]] = np.nan_to_num(values[ok], nan=0.0)
        return out


# Where the data begin ---------------------------------------------------------------------------------

class DataStarts:
    """The first day each authority's data cover, per table a KPI counts rows of, so that a change is only
    worked out against an earlier window the data reach back over.

    - An event table (its contract's ``role: event``; contacts, sessions) is read with its whole history: its
      data begin with the quarter of the authority's earliest event date (returns are quarterly, so a quarter
      with any event counts from its first day).
    - A record table (registrations, cases) is a snapshot, as last returned: its rows carry dates (registered
      on, opened on) but it holds no history of its own (the children who moved away, the cases closed before
      the first return are not in it). Its data begin where the authority's event history does: the latest
      start among the event tables the KPIs read that hold rows of the authority (a table it did not supply
      says nothing of when its history begins; none with rows: the snapshot reaches back over nothing). With
      no such event table in the frameworks at all there is nothing to judge by, and nothing is held back.
    - A reference table (the under-five population, by year) covers every window.

    A KPI's data begin on the latest start among the tables it reads (numerator, denominator and any
    ``having`` table): sustained engagement has a registrations denominator in every window, but its
    contacts numerator is empty before the contacts begin, so its value there is 0%, not missing."""

    def __init__(self, starts: dict[str, dict[str | None, date]], events: set[str], history: tuple[str, ...],
                 reference: set[str]):
        self.starts, self.events, self.history, self.reference = starts, events, history, reference

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, tables: Intake, present: set[str], contracts: ContractSet,
           frameworks: FrameworkSet) -> DataStarts:
        events = contracts.event_dates()
        read = {table for _, kpi in frameworks.kpis() for table in kpi.tables}
        history = tuple(sorted(t for t in read if t in events))
        reference = {c.table for c in contracts if c.dataset == "reference"} | {POPULATION_TABLE, REACH_TABLE}
        starts: dict[str, dict[str | None, date]] = {}
        for table in history:
            starts[table] = {}
            if table not in present or events[table] not in tables.columns.get(table, []):
                continue
            column = q(events[table])
            if "centre_id" in tables.columns[table]:  # per authority, through the centre map
                sql = (f"SELECT t.__authority, min(t.{column}) FROM {q('__k_' + table)} t "
                       f"WHERE t.__authority IS NOT NULL GROUP BY t.__authority")
            else:  # no centre to place a row by: one start for every authority
                sql = f"SELECT NULL, min(t.{column}) FROM {q(table)} t"
            starts[table] = {None if code is None else str(code): quarter_start(pd.Timestamp(first).date())
                             for code, first in _run(con, sql) if first is not None}
        return cls(starts, set(events), history, reference)

    def table_start(self, table: str, authority: str | None) -> date:
        """First day the authority's data in ``table`` cover (date.max: none; date.min: every window)."""
        if table in self.reference:
            return date.min
        if table in self.events:
            held = self.starts.get(table, {})
            return held.get(authority, held.get(None, date.max))
        if not self.history:
            return date.min
        held = [self.table_start(t, authority) for t in self.history]
        return max((start for start in held if start != date.max), default=date.max)

    def kpi_start(self, kpi: Kpi, authority: str | None) -> date:
        return max((self.table_start(t, authority) for t in kpi.tables), default=date.min)


# One KPI -----------------------------------------------------------------------------------------------

def _instances(kpi: Kpi, quarters: list[str]) -> tuple[list[WindowSpan], list[tuple[WindowSpan, ...]]]:
    """The window spans to aggregate: each wanted (current, previous, same quarter a year before)."""
    spans: list[WindowSpan] = []
    wanted: list[tuple[WindowSpan, ...]] = []
    for kind in kpi.windows:
        for quarter in quarters:
            year_before = f"{int(quarter[:4]) - 1}Q{quarter[-1]}"
            current, before, last_year = span(quarter, kind), span(previous(quarter, kind), kind), span(year_before, kind)
            wanted.append((current, before, last_year))
            for s in (current, before, last_year):
                if s not in spans:
                    spans.append(s)
    return spans, wanted


def _month_columns(frameworks: FrameworkSet) -> dict[str, set[str]]:
    """yyyy-mm columns that KPIs compute ages from (precomputed as year*12+month once per table)."""
    out: dict[str, set[str]] = {}
    for _, kpi in frameworks.kpis():
        for measure in (kpi.numerator, kpi.denominator):
            if measure is None:
                continue
            if measure.age_below is not None:
                out.setdefault(measure.table, set()).add(measure.age_below.column)
            d = measure.days_between
            for column, is_month in ((d.start, d.start_is_month), (d.end, d.end_is_month)) if d else ():
                if is_month:
                    out.setdefault(measure.table, set()).add(column)
    return out


def _measure_arrays(con: duckdb.DuckDBPyConnection, batch: BatchEvaluator, index: SubjectIndex, kpi: Kpi,
                    params: dict[str, Any], by_table: dict, present: set[str],
                    left: set[tuple[str, str]]) -> dict[str, np.ndarray]:
    """n0, d0, ... laid out by subject: batched columns, plus per-KPI queries for the population table and any
    table the batch could not take; NaN everywhere for a table with no rows (no data)."""
    arrays: dict[str, np.ndarray] = {}
    for table, aggregates in by_table.items():
        if table not in present:
            for agg in aggregates:
                arrays[agg.name] = np.full(index.n, np.nan)
            continue
        todo = [a for a in aggregates if (kpi.id, a.name) in left]
        for agg in aggregates:
            if (kpi.id, agg.name) in left:
                continue
            source_table, column = batch.mapping[kpi.id][agg.name]
            arrays[agg.name] = index.align(batch.results[source_table], column)
        if not todo:
            continue
        if table == POPULATION_TABLE:
            sql = population_sql(todo, kpi.levels, params, have_reach=REACH_TABLE in present)
        else:
            sql = fallback_sql(table, todo, kpi.levels, params)
        part = con.execute(sql).fetchdf()
        part = part[part["subject_id"].notna()].reset_index(drop=True)
        for agg in todo:
            arrays[agg.name] = index.align(part, agg.name)
    return arrays


def _evaluate(framework: Framework, kpi: Kpi, params: dict[str, Any], spans: list[WindowSpan],
              wanted: list[tuple[WindowSpan, ...]], arrays: dict[str, np.ndarray], index: SubjectIndex,
              versions: dict[str, list[str]], starts: DataStarts | None = None) -> pd.DataFrame:
    in_levels = np.isin(index.level, list(kpi.levels))
    has_rows = np.zeros(index.n, dtype=bool)
    for values in arrays.values():
        has_rows |= np.nan_to_num(values, nan=0.0) != 0
    keep = in_levels & (index.active | has_rows)
    rows = np.flatnonzero(keep)
    position = {s: i for i, s in enumerate(spans)}
    target = kpi.target.resolve(params) if kpi.target else None
    amber = kpi.amber_from.resolve(params) if kpi.amber_from else None
    min_den = float(params.get("min_denominator", 0) or 0)
    param_text = json.dumps(params, sort_keys=True, default=str)
    version_text = json.dumps({t: versions.get(t, []) for t in kpi.tables if t != REACH_TABLE}, sort_keys=True)
    picked = {name: values[rows] for name, values in arrays.items()}
    strings = {c: values[rows] for c, values in index.columns.items()}
    levels = index.level[rows]
    window_order = {w: i for i, w in enumerate(kpi.windows)}
    instances = sorted(wanted, key=lambda p: (p[0].end_quarter, window_order[p[0].kind]))
    if not instances:
        return empty_results()
    # every window instance's rows laid end to end, as one frame per KPI (not one frame per instance)
    parts: dict[str, list[np.ndarray]] = {c: [] for c in ("numerator", "denominator", "value", "rag", "rating_reason",
                                                        "change_on_previous", "change_on_year_before")}
    # the first day each row's data cover (its authority's start for the tables this KPI reads)
    by_authority = {code: starts.kpi_start(kpi, code) if starts else date.min
                    for code in set(strings["authority_code"].tolist())}
    starts_of = {start: i for i, start in enumerate(sorted(set(by_authority.values())))}
    start_of_row = np.array([starts_of[by_authority[code]] for code in strings["authority_code"].tolist()],
                            dtype=np.int64)

    def change(value: np.ndarray, earlier: WindowSpan, earlier_value: np.ndarray) -> np.ndarray:
        """value - earlier_value where the data cover the earlier window, else NaN."""
        reach = np.array([covered(earlier, start) for start in starts_of], dtype=bool)[start_of_row]
        return np.where(reach, value - earlier_value, np.nan)

    for current, before, last_year in instances:
        num, den, value, small = _values(kpi, picked, position[current], min_den)
        _, _, prev_value, _ = _values(kpi, picked, position[before], min_den)
        _, _, year_value, _ = _values(kpi, picked, position[last_year], min_den)
        for column, values in (("numerator", num), ("denominator", den), ("value", value),
                               ("rag", _rag(value, small, target, amber, kpi.direction)),
                               ("rating_reason", _rating_reason(value, small, target)),
                               ("change_on_previous", change(value, before, prev_value)),
                               ("change_on_year_before", change(value, last_year, year_value))):
            parts[column].append(values)
    count = len(instances)
    if len(rows):
        period: Any = np.repeat(np.array([c.end_quarter for c, _, _ in instances], dtype=object), len(rows))
        window: Any = np.repeat(np.array([c.kind for c, _, _ in instances], dtype=object), len(rows))
    else:  # no rows: the labels stay scalars, so the empty frame has the same column types
        period, window = instances[0][0].end_quarter, instances[0][0].kind
    tiled = {c: np.tile(values, count) for c, values in strings.items()}
    joined = {c: _joined(values) for c, values in parts.items()}
    return pd.DataFrame({
        "framework": framework.id, "framework_version": float(framework.version), "kpi_id": kpi.id,
        "kpi_version": float(kpi.version), "title": kpi.title_for(params), "subject_type": np.tile(levels, count),
        "subject_id": tiled["subject_id"], "subject_name": tiled["subject_name"],
        "authority_code": tiled["authority_code"], "provider_id": tiled["provider_id"],
        "cluster": tiled["cluster"], "period": period, "window": window, "numerator": joined["numerator"],
        "denominator": joined["denominator"], "value": joined["value"], "unit": kpi.unit,
        "target": np.nan if target is None else target, "amber_from": np.nan if amber is None else amber,
        "direction": kpi.direction, "target_source": "framework" if target is not None else None,
        "rag": joined["rag"], "rating_reason": joined["rating_reason"],
        "change_on_previous": joined["change_on_previous"], "change_on_year_before": joined["change_on_year_before"],
        "parameters": param_text, "data_versions": version_text,
    })


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _values(kpi: Kpi, arrays: dict[str, np.ndarray], i: int, min_den: float):
    """numerator, denominator, value and 'too small to rate' for window instance ``i``."""
    n = len(next(iter(arrays.values()))) if arrays else 0
    nan = np.full(n, np.nan)
    num, den = arrays.get(f"n{i}", nan), arrays.get(f"d{i}", nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kpi.kind == "count":
            den = nan
            value = num.copy()
            small = np.zeros(n, dtype=bool)
        elif kpi.kind == "gap":
            num_o, den_o = arrays.get(f"no{i}", nan), arrays.get(f"do{i}", nan)
            ok = (den > 0) & (den_o > 0)
            value = np.where(ok, 100.0 * num_o / den_o - 100.0 * num / den, np.nan)
            small = ok & ((den < min_den) | (den_o < min_den))
        else:
            scale = 100.0 if kpi.unit == "percent" else 1.0
            value = np.where(den > 0, scale * num / den, np.nan)
            small = (den > 0) & (den < min_den)
    return num, den, value, small


def _rating_reason(value: np.ndarray, small: np.ndarray, target: float | None) -> np.ndarray:
    """Why a KPI result is not rated: no target set, too few (denominator below the minimum), or no data."""
    reason = np.full(len(value), None, dtype=object)
    if target is None:
        reason[:] = "no_target"
        return reason
    reason[np.isnan(value)] = "no_data"
    reason[small & ~np.isnan(value)] = "too_few"
    return reason


def _rag(value: np.ndarray, small: np.ndarray, target: float | None, amber: float | None,
         direction: str) -> np.ndarray:
    rag = np.full(len(value), "not_evaluable", dtype=object)
    if target is None:
        return rag
    known = ~np.isnan(value) & ~small
    if direction == "higher":
        green = value >= target - 1e-9
        amb = value >= (amber if amber is not None else math.inf) - 1e-9
    else:
        green = value <= target + 1e-9
        amb = value <= (amber if amber is not None else -math.inf) + 1e-9
    rag[known] = "red"
    rag[known & amb] = "amber"
    rag[known & green] = "green"
    return rag


# Cross-check --------------------------------------------------------------------------------------------

def _cross_check(returns: pd.DataFrame, results: pd.DataFrame, frameworks: FrameworkSet,
                 overrides: dict[str, dict[str, Any]], quarters: list[str],
                 versions: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One finding per provider-reported figure whose period lies in the run: met when it agrees with the
    recomputed value within the KPI's ``tolerance``, not_met beyond it, not_evaluable when nothing can be
    recomputed (unknown KPI id or subject, or no data)."""
    findings = []
    order = {lv: i for i, lv in enumerate(LEVELS)}
    fields = ["subject_type", "subject_name", "authority_code", "provider_id", "numerator", "denominator", "value",
              "data_versions"]
    wanted = results["kpi_id"].isin(set(returns["kpi_id"].astype(str))) & \
        results["subject_id"].isin(set(returns["subject_id"].astype(str)))
    ranked = results[wanted]
    ranked = ranked.assign(_o=ranked["subject_type"].map(order)).sort_values("_o", kind="stable")
    ranked = ranked.drop_duplicates(["kpi_id", "subject_id", "period", "window"], keep="first")
    keys = zip(*(ranked[c].tolist() for c in ("kpi_id", "subject_id", "period", "window")), strict=True)
    rows = zip(*(ranked[f].tolist() for f in fields), strict=True)
    lookup = {key: dict(zip(fields, values, strict=True)) for key, values in zip(keys, rows, strict=True)}
    for row in returns.itertuples(index=False):
        kpi_id, subject_id, label = str(row.kpi_id), str(row.subject_id), str(row.period)
        try:
            end_quarter, forced = return_period_target(label)
        except ValueError:
            continue
        if end_quarter not in quarters:
            continue
        evidence = json.dumps([{"table": "kpi_returns", "keys": {"kpi_id": kpi_id, "subject_id": subject_id,
                                                                  "period": label}}])
        reported = _float(getattr(row, "value", None))
        node = frameworks.cross_check(kpi_id)  # the cross-check node (ccassure.kpis.model.CrossCheck)
        params = node.parameter_values(overrides)
        base = {**node.describe(params), "period": label, "evidence": evidence, "subject_id": subject_id,
                "subject_type": None, "subject_name": subject_id, "authority_code": None, "provider_id": None}
        if node.kpi is None:
            findings.append({**base, "status": "not_evaluable", "observed": _fmt(reported), "threshold": None,
                             "message": f"{kpi_id} is not a KPI of any framework in rules/kpis/, so the reported "
                                        f"figure for {subject_id} in {label} cannot be checked.",
                             "parameters": "{}", "data_versions": json.dumps({"kpi_returns": versions.get("kpi_returns", [])})})
            continue
        kpi = node.kpi
        tolerance = node.tolerance(params)
        window = forced if forced in kpi.windows else kpi.windows[0]
        match = lookup.get((kpi_id, subject_id, end_quarter, window))
        common = {**base, "parameters": json.dumps({"tolerance": tolerance})}
        if match is None or match["value"] is None or pd.isna(match["value"]):
            findings.append({**common, "status": "not_evaluable", "observed": _fmt(reported), "threshold": None,
                             "message": f"{kpi_id} for {subject_id} in {label} cannot be recomputed from the "
                                        f"return (no data or unknown subject).",
                             "data_versions": json.dumps({"kpi_returns": versions.get("kpi_returns", [])})})
            continue
        value = float(match["value"])
        diff = None if reported is None else reported - value
        agrees = diff is not None and abs(diff) <= tolerance + 1e-9
        min_den = float(params.get("min_denominator", 0) or 0)
        if not agrees and kpi.kind == "ratio" and _float(match["denominator"]) is not None and float(match["denominator"]) < min_den:
            findings.append({**common, "status": "not_evaluable", "observed": _fmt(reported), "threshold": None,
                             "message": f"{kpi_id} for {subject_id} in {label} rests on a denominator of {_fmt(match['denominator'])} "
                                        f"in the data, below the minimum of {_fmt(min_den)} the KPI needs, so "
                                        "a difference from the provider's figure is not flagged (small numbers swing widely).",
                             "data_versions": json.dumps({"kpi_returns": versions.get("kpi_returns", [])})})
            continue
        common.update({"subject_type": match["subject_type"], "subject_name": match["subject_name"],
                       "authority_code": match["authority_code"], "provider_id": match["provider_id"],
                       "data_versions": match["data_versions"]})
        recomputed = (f"{_fmt(value)} ({_fmt(match['numerator'])} of {_fmt(match['denominator'])})"
                      if kpi.kind == "ratio" else _fmt(value))
        evidence_rows = json.loads(evidence) + [{"table": "kpi_results", "keys": {
            "kpi_id": kpi_id, "subject_id": subject_id, "period": end_quarter, "window": window}}]
        common["evidence"] = json.dumps(evidence_rows)
        if agrees:
            message = (f"{match['subject_name']} reported {kpi_id} = {_fmt(reported)} for {label}; the return's "
                       f"records give {recomputed}.")
        else:
            message = (f"{match['subject_name']} reported {kpi_id} = {_fmt(reported)} for {label}, but the return's "
                       f"records give {recomputed}: a difference of {_fmt(abs(diff)) if diff is not None else '?'} "
                       f"{_UNIT_WORDS.get(kpi.unit, kpi.unit)}, beyond the tolerance of {_fmt(tolerance)}.")
        findings.append({**common, "status": "met" if agrees else "not_met", "observed": _fmt(reported),
                         "threshold": f"within {_fmt(tolerance)} of recomputed {_fmt(value)} ({window})",
                         "message": message})
    return findings


_UNIT_WORDS = {"percent": "percentage points", "points": "points", "count": "", "average": "", "rate": ""}


def _float(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _fmt(value: Any) -> str:
    number = _float(value)
    if number is None:
        return "—"
    return f"{number:.1f}" if not float(number).is_integer() else str(int(number))
