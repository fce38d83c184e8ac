"""How a KPI result reads in a committee paper: window, unit, direction, rating words, change, disclosure.

One place turns a KPI row into words, so that the dashboard, the scorecards, the exceptions table and
the headline sentences say the same thing. Disclosure is applied once per document over every KPI row of
the authority (:func:`protected_kpis`), so no table can show what another hides.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pandas as pd

from ccassure.reports.disclosure import (
    Cell,
    Policy,
    Rating,
    Row,
    cell_text,
    protect_hierarchy,
    protect_ratings,
)
from ccassure.reports.results import Results, parse_json, python_strings

WINDOW_WORDS = {"quarter": "quarter", "year_to_date": "year to date", "rolling_12_months": "12 months to date"}
RATING_WORDS = {"green": "● Green: on target", "amber": "◆ Amber: near target", "red": "▼ Red: off target"}
CENTRE_TYPES = ("centre", "site", "family_hub", "hub")
LEVEL_ORDER = {"authority": 0, "provider": 1, "cluster": 2, "centre": 3}


def number_or_none(value: Any) -> float | None:
    """A figure as a float; None when it is missing, NaN or not a number."""
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
    number = number_or_none(value)
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
    number = number_or_none(change)
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
    number = number_or_none(value)
    return int(number) if number is not None else None


def rating_text(row: Any, rag_shown: bool = True) -> str:
    rag = str(getattr(row, "rag", "") or "")
    if rag in RATING_WORDS:
        return RATING_WORDS[rag] if rag_shown else "Rating not shown (small numbers)"
    reason = str(getattr(row, "rating_reason", "") or "")
    if reason == "no_target":
        return "No target set"
    if reason == "too_few":
        if not rag_shown:
            return "Not rated (small numbers)"
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


CROSSCHECK_PREFIX = "KPI-XCHECK-"  # a cross-check's id in the results: this prefix, then the KPI's id


def crosschecked_kpi(rule_id: Any) -> str:
    """The id of the KPI a cross-check's figure belongs to."""
    return str(rule_id).removeprefix(CROSSCHECK_PREFIX)


def crosscheck_message(message: Any, kpi_id: str, title: Any) -> Any:
    """'reported CORE-REG-U5 = 77.9' -> 'reported “Under-fives in the reach area registered” as 77.9'."""
    if not title or not isinstance(message, str):
        return message
    return re.sub(rf"{re.escape(kpi_id)}\s*=\s*", f"“{title}” as ", message).replace(kpi_id, f"“{title}”")


def window_title(row: Any, results: Results | None = None, quarter: bool = True) -> str:
    """A measure's title with its window ('... (12 months to date)'); the quarter's named only if ``quarter``."""
    title = title_text(row, results)
    window = str(getattr(row, "window", "quarter") or "quarter")
    return title if window == "quarter" and not quarter else f"{title} ({WINDOW_WORDS.get(window, window)})"


def protected_kpis(results: Results, authority: str, policy: Policy,
                   frameworks: list[str] | None = None) -> pd.DataFrame:
    """Every KPI row of the authority (of the chosen frameworks) with what a committee paper may show of it.

    Adds ``count_text`` ("417 of 714", or with hidden parts), ``value_shown``, ``rag_shown`` and whether the
    previous quarter's or the year before's value is hidden (a change would give it back). Rows of the same
    KPI, period and window are one table: centres add up to their provider, cluster and authority, providers
    and clusters to the authority and to each other where one lies inside the other
    (:func:`_table_parents`), and secondary suppression runs over every one of those sums. A rating beside a
    hidden count is kept only where :func:`~ccassure.reports.disclosure.protect_ratings` allows it, and
    "too few to rate (fewer than N)" beside a hidden denominator only where N - 1 is at least the threshold
    (otherwise it reads "Not rated (small numbers)").
    """
    k = results.kpis_for(authority, frameworks=frameworks or None)
    if k.empty:
        return k.assign(count_text=[], value_shown=[], rag_shown=[], numerator_text=[], denominator_text=[],
                        previous_hidden=[], year_before_hidden=[])
    k = k.reset_index(drop=True)
    centres = results.centres(authority)
    provider_of = {str(c): str(p) for c, p in zip(centres["subject_id"], centres["provider_id"], strict=False)}
    cluster_of = {str(c): str(g) for c, g in zip(centres["subject_id"], centres["cluster"], strict=False)}
    n = len(k)
    num_text, den_text = [""] * n, [""] * n
    shown, rag_ok = [True] * n, [True] * n
    records = list(k[["subject_type", "subject_id", "provider_id", "cluster", "authority_code", "numerator",
                      "denominator", "target", "amber_from", "direction", "rag", "rating_reason",
                      "parameters"]].itertuples(index=False, name=None))
    for _, measure in k.groupby("kpi_id", sort=False).indices.items():
        # one KPI's every table (period x window) is protected at once: its places add up within a table,
        # and a year to date or 12 months to date adds up from its quarters (_window_parents)
        rows: list[Row] = []
        position: dict[str, int] = {}
        tables = k.iloc[measure].groupby(["period", "window"], sort=False).indices
        for (period, window), within in tables.items():
            index = [int(measure[j]) for j in within]
            members = [records[i] for i in index]
            for i, (key, parents) in zip(index, _table_parents(members, authority, provider_of, cluster_of),
                                         strict=True):
                num, den = records[i][5], records[i][6]
                rows.append(Row(_cell_key(key, window, period), Cell(number_or_none(num)),
                                Cell(number_or_none(den)),
                                [(_cell_key(parent, window, period), family) for parent, family in parents]))
                position[rows[-1].key] = i
        _window_parents(rows)
        protected = protect_hierarchy(rows, policy)
        ratings = {key: Rating(*records[position[key]][7:10]) for key in protected
                   if str(records[position[key]][10] or "") in RATING_WORDS}
        rated = protect_ratings(protected, policy, ratings)
        for key, row in protected.items():
            i = position[key]
            num_text[i], den_text[i] = cell_text(row.numerator), cell_text(row.denominator)
            shown[i] = not (row.numerator.hidden or row.denominator.hidden)
            reason, params = records[i][11:]
            if key in rated:
                rag_ok[i] = rated[key]
            elif not shown[i]:  # "too few to rate (fewer than N)" beside a hidden denominator says it is below N
                minimum = minimum_for(SimpleNamespace(parameters=params))
                rag_ok[i] = (str(reason or "") != "too_few" or not row.denominator.hidden
                             or (minimum is not None and minimum - 1 >= policy.threshold))
    out = k.assign(numerator_text=num_text, denominator_text=den_text, value_shown=shown, rag_shown=rag_ok)
    periods = sorted(out["period"].dropna().unique())
    previous_of = {p: periods[i - 1] for i, p in enumerate(periods) if i}
    hidden_at = set(zip(out["kpi_id"][~out["value_shown"]], out["subject_id"][~out["value_shown"]],
                        out["window"][~out["value_shown"]], out["period"][~out["value_shown"]], strict=True))
    keys = list(zip(out["kpi_id"], out["subject_id"], out["window"], out["period"], strict=True))
    out["previous_hidden"] = [(a, b, c, previous_of.get(p)) in hidden_at for a, b, c, p in keys]
    out["year_before_hidden"] = [(a, b, c, f"{int(str(p)[:4]) - 1}{str(p)[4:]}") in hidden_at
                                 if str(p)[:4].isdigit() else False for a, b, c, p in keys]
    out["count_text"] = [f"{n} of {d}" if d not in ("–", "0") else "–"
                         for n, d in zip(out["numerator_text"], out["denominator_text"], strict=True)]
    return python_strings(out)


def _cell_key(key: str, window: Any, period: Any) -> str:
    return f"{key}|{window}|{period}"


def _quarter_number(period: Any) -> int | None:
    text = str(period or "")
    if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
        return int(text[:4]) * 4 + int(text[5]) - 1
    return None


def _window_parents(rows: list[Row]) -> None:
    """Add the sums across windows a reader can use: a year to date is the year to date of the quarter
    before plus this quarter (the first quarter of the financial year, April to June, starts it), and 12
    months to date is the sum of its four quarters. Only the sums that hold in the figures are protected
    (protect_hierarchy checks), so a measure of distinct people over the year is not forced into one."""
    by_key = {r.key: r for r in rows}
    for r in rows:
        place, window, period = r.key.rsplit("|", 2)
        number = _quarter_number(period)
        if number is None or window not in ("year_to_date", "rolling_12_months"):
            continue
        if window == "year_to_date":
            parts = [f"{place}|quarter|{period}"]
            if number % 4 != 1:  # not April to June: the year to date of the quarter before carries on
                before = number - 1
                parts.append(f"{place}|year_to_date|{before // 4}Q{before % 4 + 1}")
        else:
            parts = [f"{place}|quarter|{q // 4}Q{q % 4 + 1}" for q in range(number - 3, number + 1)]
        for part in parts:
            if part in by_key:
                by_key[part].parents.append((r.key, f"{window} sum"))


def _table_parents(members: list[tuple], authority: str, provider_of: dict[str, str],
                   cluster_of: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each row's key and the sums it is part of, in one table (one KPI, period and window).

    Centres add up to their provider, their cluster and the authority; providers and clusters each add up
    to the authority; a cluster whose centres all belong to one provider adds up, with the provider's other
    clusters, to that provider (when they cover it), and likewise a provider inside one cluster. A provider
    and a cluster with the same centres are each the other's only part, so they are hidden together.
    """
    keys, kinds = [], []
    provider: dict[str, str] = {}
    cluster: dict[str, str] = {}
    for subject_type, sid, provider_id, cluster_name, *_ in members:
        kind = "centre" if subject_type in CENTRE_TYPES else str(subject_type)
        keys.append(f"{kind}:{sid}")
        kinds.append(kind)
        if kind == "centre":
            provider[str(sid)] = str(provider_id) if provider_id else provider_of.get(str(sid), "")
            cluster[str(sid)] = str(cluster_name) if cluster_name else cluster_of.get(str(sid), "")
    of_provider: dict[str, set[str]] = {}
    of_cluster: dict[str, set[str]] = {}
    for c in provider:
        of_provider.setdefault(provider[c], set()).add(c)
        of_cluster.setdefault(cluster[c], set()).add(c)
    present = set(keys)

    def inside(sets: dict[str, set[str]], whole: set[str]) -> list[str]:
        return [name for name, part in sets.items() if part and part <= whole]

    out = []
    for (_, sid, _, _, code, *_), key, kind in zip(members, keys, kinds, strict=True):
        top = f"authority:{code or authority}"
        sid = str(sid)
        if kind == "centre":
            parents = [(f"provider:{provider[sid]}", "centres"), (f"cluster:{cluster[sid]}", "centres"),
                       (top, "centres")]
        elif kind in ("provider", "cluster"):
            parents = [(top, f"{kind}s")]
            mine, other_sets, other_kind = ((of_provider, of_cluster, "cluster") if kind == "provider"
                                            else (of_cluster, of_provider, "provider"))
            part = mine.get(sid, set())
            for name, whole in other_sets.items():  # the other kind's rows this row lies wholly inside
                if part and part <= whole:
                    pieces = inside(mine, whole)
                    if set().union(*(mine[p] for p in pieces)) == whole and all(
                            f"{kind}:{p}" in present for p in pieces):
                        parents.append((f"{other_kind}:{name}", f"{kind}s"))
        else:
            parents = []
        out.append((key, [p for p in parents if p[0] in present and p[0] != key]))
    return out


def shown_value(row: Any) -> str:
    if not getattr(row, "value_shown", True) and number_or_none(getattr(row, "value", None)) is not None:
        return "c"
    return value_text(row.value, row.unit)


def changes_shown(row: Any) -> tuple[str, str]:
    """Changes on the previous quarter and the year before; hidden with the value (they would give it back)."""
    if not getattr(row, "value_shown", True):
        return "c", "c"
    previous = "c" if getattr(row, "previous_hidden", False) else change_text(row.change_on_previous, row.unit)
    year = "c" if getattr(row, "year_before_hidden", False) else change_text(row.change_on_year_before, row.unit)
    return previous, year
