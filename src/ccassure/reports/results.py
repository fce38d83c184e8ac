"""The one reader of the results folder that ``ccassure check`` writes (format 2, see docs/results.md).

Every report document reads results through this module and nothing else: never the rule files, never
guessed field names. Loading is tolerant of missing optional files (an absent KPI file, validation folder
or ``records/`` table gives an empty table, which a report words as "not supplied"), and it refuses a
format major version it does not know, so an old report never misreads a newer folder.

A folder with no ``format_version`` is read as format 1 (what ``make report`` wrote before the writer
existed): names then come from the findings, and KPI windows are mapped to the format-2 words.

Results are cached per directory (keyed on file modification times), so a warm kernel rendering 150
authorities reads them once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccassure.areas import AREAS
from ccassure.result_columns import KPI_RESULT_COLUMNS, RESULTS_FINDING_COLUMNS

SUPPORTED_MAJOR = 2
FINDING_COLUMNS = list(RESULTS_FINDING_COLUMNS)  # the one definition: ccassure.result_columns
KPI_COLUMNS = list(KPI_RESULT_COLUMNS)
CENTRE_TYPES = ("centre", "site", "family_hub", "hub")
WINDOWS = ("quarter", "year_to_date", "rolling_12_months")
_WINDOW_ALIASES = {"ytd": "year_to_date", "r12": "rolling_12_months", "rolling12": "rolling_12_months",
                   "q": "quarter", "quarterly": "quarter"}
RECORD_TABLES = ("centres", "providers", "boards", "board_members", "inspections", "actions", "service_changes",
                 "self_evaluations", "centre_targets", "comparators")
_TEXT_COLUMNS = ("authority_code", "subject_id", "subject_type", "period", "status", "rag", "provider_id",
                 "rule_id", "kpi_id", "window", "framework", "reason", "rating_reason", "cluster")

INSPECTION_AREAS = AREAS  # the one registry: ccassure.areas


class ResultsFormatError(ValueError):
    """The folder was written in a results format this version of ccassure cannot read."""


@dataclass
class Results:
    directory: Path
    findings: pd.DataFrame
    kpis: pd.DataFrame
    validations: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    kpi_findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    records: dict[str, pd.DataFrame] = field(default_factory=dict)
    _memo: dict[tuple, Any] = field(default_factory=dict, repr=False)

    def _memoised(self, key: tuple, build: Any) -> Any:
        """Derived tables are built once per loaded folder (a warm kernel renders many documents)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    # --- the manifest ------------------------------------------------------------------------------------
    @property
    def format_version(self) -> str:
        return str(self.manifest.get("format_version") or "1.0")

    @property
    def synthetic(self) -> bool | None:
        """What manifest.json says (None when it does not say: the renderer then asks the project)."""
        value = self.manifest.get("synthetic")
        return None if value is None else bool(value)

    @property
    def generated_at(self) -> str | None:
        return self.manifest.get("generated_at") or self.manifest.get("generated")

    @property
    def data_as_at(self) -> str | None:
        return self.manifest.get("data_as_at")

    @property
    def has_kpis(self) -> bool:
        return not self.kpis.empty

    def _authority_entries(self) -> dict[str, dict[str, Any]]:
        raw = self.manifest.get("authorities") or {}
        if isinstance(raw, dict):  # format 1: {code: name}
            return {str(k): {"code": str(k), "name": str(v)} for k, v in raw.items()}
        return {str(a.get("code")): dict(a) for a in raw if isinstance(a, dict) and a.get("code")}

    def authorities(self) -> list[str]:
        codes = set(self._authority_entries())
        codes |= set(self.findings["authority_code"].dropna().astype(str))
        codes |= set(self.kpis["authority_code"].dropna().astype(str)) if self.has_kpis else set()
        return sorted(codes)

    def authority_name(self, code: str) -> str:
        entry = self._authority_entries().get(str(code))
        if entry and entry.get("name"):
            return str(entry["name"])
        own = self.findings[(self.findings["subject_type"] == "authority") & (self.findings["subject_id"] == code)]
        named = own["subject_name"].dropna()
        return str(named.iloc[0]) if len(named) else str(code)

    def frameworks(self, authority: str) -> list[str]:
        """The KPI frameworks reported for an authority (the manifest's choice; every one present if unsaid)."""
        entry = self._authority_entries().get(str(authority)) or {}
        chosen = entry.get("frameworks")
        if isinstance(chosen, list) and chosen:
            return [str(f) for f in chosen]
        k = self.kpis_for(authority)
        present = sorted(k["framework"].dropna().astype(str).unique()) if len(k) else []
        # format 1 recorded no choice: apply the project default (core only) when core was evaluated
        return ["CORE"] if "CORE" in present else present

    def nodes(self) -> dict[str, dict[str, Any]]:
        """Every rule, KPI and cross-check in the manifest, by id."""
        return self._memoised(("nodes",), lambda: {str(n.get("id")): n for n in self.manifest.get("nodes") or []
                                                   if isinstance(n, dict) and n.get("id")})

    def node(self, node_id: str) -> dict[str, Any]:
        return self.nodes().get(str(node_id), {})

    def areas_of(self, node_id: str) -> tuple[str, ...]:
        """The inspection areas a rule or KPI declares (``areas:`` in its file), as the manifest records them."""
        return tuple(str(a) for a in self.node(node_id).get("areas") or () if str(a) in AREAS)

    # --- providers and centres ------------------------------------------------------------------------------
    def provider_table(self, authority: str | None = None) -> pd.DataFrame:
        """id, name, authority_code of the organisations that run centres (never the authority itself)."""
        frame = self._memoised(("providers",), lambda: self._provider_table(None))
        if authority:
            frame = frame[frame["authority_code"] == str(authority)]
        return frame.reset_index(drop=True).copy()

    def _provider_table(self, authority: str | None) -> pd.DataFrame:
        listed = [p for p in self.manifest.get("providers") or [] if isinstance(p, dict) and p.get("id")]
        if listed:
            frame = pd.DataFrame([{"id": str(p["id"]), "name": str(p.get("name") or p["id"]),
                                   "authority_code": str(p.get("authority_code") or "")} for p in listed])
        else:
            records = self.record("providers")
            if len(records) and "provider_id" in records.columns:
                frame = pd.DataFrame({"id": records["provider_id"].astype(str),
                                      "name": records.get("provider_name", records["provider_id"]).astype(str),
                                      "authority_code": records.get("authority_code", "").astype(str)})
            else:  # format 1: the providers that findings and KPI results name
                frame = self._providers_from_rows()
        frame = frame.drop_duplicates("id")
        if authority:
            frame = frame[frame["authority_code"] == str(authority)]
        return python_strings(frame.sort_values(["name", "id"]).reset_index(drop=True))

    def _providers_from_rows(self) -> pd.DataFrame:
        rows = []
        if self.has_kpis:
            own = self.kpis[self.kpis["subject_type"] == "provider"]
            rows += [{"id": r.subject_id, "name": r.subject_name or r.subject_id, "authority_code": r.authority_code}
                     for r in own.drop_duplicates("subject_id").itertuples()]
        known = {r["id"] for r in rows}
        centre_rows = self.findings[self.findings["subject_type"].isin(CENTRE_TYPES)]
        for r in centre_rows.dropna(subset=["provider_id"]).drop_duplicates("provider_id").itertuples():
            if r.provider_id not in known and r.provider_id != r.authority_code:
                rows.append({"id": r.provider_id, "name": r.provider_id, "authority_code": r.authority_code})
        return pd.DataFrame(rows, columns=["id", "name", "authority_code"])

    def providers(self, authority: str | None = None) -> list[str]:
        return self.provider_table(authority)["id"].tolist()

    def provider_name(self, provider_id: Any) -> str:
        if provider_id is None or (isinstance(provider_id, float) and provider_id != provider_id):
            return ""
        names = self._memoised(("provider_names",), self._provider_names)
        return str(names.get(str(provider_id), provider_id))

    def _provider_names(self) -> dict[str, str]:
        every = self.provider_table()
        return dict(zip(every["id"], every["name"], strict=False))

    def centres(self, authority: str | None = None) -> pd.DataFrame:
        """One row per centre or site: subject_id, subject_name, provider_id, provider_name, cluster,
        authority_code, subject_type, status."""
        return self._memoised(("centres", authority), lambda: self._centres(authority)).copy()

    def _centres(self, authority: str | None) -> pd.DataFrame:
        listed = [c for c in self.manifest.get("centres") or [] if isinstance(c, dict) and c.get("id")]
        if listed:
            frame = pd.DataFrame([{"subject_id": str(c["id"]), "subject_name": str(c.get("name") or c["id"]),
                                   "provider_id": c.get("provider_id"), "authority_code": str(c.get("authority_code") or ""),
                                   "subject_type": str(c.get("type") or "centre"), "cluster": c.get("cluster"),
                                   "status": c.get("status"), "board_id": c.get("board_id")} for c in listed])
        else:
            f = self.findings[self.findings["subject_type"].isin(CENTRE_TYPES)]
            frame = f[["subject_id", "subject_name", "provider_id", "authority_code", "subject_type"]].drop_duplicates(
                "subject_id").copy()
            frame["cluster"] = frame["subject_id"].map(self._clusters_from_kpis())
            frame["status"] = None
            frame["board_id"] = None
        if authority:
            frame = frame[frame["authority_code"] == str(authority)]
        frame = frame.assign(provider_name=frame["provider_id"].map(self.provider_name))
        return python_strings(frame.sort_values(["authority_code", "subject_name", "subject_id"]).reset_index(drop=True))

    def _clusters_from_kpis(self) -> dict[str, str]:
        if not self.has_kpis or "cluster" not in self.kpis.columns:
            return {}
        own = self.kpis[(self.kpis["subject_type"] == "centre") & self.kpis["cluster"].notna()]
        return dict(zip(own["subject_id"], own["cluster"], strict=False))

    def centre_info(self, centre_id: str) -> dict[str, Any]:
        """The manifest's entry for a centre or site (``{id, name, type, provider_id, board_id, parent_id,
        ...}``), or ``{}`` when the manifest does not list it."""
        for entry in self.manifest.get("centres") or ():
            if isinstance(entry, dict) and str(entry.get("id")) == str(centre_id):
                return entry
        return {}

    def centre_name(self, centre_id: str) -> str:
        names = self._memoised(("centre_names",), lambda: dict(zip(self._centres(None)["subject_id"],
                                                                   self._centres(None)["subject_name"], strict=False)))
        return str(names.get(str(centre_id), centre_id))

    # --- periods ---------------------------------------------------------------------------------------------
    def periods(self) -> list[str]:
        listed = [str(p) for p in self.manifest.get("periods") or []]
        values = set(listed) | set(self.findings["period"].dropna().astype(str))
        if self.has_kpis:
            values |= set(self.kpis["period"].dropna().astype(str))
        return sorted(values)

    def latest_period(self) -> str | None:
        periods = [p for p in self.periods() if "Q" in p] or self.periods()
        return periods[-1] if periods else None

    # --- slices ----------------------------------------------------------------------------------------------
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

    def kpis_for(self, authority: str | None = None, subject: str | None = None,
                 window: str | None = None, frameworks: list[str] | None = None) -> pd.DataFrame:
        k = self.kpis
        if k.empty:
            return k
        if authority:
            k = k[k["authority_code"] == authority]
        if subject:
            k = k[k["subject_id"] == subject]
        if window:
            k = k[k["window"] == window]
        if frameworks is not None:
            k = k[k["framework"].isin(frameworks)]
        return k

    def record(self, table: str) -> pd.DataFrame:
        """An authority records table from ``records/`` (empty when not supplied)."""
        return self.records.get(table, pd.DataFrame())

    def validations_for(self, provider: str | None = None, providers: list[str] | None = None,
                        authority: str | None = None) -> list[dict]:
        wanted = {provider} if provider else (set(providers) if providers is not None else None)
        found = []
        for v in self.validations:
            if authority and str(v.get("authority_code")) != str(authority):
                continue
            if wanted is not None and str(v.get("provider")) not in wanted:
                continue
            found.append(v)
        return found


def python_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as plain Python strings (None when missing): pandas' arrow-backed text
    is slow to iterate row by row and to compare cell by cell, which is how the report sections read it."""
    text = [c for c in frame.columns if str(frame[c].dtype) in ("str", "large_string[pyarrow]")
            or str(frame[c].dtype).startswith("string")]
    if not text:
        return frame
    frame = frame.copy()
    for column in text:
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return frame


def _read_table(path: Path) -> pd.DataFrame:
    """A results table with its text columns as plain Python strings, straight from Arrow (converting pandas'
    arrow-backed text afterwards cost several times the read); other columns as pandas reads them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    text = [name for name, kind in zip(table.column_names, table.schema.types, strict=True)
            if pa.types.is_string(kind) or pa.types.is_large_string(kind)]
    frame = table.drop_columns(text).to_pandas()
    for name in text:
        frame[name] = pd.Series(table.column(name).to_pylist(), index=frame.index, dtype=object)
    return frame[table.column_names]


def _as_text(value: Any) -> str | None:
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    return None if missing else str(value)


def _read_parquet(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = _read_table(path) if path.is_file() else pd.DataFrame(columns=columns)
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    for column in _TEXT_COLUMNS:  # identifiers and codes: always text (None when missing), whatever was stored
        if column in frame.columns and frame[column].dtype != object:  # object: Arrow's strings, or blank
            frame[column] = pd.Series([_as_text(v) for v in frame[column].tolist()], index=frame.index, dtype=object)
    return frame


def _normalise_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """Format-2 words for every row: windows spelt out, and (format 1 only) clusters and rating reasons."""
    if kpis.empty:
        return kpis
    kpis["window"] = kpis["window"].fillna("quarter").map(lambda w: _WINDOW_ALIASES.get(w, w))
    cluster_rows = kpis["subject_type"] == "cluster"
    kpis["cluster"] = kpis["cluster"].where(~(cluster_rows & kpis["cluster"].isna()), kpis["subject_id"])
    kpis["rag"] = kpis["rag"].replace({"not_evaluable": "not_rated"}).fillna("not_rated")
    unrated = (kpis["rag"] == "not_rated") & kpis["rating_reason"].isna()
    if unrated.any():  # format 1 wrote no reason: say only what the row itself shows
        no_data = pd.to_numeric(kpis["value"], errors="coerce").isna()
        no_target = pd.to_numeric(kpis["target"], errors="coerce").isna()
        kpis.loc[unrated & no_data, "rating_reason"] = "no_data"
        kpis.loc[unrated & ~no_data & no_target, "rating_reason"] = "no_target"
        kpis.loc[unrated & ~no_data & ~no_target, "rating_reason"] = "too_few"
    kpis.loc[kpis["target_source"].isna() & kpis["target"].notna(), "target_source"] = "framework"
    return kpis


def _read_validations(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {"unreadable": True, "problems": []}
        if isinstance(data, dict):
            data.setdefault("provider", data.get("provider_id") or path.stem)
            data["provider"] = str(data["provider"])
            name = data.get("file_name") or data.get("file") or data.get("source") or path.name
            data["file"] = Path(str(name)).name  # a base name, never a local path
            data.setdefault("problems", [])
            data.setdefault("counts", {})
            found.append(data)
    return found


def _read_records(folder: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
        tables[path.stem] = pd.read_parquet(path)
    return tables


def _check_version(manifest: dict[str, Any], directory: Path) -> None:
    version = manifest.get("format_version")
    if version is None:
        return
    try:
        major = int(str(version).split(".")[0])
    except ValueError:
        major = -1
    if major < 1 or major > SUPPORTED_MAJOR:
        raise ResultsFormatError(
            f"The results in {directory.name} are in format {version}, which this version of ccassure cannot "
            f"read (it reads formats 1 and {SUPPORTED_MAJOR}). Re-run `ccassure check` with this version, "
            "or upgrade ccassure.")


_CACHE: dict[tuple, Results] = {}


def _signature(directory: Path) -> tuple:
    parts = []
    for name in ("findings.parquet", "kpi_results.parquet", "kpi_findings.parquet", "manifest.json", "validation",
                 "records"):
        path = directory / name
        parts.append((name, path.stat().st_mtime_ns if path.exists() else None))
    for sub in ("validation", "records"):
        if (directory / sub).is_dir():
            parts.extend((p.name, p.stat().st_mtime_ns) for p in sorted((directory / sub).iterdir()))
    return (str(directory), tuple(parts))


def load_results(results_dir: str | Path) -> Results:
    """The findings, KPI results, validation summaries, records and manifest in ``results_dir`` (cached)."""
    directory = Path(results_dir).expanduser().resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"No results directory at {directory}: run `ccassure check --output {directory}` first.")
    key = _signature(directory)
    if key in _CACHE:
        return _CACHE[key]
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    manifest = manifest if isinstance(manifest, dict) else {}
    _check_version(manifest, directory)
    results = Results(directory=directory,
                      findings=_read_parquet(directory / "findings.parquet", FINDING_COLUMNS),
                      kpis=_normalise_kpis(_read_parquet(directory / "kpi_results.parquet", KPI_COLUMNS)),
                      kpi_findings=_read_parquet(directory / "kpi_findings.parquet", FINDING_COLUMNS),
                      validations=_read_validations(directory / "validation"),
                      manifest=manifest,
                      records=_read_records(directory / "records"))
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
