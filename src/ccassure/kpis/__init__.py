"""KPI frameworks: contract performance computed from the record-level return.

Frameworks are rule files in ``rules/kpis/`` (one framework per file, schema
``src/ccassure/schemas/kpi.schema.json``). ``run_kpis(tables, period)`` computes every KPI per centre,
cluster, provider and authority, rates it red/amber/green and cross-checks the provider's own figures
(``kpi_returns``); see docs/kpis.md.
"""

from ccassure.kpis.evaluator import run_kpis
from ccassure.kpis.loader import FrameworkSet, KpiError, KpiErrors, lint_frameworks, load_frameworks
from ccassure.kpis.model import FINDING_COLUMNS, RESULT_COLUMNS, Framework, Kpi
from ccassure.kpis.results import KpiResults

__all__ = ["FINDING_COLUMNS", "RESULT_COLUMNS", "Framework", "FrameworkSet", "Kpi", "KpiError", "KpiErrors",
           "KpiResults", "lint_frameworks", "load_frameworks", "run_kpis"]
