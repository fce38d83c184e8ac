"""``check_project``: what ``ccassure check`` does, callable from Python and notebooks.

Data come from, in order: the paths given (each validated with ``ccassure.validation.validate``), the
project's store (when ``ccassure.store`` is installed and the store file exists), or the folders under the
project's sample_data/. A store named by CCASSURE_STORE that does not exist is an error, never the sample data. Kept free of IPython and Great Expectations imports.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.contracts import load_contracts
from ccassure.periods import Period, parse_period
from ccassure.project import Project, current_project
from ccassure.rules.evaluator import Evaluator, latest_period
from ccassure.rules.loader import RuleSet, load_rules
from ccassure.rules.result import Findings

SAMPLE_FOLDERS = ("provider_return", "authority_records", "reference")


@dataclass
class LoadedData:
    tables: dict[str, pd.DataFrame]
    source: str
    data_versions: dict[str, list[str]] | None = None
    notes: list[str] = field(default_factory=list)


def load_data(paths: Sequence[Path | str] | None = None, *, project: Project | None = None,
              authority: str | None = None, period: str | None = None) -> LoadedData:
    """Typed tables for a check, with a note of where they came from and of any validation errors."""
    project = project or current_project()
    if paths:
        return _validated(paths, "the data given")
    store_path = project.store_path
    if not store_path.is_file() and os.environ.get("CCASSURE_STORE"):
        raise ValueError(f"the store {store_path} named by CCASSURE_STORE does not exist: nothing was checked. "
                         "Submit returns to it first (`ccassure submit`), or give the data with --data.")
    if store_path.is_file():
        try:
            from ccassure.store import Store
        except ImportError:
            Store = None  # noqa: N806
        if Store is not None:
            from ccassure.store.for_check import tables_for_check, versions_for_check
            from ccassure.store.supplied import keep_supplied, supplied_tables

            store = Store(store_path)
            if period is None:  # the latest quarter is chosen from the data; read everything
                versions = store.data_versions(authority=authority)
                tables = keep_supplied(store.read_tables(authority=authority), supplied_tables(store, versions))
            else:  # the state as at the period, and the events before it (rules apply their own windows)
                tables = tables_for_check(store, authority=authority, period=period)
                versions = versions_for_check(store, authority=authority, period=period)
            return LoadedData(tables, f"the store {store_path}",
                              {name: ids for name, ids in versions.items() if name in tables})
    sample = project.root / "sample_data"
    folders = [sample / name for name in SAMPLE_FOLDERS if (sample / name).is_dir()]
    if not folders:
        return LoadedData({}, "nothing", notes=[f"no --data given, no store at {store_path} and no {sample}"])
    return _validated(folders, f"the sample data in {sample}")


def _validated(paths: Sequence[Path | str], source: str) -> LoadedData:
    from ccassure.validation import validate

    collected: dict[str, list[pd.DataFrame]] = {}
    notes = []
    for path in paths:
        result = validate(Path(path))
        if result.has_errors:
            notes.append(f"{path}: {len(result.errors)} validation error(s); run `ccassure validate` on it. "
                         "Invalid cells are treated as blank.")
        for name, frame in (result.tables or {}).items():
            collected.setdefault(name, []).append(frame)
    tables = {name: (frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True))
              for name, frames in collected.items()}
    return LoadedData(tables, source, notes=notes)


def check_project(*, data: Sequence[Path | str] | dict[str, pd.DataFrame] | None = None,
                  authority: str | None = None, period: str | Period | None = None,
                  rules: RuleSet | None = None, rule_ids: Sequence[str] | None = None,
                  project: Project | None = None, parameters: dict[str, Any] | None = None) -> Findings:
    """Evaluate the project's rules on its data; returns Findings (rich display in Jupyter)."""
    project = project or current_project()
    contracts = load_contracts(project.contracts_dir)
    rules = rules or load_rules(project.rules_dir, contracts=contracts, checks_dir=project.checks_dir)
    if rule_ids:
        rules = rules.select(list(rule_ids))
    if isinstance(data, dict):
        loaded = LoadedData(data, "the tables given")
    else:
        loaded = load_data(data, project=project, authority=authority,
                           period=str(period) if period is not None else None)
    from ccassure.validation.across_datasets import across_dataset_problems

    loaded.notes += across_dataset_problems(loaded.tables, contracts)
    if period is None:
        period = latest_period(loaded.tables)
        if period is None:
            raise ValueError("no period given and the data hold no sessions to take the latest quarter from; "
                             "use --period 2016Q4")
    period = parse_period(period)
    evaluator = Evaluator(loaded.tables, contracts=contracts, data_versions=loaded.data_versions,
                          authority=authority)
    findings = evaluator.evaluate(rules, period, parameters if parameters is not None else project.parameters)
    findings.source = loaded.source
    findings.notes = loaded.notes
    return findings
