"""Python check for CA06-S1-GAP: has the gap between advantaged and disadvantaged children widened in N
consecutive years? (A trend over years is beyond the test vocabulary.)"""

from __future__ import annotations

from ccassure.rules import check


@check("inequality_gap_trend")
def inequality_gap_trend(ctx):
    metric = ctx.params.get("metric", "gld_percent")
    runs = int(ctx.params.get("consecutive_years", 2))
    data = ctx.table("outcome_metrics")
    data = data[(data["metric"] == metric) & (data["year"] <= ctx.period.end.year)
                & data["group"].isin(["advantaged", "disadvantaged"])]
    wide = data.pivot_table(index=["authority_code", "year"], columns="group", values="value", aggfunc="first")
    by_authority = dict(iter(wide.groupby(level="authority_code"))) if len(wide) else {}
    results = []
    for authority in ctx.subjects["__subject_id"]:
        rows = by_authority.get(authority)
        if rows is None or not {"advantaged", "disadvantaged"} <= set(rows.columns):
            results.append({"subject_id": authority, "outcome": "missing",
                            "detail": f"no {metric} rows for both groups"})
            continue
        gaps = (rows["advantaged"] - rows["disadvantaged"]).dropna()
        gaps.index = [int(year) for _, year in gaps.index]
        gaps = gaps.sort_index()
        years = list(gaps.index)
        evidence = [{"table": "outcome_metrics", "keys": {"authority_code": authority, "metric": metric,
                                                           "year": year, "group": group}}
                    for year in years[-(runs + 1):] for group in ("advantaged", "disadvantaged")]
        if len(gaps) < runs + 1:
            results.append({"subject_id": authority, "outcome": "missing", "evidence": evidence,
                            "detail": f"{len(gaps)} year(s) with both groups"})
            continue
        recent = gaps.iloc[-(runs + 1):]
        widening = all(later > earlier for earlier, later in zip(recent, recent.iloc[1:], strict=False))
        trend = ", ".join(f"{year}: {gap:.1f}" for year, gap in zip(years[-(runs + 1):], recent, strict=True))
        results.append({"subject_id": authority, "outcome": "warn" if widening else "pass",
                        "observed": f"{recent.iloc[-1]:.1f} points", "threshold": f"not widening {runs} years running",
                        "evidence": evidence, "detail": f"gap by year {trend}"})
    return results
