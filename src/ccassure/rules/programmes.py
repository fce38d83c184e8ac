"""Programmes as subjects: changes decided together share ``service_changes.programme_ref``.

Why: councils close many centres in one decision, and the law judges what the decision leaves behind
(sufficiency after the change, s.5A(1)), so a programme is judged as one subject as well as change by change.
A programme's decision date is its earliest change's (used for commencement).
"""

from __future__ import annotations


def programme_subjects_sql(present: set[str], authority_filter: str) -> str | None:
    """The programme subject rows (None when no service changes were supplied)."""
    if "service_changes" not in present:
        return None
    return ("SELECT programme_ref, authority_code, min(decision_date) AS decision_date, "
            "min(implementation_date) AS implementation_date, count(*) AS changes, "
            "CAST(programme_ref AS VARCHAR) AS __subject_id, "
            "CAST('programme ' || programme_ref AS VARCHAR) AS __subject_name, "
            "CAST(authority_code AS VARCHAR) AS __authority, CAST(NULL AS VARCHAR) AS __provider "
            f"FROM service_changes WHERE programme_ref IS NOT NULL AND {authority_filter} "
            "GROUP BY programme_ref, authority_code")
