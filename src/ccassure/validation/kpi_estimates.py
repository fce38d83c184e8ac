"""Which KPIs cannot pass 100%: shares, ratio KPIs whose numerator and denominator are counted from the same table (the
numerator counts some of the denominator's rows), so a provider figure above its denominator is wrong. A
KPI counted against an estimate (registrations against the ONS under-five population) may pass 100%, and a
KPI the project does not define is not judged (nothing says what it counts).

Read straight from the project's KPI files (two table names per KPI) with PyYAML's C loader: the KPI loader
checks and compiles whole frameworks, which takes seconds, and validation needs this only when a return
has a numerator above its denominator. A KPI folder that cannot be read defines no shares (the KPI commands
report what is wrong with it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any


def kpis_counting_shares() -> frozenset[str]:
    from ccassure.kpis.loader import default_kpi_dir

    try:
        directory = default_kpi_dir()
    except Exception:  # no project: no KPI is known
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
            if isinstance(kpi, dict) and kpi.get("kind", "ratio") == "ratio" and _table(kpi.get("numerator")) \
                    and _table(kpi.get("denominator")) == _table(kpi.get("numerator")):
                ids.add(str(kpi.get("id")))
    return frozenset(ids)


def _table(measure: Any) -> str | None:
    return str(measure["table"]) if isinstance(measure, dict) and measure.get("table") else None
