"""The current state an impact is measured against, and the state after a scenario.

The current state is read exactly as ``ccassure check`` reads it (the store, ``--data`` or the sample
data) behind :func:`read_current_tables`, the one place to swap for the engine's shared data session.
:func:`state_after` is how every scenario changes the centres table, so the rules judge the same
modified state the distance figures describe.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ccassure.impact.proposal import Scenario
from ccassure.periods import Period, parse_period
from ccassure.project import Project

TABLES = ("centres", "lsoa_population", "deprivation", "registrations", "sessions", "reach_areas", "authorities",
          "services")


@dataclass
class CurrentState:
    tables: dict[str, pd.DataFrame]
    authority: str
    period: Period
    source: str
    notes: list[str] = field(default_factory=list)

    @property
    def authority_name(self) -> str:
        names = self.tables.get("authorities")
        if names is not None and len(names):
            match = names.loc[names["authority_code"] == self.authority, "authority_name"]
            if len(match):
                return str(match.iloc[0])
        return self.authority

    @property
    def centres(self) -> pd.DataFrame:
        return self.tables["centres"]

    @cached_property
    def ids(self) -> dict[str, str]:
        """Centre id or exact name -> centre id."""
        return resolve_ids(self.centres)

    @cached_property
    def names(self) -> dict[str, str]:
        """Centre id -> centre name."""
        return dict(zip(self.centres["centre_id"].astype(str), self.centres["centre_name"].astype(str), strict=False))


def read_current_tables(data: Sequence[Path | str] | dict[str, pd.DataFrame] | None, *, project: Project,
                        authority: str | None, period: str | None) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    """Typed tables of the current state, loaded as ``ccassure check`` loads them (the engine's one data
    session: the paths given, else the store as at the period, else sample_data/)."""
    if isinstance(data, dict):
        return dict(data), "the tables given", []
    from ccassure.assessment import load_check_data

    loaded = load_check_data(list(data) if data else None, project=project, authority=authority,
                             period=parse_period(period) if period else None)
    return loaded.tables, loaded.description, list(loaded.notes)


def current_state(data: Sequence[Path | str] | dict[str, pd.DataFrame] | None, *, project: Project,
                  authority: str | None, period: str | Period | None) -> CurrentState:
    """The authority's tables as at the period (latest quarter with sessions when not given)."""
    tables, source, notes = read_current_tables(data, project=project, authority=authority,
                                                period=str(period) if period is not None else None)
    if authority is None:
        codes = sorted(set(tables.get("centres", pd.DataFrame(columns=["authority_code"]))["authority_code"]
                           .dropna().astype(str)))
        if len(codes) != 1:
            raise ValueError("the data hold centres of " + (", ".join(codes) if codes else "no authority")
                             + "; name the authority in the proposal (authority: E10000901) or with --authority")
        authority = codes[0]
    if period is None:
        from ccassure.assessment import latest_period

        period = latest_period(tables)
        if period is None:
            raise ValueError("no period given and the data hold no sessions to take the latest quarter from; "
                             "use --period 2016Q4")
    period = parse_period(period)
    scoped = {name: _for_authority(name, frame, authority, tables) for name, frame in tables.items()
              if name in TABLES}
    if "centres" in scoped:
        scoped["centres"] = scoped["centres"].drop_duplicates("centre_id", keep="last").reset_index(drop=True)
    if not len(scoped.get("centres", [])):
        raise ValueError(f"the data hold no centres for authority {authority}")
    return CurrentState(scoped, authority, period, source, notes)


def _for_authority(name: str, frame: pd.DataFrame, authority: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    if name in ("deprivation", "authorities"):
        return frame
    if "authority_code" in frame.columns:
        return frame[frame["authority_code"].astype("string") == authority].reset_index(drop=True)
    if "centre_id" in frame.columns and "centres" in tables:
        centres = tables["centres"]
        ids = set(centres.loc[centres["authority_code"].astype("string") == authority, "centre_id"].astype(str))
        return frame[frame["centre_id"].astype("string").isin(ids)].reset_index(drop=True)
    return frame


class Network:
    """Which centres count for reach: the reach rule's own definition of its sites, applied to any centres
    table (now, or after every scenario), so the impact figures and the reach rules cannot drift apart.

    ``condition`` is the parsed condition of the reach rule's sites (rules/: CA06-S5A-REACH-ALL, e.g.
    designated and open or only proposed to close); None counts every centre, as the rule would with no
    condition. The condition is run in DuckDB as the rule runs it.
    """

    def __init__(self, condition: Any, parameters: dict[str, Any], period: Period):
        self.condition = condition
        self.parameters = parameters
        self.period = period

    def counts(self, centres: pd.DataFrame) -> np.ndarray:
        """One flag per row of ``centres``: does the reach rule count it as a site."""
        if self.condition is None or not len(centres):
            return np.ones(len(centres), dtype=bool)
        columns = sorted({column for _, column in self.condition.columns} & set(centres.columns))
        frame = centres[columns].reset_index(drop=True).assign(__row=np.arange(len(centres)))
        for _, column in self.condition.columns:
            if column not in frame.columns:
                frame[column] = None
        con = duckdb.connect()
        con.register("impact_sites", pa.Table.from_pandas(frame, preserve_index=False))
        where = self.condition.sql({"centres": "c"}, self.parameters, (self.period.start, self.period.end))
        flags = con.sql(f"SELECT coalesce(({where}), FALSE) FROM impact_sites c ORDER BY __row").fetchnumpy()
        con.close()
        return np.asarray(next(iter(flags.values())), dtype=bool)


def state_after(state: CurrentState, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The tables as they would be once every change of the scenario has taken effect (all at once)."""
    centres = centres_after(state, [scenario]).drop(columns=SCENARIO)
    return {**state.tables, "centres": centres}


SCENARIO = "__scenario"


def centres_after(state: CurrentState, scenarios: list[Scenario]) -> pd.DataFrame:
    """The centres table after each scenario, stacked (column ``__scenario``: the scenario's position).

    Built in one go rather than scenario by scenario: one copy of the centres per scenario, the changes
    applied by a single merge, the centres scenarios open appended. Closures and mergers mark the centre
    closed (from the change date), de-designation ends its designation; reductions leave it as it is
    unless they fall below the definition.
    """
    centres = state.centres.reset_index(drop=True)
    n = len(scenarios)
    stacked = pd.concat([centres] * n, ignore_index=True) if n else centres.iloc[0:0].copy()
    stacked[SCENARIO] = [i for i in range(n) for _ in range(len(centres))]
    ids = state.ids
    edits, added = [], []
    for index, scenario in enumerate(scenarios):
        for change in scenario.changes:
            if change.action == "open":
                added.append({"centre_id": change.centre, "centre_name": change.name or change.centre,
                              "authority_code": state.authority, "designation": change.designation,
                              "status": "open", "open_date": pd.Timestamp(change.effective),
                              "easting": change.easting, "northing": change.northing, SCENARIO: index})
            elif change.action == "de_designate" or change.removes_centre:
                edits.append((index, ids.get(change.centre, change.centre), change.action == "de_designate",
                              pd.Timestamp(change.effective)))
    if edits:
        edit = pd.DataFrame(edits, columns=[SCENARIO, "centre_id", "__de_designate", "__effective"])
        edit = edit.drop_duplicates([SCENARIO, "centre_id"], keep="last")
        keys = pd.MultiIndex.from_arrays([stacked[SCENARIO], stacked["centre_id"].astype(str)])
        hit = pd.MultiIndex.from_arrays([edit[SCENARIO], edit["centre_id"].astype(str)])
        position = hit.get_indexer(keys)
        touched = position >= 0
        de_designated = touched.copy()
        de_designated[touched] = edit["__de_designate"].to_numpy()[position[touched]]
        closed = touched & ~de_designated
        stacked.loc[de_designated, "designation"] = "family_hub_not_designated"
        stacked.loc[closed, "status"] = "closed"
        if "close_date" in stacked.columns and closed.any():
            stacked.loc[closed, "close_date"] = edit["__effective"].to_numpy()[position[closed]]
    if added:
        extra = pd.DataFrame(added)
        for column in stacked.columns:
            if column in extra.columns and stacked[column].dtype != object:
                with contextlib.suppress(TypeError, ValueError):
                    extra[column] = extra[column].astype(stacked[column].dtype)
        stacked = pd.concat([stacked, extra], ignore_index=True).sort_values(SCENARIO, kind="stable",
                                                                             ignore_index=True)
    return stacked


def resolve_ids(centres: pd.DataFrame) -> dict[str, str]:
    """Centre id or exact centre name -> centre id (a proposal may name centres either way)."""
    lookup = {str(cid): str(cid) for cid in centres["centre_id"].dropna()}
    if "centre_name" in centres.columns:
        for cid, name in zip(centres["centre_id"], centres["centre_name"], strict=False):
            if isinstance(name, str) and name.strip():
                lookup.setdefault(name.strip(), str(cid))
    return lookup
