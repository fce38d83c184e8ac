"""manifest.json of the results folder: who, what, when, with which rules and data (docs/results.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.results.describe import (
    WINDOW_NAMES,
    kpi_applies_to,
    kpi_summary,
    rule_applies_to,
    rule_test_summary,
)


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _rows(frame: pd.DataFrame | None, columns: Sequence[str]) -> list[dict[str, Any]]:
    if frame is None or not len(frame):
        return []
    present = [c for c in columns if c in frame.columns]
    return [{c: _text(row.get(c)) for c in columns} for row in frame[present].drop_duplicates().to_dict("records")]


def _merged(runs: Sequence[Any], table: str, key: str) -> pd.DataFrame | None:
    """A records table over every run, the latest period's row winning per key."""
    frames = [r.data.tables[table] for r in runs if table in r.data.tables and len(r.data.tables[table])]
    if not frames:
        return None
    frame = pd.concat(frames, ignore_index=True)
    return frame.drop_duplicates(subset=[key], keep="last") if key in frame.columns else frame


def validation_summaries(runs: Sequence[Any]) -> list[dict[str, Any]]:
    """The validation summary of every store submission the runs read, as kept by the store at submit time."""
    wanted: dict[str, Any] = {}
    for run in runs:
        store = run.data.store
        if store is None:
            continue
        for ids in (run.data.data_versions or {}).values():
            for sid in ids:
                wanted.setdefault(sid, store)
    providers = {}
    for run in runs:
        frame = run.data.tables.get("providers")
        if frame is not None and len(frame):
            providers.update(zip(frame["provider_id"].astype(str), frame["provider_name"].astype(str), strict=True))
    owners: dict[str, str] = {}
    for run in runs:
        centres = run.data.tables.get("centres")
        if centres is not None and len(centres):
            owners.update(zip(centres["provider_id"].astype(str), centres["authority_code"].astype(str), strict=True))
    found: dict[str, Any] = {}
    for store in {id(s): s for s in wanted.values()}.values():
        found.update(store.get_many([sid for sid, s in wanted.items() if s is store]))
    out = []
    for sid in sorted(found):
        sub = found[sid]
        if sub.dataset == "reference":
            continue
        validation = sub.validation or {}
        counts = validation.get("counts") or {}
        problems = [{k: p.get(k) for k in ("severity", "code", "sheet", "row", "column", "message", "fix")}
                    for p in validation.get("problems") or []]
        authority = sub.provider if sub.dataset == "authority_records" else owners.get(sub.provider)
        out.append({"submission_id": sid, "provider_id": sub.provider, "provider_name": providers.get(sub.provider),
                    "authority_code": authority, "dataset": sub.dataset, "period": sub.period,
                    "file_name": Path(sub.file_name).name if sub.file_name else None,
                    "submitted_at": sub.submitted_at.isoformat() if sub.submitted_at else None,
                    "counts": {"errors": int(counts.get("errors", 0) or 0),
                               "warnings": int(counts.get("warnings", 0) or 0)},
                    "sha256": sub.content_sha256, "tables": dict(sub.row_counts or {}), "problems": problems})
    return out


def _parameters(declared: dict[str, Any], values: dict[str, Any], overridden: set[str]) -> dict[str, Any]:
    return {name: {"value": values.get(name, p.default), "default": p.default, "unit": getattr(p, "unit", None),
                   "kind": getattr(p, "basis", None), "set_by": "project" if name in overridden else "rule"}
            for name, p in declared.items()}


def rule_nodes(engine: Any, project: Any) -> list[dict[str, Any]]:
    nodes = []
    overrides = project.parameters or {}
    for rule in engine.rules:
        given = overrides.get(rule.id) or {}
        values = rule.parameter_values(dict(given))
        nodes.append({
            "id": rule.id, "kind": "rule", "version": rule.version, "title": rule.title,
            "summary": rule_test_summary(rule), "applies_to": rule_applies_to(rule), "subject": rule.subject,
            "areas": list(getattr(rule, "areas", ()) or ()),
            "basis": {"citation": rule.basis.citation, "wording": rule.basis.wording, "source": rule.basis.source,
                      "kind": getattr(rule.basis, "kind", None), "note": rule.basis.note or None},
            "parameters": _parameters(rule.parameters, values, set(given)),
            "valid_from": _text(getattr(rule, "valid_from", None)), "valid_to": _text(getattr(rule, "valid_to", None)),
            "predecessor": getattr(rule, "predecessor", None), "severity": rule.effective_severity,
            "guidance": rule.guidance,
        })
    return nodes


def kpi_nodes(engine: Any, project: Any) -> list[dict[str, Any]]:
    if engine.frameworks is None:
        return []
    nodes = []
    overrides = project.parameters or {}
    for framework, kpi in engine.frameworks.kpis():
        values = framework.parameter_values(kpi, overrides)
        given = set(overrides.get(framework.id) or {}) | set(overrides.get(kpi.id) or {})
        declared = {**framework.parameters, **kpi.parameters}
        target = kpi.target.resolve(values) if kpi.target else None
        nodes.append({
            "id": kpi.id, "kind": "kpi", "version": kpi.version, "title": kpi.title_for(values),
            "summary": kpi_summary(framework, kpi, values), "applies_to": kpi_applies_to(kpi),
            "subject": "centre", "areas": list(getattr(kpi, "areas", ()) or ()),
            "basis": {"citation": None, "wording": None, "source": kpi.basis.source,
                      "kind": "policy" if kpi.basis.policy_choice else "guidance", "note": kpi.basis.note or None},
            "parameters": _parameters(declared, values, given),
            "valid_from": None, "valid_to": None, "predecessor": None,
            "framework": framework.id, "unit": kpi.unit, "direction": kpi.direction,
            "window": [WINDOW_NAMES.get(w, w) for w in kpi.windows], "target": target,
            "guidance": kpi.description or None,
        })
        nodes.append({
            "id": f"KPI-XCHECK-{kpi.id}", "kind": "kpi_crosscheck", "version": kpi.version,
            "title": f"Provider's own figure agrees with the data: {kpi.title_for(values)}",
            "summary": "the figure a provider reports for this KPI is compared with the figure recomputed from "
                       "its return", "applies_to": "each provider-reported figure", "subject": "centre",
            "areas": list(getattr(kpi, "areas", ()) or ()), "basis": None, "parameters": {},
            "valid_from": None, "valid_to": None, "predecessor": None, "framework": framework.id,
            "guidance": None,
        })
    return nodes


def build_manifest(runs: Sequence[Any], *, project: Any, engine: Any, synthetic: bool, generated_at: datetime,
                   submissions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    authorities_ref = _merged(runs, "authorities", "authority_code")
    names = {} if authorities_ref is None else dict(zip(authorities_ref["authority_code"].astype(str),
                                                        authorities_ref["authority_name"].astype(str), strict=True))
    centres = _merged(runs, "centres", "centre_id")
    providers = _merged(runs, "providers", "provider_id")
    codes = set()
    for run in runs:
        frame = run.findings.to_frame()
        codes |= {c for c in frame["authority_code"].dropna().astype(str)}
        if run.authority:
            codes.add(run.authority)
    if centres is not None:
        codes |= set(centres["authority_code"].dropna().astype(str))
    codes = {c for c in codes if c and c != "<NA>"}
    provider_rows = _rows(providers, ("provider_id", "provider_name", "authority_code"))
    known = {p["provider_id"] for p in provider_rows}
    for row in _rows(centres, ("provider_id", "authority_code")):  # providers named only on their centres
        if row["provider_id"] and row["provider_id"] not in known:
            provider_rows.append({**row, "provider_name": None})
            known.add(row["provider_id"])
    sources = {r.data.source for r in runs}
    stamps = [s["submitted_at"] for s in submissions if s.get("submitted_at")]
    return {
        "format_version": None, "generated_at": generated_at.isoformat(), "synthetic": bool(synthetic),
        "project": (project.settings or {}).get("name"),
        "source": "store" if sources == {"store"} else "data",
        "periods": [r.period.label for r in sorted(runs, key=lambda r: r.period.end)],
        "data_as_at": max(stamps) if stamps else None,
        "authorities": [{"code": code, "name": names.get(code, code), "frameworks": project.frameworks_for(code)}
                        for code in sorted(codes)],
        "providers": [{"id": p["provider_id"], "name": p["provider_name"], "authority_code": p["authority_code"]}
                      for p in sorted(provider_rows, key=lambda p: str(p["provider_id"]))],
        "centres": [{"id": c["centre_id"], "name": c["centre_name"], "type": "site" if c.get("designation") == "linked_site" else "centre",
                     "provider_id": c["provider_id"], "authority_code": c["authority_code"], "cluster": c["cluster"],
                     "parent_id": c["parent_centre_id"], "board_id": c["advisory_board_id"], "status": c["status"],
                     "designation": c["designation"]}
                    for c in _rows(centres, ("centre_id", "centre_name", "provider_id", "authority_code", "cluster",
                                             "parent_centre_id", "advisory_board_id", "status", "designation"))],
        "data_versions": [{"submission_id": s["submission_id"], "provider_id": s["provider_id"],
                           "authority_code": s["authority_code"], "period": s["period"],
                           "submitted_at": s["submitted_at"], "sha256": s["sha256"], "tables": s["tables"]}
                          for s in submissions],
        "nodes": rule_nodes(engine, project) + kpi_nodes(engine, project),
    }
