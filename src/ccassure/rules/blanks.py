"""What a blank field means for a rule: ``blank_means: {column: status}`` (docs/blanks.md).

Why: a blank is not always the same thing. An EqIA date left blank is not proof that due regard was not
had (an EqIA is not a statutory document), while a blank consultation reference on a closure is the
absence the law cares about. Each rule says, per column of its subject, what a blank means; a blank it does
not declare goes to the test, which treats an unknown value as not_evaluable. ``met`` is never allowed:
missing data are never reported as met.
"""

from __future__ import annotations

from ccassure.rules.expr import quote_ident, sql_literal

BLANK_STATUSES = ("not_met", "at_risk", "not_evaluable")


def blank_schema() -> dict:
    return {"type": "object", "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*$"},
            "additionalProperties": {"enum": list(BLANK_STATUSES)},
            "description": "What a blank value in a column of the subject's row means for this rule "
                           "(docs/blanks.md). Checked before the test runs; met is never allowed."}


def check_blank_columns(blank_means: dict[str, str], contract) -> str | None:
    """A problem message when a declared column is not a column of the subject's table."""
    for column in blank_means:
        if not contract.has_column(column):
            return f"blank_means: {contract.table} has no column {column!r}"
    return None


def blank_sql(blank_means: dict[str, str] | None) -> str:
    """A CASE over the subject row (alias ``s``) giving the declared status of its first blank column."""
    if not blank_means:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN s.{quote_ident(column)} IS NULL THEN {sql_literal(column)}"
                     for column in blank_means)
    return f"(CASE {whens} ELSE NULL END)"


def blank_detail(column: str, status: str) -> str:
    readable = column.replace("_", " ")
    if status == "not_evaluable":
        return f"the {readable} is blank, so this cannot be judged"
    return f"the {readable} is blank, and this rule reads a blank there as {status.replace('_', ' ')}"
