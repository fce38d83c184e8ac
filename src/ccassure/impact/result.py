"""The result of an impact assessment: frames for analysts, a notebook view, and the results folder.

The folder written by ``ccassure impact --output DIR`` (read back by :func:`load_impact` and by
reports/impact.qmd) holds ``impact.json`` (what was assessed, with which settings) and one Parquet file
(plus a CSV copy for spreadsheets) per frame below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.safe_text import csv_safe, html_safe

FRAMES = ("summary", "deciles", "areas", "wards", "lsoas", "points", "centres", "baseline", "losses", "judgements",
          "checklist")
MANIFEST = "impact.json"
COMPARED = (  # summary column -> plain label, for the side-by-side view
    ("under5_newly_beyond", "Under-fives newly beyond reach"),
    ("deprived_under5_newly_beyond", "of whom in the most deprived areas"),
    ("registered_newly_beyond", "Registered children newly beyond reach"),
    ("target_families_newly_beyond", "Target-group families newly beyond reach"),
    ("lsoas_newly_beyond", "Neighbourhoods newly beyond reach"),
    ("under5_newly_within", "Under-fives newly within reach"),
    ("mean_change", "Mean change in distance per child (m)"),
    ("p90_change", "90th percentile change in distance (m)"),
    ("worst_change", "Largest change for one neighbourhood (m)"),
)


@dataclass
class ImpactResult:
    manifest: dict[str, Any]
    summary: pd.DataFrame
    deciles: pd.DataFrame
    areas: pd.DataFrame
    lsoas: pd.DataFrame
    points: pd.DataFrame
    centres: pd.DataFrame
    baseline: pd.DataFrame
    losses: pd.DataFrame
    judgements: pd.DataFrame = field(default_factory=pd.DataFrame)
    checklist: pd.DataFrame = field(default_factory=pd.DataFrame)
    wards: pd.DataFrame = field(default_factory=pd.DataFrame)  # by electoral ward, where the data name wards

    @property
    def scenarios(self) -> list[str]:
        return [s["name"] for s in self.manifest.get("scenarios", [])]

    def side_by_side(self) -> pd.DataFrame:
        """The headline figures, one column per scenario."""
        frame = self.summary.set_index("scenario")
        rows = {label: [frame.at[s, col] if s in frame.index else None for s in self.scenarios]
                for col, label in COMPARED if col in frame.columns}
        return pd.DataFrame.from_dict(rows, orient="index", columns=self.scenarios)

    def differences(self) -> pd.DataFrame:
        """Neighbourhoods newly beyond reach in some scenarios and not others, with the scenarios that do it."""
        beyond = self.lsoas[self.lsoas["newly_beyond"].astype(bool)]
        if beyond.empty:
            return pd.DataFrame(columns=["lsoa_code", "area", "ward", "imd_decile", "under5", "scenarios",
                                         "in_every_scenario"])
        first = {c: (c, "first") for c in ("area", "ward", "imd_decile", "under5") if c in beyond.columns}
        grouped = beyond.groupby("lsoa_code", sort=True).agg(
            **first, scenarios=("scenario", lambda s: ", ".join(n for n in self.scenarios if n in set(s)))).reset_index()
        count = beyond.groupby("lsoa_code")["scenario"].nunique()
        grouped["in_every_scenario"] = grouped["lsoa_code"].map(count).eq(len(self.scenarios)).to_numpy()
        return grouped.sort_values(["in_every_scenario", "imd_decile", "under5"], ascending=[True, True, False],
                                   ignore_index=True)

    # files ------------------------------------------------------------------------------------------------
    def write(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in FRAMES:
            frame = getattr(self, name)
            frame.to_parquet(folder / f"{name}.parquet", index=False)
            csv_safe_frame(frame).to_csv(folder / f"{name}.csv", index=False)
        (folder / MANIFEST).write_text(json.dumps(self.manifest, indent=1, default=str), encoding="utf-8")
        return folder

    # notebook ---------------------------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        m = self.manifest
        head = (f"<h4>Impact of {html_safe(m.get('title'))}: {html_safe(m.get('authority_name'))}, "
                f"{html_safe(m.get('period'))}</h4><p>Reach distance "
                f"{m['parameters']['max_distance_m']:,.0f} m (straight line); data: {html_safe(m.get('source'))}.</p>")
        table = self.side_by_side().map(_cell).to_html(escape=True)
        parts = [head, table]
        if len(self.judgements):
            pivot = self.judgements.pivot_table(index="title", columns="scenario", values="status", aggfunc="first")
            pivot = pivot[[c for c in ["Current state", *self.scenarios] if c in pivot.columns]]
            parts.append("<p><b>Sufficiency and reach rules</b></p>" + pivot.to_html(escape=True))
        if len(self.checklist):
            pivot = self.checklist.pivot_table(index="question", columns="scenario", values="readiness",
                                               aggfunc="first", sort=False)
            parts.append("<p><b>Consultation readiness</b></p>" + pivot[self.scenarios].to_html(escape=True))
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"ImpactResult({self.manifest.get('title')!r}, scenarios={self.scenarios})"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(lambda v: csv_safe(v) if isinstance(v, str) else v)
    return out


def load_impact(folder: Path | str) -> ImpactResult:
    """Read a results folder written by ``ccassure impact --output``."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{folder} holds no impact assessment (no {MANIFEST}); run `ccassure impact "
                                f"PROPOSAL --output {folder}`")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") if (folder / f"{name}.parquet").is_file()
              else pd.DataFrame() for name in FRAMES}
    return ImpactResult(manifest=manifest, **frames)
