"""``assess``: every figure of a change-impact assessment, for every scenario of a proposal, in one call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ccassure.impact.checklist import describe_change, readiness
from ccassure.impact.checks import check_proposal
from ccassure.impact.figures import compute_figures
from ccassure.impact.geometry import nearest_distances, points_frame, scenario_frames
from ccassure.impact.judge import impact_rules, judge_sufficiency, reach_network, rule_parameters
from ccassure.impact.losses import centre_losses
from ccassure.impact.proposal import Proposal, read_proposal
from ccassure.impact.result import ImpactResult
from ccassure.impact.state import current_state
from ccassure.periods import Period
from ccassure.project import Project, current_project


def assess(proposal: Proposal | Path | str, *, data: Sequence[Path | str] | dict[str, pd.DataFrame] | None = None,
           period: str | Period | None = None, authority: str | None = None, project: Project | None = None,
           parameters: dict[str, Any] | None = None, judge: bool = True, rules: Any = None,
           contracts: Any = None) -> ImpactResult:
    """Assess a proposal against the current state; raises ProposalError for a proposal that cannot be used.

    ``rules`` and ``contracts`` may be passed in when assessing many proposals (they are loaded otherwise).
    """
    from ccassure.contracts import load_contracts

    project = project or current_project()
    if not isinstance(proposal, Proposal):
        proposal = read_proposal(proposal)
    state = current_state(data, project=project, authority=authority or proposal.authority, period=period)
    contracts = contracts or load_contracts(project.contracts_dir)
    rules = rules or impact_rules(project, contracts)
    parameters = project.parameters if parameters is None else parameters
    network = reach_network(rules, parameters, state.period)  # the reach rule's own sites
    counted_now = network.counts(state.centres)
    check_proposal(proposal, state.centres, counted_now)
    settings = rule_parameters(rules, parameters)
    scenarios = list(proposal.scenarios)

    points, unlocated, year = points_frame(state, settings["iod_version"])
    sites, removed, added = scenario_frames(state, scenarios, network)
    con = duckdb.connect()
    nearest_distances(con, points, sites, removed, added, len(scenarios))
    figures = compute_figures(con, points, settings["max_distance_m"], settings["most_deprived_deciles"])
    base = con.sql("SELECT i, before, nearest FROM imp_base ORDER BY i").df()
    con.close()
    names = [s.name for s in scenarios]
    for key in ("summary", "deciles", "areas", "wards", "lsoas"):
        frame = figures[key]
        frame.insert(0, "scenario", frame.pop("scenario").map(dict(enumerate(names))))
    site_ids = sites["centre_id"].tolist()
    points = points.assign(before=base["before"].to_numpy(),
                           nearest=[site_ids[int(j)] if j == j and j is not None else None for j in base["nearest"]])
    judgements = judge_sufficiency(state, scenarios, rules, contracts, parameters, changed=figures["lsoas"],
                                   points=points) if judge else pd.DataFrame()
    checklist = readiness(state, scenarios, rules, contracts, parameters) if judge else pd.DataFrame()
    manifest = {
        "format": 1, "kind": "impact", "title": proposal.title, "proposal": proposal.path,
        "synthetic": bool(proposal.synthetic), "authority_code": state.authority,
        "authority_name": state.authority_name, "period": state.period.label, "source": state.source,
        "population_year": year, "unlocated_lsoas": unlocated, "notes": state.notes,
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"), "parameters": settings,
        "scenarios": [{"name": s.name, "description": s.description,
                       "changes": [describe_change(c, state) for c in s.changes],
                       "assumptions": [{"kind": a.kind, "description": a.description, "replaces": a.replaces}
                                       for a in s.assumptions]} for s in scenarios],
    }
    centres = state.centres
    current = pd.DataFrame({"centre_id": centres["centre_id"].astype(str),
                            "centre_name": centres["centre_name"].astype(str),
                            "easting": centres["easting"], "northing": centres["northing"],
                            "in_network": counted_now, "new": False})
    if len(added):
        new = pd.DataFrame([{"centre_id": c.centre, "centre_name": c.name or c.centre, "easting": c.easting,
                             "northing": c.northing, "in_network": False, "new": True}
                            for s in scenarios for c in s.changes if c.action == "open"]).drop_duplicates("centre_id")
        current = pd.concat([current, new], ignore_index=True)
    return ImpactResult(manifest=manifest, summary=figures["summary"], deciles=figures["deciles"],
                        areas=figures["areas"], wards=figures["wards"], lsoas=figures["lsoas"], points=points,
                        centres=current,
                        baseline=figures["baseline"], losses=centre_losses(state, scenarios),
                        judgements=judgements, checklist=checklist)
