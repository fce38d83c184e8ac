"""How a KPI result reads in a committee paper: window, unit, direction, rating words, change, disclosure.

One place turns a KPI row into words, so that the dashboard, the scorecards, the exceptions table and
the headline sentences say the same thing. Disclosure is applied once per document over every KPI row of
the authority (:func:`protected_kpis`), so no table can show what another hides.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ccassure.reports.disclosure import Cell, Policy, Row, cell_text, protect_hierarchy
from ccassure.reports.results import Results, parse_json

WINDOW_WORDS = {"quarter": "quarter", "year_to_date": "year to date", "rolling_12_months": "12 months to date"}
RATING_WORDS = {"green": "● Green: on target", "amber": "◆ Amber: near target", "red": "▼ Red: off target"}
LEVEL_ORDER = {"authority": 0, "provider": 1, "cluster": 2, "centre": 3}


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def unit_kind(unit: Any) -> str:
    unit = str(unit or "").strip().lower()
    if unit in ("percent", "%", "pct", "percentage"):
        return "percent"
    if unit in ("points", "percentage_points", "pp"):
        return "points"
    return unit or "count"


def value_text(value: Any, unit: Any) -> str:
    number = _num(value)
    if number is None:
        return "–"
    kind = unit_kind(unit)
    if kind == "percent":
        return f"{number:.1f}%"
    if kind == "points":
        return f"{number:.1f} points"
    if kind == "average":
        return f"{number:,.1f} on average"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"


def change_text(change: Any, unit: Any) -> str:
    number = _num(change)
    if number is None:
        return "–"
    sign = "+" if number > 0.05 else ("−" if number < -0.05 else "±")
    kind = unit_kind(unit)
    suffix = " pp" if kind == "percent" else (" points" if kind == "points" else "")
    return f"{sign}{abs(number):.1f}{suffix}"


def direction_words(direction: Any) -> str:
    return "lower is better" if str(direction or "").lower().startswith("lower") else "higher is better"


def minimum_for(row: Any) -> int | None:
    params = parse_json(getattr(row, "parameters", None), {})
    value = params.get("min_denominator") if isinstance(params, dict) else None
    if isinstance(value, dict):
        value = value.get("value")
    number = _num(value)
    return int(number) if number is not None else None


def rating_text(row: Any, rag_shown: bool = True) -> str:
    rag = str(getattr(row, "rag", "") or "")
    if rag in RATING_WORDS:
        return RATING_WORDS[rag] if rag_shown else "Rating not shown (small numbers)"
    reason = str(getattr(row, "rating_reason", "") or "")
    if reason == "no_target":
        return "No target set"
    if reason == "too_few":
        minimum = minimum_for(row)
        return f"Too few to rate (fewer than {minimum})" if minimum else "Too few to rate"
    if reason == "no_data":
        return "No data"
    return "Not rated"


def target_text(row: Any) -> str:
    target = value_text(getattr(row, "target", None), getattr(row, "unit", None))
    if target != "–" and str(getattr(row, "target_source", "") or "") == "centre_target":
        return f"{target} (centre's own target)"
    return target


def title_text(row: Any, results: Results | None = None) -> str:
    node = results.node(str(row.kpi_id)) if results is not None else {}
    return str(node.get("title") or row.title or row.kpi_id)


def protected_kpis(results: Results, authority: str, policy: Policy) -> pd.DataFrame:
    """Every KPI row of the authority with what a committee paper may show of it.

    Adds ``count_text`` ("417 of 714", or with hidden parts), ``value_shown`` and ``rag_shown``. Rows of the
    same KPI, period and window are one table: centres add up to their provider and cluster, providers to
    the authority, and secondary suppression runs over that tree.
    """
    k = results.kpis_for(authority)
    if k.empty:
        return k.assign(count_text=[], value_shown=[], rag_shown=[], numerator_text=[], denominator_text=[])
    centres = results.centres(authority).set_index("subject_id")
    out = k.copy()
    num_text, den_text, shown, rag_ok = {}, {}, {}, {}
    for _, group in k.groupby(["kpi_id", "period", "window"], sort=False):
        rows: list[Row] = []
        index_of: dict[str, Any] = {}
        for idx, r in group.iterrows():
            key = f"{r.subject_type}:{r.subject_id}"
            parents: list[str] = []
            if r.subject_type in ("centre", "site", "family_hub", "hub"):
                provider = r.provider_id or (centres["provider_id"].get(r.subject_id) if r.subject_id in centres.index
                                             else None)
                cluster = r.cluster or (centres["cluster"].get(r.subject_id) if r.subject_id in centres.index else None)
                parents = [f"provider:{provider}", f"cluster:{cluster}"]
            elif r.subject_type == "provider":
                parents = [f"authority:{r.authority_code}"]
            rows.append(Row(key, Cell(_num(r.numerator)), Cell(_num(r.denominator)), parents))
            index_of[key] = idx
        protected = protect_hierarchy(rows, policy)
        for key, row in protected.items():
            idx = index_of[key]
            num_text[idx], den_text[idx] = cell_text(row.numerator), cell_text(row.denominator)
            shown[idx] = not (row.numerator.hidden or row.denominator.hidden)
            source = k.loc[idx]
            rag_ok[idx] = policy.rag_shown(source.numerator, source.denominator, source.target, source.amber_from,
                                           source.direction, row.numerator.hidden, row.denominator.hidden)
    out["numerator_text"] = pd.Series(num_text)
    out["denominator_text"] = pd.Series(den_text)
    out["value_shown"] = pd.Series(shown).astype(bool)
    out["rag_shown"] = pd.Series(rag_ok).astype(bool)
    periods = sorted(out["period"].dropna().unique())
    hidden_at = {(r.kpi_id, r.subject_id, r.window, r.period) for r in out.itertuples() if not r.value_shown}

    def earlier(period: str, step: int) -> str | None:
        i = periods.index(period) if period in periods else -1
        return periods[i - step] if i - step >= 0 else None

    out["previous_hidden"] = [(r.kpi_id, r.subject_id, r.window, earlier(r.period, 1)) in hidden_at
                              for r in out.itertuples()]
    out["year_before_hidden"] = [(r.kpi_id, r.subject_id, r.window, f"{int(str(r.period)[:4]) - 1}{str(r.period)[4:]}")
                                 in hidden_at if str(r.period)[:4].isdigit() else False for r in out.itertuples()]
    out["count_text"] = [f"{n} of {d}" if d not in ("–", "0") else "–"
                         for n, d in zip(out["numerator_text"], out["denominator_text"], strict=True)]
    return out


def shown_value(row: Any) -> str:
    if not getattr(row, "value_shown", True) and _num(getattr(row, "value", None)) is not None:
        return "c"
    return value_text(row.value, row.unit)


def changes_shown(row: Any) -> tuple[str, str]:
    """Changes on the previous quarter and the year before; hidden with the value (they would give it back)."""
    if not getattr(row, "value_shown", True):
        return "c", "c"
    previous = "c" if getattr(row, "previous_hidden", False) else change_text(row.change_on_previous, row.unit)
    year = "c" if getattr(row, "year_before_hidden", False) else change_text(row.change_on_year_before, row.unit)
    return previous, year
