"""The result of validating one return: typed tables, problems, and ways to show them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccassure.problems import Problem, summarise

if TYPE_CHECKING:
    from ccassure.readers import RawTable

# Problems that mean the input could not be read at all (exit code 2).
UNREADABLE_CODES = frozenset({"file-not-found", "file-unreadable", "file-too-large", "file-empty", "no-known-tables"})

PROBLEM_COLUMNS = ["severity", "code", "table", "sheet", "row", "column", "cell", "value", "count", "message", "fix",
                   "rows", "file"]


@dataclass
class ValidationResult:
    source: str
    dataset: str | None
    engine: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    # where each table's rows came from (file, sheet, row numbers; no values), so that a check made after
    # validation, such as store submit's against the stored centres, still names the row
    locators: dict[str, RawTable] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def unreadable(self) -> bool:
        return any(p.code in UNREADABLE_CODES for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.has_errors

    @property
    def exit_code(self) -> int:
        """0 no errors, 1 errors, 2 the input could not be read."""
        return 2 if self.unreadable else (1 if self.has_errors else 0)

    def counts(self) -> dict[str, int]:
        """Affected rows by severity, and the number of distinct problems."""
        rows = summarise(self.problems)
        return {"error_rows": rows["error"], "warning_rows": rows["warning"], "errors": len(self.errors),
                "warnings": len(self.warnings)}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "dataset": self.dataset, "engine": self.engine, "valid": self.ok,
                "counts": self.counts(), "row_counts": self.row_counts,
                "problems": [p.to_dict() for p in self.problems]}

    def to_frame(self) -> pd.DataFrame:
        """One row per problem (grouped problems keep their count and first rows)."""
        records = [p.to_dict() for p in self.problems]
        frame = pd.DataFrame.from_records(records, columns=PROBLEM_COLUMNS)
        frame["rows"] = frame["rows"].map(lambda rows: ", ".join(str(r) for r in rows) if rows else "")
        return frame

    def summary(self) -> str:
        counts = self.counts()
        verdict = "cannot be read" if self.unreadable else ("has errors" if self.has_errors else "is valid")
        tables = ", ".join(f"{name} {n:,}" for name, n in self.row_counts.items()) or "no tables"
        return (f"{self.source} {verdict}: {counts['errors']} error(s) affecting {counts['error_rows']:,} row(s), "
                f"{counts['warnings']} warning(s). Rows read: {tables}.")

    def _repr_html_(self) -> str:
        from ccassure.validation.display import result_html

        return result_html(self)

    def __repr__(self) -> str:
        return f"<ValidationResult {self.summary()}>"
