"""Named Python checks: the one escape hatch for what the test vocabulary cannot say.

A check is the project's own code (in its ``checks/`` folder), never text from a rule file. Register one
with the decorator and name it from a rule (``test: {type: check, name: ..., tables: [...]}``):

    from ccassure.rules import check

    @check("inequality_gap_trend")
    def inequality_gap_trend(ctx):
        frame = ctx.table("outcome_metrics")    # a pandas DataFrame (only the tables the rule declares)
        ...
        return rows    # list of dicts / DataFrame: subject_id, outcome, observed, threshold, evidence, detail

``outcome`` is pass, warn, fail, missing or na; ``evidence`` a list of {"table": ..., "keys": {...}}.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ccassure.periods import Period

CheckFunction = Callable[["CheckContext"], Any]
_REGISTRY: dict[str, CheckFunction] = {}
_LOADED: set[Path] = set()


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a Python check under ``name``."""
    def register(function: CheckFunction) -> CheckFunction:
        _REGISTRY[name] = function
        return function
    return register


def registered_checks() -> dict[str, CheckFunction]:
    return dict(_REGISTRY)


def get_check(name: str) -> CheckFunction | None:
    return _REGISTRY.get(name)


def load_checks(folder: Path | str | None) -> list[str]:
    """Import every ``*.py`` in the project's checks/ folder (once per file); return the registered names."""
    if folder is None:
        return sorted(_REGISTRY)
    folder = Path(folder)
    if not folder.is_dir():
        return sorted(_REGISTRY)
    for path in sorted(folder.glob("*.py")):
        path = path.resolve()
        if path.name.startswith("_") or path in _LOADED:
            continue
        module_name = f"ccassure_project_checks.{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        _LOADED.add(path)
    return sorted(_REGISTRY)


@dataclass
class CheckContext:
    """What a check receives: the applicable subjects, the tables it declared, parameters and period."""

    con: duckdb.DuckDBPyConnection
    subjects: pd.DataFrame  # __subject_id, __authority, __provider and the subject table's columns
    tables: list[str]
    params: dict[str, Any]
    period: Period
    options: dict[str, Any] = field(default_factory=dict)
    rule_id: str = ""

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(f"rule {self.rule_id} did not declare table {name!r} for its check")
        return self.con.sql(f'SELECT * FROM "{name}"').df()
