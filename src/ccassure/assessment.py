"""One check: the data loaded once, then every rule and every KPI framework over the same tables.

``ccassure check``, ``make report`` and notebooks all come through :func:`run_check`, so the statutory
rules and the KPIs of a check always see the same centres, the same submissions and the same period:

- data come from the paths given (each validated; several paths merged by ONE rule: rows concatenated, and a
  record repeated under the same primary key is taken from the last path that has it), else the project's
  store (the state as at the period plus the whole event history; empty tables are kept, because an empty
  sheet is judged while a missing one is not evaluable), else the project's sample_data/;
- the rule set and the KPI frameworks are parsed and linted once per process (:func:`load_engine`, keyed on
  the files' modification times), not once per period;
- the period is parsed once into a :class:`~ccassure.periods.Period`; with no period the latest quarter
  with a dated session (or, failing that, contact) is used: the one latest-period rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.contracts import ContractSet, load_contracts
from ccassure.periods import Period, parse_period, quarter_of
from ccassure.project import Project, current_project

SAMPLE_FOLDERS = ("provider_return", "authority_records", "reference")
LATEST_PERIOD_TABLES = ("sessions", "contacts")


class MissingStore(ValueError):
    """CCASSURE_STORE names a store file that does not exist (never fall back to other data)."""


@dataclass(frozen=True)
class Engine:
    """What a project's checks are made of, parsed and linted once."""

    contracts: ContractSet
    rules: Any  # ccassure.rules.loader.RuleSet
    frameworks: Any  # ccassure.kpis.loader.FrameworkSet


_ENGINES: dict[tuple, Engine] = {}


def _stamp(*folders: Path) -> tuple:
    """Every YAML/Python file under the folders with its modification time: a change reloads the engine."""
    files = []
    for folder in folders:
        if folder.is_dir():
            files += [(str(p), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))
                      if p.suffix in (".yaml", ".yml", ".py") and p.is_file()]
    return tuple(files)


def load_engine(project: Project | None = None) -> Engine:
    """The project's contracts, rules and KPI frameworks (raises RuleErrors / KpiErrors / ContractErrors)."""
    from ccassure.kpis.loader import load_frameworks
    from ccassure.rules.loader import load_rules

    project = project or current_project()
    key = (str(project.rules_dir), str(project.contracts_dir), str(project.checks_dir),
           _stamp(project.rules_dir, project.contracts_dir, project.checks_dir))
    if key not in _ENGINES:
        contracts = load_contracts(project.contracts_dir)
        rules = load_rules(project.rules_dir, contracts=contracts, checks_dir=project.checks_dir)
        kpi_dir = project.rules_dir / "kpis"
        frameworks = load_frameworks(kpi_dir, contracts=contracts) if kpi_dir.is_dir() else None
        _ENGINES.clear()
        _ENGINES[key] = Engine(contracts, rules, frameworks)
    return _ENGINES[key]


@dataclass
class CheckData:
    """The typed tables of one check, where they came from, and the data versions of each table."""

    tables: dict[str, pd.DataFrame]
    source: str  # "store", "data", "sample" or "tables"
    description: str
    data_versions: dict[str, list[str]] | None = None
    notes: list[str] = field(default_factory=list)
    store: Any = None  # the Store read, when source == "store"
    read: set[str] = field(default_factory=set)  # every table the check read (a store check keeps few as frames)

    def __post_init__(self) -> None:
        self.read = set(self.read) | set(self.tables)


@dataclass(frozen=True)
class StoreRead:
    """A check's data left in the store: :func:`run_check` copies them, by SQL, into the check's own DuckDB
    connection (store/for_check.py load_for_check), so the store's tables never become pandas frames."""

    store: Any
    period: Period
    authority: str | None = None
    as_at: Any = None


def merge_frames(frames: Sequence[pd.DataFrame], primary_key: Sequence[str]) -> pd.DataFrame:
    """The one merge rule for a table given in several paths: rows concatenated; a record repeated under the
    same primary key (a centre, a case updated each quarter) is taken from the last path that has it."""
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1 and primary_key and set(primary_key) <= set(frame.columns):
        frame = frame.drop_duplicates(subset=list(primary_key), keep="last").reset_index(drop=True)
    return frame


def _validated(paths: Sequence[Path | str], contracts: ContractSet, source: str, description: str) -> CheckData:
    from ccassure.validation import validate

    collected: dict[str, list[pd.DataFrame]] = {}
    versions: dict[str, list[str]] = {}
    notes = []
    for raw in paths:
        path = Path(raw)
        result = validate(path)
        if getattr(result, "unreadable", False):
            notes.append(f"{path.name}: could not be read ({len(result.problems)} problem(s)); skipped")
            continue
        if result.has_errors:
            notes.append(f"{path.name}: {len(result.errors)} validation error(s); run `ccassure validate` on it. "
                         "Invalid cells are treated as blank.")
        for name, frame in (result.tables or {}).items():
            collected.setdefault(name, []).append(frame)
            versions.setdefault(name, []).append(f"file:{path.name}")
    tables = {name: merge_frames(frames, contracts[name].primary_key if name in contracts else ())
              for name, frames in collected.items()}
    return CheckData(tables, source, description, versions, notes)


def store_tables(store: Any, *, authority: str | None, period: Period,
                 as_at: Any = None) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """The tables a check of ``period`` needs from the store: the state as at the period (records as last
    submitted within it) and the whole history of event tables. Empty tables are kept: a supplied, empty
    sheet is judged; only a table nobody submitted is left out."""
    from ccassure.store.for_check import checked_tables

    return checked_tables(store, authority=authority, period=str(period), as_at=as_at)


def store_for(project: Project) -> Any | None:
    """The project's store when its file exists; an error when CCASSURE_STORE names a missing file."""
    import os

    path = project.store_path
    if path.is_file():
        from ccassure.store import Store

        return Store(path)
    if os.environ.get("CCASSURE_STORE"):
        raise MissingStore(f"the store named by CCASSURE_STORE ({path.name}) does not exist; nothing was checked. "
                           "Submit returns with `ccassure store submit` first, or unset CCASSURE_STORE.")
    return None


def load_check_data(paths: Sequence[Path | str] | None = None, *, project: Project | None = None,
                    authority: str | None = None, period: Period | None = None,
                    contracts: ContractSet | None = None) -> CheckData:
    """Typed tables for a check as frames (for callers that want frames: impact, notebooks): the paths
    given, else the project's store, else its sample_data/."""
    chosen = choose_data(paths, project=project, authority=authority, period=period, contracts=contracts)
    if isinstance(chosen, StoreRead):
        tables, versions = store_tables(chosen.store, authority=authority, period=chosen.period)
        return CheckData(tables, "store", "the store", versions, store=chosen.store)
    return chosen


def choose_data(paths: Sequence[Path | str] | None = None, *, project: Project | None = None,
                authority: str | None = None, period: Period | None = None,
                contracts: ContractSet | None = None) -> CheckData | StoreRead:
    """Where a check's data come from: the paths given (validated frames), else the project's store (left
    there, as a :class:`StoreRead`), else its sample_data/ (validated frames)."""
    project = project or current_project()
    contracts = contracts or load_contracts(project.contracts_dir)
    if paths:
        return _validated(paths, contracts, "data", "the data given")
    store = store_for(project)
    if store is not None:
        if period is None:
            period = latest_store_period(store, authority)
        if period is None:
            return CheckData({}, "store", "the store", {}, ["the store holds no dated sessions or contacts"],
                             store=store)
        return StoreRead(store, period, authority)
    sample = project.root / "sample_data"
    folders = [sample / name for name in SAMPLE_FOLDERS if (sample / name).is_dir()]
    if not folders:
        return CheckData({}, "data", "nothing", notes=["no --data given, no store and no sample_data/ folder"])
    return _validated(folders, contracts, "sample", "the sample data")


def latest_period(tables: dict[str, pd.DataFrame]) -> Period | None:
    """The one latest-period rule: the latest calendar quarter with a dated session, else a dated contact."""
    for name in LATEST_PERIOD_TABLES:
        frame = tables.get(name)
        if frame is not None and len(frame) and "date" in frame:
            value = pd.to_datetime(frame["date"]).max()
            if not pd.isna(value):
                return quarter_of(value.date())
    return None


def latest_store_period(store: Any, authority: str | None) -> Period | None:
    """The same rule over the store's event tables (read without a period filter), in SQL."""
    import duckdb

    from ccassure.store.for_check import latest_period_in

    con = duckdb.connect()
    try:
        return latest_period_in(con, store, authority, LATEST_PERIOD_TABLES)
    finally:
        con.close()


@dataclass
class CheckRun:
    """The answers of one check of one period: findings, KPI results and the data they came from."""

    period: Period
    authority: str | None
    findings: Any  # ccassure.rules.result.Findings (statutory and guidance rules only)
    kpis: Any | None  # ccassure.kpis.results.KpiResults
    data: CheckData


def run_check(*, data: Sequence[Path | str] | dict[str, pd.DataFrame] | CheckData | StoreRead | None = None,
              period: str | Period | None = None, authority: str | None = None, project: Project | None = None,
              rule_ids: Sequence[str] | None = None, with_kpis: bool = True,
              parameters: dict[str, Any] | None = None, engine: Engine | None = None,
              duckdb_settings: dict[str, Any] | None = None) -> CheckRun:
    """Evaluate the rules (and the KPI frameworks) once over one load of the data, in one DuckDB connection:
    frames given (or validated from paths) are registered there; the store's tables are copied there by SQL.
    ``duckdb_settings``: settings for the check's connection (a parallel check gives each worker its share of
    threads and memory; default: DuckDB's, one thread per core)."""
    import duckdb

    from ccassure.kpis.evaluator import run_kpis
    from ccassure.rules.evaluator import Evaluator
    from ccassure.validation.across_datasets import across_dataset_problems_in

    project = project or current_project()
    engine = engine or load_engine(project)
    wanted = parse_period(period) if period is not None else None
    if isinstance(data, CheckData | StoreRead):
        loaded = data
    elif isinstance(data, dict):
        loaded = CheckData(dict(data), "tables", "the tables given")
    else:
        loaded = choose_data(data, project=project, authority=authority, period=wanted, contracts=engine.contracts)
    if isinstance(loaded, StoreRead):
        wanted = wanted or loaded.period
    elif wanted is None:
        wanted = latest_period(loaded.tables)
        if wanted is None:
            raise ValueError("no period given and the data hold no dated sessions or contacts to take the latest "
                             "quarter from; use --period 2016Q4")
    parameters = parameters if parameters is not None else project.parameters
    rules = engine.rules.select(list(rule_ids)) if rule_ids else engine.rules
    # the check's one connection: rules and KPIs read the same typed tables
    con = duckdb.connect(config=dict(duckdb_settings or {}))
    try:
        if isinstance(loaded, StoreRead):
            loaded, columns = _from_store(con, loaded, wanted, engine.contracts)
            evaluator = Evaluator(con, contracts=engine.contracts, data_versions=loaded.data_versions,
                                  authority=authority)
            frames = None
        else:
            columns = {name: set(frame.columns) for name, frame in loaded.tables.items()
                       if frame is not None and name in engine.contracts}
            evaluator = Evaluator(loaded.tables, contracts=engine.contracts, data_versions=loaded.data_versions,
                                  authority=authority, con=con)
            frames = {name: frame for name, frame in loaded.tables.items() if len(frame)}
        loaded.notes = [*loaded.notes, *across_dataset_problems_in(con, columns, engine.contracts)]
        findings = evaluator.evaluate(rules, wanted, parameters)
        findings.source = loaded.description
        findings.notes = list(loaded.notes)
        kpis = None
        if with_kpis and not rule_ids and engine.frameworks is not None:
            kpis = run_kpis(frames, str(wanted), authority=authority, parameters=parameters,
                            frameworks=engine.frameworks, data_versions=loaded.data_versions, con=con,
                            contracts=engine.contracts)
            kpis.source = loaded.description
            kpis.notes = list(loaded.notes)
        if loaded.source == "store" and not loaded.tables:
            loaded.tables = _results_tables(con, columns, engine.contracts)
    finally:
        con.close()
    return CheckRun(wanted, authority, findings, kpis, loaded)


def _from_store(con: Any, read: StoreRead, period: Period, contracts: ContractSet
                ) -> tuple[CheckData, dict[str, set[str]]]:
    """The store's tables for ``period`` copied into ``con``; the check's data and each table's columns."""
    from ccassure.store.for_check import load_for_check

    made = load_for_check(con, read.store, authority=read.authority, period=period, as_at=read.as_at)
    if made is None:
        return CheckData({}, "store", "the store", {}, store=read.store), {}
    columns = {name: set(contracts[name].column_names) for name in made.tables}
    return CheckData({}, "store", "the store", made.data_versions, store=read.store, read=set(made.tables)), columns


def _results_tables(con: Any, columns: dict[str, set[str]], contracts: ContractSet) -> dict[str, pd.DataFrame]:
    """The records the results writer keeps beside the findings (records/, the manifest's names), fetched
    once the check is done: the only store tables a store-path check turns into frames, and only for output."""
    from ccassure.contracts.arrow_dtypes import arrow_to_frame
    from ccassure.results.writer import RECORD_TABLES
    from ccassure.rules.expr import quote_ident

    wanted = [name for name in (*RECORD_TABLES, "authorities") if name in columns]
    return {name: arrow_to_frame(con.sql(f"SELECT * FROM {quote_ident(name)}").to_arrow_table(), contracts[name])
            for name in wanted}


def check_store_periods(store: Any, periods: Sequence[str | Period], *, project: Project | None = None,
                        engine: Engine | None = None, authority: str | None = None, workers: int | None = None
                        ) -> tuple[list[CheckRun], list[tuple[str, str]]]:
    """Several periods checked from one store session (the shared lock held throughout, so every period sees
    the same submissions), with the engine loaded once. One period's failure does not stop the others: it
    is returned as (period, message).

    The periods are independent, so they are checked in parallel worker processes (``workers``; default one
    per core, at most one per period), each given its share of the cores for DuckDB; the results come back
    in the order of ``periods``, the same as one process gives (check_parallel.py says why and how)."""
    from ccassure.check_parallel import map_periods, worker_count, worker_share

    project = project or current_project()
    engine = engine or load_engine(project)
    labels = list(periods)
    count = worker_count(workers, len(labels))
    settings = worker_share(count)

    def one(label: str | Period) -> CheckRun:
        period = parse_period(label)
        return run_check(data=StoreRead(store, period, authority), period=period, authority=authority,
                         project=project, engine=engine, duckdb_settings=settings)

    runs: list[CheckRun] = []
    failures: list[tuple[str, str]] = []
    with store.held_still():
        for label, outcome in zip(labels, map_periods(one, labels, count), strict=True):
            if isinstance(outcome, CheckRun):
                outcome.data.store = store
                runs.append(outcome)
            else:
                failures.append((str(label), outcome))
    return runs, failures
