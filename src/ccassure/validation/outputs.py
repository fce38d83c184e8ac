"""Writing a validation result for people: terminal text, JSON, CSV, an Excel problem list, an HTML page.

Everything written back out of a provider's file is escaped: CSV cells that a spreadsheet would run as a
formula get an apostrophe (safe_text.csv_safe), Excel cells are written as strings (never formulas), HTML
is escaped and self-contained (inline CSS, no links out), and terminal text loses control characters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccassure.problems import Problem
from ccassure.safe_text import csv_safe, html_safe

if TYPE_CHECKING:
    from ccassure.validation.result import ValidationResult


# What the problem list shows, in order, with plain-English headings.
LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("severity", "Severity"), ("sheet", "Sheet"), ("cell", "Cell"), ("row", "Row"), ("column", "Column"),
    ("value", "Value found"), ("message", "Problem"), ("fix", "How to fix"), ("count", "Rows affected"),
    ("rows", "First rows"), ("code", "Problem code"), ("table", "Table"), ("file", "File"),
)

# Control characters (ANSI escapes, bells) and Unicode bidi overrides, which can make text display as
# something else (a name shown reversed), are replaced wherever provider text reaches a terminal or a CSV.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(value: Any) -> str:
    """Text fit for a terminal: control characters (ANSI escapes, bells, carriage returns) become '?'."""
    return _CONTROL.sub("?", "" if value is None else str(value))


# ----------------------------------------------------------------------------------------------- text


def where(problem: Problem) -> str:
    """'Sessions C5', 'Sessions row 5', 'Sessions' or the file name: where to look."""
    place = problem.sheet or problem.file or ""
    spot = problem.cell or (f"row {problem.row}" if problem.row is not None else "")
    return " ".join(part for part in (place, spot) if part)


def more_rows(problem: Problem) -> str:
    """'(and 3 more rows: 12, 13, 20)' for a grouped problem; '' for a single one."""
    if problem.count <= 1:
        return ""
    others = [r for r in problem.rows if r != problem.row]
    rest = problem.count - 1
    shown = ", ".join(str(r) for r in others)
    if rest > len(others):
        shown += ", ..." if shown else "..."
    noun = "row" if rest == 1 else "rows"
    return f"(and {rest:,} more {noun}: {shown})"


def _problem_lines(problem: Problem) -> list[str]:
    head = [where(problem)]
    if problem.column:
        head.append(f"column {problem.column}")
    if problem.value is not None:
        head.append(f"value {problem.value!r}")
    lines = ["  " + terminal_safe(" · ".join(head)), "    " + terminal_safe(problem.message),
             "    Fix: " + terminal_safe(problem.fix)]
    if problem.count > 1:
        lines.append("    " + more_rows(problem))
    return lines


def render_text(result: ValidationResult, limit: int = 20) -> str:
    """A summary line, then up to ``limit`` problems (errors first), then how many more there are."""
    lines = [terminal_safe(result.summary())]
    shown = 0
    for title, group in (("Errors", result.errors), ("Warnings", result.warnings)):
        if not group:
            continue
        lines += ["", f"{title} ({len(group)}):"]
        for problem in group:
            if shown >= limit:
                break
            lines += _problem_lines(problem)
            shown += 1
        if shown >= limit:
            break
    rest = len(result.problems) - shown
    if rest > 0:
        lines += ["", f"… and {rest:,} more problem(s); use --format csv or --format xlsx for the full list."]
    if not result.problems:
        lines += ["", "No problems found."]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- records


def problem_records(result: ValidationResult) -> list[dict[str, Any]]:
    """One plain dict per problem, keyed by LIST_COLUMNS, with the row list as text."""
    records = []
    for problem in result.problems:
        data = problem.to_dict()
        data["rows"] = ", ".join(str(r) for r in problem.rows)
        records.append({key: data.get(key) for key, _ in LIST_COLUMNS})
    return records


def render_json(result: ValidationResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


def _plain(value: Any) -> Any:
    """A CSV cell: control and bidi characters replaced, numbers kept as numbers."""
    if value is None:
        return ""
    return terminal_safe(value) if isinstance(value, str) else value


def render_csv(result: ValidationResult) -> str:
    """The full problem list as CSV; every cell passes csv_safe. The caller adds the BOM when writing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([heading for _, heading in LIST_COLUMNS])
    for record in problem_records(result):
        writer.writerow([csv_safe(_plain(record[key])) for key, _ in LIST_COLUMNS])
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- xlsx


def write_xlsx(result: ValidationResult, path: Path) -> None:
    """A workbook with a Summary sheet and a Problems sheet (autofilter, frozen header).

    Every text cell is written with write_string, so provider text such as '=HYPERLINK(...)' stays text.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False})
    try:
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                      "valign": "top"})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        top = workbook.add_format({"valign": "top"})
        error = workbook.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "valign": "top"})
        warning = workbook.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C", "valign": "top"})

        summary = workbook.add_worksheet("Summary")
        counts = result.counts()
        verdict = ("Cannot be read" if result.unreadable else "Errors found" if result.has_errors else "Valid")
        rows: list[tuple[str, Any]] = [
            ("File", result.source), ("Result", verdict), ("Errors", counts["errors"]),
            ("Rows with errors", counts["error_rows"]), ("Warnings", counts["warnings"]),
            ("Rows with warnings", counts["warning_rows"]), ("Dataset", result.dataset or ""),
            ("Engine", result.engine), ("Checked at", dt.datetime.now().strftime("%d/%m/%Y %H:%M")),
        ]
        summary.write_string(0, 0, "ccassure validation report", bold)
        for r, (label, value) in enumerate(rows, start=2):
            summary.write_string(r, 0, label, bold)
            _cell(summary, r, 1, value, None)
        r = len(rows) + 3
        summary.write_string(r, 0, "Rows read per sheet", bold)
        for offset, (table, n) in enumerate(result.row_counts.items(), start=1):
            summary.write_string(r + offset, 0, table)
            summary.write_number(r + offset, 1, n)
        summary.set_column(0, 0, 22)
        summary.set_column(1, 1, 60)

        sheet = workbook.add_worksheet("Problems")
        widths = {"severity": 9, "sheet": 16, "cell": 8, "row": 6, "column": 20, "value": 24, "message": 60,
                  "fix": 50, "count": 9, "rows": 24, "code": 22, "table": 16, "file": 30}
        for c, (key, heading) in enumerate(LIST_COLUMNS):
            sheet.write_string(0, c, heading, header)
            sheet.set_column(c, c, widths.get(key, 14), wrap if key in ("message", "fix") else top)
        for r, record in enumerate(problem_records(result), start=1):
            for c, (key, _) in enumerate(LIST_COLUMNS):
                style = (error if record["severity"] == "error" else warning) if key == "severity" else None
                _cell(sheet, r, c, record[key], style)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(result.problems), 1), len(LIST_COLUMNS) - 1)
        sheet.activate()
    finally:
        workbook.close()


def _cell(sheet: Any, row: int, col: int, value: Any, style: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "yes" if value else "no", style)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, str(value)[:32767], style)


# ---------------------------------------------------------------------------------------------- html

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem;color:#1a1a1a;line-height:1.4}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.2rem;margin-top:2rem}
.verdict{font-weight:bold;padding:.2rem .5rem;border-radius:4px}
.bad{background:#ffc7ce;color:#9c0006}.good{background:#c6efce;color:#006100}.warn{background:#ffeb9c;color:#9c5700}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#ddebf7}tr:nth-child(even) td{background:#f7f7f7}
.muted{color:#555;font-size:.85rem}code{font-family:ui-monospace,Consolas,monospace}
"""

_HTML_COLUMNS = (("sheet", "Where"), ("column", "Column"), ("value", "Value found"), ("message", "Problem"),
                 ("fix", "How to fix"), ("count", "Rows"), ("code", "Code"))


def render_html(result: ValidationResult) -> str:
    """A standalone page: inline CSS, no scripts, no links out; every value is HTML-escaped."""
    counts = result.counts()
    if result.unreadable:
        verdict, css = "Cannot be read", "bad"
    elif result.has_errors:
        verdict, css = "Errors found", "bad"
    else:
        verdict, css = "Valid", "good"
    e = html_safe
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Validation report — {e(Path(result.source).name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Validation report</h1><p class='muted'>{e(result.source)} · dataset {e(result.dataset or '-')} · "
        f"engine {e(result.engine)} · checked {e(dt.datetime.now().strftime('%d/%m/%Y %H:%M'))}</p>",
        f"<p><span class='verdict {css}'>{e(verdict)}</span> {counts['errors']} error(s) affecting "
        f"{counts['error_rows']:,} row(s); {counts['warnings']} warning(s).</p>",
    ]
    if result.row_counts:
        parts.append("<p class='muted'>Rows read: " + ", ".join(
            f"{e(name)} {n:,}" for name, n in result.row_counts.items()) + "</p>")
    for title, group, style in (("Errors", result.errors, "bad"), ("Warnings", result.warnings, "warn")):
        parts.append(f"<h2>{title} ({len(group)})</h2>")
        if not group:
            parts.append("<p>None.</p>")
            continue
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for _, h in _HTML_COLUMNS)
                     + "</tr></thead><tbody>")
        for problem in group:
            rows = more_rows(problem)
            cells = {
                "sheet": where(problem), "column": problem.column, "value": problem.value,
                "message": problem.message + (f" {rows}" if rows else ""), "fix": problem.fix,
                "count": f"{problem.count:,}", "code": problem.code,
            }
            parts.append("<tr>" + "".join(
                f"<td class='{style}'>{e(cells[k])}</td>" if k == "code" else f"<td>{e(cells[k])}</td>"
                for k, _ in _HTML_COLUMNS) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("<p class='muted'>Made by ccassure validate. Download the full list with "
                 "<code>--format csv</code> or <code>--format xlsx</code>.</p></body></html>\n")
    return "".join(parts)


# ------------------------------------------------------------------------------------ the formats


@dataclass(frozen=True)
class OutputFormat:
    """One way of writing a validation result. ``OUTPUTS`` below is the only list of them: the ``--format``
    choices, their help, the extension guessed from ``--output`` and the table in docs/validation.md all
    come from it."""

    name: str
    suffixes: tuple[str, ...]  # the first is the one a default output file gets
    summary: str               # what it holds, for --help and the docs
    to_stdout: bool            # may go to standard output when no --output is given
    text: Callable[[ValidationResult, int], str] | None = None  # the text to print or write
    write: Callable[[ValidationResult, Path], None] | None = None  # writes a binary file itself
    encoding: str = "utf-8"

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


OUTPUTS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("text", (".txt",), "a summary and the first problems (the default)", True,
                 text=lambda result, limit: render_text(result, limit)),
    OutputFormat("json", (".json",), "the full result for scripts (what the reports read)", True,
                 text=lambda result, limit: render_json(result)),
    OutputFormat("csv", (".csv",), "the full problem list for spreadsheets (UTF-8 with a byte-order mark)",
                 False, text=lambda result, limit: render_csv(result), encoding="utf-8-sig"),
    OutputFormat("xlsx", (".xlsx",), "the full problem list as an Excel workbook, with a summary sheet", False,
                 write=lambda result, path: write_xlsx(result, path)),
    OutputFormat("html", (".html", ".htm"), "the full problem list as one self-contained web page", False,
                 text=lambda result, limit: render_html(result)),
)}


def format_for(output: Path | None) -> str:
    """The format named by an output file's extension (problems.xlsx -> xlsx, page.htm -> html), else text."""
    suffix = output.suffix.lower() if output is not None else ""
    return next((name for name, f in OUTPUTS.items() if suffix in f.suffixes), "text")


def format_help() -> str:
    """The ``--format`` help text, one clause per format."""
    return "; ".join(f"{name}: {f.summary}" for name, f in OUTPUTS.items()) + ". Guessed from --output's extension."


def formats_table() -> str:
    """The Markdown table of formats that docs/validation.md carries (a test keeps the two the same)."""
    rows = ["| `--format` | file | standard output | what it holds |", "|---|---|---|---|"]
    for name, f in OUTPUTS.items():
        rows.append(f"| `{name}` | {', '.join(f'`{s}`' for s in f.suffixes)} | {'yes' if f.to_stdout else 'no'} "
                    f"| {f.summary} |")
    return "\n".join(rows)


# --------------------------------------------------------------------------------------------- write


def write_result(result: ValidationResult, fmt: str, output: Path | None, *, limit: int = 20) -> str | None:
    """Write ``result`` as ``fmt`` to ``output``; with no output, return the text (standard-output formats only).

    CSV is written as UTF-8 with a byte-order mark so that Excel opens it with the right characters.
    """
    if fmt not in OUTPUTS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(OUTPUTS)}")
    spec = OUTPUTS[fmt]
    if output is None and not spec.to_stdout:
        raise ValueError(f"--format {fmt} needs --output FILE")
    if spec.write is not None:
        assert output is not None
        spec.write(result, output)
        return None
    assert spec.text is not None
    text = spec.text(result, limit)
    if output is None:
        return text
    with output.open("w", encoding=spec.encoding, newline="") as handle:
        handle.write(text)
    return None
