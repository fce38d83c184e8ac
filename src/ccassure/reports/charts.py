"""Offline charts for reports (matplotlib, Agg): colour-blind-safe colours, and status always shown by
marker shape, hatching and text as well as colour."""

from __future__ import annotations

import textwrap

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from ccassure.reports.format import PALETTE, STATUS_COLOURS, STATUS_HATCHES, STATUS_LABELS, STATUS_ORDER

RAG_MARKERS = {"green": ("o", "#009E73", "G"), "amber": ("D", "#E69F00", "A"), "red": ("v", "#D55E00", "R"),
               "not_evaluable": ("x", "#777777", "?")}

STYLE = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 9,
         "axes.titleweight": "bold", "figure.dpi": 110, "savefig.dpi": 110, "axes.prop_cycle":
         matplotlib.cycler(color=PALETTE)}


def png(fig, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (one draw, no tight bounding-box pass), and the figure closed."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def show(fig, dpi: int = 100) -> None:
    """Display the figure as a PNG image: works the same under ``ccassure render`` and ``quarto render``."""
    from IPython.display import Image, display

    display(Image(data=png(fig, dpi), format="png"))


def _short(text: str, limit: int = 48) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kpi_trends(kpis: pd.DataFrame, max_panels: int = 9, columns: int = 3):
    """Small multiples: one panel per KPI, value by quarter, target dashed, each point marked with its
    RAG rating as shape and letter (G/A/R)."""
    with plt.rc_context(STYLE):
        ids = list(dict.fromkeys(kpis["kpi_id"].astype(str)))[:max_panels]
        rows = max(1, -(-len(ids) // columns))
        fig, axes = plt.subplots(rows, columns, figsize=(9, 2.7 * rows), squeeze=False)
        for ax in axes.flat[len(ids):]:
            ax.set_visible(False)
        for ax, kpi_id in zip(axes.flat, ids, strict=False):
            part = kpis[kpis["kpi_id"].astype(str) == kpi_id].sort_values("period")
            periods = part["period"].astype(str).tolist()
            values = pd.to_numeric(part["value"], errors="coerce")
            x = range(len(periods))
            ax.plot(list(x), values.tolist(), color=PALETTE[0], linewidth=1.5, zorder=1)
            for xi, value, rag in zip(x, values, part["rag"].fillna("not_evaluable"), strict=False):
                marker, colour, letter = RAG_MARKERS.get(str(rag), RAG_MARKERS["not_evaluable"])
                if pd.notna(value):
                    ax.scatter([xi], [value], marker=marker, color=colour, s=40, zorder=2,
                               linewidth=0.5)
                    ax.annotate(letter, (xi, value), textcoords="offset points", xytext=(0, 6), ha="center",
                                fontsize=7)
            targets = pd.to_numeric(part["target"], errors="coerce").dropna()
            if len(targets):
                ax.axhline(float(targets.iloc[-1]), color="black", linestyle="--", linewidth=0.8)
                ax.annotate("target", (len(periods) - 1, float(targets.iloc[-1])), textcoords="offset points",
                            xytext=(2, -9), fontsize=7, ha="right")
            title = f"{kpi_id}: {part['title'].iloc[0]}" if len(part) else kpi_id
            ax.set_title(textwrap.fill(_short(title, 80), 34), loc="left")
            ax.set_xticks(list(x))
            ax.set_xticklabels(periods, rotation=0, fontsize=7)
            ax.margins(y=0.25)
        fig.subplots_adjust(left=0.06, right=0.98, top=1 - 0.6 / (2.7 * rows), bottom=0.5 / (2.7 * rows) + 0.02,
                            hspace=0.75, wspace=0.25)
        return fig


def status_by_period(findings: pd.DataFrame):
    """Stacked horizontal bars: findings by status in each quarter, with hatching and counts as text."""
    with plt.rc_context(STYLE):
        table = (findings.groupby(["period", "status"]).size().unstack(fill_value=0)
                 .reindex(columns=[s for s in STATUS_ORDER if s != "not_applicable"], fill_value=0))
        fig, ax = plt.subplots(figsize=(9, 0.45 * max(3, len(table)) + 0.8))
        left = [0] * len(table)
        for status in table.columns:
            counts = table[status].tolist()
            symbol, word = STATUS_LABELS[status]
            ax.barh(table.index.astype(str), counts, left=left, color=STATUS_COLOURS[status],
                    hatch=STATUS_HATCHES[status], edgecolor="black", linewidth=0.5, label=f"{symbol} {word}")
            for i, n in enumerate(counts):
                if n:
                    ax.text(left[i] + n / 2, i, str(n), ha="center", va="center", fontsize=7,
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.8})
            left = [a + b for a, b in zip(left, counts, strict=False)]
        ax.invert_yaxis()
        ax.set_xlabel("findings")
        height = fig.get_figheight()
        ax.legend(ncol=4, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
        fig.subplots_adjust(left=0.1, right=0.98, top=1 - 0.45 / height, bottom=0.5 / height)
        return fig
