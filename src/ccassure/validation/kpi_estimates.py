"""Which KPIs may pass 100%: those that count against an estimate, i.e. whose numerator and denominator come
from different tables (registrations against the ONS under-five population, say). For every other ratio
KPI the numerator counts some of the denominator's rows, so a provider figure above its denominator is wrong.

Read straight from the project's KPI files (two table names per KPI) with PyYAML's C loader: the KPI loader
checks and compiles whole frameworks, which takes seconds, and validation needs this only when a return
has a numerator above its denominator. A KPI folder that cannot be read exempts nothing (the KPI commands
report what is wrong with it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any


def kpis_counted_against_estimates() -> frozenset[str]:
    from ccassure.kpis.loader import default_kpi_dir

    try:
        directory = default_kpi_dir()
    except Exception:  # no project: nothing is exempt
        return frozenset()
    return _from_folder(str(directory))


@lru_cache(maxsize=8)
def _from_folder(directory: str) -> frozenset[str]:
    import yaml

    from ccassure.kpis.loader import framework_files

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    ids: set[str] = set()
    folder = Path(directory)
    if not folder.is_dir():
        return frozenset()
    for path in framework_files(folder):
        try:
            document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for kpi in (document or {}).get("kpis") or () if isinstance(document, dict) else ():
            if isinstance(kpi, dict) and _table(kpi.get("denominator")) not in (None, _table(kpi.get("numerator"))):
                ids.add(str(kpi.get("id")))
    return frozenset(ids)


def _table(measure: Any) -> str | None:
    return str(measure["table"]) if isinstance(measure, dict) and measure.get("table") else None
