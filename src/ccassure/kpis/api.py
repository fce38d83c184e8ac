"""One call for `ccassure kpis run` and `ccassure check`: load the data, run every framework, return results.

KPIs need more history than the period itself (year to date, rolling 12 months, the previous period for
the change), so the store is read without a period filter: every active submission, each record from the
latest return that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.kpis.data import load_paths, read_reach_areas, sample_paths
from ccassure.kpis.evaluator import run_kpis
from ccassure.kpis.loader import REACH_TABLE, FrameworkSet
from ccassure.kpis.results import KpiResults


@dataclass
class KpiData:
    tables: dict[str, pd.DataFrame]
    source: str
    data_versions: dict[str, list[str]] | None = None
    notes: list[str] = field(default_factory=list)


def load_kpi_data(data: Sequence[Path | str] | None = None, *, project=None, authority: str | None = None,
                  as_at: str | None = None, reach_areas: Path | str | None = None,
                  period: str | None = None) -> KpiData:
    """--data paths (validated, later paths win for repeated records), else the store, else sample_data/."""
    from ccassure.project import current_project

    project = project or current_project()
    if data:
        tables, notes, versions = load_paths(list(data))
        loaded = KpiData(tables, ", ".join(map(str, data)), versions, notes)
    elif project.store_path.is_file():
        from ccassure.store import Store
        from ccassure.store.for_check import tables_for_check, versions_for_check

        store = Store(project.store_path)
        if period is None:
            tables = store.read_tables(authority=authority, as_at=as_at)
            versions = store.data_versions(authority=authority, as_at=as_at)
        else:  # records as submitted for the period, events with their history (windows need it)
            tables = tables_for_check(store, authority=authority, period=period, as_at=as_at)
            versions = versions_for_check(store, authority=authority, period=period, as_at=as_at)
        loaded = KpiData({k: v for k, v in tables.items() if len(v)}, f"the store {project.store_path}", versions)
        found = read_reach_areas([project.store_path.parent, project.root / "sample_data"])
        if found is not None:
            loaded.tables[REACH_TABLE] = found
    else:
        paths = sample_paths(project.root)
        if not paths:
            return KpiData({}, "nothing", None, [f"no --data given, no store at {project.store_path} and no "
                                                 f"{project.root / 'sample_data'}"])
        tables, notes, versions = load_paths(paths)
        loaded = KpiData(tables, f"the sample data in {project.root / 'sample_data'}", versions, notes)
    if reach_areas is not None:
        path = Path(reach_areas)
        loaded.tables[REACH_TABLE] = pd.read_csv(path, dtype=str, keep_default_na=False)[["centre_id", "lsoa_code"]]
    if REACH_TABLE not in loaded.tables:
        loaded.notes.append("no reach_areas.csv found: centre, cluster and provider reach (registered under-fives "
                            "/ reach-area population) cannot be computed; authority reach still can")
    return loaded


def latest_quarter(tables: dict[str, pd.DataFrame]) -> str | None:
    """The latest calendar quarter with a dated session or contact (the default period of a run)."""
    from ccassure.periods import quarter_of

    latest = None
    for name in ("sessions", "contacts"):
        frame = tables.get(name)
        if frame is not None and len(frame) and "date" in frame:
            value = pd.to_datetime(frame["date"]).max()
            if not pd.isna(value) and (latest is None or value > latest):
                latest = value
    return quarter_of(latest.date()).label if latest is not None else None


def check_kpis(*, data: Sequence[Path | str] | dict[str, pd.DataFrame] | None = None, period: str,
               authority: str | None = None, as_at: str | None = None, project=None,
               frameworks: FrameworkSet | None = None, parameters: dict[str, Any] | None = None,
               reach_areas: Path | str | None = None,
               data_versions: dict[str, list[str]] | None = None) -> KpiResults:
    """Load the data (see :func:`load_kpi_data`; or take a dict of typed tables) and run every framework.

    The results carry ``source`` and ``notes`` attributes for the caller to print."""
    from ccassure.project import current_project

    project = project or current_project()
    if isinstance(data, dict):
        loaded = KpiData(dict(data), "the tables given", data_versions)
    else:
        loaded = load_kpi_data(data, project=project, authority=authority, as_at=as_at, reach_areas=reach_areas,
                               period=str(period))
    if frameworks is None:
        from ccassure.kpis.loader import load_frameworks

        frameworks = load_frameworks(project.rules_dir / "kpis")
    results = run_kpis(loaded.tables, str(period), authority=authority,
                       parameters=parameters if parameters is not None else project.parameters,
                       frameworks=frameworks, data_versions=loaded.data_versions)
    results.source = loaded.source
    results.notes = list(loaded.notes)
    return results
