"""A readable HTML view of a validation result for Jupyter; every provider value is escaped."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccassure.validation.result import ValidationResult

SHOWN = 50


def result_html(result: ValidationResult) -> str:
    counts = result.counts()
    colour = "#b00020" if result.has_errors else "#1b5e20"
    verdict = "Cannot be read" if result.unreadable else ("Errors found" if result.has_errors else "Valid")
    head = (f"<div><strong style='color:{colour}'>{escape(verdict)}</strong> — {escape(result.source)}: "
            f"{counts['errors']} error(s) on {counts['error_rows']:,} row(s), {counts['warnings']} warning(s)</div>")
    rows = []
    for problem in result.problems[:SHOWN]:
        where = " ".join(x for x in (problem.sheet, problem.cell or (f"row {problem.row}" if problem.row else None))
                         if x)
        more = f" (+{problem.count - 1:,} more rows)" if problem.count > 1 else ""
        rows.append("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in (
            problem.severity, where, problem.column or "", problem.value or "", problem.message + more, problem.fix,
        )) + "</tr>")
    table = ("<table><thead><tr><th>severity</th><th>where</th><th>column</th><th>value</th><th>problem</th>"
             "<th>how to fix</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>") if rows else ""
    rest = len(result.problems) - SHOWN
    tail = f"<div>… and {rest} more problem(s): use .to_frame() for all.</div>" if rest > 0 else ""
    return head + table + tail
