"""Per-centre targets (authority records, ``centre_targets``) that replace the framework target for one
centre, one KPI and a quarter or financial year: the centre is rated against its own target and the row says
so (``target_source = centre_target``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ccassure.periods import parse_period


def _covers(label: str, quarter: str) -> bool:
    """Whether a target's period (a quarter or a financial year) covers a result's end quarter."""
    try:
        period, end = parse_period(label), parse_period(quarter)
    except ValueError:
        return False
    return period.start <= end.start and end.end <= period.end


def apply_centre_targets(results: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame:
    """Re-rate centre rows that have a centre target; other rows are returned unchanged."""
    if targets is None or not len(targets) or not len(results):
        return results
    out = results.copy()
    wanted = {(str(r.centre_id), str(r.kpi_id)): [] for r in targets.itertuples()}
    for r in targets.itertuples():
        if pd.notna(r.target):
            wanted[(str(r.centre_id), str(r.kpi_id))].append((str(r.period), float(r.target)))
    keys = pd.Series(list(zip(out["subject_id"].astype(str), out["kpi_id"].astype(str), strict=True)),
                     index=out.index)
    centre_rows = np.flatnonzero(((out["subject_type"] == "centre") & keys.isin(list(wanted))).to_numpy())
    for i in centre_rows:
        row = out.iloc[i]
        choices = [t for label, t in wanted.get((str(row["subject_id"]), str(row["kpi_id"])), ())
                   if _covers(label, str(row["period"]))]
        if not choices:
            continue
        target = choices[-1]
        amber = row["amber_from"]
        higher = row["direction"] == "higher"
        if pd.notna(amber) and ((higher and amber > target) or (not higher and amber < target)):
            amber = np.nan  # the framework's amber band lies beyond this centre's own target
        out.iat[i, out.columns.get_loc("target")] = target
        out.iat[i, out.columns.get_loc("amber_from")] = amber
        out.iat[i, out.columns.get_loc("target_source")] = "centre_target"
        value, reason = row["value"], row["rating_reason"]
        if reason in ("too_few", "no_data") or pd.isna(value):
            continue
        met = value >= target - 1e-9 if higher else value <= target + 1e-9
        near = pd.notna(amber) and (value >= amber - 1e-9 if higher else value <= amber + 1e-9)
        out.iat[i, out.columns.get_loc("rag")] = "green" if met else "amber" if near else "red"
        out.iat[i, out.columns.get_loc("rating_reason")] = None
    return out
