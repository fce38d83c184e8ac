"""The columns of the findings and KPI-results tables: defined once, next to the results contract.

docs/results.md (format 2) describes these tables; the engine builds its findings with
:data:`FINDING_COLUMNS` (rules and KPI cross-checks alike), the results writer adds the two columns it
derives (``reason`` after ``status``, ``evidence_total`` after ``evidence``: :data:`RESULTS_FINDING_COLUMNS`),
and the reader (``ccassure.reports.results``) reads exactly these names. KPI results have the same columns in
the engine and in the folder. This module imports nothing, so the reports can use it without the engine.
"""

from __future__ import annotations

FINDING_COLUMNS: tuple[str, ...] = (
    "rule_id", "rule_version", "title", "subject_type", "subject_id", "subject_name", "authority_code",
    "provider_id", "period", "status", "observed", "threshold", "message", "evidence", "parameters",
    "data_versions", "severity", "citation", "guidance",
)
# column of the results folder's findings -> the engine column it follows
DERIVED_FINDING_COLUMNS: dict[str, str] = {"reason": "status", "evidence_total": "evidence"}
RESULTS_FINDING_COLUMNS: tuple[str, ...] = tuple(
    name for column in FINDING_COLUMNS
    for name in (column, *(derived for derived, after in DERIVED_FINDING_COLUMNS.items() if after == column))
)
KPI_RESULT_COLUMNS: tuple[str, ...] = (
    "framework", "framework_version", "kpi_id", "kpi_version", "title", "subject_type", "subject_id",
    "subject_name", "authority_code", "provider_id", "cluster", "period", "window", "numerator", "denominator",
    "value", "unit", "target", "target_source", "amber_from", "direction", "rag", "rating_reason",
    "change_on_previous", "change_on_year_before", "parameters", "data_versions",
)
