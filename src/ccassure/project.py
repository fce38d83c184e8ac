"""Where the assurance project lives: its folders, its store and its policy settings.

A project is a folder holding ``ccassure.yml`` (like dbt's dbt_project.yml). Commands look for it from the
current directory upwards; ``CCASSURE_PROJECT`` overrides the search. The repository is itself a project.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ccassure.yamlload import load_yaml, to_plain

PROJECT_FILE = "ccassure.yml"


@dataclass(frozen=True)
class Project:
    root: Path
    settings: dict[str, Any] = field(default_factory=dict)

    def _dir(self, key: str, default: str) -> Path:
        return (self.root / self.settings.get("paths", {}).get(key, default)).resolve()

    @property
    def contracts_dir(self) -> Path:
        return self._dir("data_contracts", "data_contracts")

    @property
    def rules_dir(self) -> Path:
        return self._dir("rules", "rules")

    @property
    def checks_dir(self) -> Path:
        return self._dir("checks", "checks")

    @property
    def reports_dir(self) -> Path:
        return self._dir("reports", "reports")

    @property
    def output_dir(self) -> Path:
        return self._dir("output", "_output")

    @property
    def store_path(self) -> Path:
        env = os.environ.get("CCASSURE_STORE")
        return Path(env).resolve() if env else self._dir("store", ".ccassure/store.duckdb")

    @property
    def parameters(self) -> dict[str, Any]:
        """Policy parameter overrides set by the authority (rule id -> {name: value})."""
        return dict(self.settings.get("parameters", {}) or {})

    def frameworks_for(self, authority: str | None) -> list[str]:
        """The KPI frameworks this authority reports (ccassure.yml ``reporting:``; default CORE only)."""
        return frameworks_for(self.settings, authority)


DEFAULT_FRAMEWORKS: tuple[str, ...] = ("CORE",)


def frameworks_for(settings: dict[str, Any], authority: str | None) -> list[str]:
    """The KPI frameworks an authority reports, from ccassure.yml::

        reporting:
          frameworks: [CORE]              # every authority (default: CORE only)
          by_authority:
            E10000016: [CORE, ESSEX]      # one authority's own choice
    """
    reporting = settings.get("reporting") or {}
    chosen = (reporting.get("by_authority") or {}).get(authority) if authority else None
    chosen = chosen or reporting.get("frameworks") or DEFAULT_FRAMEWORKS
    return [str(f) for f in chosen]


def find_project_root(start: Path | None = None) -> Path:
    env = os.environ.get("CCASSURE_PROJECT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    packaged = Path(__file__).resolve().parents[2]
    if (packaged / PROJECT_FILE).is_file():
        return packaged
    return here


@lru_cache(maxsize=4)
def load_project(root: Path) -> Project:
    path = root / PROJECT_FILE
    settings = to_plain(load_yaml(path)) if path.is_file() else {}
    return Project(root=root, settings=settings or {})


def current_project() -> Project:
    return load_project(find_project_root())
