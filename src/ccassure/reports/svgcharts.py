"""Small-multiple KPI trend charts written directly as SVG.

A grid of twelve matplotlib axes costs about half a second of CPU before anything is drawn; these
panels cost a few milliseconds, which matters when 150 authority reports render in one run. The SVG is
self-contained (no scripts, no web fonts), carries a <title> and <desc> for screen readers, and shows
each RAG rating as a marker shape and a letter as well as a colour.
"""

from __future__ import annotations

import math
import textwrap
from html import escape
from typing import Any

import pandas as pd

RAG_STYLE = {"green": ("circle", "#009E73", "G"), "amber": ("diamond", "#E69F00", "A"),
             "red": ("triangle", "#D55E00", "R"), "not_evaluable": ("cross", "#777777", "?")}
LINE = "#0072B2"
PRINT_WIDTH_PT = 504  # the text width of the A4 page (the margins of _quarto.yml)


def _printed_size(width: int, height: int) -> str:
    """The chart's own size is the page's text width: ``ccassure render`` draws it at 100% of the width and
    ``quarto render`` at its own size, so both give the same picture and the same page breaks."""
    return f'width="{PRINT_WIDTH_PT}pt" height="{PRINT_WIDTH_PT * height / width:.1f}pt"'


FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _marker(shape: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}" stroke="#000" stroke-width="0.6"/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}" stroke="#000" stroke-width="0.6"/>'
    if shape == "triangle":
        pts = f"{x - r - 1:.1f},{y - r:.1f} {x + r + 1:.1f},{y - r:.1f} {x:.1f},{y + r + 1:.1f}"
        return f'<polygon points="{pts}" fill="{colour}" stroke="#000" stroke-width="0.6"/>'
    return (f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>')


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def _axis(values: list[float], unit: str) -> tuple[float, float, list[float], str]:
    """Honest axes: percentages on 0-100, counts from zero; points may go below zero."""
    kind = str(unit or "").lower()
    if kind in ("percent", "%", "percentage"):
        return 0.0, 100.0, [0, 25, 50, 75, 100], "%"
    hi = max([0.0, *values])
    lo = min([0.0, *values])
    span = hi - lo or 1.0
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2500, 5000, 10000, 1e9)
                if span / s <= 5)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step if hi > lo else lo + step
    ticks = [lo + i * step for i in range(int(round((hi - lo) / step)) + 1)]
    label = {"points": "points", "average": "average", "count": "number"}.get(kind, kind or "number")
    return lo, hi, ticks, label


def kpi_trend_pages(kpis: pd.DataFrame, per_page: int = 6, columns: int = 2, panel_w: int = 330,
                    panel_h: int = 200) -> list[str]:
    """Trend charts for print: pages of at most ``per_page`` panels, large enough to read on paper.

    ``kpis`` has one row per KPI and period with ``kpi_id`` (a panel key), ``title``, ``period``, ``value``
    (missing where not shown), ``target``, ``unit``, ``rag``. Every panel gets a percentage or count axis
    starting at zero, the target as a dashed line, each point's rating as shape and colour, and the last
    value written beside its point.
    """
    ids = list(dict.fromkeys(kpis["kpi_id"].astype(str)))
    pages = []
    for first in range(0, len(ids), per_page):
        pages.append(_trend_page(kpis, ids[first:first + per_page], columns, panel_w, panel_h,
                                 f"KPI trends, chart {first // per_page + 1} of {math.ceil(len(ids) / per_page)}"))
    return pages


def _trend_page(kpis: pd.DataFrame, ids: list[str], columns: int, panel_w: int, panel_h: int, title: str) -> str:
    rows = math.ceil(len(ids) / columns)
    width, height = columns * panel_w, rows * panel_h + 34
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" {_printed_size(width, height)} '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12" role="img">',
           f"<title>{escape(title)}</title>"]
    descriptions = []
    for n, kpi_id in enumerate(ids):
        part = kpis[kpis["kpi_id"].astype(str) == kpi_id].sort_values("period")
        ox, oy = (n % columns) * panel_w, (n // columns) * panel_h
        left, right, top, bottom = ox + 46, ox + panel_w - 36, oy + 44, oy + panel_h - 30
        name = str(part["title"].iloc[0]) if len(part) else kpi_id
        lines = textwrap.wrap(name, 40)[:2]
        if len(textwrap.wrap(name, 40)) > 2:
            lines[1] = lines[1][:38] + "…"
        for i, line in enumerate(lines):
            out.append(f'<text x="{ox + 6}" y="{oy + 14 + 14 * i}" font-weight="bold" font-size="12">{escape(line)}</text>')
        periods = part["period"].astype(str).tolist()
        values = pd.to_numeric(part["value"], errors="coerce").tolist()
        targets = pd.to_numeric(part["target"], errors="coerce").dropna().tolist()
        unit = str(part["unit"].iloc[0]) if len(part) and "unit" in part.columns else ""
        lo, hi, ticks, label = _axis([v for v in values if v == v] + targets[-1:], unit)

        def y_of(v: float, lo: float = lo, hi: float = hi, top: float = top, bottom: float = bottom) -> float:
            return bottom - (v - lo) / (hi - lo) * (bottom - top)

        for tick in ticks:
            ty = y_of(tick)
            out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="#ddd" stroke-width="0.6"/>')
            out.append(f'<text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end" font-size="11">{_fmt(tick)}</text>')
        out.append(f'<text x="{ox + 10}" y="{(top + bottom) / 2:.1f}" font-size="11" text-anchor="middle" '
                   f'transform="rotate(-90 {ox + 10} {(top + bottom) / 2:.1f})">{escape(label)}</text>')
        out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#444" stroke-width="0.8"/>')
        if targets:
            ty = y_of(targets[-1])
            out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="#000" '
                       'stroke-width="1.1" stroke-dasharray="5 3"/>')
        step = (right - left - 20) / max(1, len(periods) - 1)
        xs = [left + 10 + (i * step if len(periods) > 1 else (right - left - 20) / 2) for i in range(len(periods))]
        every = max(1, math.ceil(len(periods) / 5))
        for i, (x, period) in enumerate(zip(xs, periods, strict=False)):
            if i % every == 0 or i == len(periods) - 1:
                out.append(f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle" font-size="11">{escape(period)}</text>')
        points = [(x, y_of(v)) for x, v in zip(xs, values, strict=False) if v == v]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        said = []
        for x, v, rag, period in zip(xs, values, part["rag"].fillna("not_rated").astype(str), periods, strict=False):
            shape, colour, _letter = RAG_STYLE.get(rag, RAG_STYLE["not_evaluable"])
            if v == v:
                out.append(_marker(shape, x, y_of(v), colour, 5))
                said.append(f"{period} {_fmt(v)} ({rag.replace('_', ' ')})")
            else:
                said.append(f"{period} no value")
        if points:
            x, y = points[-1]
            last = [v for v in values if v == v][-1]
            out.append(f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" font-size="11" font-weight="bold">{_fmt(last)}</text>')
        if not points:
            out.append(f'<text x="{(left + right) / 2:.1f}" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
                       'fill="#555">no value to show</text>')
        descriptions.append(f"{name}: " + ", ".join(said) + (f"; target {_fmt(targets[-1])}." if targets else "."))
    legend_y = rows * panel_h + 20
    x = 6
    for rag, (shape, colour, _letter) in RAG_STYLE.items():
        out.append(_marker(shape, x + 5, legend_y - 4, colour, 5))
        label = {"green": "on target", "amber": "near target", "red": "off target", "not_evaluable": "not rated"}[rag]
        out.append(f'<text x="{x + 15}" y="{legend_y}" font-size="12">{label}</text>')
        x += 34 + 7 * len(label)
    out.append(f'<line x1="{x}" y1="{legend_y - 4}" x2="{x + 24}" y2="{legend_y - 4}" stroke="#000" '
               f'stroke-dasharray="5 3"/><text x="{x + 30}" y="{legend_y}" font-size="12">target</text>')
    out.insert(2, f"<desc>{escape(' '.join(descriptions))}</desc>")
    out.append("</svg>")
    return "\n".join(out)


def kpi_trends_svg(kpis: pd.DataFrame, **_ignored: Any) -> str:
    """The first page of :func:`kpi_trend_pages` (kept for documents that show a single chart)."""
    pages = kpi_trend_pages(kpis)
    return pages[0] if pages else ""


def show_svg(svg: str) -> Any:
    """Display an SVG chart (Quarto and ccassure render both pass it through as an image)."""
    from IPython.display import SVG, display

    if svg:
        display(SVG(data=svg))


STATUS_STYLE = {  # status -> (fill colour, pattern id or None, symbol, label)
    "not_met": ("#D55E00", "cross", "✖", "Not met"),
    "at_risk": ("#E69F00", "diag", "▲", "At risk"),
    "not_evaluable": ("#BBBBBB", "dots", "?", "Not evaluable"),
    "met": ("#009E73", None, "✔", "Met"),
}
_PATTERNS = (
    '<defs>'
    '<pattern id="p-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<path d="M0,0L8,8M8,0L0,8" stroke="#000" stroke-width="0.8"/></pattern>'
    '<pattern id="p-diag" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<path d="M0,6L6,0" stroke="#000" stroke-width="0.8"/></pattern>'
    '<pattern id="p-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<circle cx="2.5" cy="2.5" r="0.9" fill="#000"/></pattern>'
    '</defs>'
)


def status_by_period_svg(findings: pd.DataFrame, width: int = 880, bar_h: int = 24,
                         title: str = "Duty checks by status and quarter") -> str:
    """Stacked bars, one per quarter: status by colour, hatching, legend symbol and a count on each part."""
    if findings.empty:
        return ""
    counts = (findings[findings["status"].isin(list(STATUS_STYLE))].groupby(["period", "status"]).size()
              .unstack(fill_value=0).reindex(columns=list(STATUS_STYLE), fill_value=0).sort_index())
    if counts.empty:
        return ""
    left, right, top = 70, width - 20, 34
    height = top + len(counts) * (bar_h + 10) + 34
    biggest = max(1, int(counts.sum(axis=1).max()))
    scale = (right - left) / biggest
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" {_printed_size(width, height)} '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" role="img">',
           f"<title>{escape(title)}</title>", _PATTERNS]
    descriptions = []
    x = left
    for colour, pattern, symbol, label in STATUS_STYLE.values():
        out.append(f'<rect x="{x}" y="8" width="16" height="12" fill="{colour}" stroke="#000" stroke-width="0.6"/>')
        if pattern:
            out.append(f'<rect x="{x}" y="8" width="16" height="12" fill="url(#p-{pattern})"/>')
        out.append(f'<text x="{x + 21}" y="18">{symbol} {label}</text>')
        x += 40 + 7 * len(label)
    for i, (period, row) in enumerate(counts.iterrows()):
        y = top + i * (bar_h + 10)
        out.append(f'<text x="{left - 8}" y="{y + bar_h / 2 + 4}" text-anchor="end">{escape(str(period))}</text>')
        x = float(left)
        said = []
        for status, (colour, pattern, _symbol, label) in STATUS_STYLE.items():
            n = int(row[status])
            said.append(f"{n} {label.lower()}")
            if not n:
                continue
            w = n * scale
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" '
                       'stroke="#000" stroke-width="0.6"/>')
            if pattern:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="url(#p-{pattern})"/>')
            if w >= 18:
                out.append(f'<rect x="{x + w / 2 - 12:.1f}" y="{y + bar_h / 2 - 7}" width="24" height="14" fill="#fff" '
                           'opacity="0.85"/>')
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + bar_h / 2 + 4}" text-anchor="middle" font-size="10" '
                           f'font-weight="bold">{n}</text>')
            x += w
        descriptions.append(f"{period}: " + ", ".join(said) + ".")
    axis_y = top + len(counts) * (bar_h + 10)
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#444"/>')
    for tick in _ticks(biggest):
        tx = left + tick * scale
        out.append(f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="#444"/>'
                   f'<text x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle" font-size="9">{tick}</text>')
    out.append(f'<text x="{right}" y="{axis_y + 30}" text-anchor="end" font-size="9">number of checks</text>')
    out.insert(2, f"<desc>{escape(' '.join(descriptions))}</desc>")
    out.append("</svg>")
    return "\n".join(out)


def _ticks(biggest: int) -> list[int]:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if biggest / step <= 8:
            return list(range(0, biggest + 1, step))
    return [0, biggest]
