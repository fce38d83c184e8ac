"""Schematic maps and charts of an impact assessment, drawn as self-contained SVG (no tiles, no scripts).

The map places every neighbourhood (LSOA centre point) and centre by its easting and northing. Deprivation
decile is shown by colour (viridis, readable with colour-blindness) and by shape (triangles for deciles
1-3, circles 4-7, squares 8-10); neighbourhoods newly beyond reach get a thick ring; centres that close
are hollow and crossed, new centres are stars. Every mark is explained in the legend and in <desc>.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

DECILE_COLOURS = ("#440154", "#482878", "#3E4A89", "#31688E", "#26828E", "#1F9E89", "#35B779", "#6DCD59",
                  "#B4DE2C", "#FDE725")
UNKNOWN = "#BBBBBB"
RING = "#D55E00"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def decile_shape(decile: object) -> str:
    if decile is None or pd.isna(decile):
        return "circle"
    d = int(decile)
    return "triangle" if d <= 3 else ("circle" if d <= 7 else "square")


def _mark(shape: str, x: float, y: float, fill: str, r: float = 4.0, stroke: str = "#000", width: float = 0.5) -> str:
    if shape == "triangle":
        pts = f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y + r:.1f} {x - r - 1:.1f},{y + r:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
    if shape == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="{width}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'


def _diamond(x: float, y: float, r: float, fill: str) -> str:
    pts = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
    return f'<polygon points="{pts}" fill="{fill}" stroke="#000" stroke-width="1.2"/>'


def _star(x: float, y: float, r: float) -> str:
    pts = " ".join(f"{x + (r if i % 2 == 0 else r / 2.4) * math.sin(i * math.pi / 5):.1f},"
                   f"{y - (r if i % 2 == 0 else r / 2.4) * math.cos(i * math.pi / 5):.1f}" for i in range(10))
    return f'<polygon points="{pts}" fill="#000" stroke="#fff" stroke-width="0.6"/>'


def scenario_map(points: pd.DataFrame, centres: pd.DataFrame, lsoas: pd.DataFrame, losses: pd.DataFrame,
                 scenario: str, radius: float, width: int = 760, title: str | None = None) -> str:
    """The map of one scenario: every neighbourhood and centre, newly-beyond neighbourhoods ringed."""
    located = centres.dropna(subset=["easting", "northing"])
    removed = set(losses.loc[(losses["scenario"] == scenario) & losses["removes_centre"].astype(bool), "centre_id"])
    opened = set(losses.loc[(losses["scenario"] == scenario) & (losses["action"] == "open"), "centre_id"])
    shown = located[located["in_network"].astype(bool) | located["centre_id"].isin(opened)]
    xs = pd.concat([points["easting"], shown["easting"]]).astype(float)
    ys = pd.concat([points["northing"], shown["northing"]]).astype(float)
    if xs.empty:
        return ""
    pad = max(radius * 0.6, 500.0)
    x0, x1, y0, y1 = xs.min() - pad, xs.max() + pad, ys.min() - pad, ys.max() + pad
    legend_h = 70
    scale = (width - 20) / max(x1 - x0, 1.0)
    height = int((y1 - y0) * scale) + 20 + legend_h

    def px(e: float) -> float:
        return 10 + (e - x0) * scale

    def py(n: float) -> float:
        return 10 + (y1 - n) * scale

    mine = lsoas[lsoas["scenario"] == scenario]
    beyond = set(mine.loc[mine["newly_beyond"].astype(bool), "lsoa_code"])
    within = set(mine.loc[mine["newly_within"].astype(bool), "lsoa_code"])
    label = title or f"Schematic map: {scenario}"
    desc = (f"{len(points)} neighbourhoods and {len(shown)} centres placed by grid reference. "
            f"{len(beyond)} neighbourhoods are newly beyond {radius:,.0f} m of an open centre (thick rings); "
            f"{len(removed)} centres close or stop counting (hollow, crossed); {len(opened)} new centres (stars).")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="{FONT}" font-size="11" role="img">',
           f"<title>{escape(label)}</title><desc>{escape(desc)}</desc>",
           f'<rect x="0" y="0" width="{width}" height="{height - legend_h}" fill="#FAFAFA" stroke="#CCC"/>']
    for row in shown.itertuples():
        if row.centre_id in removed:
            continue
        out.append(f'<circle cx="{px(row.easting):.1f}" cy="{py(row.northing):.1f}" r="{radius * scale:.1f}" '
                   f'fill="none" stroke="#999" stroke-width="0.7" stroke-dasharray="3,3"/>')
    for row in points.itertuples():
        x, y = px(row.easting), py(row.northing)
        decile = row.imd_decile
        fill = UNKNOWN if pd.isna(decile) else DECILE_COLOURS[int(decile) - 1]
        if row.lsoa_code in beyond:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8.5" fill="none" stroke="{RING}" stroke-width="2.6"/>')
        if row.lsoa_code in within:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8.5" fill="none" stroke="#0072B2" stroke-width="1.6" '
                       'stroke-dasharray="2,2"/>')
        out.append(_mark(decile_shape(decile), x, y, fill))
    for row in shown.itertuples():
        x, y = px(row.easting), py(row.northing)
        if row.centre_id in opened:
            out.append(_star(x, y, 9))
        elif row.centre_id in removed:
            out.append(_diamond(x, y, 7, "#FFFFFF"))
            out.append(f'<path d="M{x - 5:.1f},{y - 5:.1f}L{x + 5:.1f},{y + 5:.1f}M{x - 5:.1f},{y + 5:.1f}'
                       f'L{x + 5:.1f},{y - 5:.1f}" stroke="#000" stroke-width="1.6"/>')
        else:
            out.append(_diamond(x, y, 6, "#000"))
    out += _legend(height - legend_h + 8, width, radius)
    bar = 5000 * scale  # a 5 km scale bar
    by = height - legend_h - 14
    out.append(f'<path d="M{width - 20 - bar:.1f},{by}h{bar:.1f}" stroke="#000" stroke-width="2"/>'
               f'<text x="{width - 20 - bar:.1f}" y="{by - 4}">5 km</text>')
    out.append("</svg>")
    return "\n".join(out)


def _legend(top: float, width: int, radius: float) -> list[str]:
    out = [f'<text x="10" y="{top + 4}" font-weight="bold">Deprivation decile (1 = most deprived 10% in England)</text>']
    for i, colour in enumerate(DECILE_COLOURS):
        x = 20 + i * 34
        out.append(_mark(decile_shape(i + 1), x, top + 20, colour, r=5))
        out.append(f'<text x="{x + 8}" y="{top + 24}">{i + 1}</text>')
    x = 370
    out.append(_diamond(x, top + 20, 6, "#000") + f'<text x="{x + 10}" y="{top + 24}">open centre</text>')
    out.append(_diamond(x + 100, top + 20, 6, "#FFF") + f'<text x="{x + 110}" y="{top + 24}">closes</text>')
    out.append(_star(x + 175, top + 20, 8) + f'<text x="{x + 186}" y="{top + 24}">new</text>')
    out.append(f'<circle cx="{x + 230}" cy="{top + 20}" r="7" fill="none" stroke="{RING}" stroke-width="2.6"/>'
               f'<text x="{x + 241}" y="{top + 24}">newly beyond reach</text>')
    out.append(f'<text x="10" y="{top + 48}">Dashed circles: {radius:,.0f} m around each centre that stays open '
               "(straight line). Dotted blue rings: newly within reach.</text>")
    return out


def decile_chart(deciles: pd.DataFrame, scenarios: list[str], min_count: int = 5, width: int = 760) -> str:
    """Under-fives newly beyond reach by decile: one bar per scenario in each decile, counts written on."""
    from ccassure.impact.sections import _protected

    rows = deciles.dropna(subset=["imd_decile"])
    labels = {}  # (scenario, decile) -> the count as the tables show it (hidden counts get no bar length)
    for name in scenarios:
        mine = rows[rows["scenario"] == name]
        shown = _protected(mine["under5_newly_beyond"].tolist(), mine["under5_newly_beyond"].sum(), min_count)
        labels.update({(name, int(d)): t for d, t in zip(mine["imd_decile"], shown, strict=False)})
    biggest = max(int(rows["under5_newly_beyond"].max() or 0), 1) if len(rows) else 1
    bar_h, gap = 12, 10
    group_h = bar_h * len(scenarios) + gap
    left, right = 110, 70
    height = 40 + 10 * group_h + 24 * len(scenarios)
    patterns = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
    label = "Under-fives newly beyond reach, by deprivation decile"
    desc = ("Horizontal bars per decile and scenario; each bar is labelled with its count; a count hidden to "
            "protect privacy is marked c and drawn with no length.")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="{FONT}" font-size="11" role="img"><title>{escape(label)}</title>'
           f"<desc>{escape(desc)}</desc>"]
    for d in range(1, 11):
        top = 20 + (d - 1) * group_h
        out.append(f'<text x="{left - 8}" y="{top + group_h / 2}" text-anchor="end">Decile {d}'
                   f'{" (most deprived)" if d == 1 else ""}</text>' if d != 1 else
                   f'<text x="{left - 8}" y="{top + group_h / 2 - 5}" text-anchor="end">Decile 1</text>'
                   f'<text x="{left - 8}" y="{top + group_h / 2 + 8}" text-anchor="end" font-size="9">most deprived</text>')
        for i, name in enumerate(scenarios):
            value = rows.loc[(rows["scenario"] == name) & (rows["imd_decile"] == d), "under5_newly_beyond"]
            n = int(value.iloc[0]) if len(value) else 0
            label = labels.get((name, d), str(n))
            w = 0.0 if label == "c" else (width - left - right) * n / biggest
            y = top + i * bar_h
            colour = patterns[i % len(patterns)]
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}" stroke="#000" '
                       f'stroke-width="0.4"/><text x="{left + w + 4:.1f}" y="{y + bar_h - 3}">'
                       f"{escape(label)}</text>")
        out.append(f'<path d="M{left},{top + group_h - gap / 2}h{width - left - right}" stroke="#DDD"/>')
    legend_top = 30 + 10 * group_h
    for i, name in enumerate(scenarios):
        y = legend_top + i * 22
        out.append(f'<rect x="{left}" y="{y - 10}" width="14" height="12" fill="{patterns[i % len(patterns)]}" '
                   f'stroke="#000" stroke-width="0.4"/><text x="{left + 20}" y="{y}">Bar {i + 1} in each decile: '
                   f"{escape(name)}</text>")
    out.append("</svg>")
    return "\n".join(out)
