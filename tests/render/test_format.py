"""Formatting helpers: status never by colour alone, small numbers suppressed, provider text escaped."""

import pandas as pd
import pytest

from ccassure.reports import banner, md_table, rag_label, status_label, suppress
from ccassure.reports.format import STATUS_LABELS, SYNTHETIC_NOTICE


@pytest.mark.parametrize("status", ["met", "not_met", "at_risk", "not_evaluable", "not_applicable"])
def test_every_status_has_a_symbol_and_a_word(status):
    label = status_label(status)
    symbol, word = STATUS_LABELS[status]
    assert label == f"{symbol} {word}"
    assert symbol and word and symbol not in word


def test_status_symbols_are_distinct_and_unknown_status_is_visible():
    symbols = [s for s, _ in STATUS_LABELS.values()]
    assert len(set(symbols)) == len(symbols)
    assert status_label(None) == "? Unknown"
    assert "weird" in status_label("weird")
    assert rag_label("red").endswith("Red") and rag_label("green").endswith("Green")
    assert rag_label(None) == "? Not evaluable"


@pytest.mark.parametrize(("n", "minimum", "shown"), [
    (0, 5, "0"), (1, 5, "<5"), (4, 5, "<5"), (5, 5, "5"), (1234, 5, "1,234"),
    (3, 10, "<10"), (9, 10, "<10"), (3, 0, "3"), (3, None, "3"), (None, 5, "–"), (float("nan"), 5, "–"),
])
def test_suppress(n, minimum, shown):
    assert suppress(n, minimum) == shown


def test_md_table_escapes_provider_text_and_keeps_its_shape():
    frame = pd.DataFrame({"centre": ["Oak | Elm <script>alert(1)</script> & `x`", "Plain"], "n": [1, 2]})
    table = md_table(frame)
    lines = table.splitlines()
    assert len(lines) == 4
    # every row has exactly the header's number of unescaped cell separators
    import re
    separators = [len(re.findall(r"(?<!\\)\|", line)) for line in lines]
    assert len(set(separators)) == 1, table
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "&amp;" in table and "\\`x\\`" in table


def test_md_table_unescaped_columns_still_cannot_break_the_table():
    import re
    table = md_table([["a | b", "✔ Met"]], ["x", "y"], escape=[False, False])
    assert [len(re.findall(r"(?<!\\)\|", line)) for line in table.splitlines()] == [3, 3, 3]


def test_empty_table_and_banner():
    assert md_table([], ["a"]) == "_None._"
    assert SYNTHETIC_NOTICE in banner(True)
    assert banner(False) == ""


def test_kpi_svg_is_safe_and_describes_itself():
    from ccassure.reports.svgcharts import kpi_trends_svg

    frame = pd.DataFrame({"kpi_id": ["K1"] * 3 + ["K2"], "title": ["Reach <b>&</b>"] * 3 + ["Other"],
                          "period": ["2025Q1", "2025Q2", "2025Q3", "2025Q1"], "value": [50.0, None, 70.0, 3.0],
                          "target": [60.0] * 4, "rag": ["red", "not_evaluable", "green", "amber"]})
    svg = kpi_trends_svg(frame)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<b>" not in svg and "Reach &lt;b&gt;&amp;&lt;/b&gt;" in svg
    desc = svg.split("<desc>", 1)[1].split("</desc>", 1)[0]
    assert "2025Q1 50 (red)" in desc and "2025Q2 no value" in desc and "2025Q3 70 (green)" in desc
    # RAG shown by marker shape as well as colour (triangle red, circle green, diamond amber)
    assert "<circle" in svg and "<polygon" in svg and "off target" in svg
    assert kpi_trends_svg(frame.iloc[0:0]) == ""


def test_status_svg_uses_pattern_symbol_and_count_not_colour_alone():
    from ccassure.reports.svgcharts import status_by_period_svg

    frame = pd.DataFrame({"period": ["2025Q1"] * 5 + ["2025Q2"] * 2,
                          "status": ["met", "met", "not_met", "at_risk", "not_evaluable", "met", "not_applicable"]})
    svg = status_by_period_svg(frame)
    assert 'fill="url(#p-cross)"' in svg and 'fill="url(#p-diag)"' in svg and 'fill="url(#p-dots)"' in svg
    assert "✖ Not met" in svg and "✔ Met" in svg
    desc = svg.split("<desc>", 1)[1].split("</desc>", 1)[0]
    assert "2025Q1: 2 met" not in desc and "2025Q1: 1 not met, 1 at risk, 1 not evaluable, 2 met." in desc
    assert "2025Q2: 0 not met, 0 at risk, 0 not evaluable, 1 met." in desc
    assert status_by_period_svg(frame.iloc[0:0]) == ""
