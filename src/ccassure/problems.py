"""The one result shape for every problem ccassure finds in a return, and the catalogue of problem types.

Every problem names where it is (file, table, sheet, row as the user sees it, column, cell) and says, in
plain English, what is wrong and how to fix it. Problem types live in one catalogue (as frictionless does)
so that codes stay stable and wording stays consistent; checks only pick a type and fill its fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: a stable code, its severity, and message and fix templates."""

    code: str
    severity: Severity
    title: str
    message: str
    fix: str


def _types(*items: ProblemType) -> dict[str, ProblemType]:
    return {item.code: item for item in items}


PROBLEM_TYPES: dict[str, ProblemType] = _types(
    # reading the file
    ProblemType("file-not-found", "error", "File not found", "{file} does not exist.",
                "Check the path and try again."),
    ProblemType("file-unreadable", "error", "File cannot be read", "{file} cannot be read: {detail}.",
                "Save the return as .xlsx, as a folder of .csv files, or as .parquet files and try again."),
    ProblemType("file-too-large", "error", "File too large", "{file} is {detail}, over the limit.",
                "Split the return or remove unrelated sheets; contact the authority if the limit is too low."),
    ProblemType("file-empty", "error", "Empty file", "{file} has no data.",
                "Fill in the template and save it before validating."),
    ProblemType("no-known-tables", "error", "No recognised sheets",
                "{file} has no sheet or file named after a table ccassure knows ({detail}).",
                "Start from the blank template (ccassure template) and keep its sheet names."),
    ProblemType("missing-table", "error", "Required sheet missing", "The required sheet {sheet!r} is missing.",
                "Add the sheet {sheet!r} (its columns are in the template), even if it has no rows."),
    ProblemType("header-not-found", "error", "Header row not found",
                "No header row was found in the first {detail} rows of sheet {sheet!r}.",
                "Put the column names from the template in one row above the data."),
    ProblemType("missing-column", "error", "Required column missing",
                "Column {column!r} is required but is not in the header of {sheet!r}.",
                "Add a column headed {column!r}; the template shows what goes in it."),
    ProblemType("missing-optional-column", "warning", "Optional columns missing",
                "Optional column(s) {column} are not in {sheet!r}; measures that use them cannot be computed.",
                "Add the columns if you hold the data (the template has them all)."),
    ProblemType("unknown-column", "warning", "Unknown column",
                "Column {column!r} in {sheet!r} is not part of the return and will be ignored.",
                "Remove the column, or rename it to the matching template column."),
    ProblemType("duplicate-column", "error", "Column appears twice",
                "Column {column!r} appears more than once in the header of {sheet!r}.",
                "Keep one column with this name."),
    ProblemType("unknown-sheet", "warning", "Unknown sheet",
                "Sheet {sheet!r} is not part of the return and will be ignored.",
                "Remove the sheet or rename it to a template sheet name."),
    ProblemType("table-given-twice", "error", "Table given twice",
                "The {table} table is given more than once: {sheet!r} repeats {detail!r}; only {detail!r} was "
                "checked.", "Keep one sheet or file per table: delete or rename {sheet!r}."),
    ProblemType("sheet-empty", "error", "Empty sheet",
                "Sheet {sheet!r} is empty: it has no header row.",
                "Copy the header row from the template into the first row of the sheet."),
    ProblemType("header-repeated", "warning", "Header row repeated",
                "Row {row} of {sheet!r} repeats the header row; it was skipped.",
                "Delete the repeated header row."),
    ProblemType("values-without-header", "warning", "Values in a column with no header",
                "Column(s) {detail} of {sheet!r} have values but no header; those values were ignored.",
                "Give the column a header from the template, or delete the values."),
    ProblemType("macros-ignored", "warning", "Workbook has macros",
                "{file} contains macros (VBA); they were not run, only the cell values were read.",
                "Save the return as a plain .xlsx workbook (without macros) before submitting it."),
    ProblemType("too-many-rows", "error", "Too many rows",
                "Sheet {sheet!r} has more rows than the limit ({detail}).",
                "Check for stray content far below the data; split the return if it is genuine."),
    # cell values
    ProblemType("required-value-missing", "error", "Value missing",
                "{column} is required but is blank.", "Fill in {column} on each row."),
    ProblemType("type-integer", "error", "Not a whole number",
                "{column} must be a whole number; found {value!r}.", "Enter a whole number such as 12."),
    ProblemType("type-number", "error", "Not a number",
                "{column} must be a number; found {value!r}.", "Enter a number such as 4.5, without units."),
    ProblemType("type-boolean", "error", "Not yes or no",
                "{column} must be yes or no; found {value!r}.", "Enter yes or no."),
    ProblemType("type-date", "error", "Not a date",
                "{column} must be a date; found {value!r}.",
                "Enter the date as dd/mm/yyyy (e.g. 03/11/2016) or yyyy-mm-dd, or as an Excel date."),
    ProblemType("date-month-first", "error", "Date could be month first",
                "The dates in this return are written month first (such as {detail}), so {column} "
                "{value!r} cannot be read day first with confidence.",
                "Write every date in the column day first, as dd/mm/yyyy (4 July 2016 is 04/07/2016), or as "
                "yyyy-mm-dd; in a spreadsheet set the language to English (UK) before saving as CSV."),
    ProblemType("type-month", "error", "Not a year and month",
                "{column} must be a year and month; found {value!r}.",
                "Enter year and month as yyyy-mm (e.g. 2015-06). Never enter a full date of birth."),
    ProblemType("excel-error", "error", "Excel error in a cell",
                "{column} shows the Excel error {value} instead of a value.",
                "Fix the formula in the cell (or type the value in) so that it shows a value."),
    ProblemType("formula-without-value", "error", "Formula with no saved result",
                "{column} holds a formula whose result was never saved in the file.",
                "Open the workbook in Excel, let it calculate, and save it again (or paste the values)."),
    ProblemType("date-out-of-range", "error", "Date out of range",
                "{column} must be a date between 1900 and 2100; found {value!r}.",
                "Check the year: enter the date as dd/mm/yyyy (e.g. 03/11/2016)."),
    ProblemType("value-not-allowed", "error", "Value not in the list",
                "{column} must be one of {detail}; found {value!r}.",
                "Pick a value from the drop-down list in the template."),
    ProblemType("value-too-small", "error", "Value too small",
                "{column} must be at least {detail}; found {value!r}.", "Correct the value."),
    ProblemType("value-too-large", "error", "Value too large",
                "{column} must be at most {detail}; found {value!r}.", "Correct the value."),
    ProblemType("pattern-mismatch", "error", "Wrong format",
                "{column} is not in the expected format ({detail}); found {value!r}.",
                "Follow the format shown in the template notes, e.g. {example}."),
    ProblemType("duplicate-key", "error", "Duplicate row key",
                "{column} {value!r} appears on more than one row of {sheet!r}.",
                "Each row needs its own {column}; remove or renumber the duplicate."),
    ProblemType("foreign-key", "error", "Unknown reference",
                "{column} {value!r} does not match any {detail}.",
                "Use a reference that exists on the {detail_sheet} sheet, or add the missing row there."),
    ProblemType("unknown-across-datasets", "error", "Unknown reference to another return",
                "{column} {value!r} does not match any {detail}.",
                "Correct the reference, or submit the return that lists it on its {detail_sheet} sheet first "
                "(with `ccassure validate`, give that return with --against)."),
    ProblemType("unchecked-across-datasets", "warning", "Reference to another return not checked",
                "{column} on {sheet!r} refers to rows of the {detail_sheet} sheet, which could not be checked: "
                "{detail}.",
                "Submit the return that lists them on its {detail_sheet} sheet, then submit this one again (or, with "
                "`ccassure validate`, give that return with --against)."),
    ProblemType("date-order", "error", "Dates in the wrong order",
                "{column} ({value}) is before {detail}.", "Check both dates; the later event cannot come first."),
    ProblemType("implausible-value", "warning", "Implausible value",
                "{column} ({value}) {detail}.",
                "Check the value; correct it if it is a mistake, or explain it to the authority."),
    # privacy
    ProblemType("personal-data-column", "error", "Personal data column",
                "Column {column!r} in {sheet!r} looks like it holds {detail}, which must not be in a return.",
                "Delete the column before submitting; use pseudonymous references (child_ref, family_ref) instead."),
    ProblemType("personal-data-value", "error", "Personal data in a cell",
                "{column} appears to contain {detail}.",
                "Remove the {detail} from the cell; returns carry pseudonymous references only."),
    # engines
    ProblemType("engine-error", "error", "Validation engine failed",
                "The {detail} engine could not run on {sheet!r}.", "Report this to the ccassure maintainers."),
)


@dataclass(frozen=True)
class Problem:
    """One problem, or a group of problems with one cause (same code, table and column).

    ``row`` and ``cell`` point at the first occurrence; ``rows`` lists the first few rows as the user sees
    them in the sheet; ``count`` says how many rows share the problem.
    """

    code: str
    severity: Severity
    message: str
    fix: str
    file: str | None = None
    table: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: str | None = None
    count: int = 1
    rows: tuple[int, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rows"] = list(self.rows)
        return data


def make_problem(code: str, *, detail: Any = None, example: Any = None, detail_sheet: str | None = None,
                 severity: Severity | None = None, **where: Any) -> Problem:
    """Build a Problem from the catalogue, filling the type's templates from the location fields."""
    kind = PROBLEM_TYPES[code]
    fill = {"file": where.get("file"), "sheet": where.get("sheet"), "column": where.get("column"),
            "value": where.get("value"), "detail": detail, "example": example or "the template example",
            "detail_sheet": detail_sheet, "row": where.get("row"), "cell": where.get("cell"),
            "table": where.get("table")}
    value = where.get("value")
    if value is not None:
        where["value"] = _short(value)
        fill["value"] = where["value"]
    return Problem(code=code, severity=severity or kind.severity, message=kind.message.format(**fill),
                   fix=kind.fix.format(**fill), **where)


def _short(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


shorten = _short  # for readers: provider text quoted in a problem (a header, a sheet name) is kept short


GROUP_SAMPLE = 10


def group_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Merge problems with one cause into one line: same code, file, table, column and fix.

    The group keeps the first occurrence's location and value, counts every row, and lists the first
    ``GROUP_SAMPLE`` rows. Problems without a row (sheet- or file-level) are never merged.
    """
    groups: dict[tuple, list[Problem]] = {}
    singles: list[Problem] = []
    for problem in problems:
        if problem.row is None:
            singles.append(problem)
            continue
        key = (problem.code, problem.file, problem.table, problem.column, problem.fix, problem.severity)
        groups.setdefault(key, []).append(problem)
    merged: list[Problem] = []
    for members in groups.values():
        members.sort(key=lambda p: p.row or 0)
        total = sum(member.count for member in members)
        rows = tuple(sorted({r for member in members for r in (member.rows or (member.row,))}))[:GROUP_SAMPLE]
        first = members[0]
        merged.append(first if len(members) == 1 else replace(first, count=total, rows=rows))
    ordered = singles + merged
    ordered.sort(key=lambda p: (p.severity != "error", p.table or "", p.row or 0, _column_position(p), p.column or ""))
    return ordered


def _column_position(problem: Problem) -> int:
    """Left-to-right position of the problem's cell in the sheet (so F3 comes before I3); 0 without a cell."""
    letters = "".join(ch for ch in (problem.cell or "") if ch.isalpha())
    position = 0
    for ch in letters.upper():
        position = position * 26 + ord(ch) - 64
    return position


def summarise(problems: Iterable[Problem]) -> Mapping[str, int]:
    """Counts of affected rows by severity (a group counts each of its rows)."""
    counts = {"error": 0, "warning": 0}
    for problem in problems:
        counts[problem.severity] += problem.count
    return counts
