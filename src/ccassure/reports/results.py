"""Read what ``ccassure check --output DIR`` wrote, for report documents.

A results directory holds:

- ``findings.parquet``: one row per rule, subject and period (status met / not_met / at_risk /
  not_evaluable / not_applicable), with the evidence, parameters and data versions used;
- ``kpi_results.parquet`` (optional): one row per KPI, subject and period, with its RAG rating;
- ``validation/*.json`` (optional): one summary per provider return validated;
- ``manifest.json`` (optional): ``{"synthetic": true, "authorities": {code: name}, "generated": ...}``.

Loading is tolerant: a missing KPI file or validation folder gives empty tables, so a report says
"no KPI results" instead of failing. Results are cached per directory (keyed on file modification times),
so a warm kernel rendering 150 authorities reads them once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.areas import AREAS

FINDING_COLUMNS = ["rule_id", "rule_version", "title", "subject_type", "subject_id", "subject_name",
                   "authority_code", "provider_id", "period", "status", "reason", "observed", "threshold", "message",
                   "evidence", "evidence_total", "parameters", "data_versions", "severity", "citation", "guidance"]
KPI_COLUMNS = ["framework", "kpi_id", "kpi_version", "title", "subject_type", "subject_id", "authority_code",
               "period", "numerator", "denominator", "value", "unit", "target", "rag", "direction",
               "change_on_previous"]
CENTRE_TYPES = ("centre", "site", "family_hub", "hub")

INSPECTION_AREAS = AREAS  # the one registry: ccassure.areas


@dataclass
class Results:
    directory: Path
    findings: pd.DataFrame
    kpis: pd.DataFrame
    validations: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    kpi_findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    _records: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def synthetic(self) -> bool | None:
        """What manifest.json says (None when it does not say: the renderer then asks the project)."""
        value = self.manifest.get("synthetic")
        return None if value is None else bool(value)

    @property
    def has_kpis(self) -> bool:
        return not self.kpis.empty

    # --- who is in the results -------------------------------------------------------------------------
    def authorities(self) -> list[str]:
        codes = set(self.findings["authority_code"].dropna().astype(str))
        codes |= set(self.kpis["authority_code"].dropna().astype(str)) if self.has_kpis else set()
        listed = self.manifest.get("authorities") or {}
        codes |= ({str(a.get("code")) for a in listed if isinstance(a, dict) and a.get("code")}
                  if isinstance(listed, list) else set(map(str, listed.keys())))
        return sorted(codes)

    def authority_name(self, code: str) -> str:
        names = self.manifest.get("authorities") or {}
        if isinstance(names, list):  # format 2: [{code, name, frameworks}]
            names = {str(a.get("code")): a.get("name") for a in names if isinstance(a, dict) and a.get("name")}
        if code in names:
            return str(names[code])
        own = self.findings[(self.findings["subject_type"] == "authority") & (self.findings["subject_id"] == code)]
        named = own["subject_name"].dropna()
        return str(named.iloc[0]) if len(named) else code

    def centres(self, authority: str | None = None) -> pd.DataFrame:
        """One row per centre or site judged: subject_id, subject_name, provider_id, authority_code."""
        f = self.findings[self.findings["subject_type"].isin(CENTRE_TYPES)]
        if authority:
            f = f[f["authority_code"] == authority]
        cols = ["subject_id", "subject_name", "provider_id", "authority_code", "subject_type"]
        return (f[cols].drop_duplicates("subject_id").sort_values(["authority_code", "subject_name", "subject_id"])
                .reset_index(drop=True))

    def providers(self, authority: str | None = None) -> list[str]:
        f = self.findings if not authority else self.findings[self.findings["authority_code"] == authority]
        found = set(f["provider_id"].dropna().astype(str))
        # returns validated for this authority (its own records too, filed under the authority code)
        found |= {str(v.get("provider")) for v in self.validations if v.get("provider")
                  and (not authority or v.get("authority_code") == authority)}
        return sorted(found)

    def periods(self) -> list[str]:
        values = set(self.findings["period"].dropna().astype(str))
        if self.has_kpis:
            values |= set(self.kpis["period"].dropna().astype(str))
        return sorted(values)

    def latest_period(self) -> str | None:
        periods = self.periods()
        return periods[-1] if periods else None

    # --- slices -----------------------------------------------------------------------------------------
    def findings_for(self, authority: str | None = None, subject: str | None = None,
                     period: str | None = None) -> pd.DataFrame:
        f = self.findings
        if authority:
            f = f[f["authority_code"] == authority]
        if subject:
            f = f[f["subject_id"] == subject]
        if period:
            f = f[f["period"] == period]
        return f

    def kpis_for(self, authority: str | None = None, subject: str | None = None) -> pd.DataFrame:
        k = self.kpis
        if k.empty:
            return k
        if authority:
            k = k[k["authority_code"] == authority]
        if subject:
            k = k[k["subject_id"] == subject]
        return k

    def nodes(self) -> dict[str, dict[str, Any]]:
        """Every rule, KPI and cross-check evaluated, by id (manifest ``nodes``)."""
        return {str(n.get("id")): n for n in self.manifest.get("nodes") or () if isinstance(n, dict) and n.get("id")}

    def areas_of(self, node_id: str) -> tuple[str, ...]:
        """The inspection areas a rule or KPI declares (``areas:`` in its file), as the manifest records them."""
        return tuple(str(a) for a in (self.nodes().get(str(node_id)) or {}).get("areas") or () if str(a) in AREAS)

    def record(self, table: str) -> pd.DataFrame:
        """An authority-records table as at the latest period checked (``records/<table>.parquet``); an
        empty table when it was not supplied (the report then says so)."""
        if table not in self._records:
            path = self.directory / "records" / f"{table}.parquet"
            self._records[table] = pd.read_parquet(path) if path.is_file() else pd.DataFrame()
        return self._records[table]

    def provider_name(self, provider_id: str | None) -> str:
        """The provider's name (manifest ``providers``, else the providers record), else its id."""
        for entry in self.manifest.get("providers") or ():
            if isinstance(entry, dict) and str(entry.get("id")) == str(provider_id) and entry.get("name"):
                return str(entry["name"])
        providers = self.record("providers")
        if {"provider_id", "provider_name"} <= set(providers.columns):
            named = providers.loc[providers["provider_id"].astype(str) == str(provider_id), "provider_name"].dropna()
            if len(named):
                return str(named.iloc[0])
        return "" if provider_id is None else str(provider_id)

    def validations_for(self, provider: str | None = None, providers: list[str] | None = None) -> list[dict]:
        wanted = {provider} if provider else (set(providers) if providers is not None else None)
        return [v for v in self.validations if wanted is None or str(v.get("provider")) in wanted]


def _read_parquet(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=columns)
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    for column in ("authority_code", "subject_id", "subject_type", "period", "status", "rag", "provider_id",
                   "rule_id", "kpi_id"):
        if column in frame.columns:
            frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
            frame[column] = frame[column].map(lambda v: v if v is None else str(v))
    return frame


def _read_validations(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            data = {"file": path.name, "unreadable": str(exc), "problems": []}
        if isinstance(data, dict):
            data.setdefault("file", data.get("source") or path.name)
            data.setdefault("provider", data.get("provider_id") or path.stem)
            data.setdefault("problems", [])
            data.setdefault("counts", {})
            found.append(data)
    return found


_CACHE: dict[tuple, Results] = {}


def _signature(directory: Path) -> tuple:
    parts = []
    for name in ("findings.parquet", "kpi_results.parquet", "kpi_findings.parquet", "manifest.json", "validation"):
        path = directory / name
        parts.append((name, path.stat().st_mtime_ns if path.exists() else None))
    if (directory / "validation").is_dir():
        parts.extend((p.name, p.stat().st_mtime_ns) for p in sorted((directory / "validation").glob("*.json")))
    return (str(directory), tuple(parts))


def load_results(results_dir: str | Path) -> Results:
    """The findings, KPI results, validation summaries and manifest in ``results_dir`` (cached)."""
    directory = Path(results_dir).expanduser().resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"No results directory at {directory}: run `ccassure check --output {directory}` first.")
    key = _signature(directory)
    if key in _CACHE:
        return _CACHE[key]
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    kpis = _read_parquet(directory / "kpi_results.parquet", KPI_COLUMNS)
    if "window" in kpis.columns and (kpis["window"] == "quarter").any():
        # reports show quarterly values; year-to-date and rolling windows stay in the files
        kpis = kpis[kpis["window"] == "quarter"].reset_index(drop=True)
    results = Results(directory=directory,
                      findings=_read_parquet(directory / "findings.parquet", FINDING_COLUMNS),
                      kpis=kpis,
                      kpi_findings=_read_parquet(directory / "kpi_findings.parquet", FINDING_COLUMNS),
                      validations=_read_validations(directory / "validation"),
                      manifest=manifest if isinstance(manifest, dict) else {})
    _CACHE.clear()
    _CACHE[key] = results
    return results


def parse_json(value: Any, default: Any = None) -> Any:
    """A JSON text column (evidence, parameters, data_versions) as Python; bad JSON gives ``default``."""
    if value is None or (isinstance(value, float) and value != value):
        return default
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(str(value))
    except ValueError:
        return default


def inspection_area(node: dict[str, Any] | None) -> str | None:
    """The inspection area a rule or KPI is shown under: the first of the ``areas`` its file declares
    (manifest ``nodes[].areas``); None when it declares none (never guessed from its title)."""
    for area in (node or {}).get("areas") or ():
        if str(area) in AREAS:
            return str(area)
    return None
