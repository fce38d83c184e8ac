"""Where `ccassure kpis run` gets its tables: validated files (``--data``), the project's sample_data/, or the
returns store. Reach areas (which LSOAs each centre serves) have no data contract yet: a ``reach_areas.csv``
next to the data (or one folder up) is read as text columns centre_id, lsoa_code[, reach_area_id,
authority_code].
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ccassure.kpis.loader import REACH_CONTRACT, REACH_TABLE

SAMPLE_FOLDERS = ("provider_return", "authority_records", "reference")


def sample_paths(root: Path) -> list[Path]:
    base = root / "sample_data"
    return [base / name for name in SAMPLE_FOLDERS if (base / name).is_dir()]


def read_reach_areas(paths: Sequence[Path]) -> pd.DataFrame | None:
    seen: set[Path] = set()
    frames = []
    for path in paths:
        folder = path if path.is_dir() else path.parent
        for candidate in (folder / "reach_areas.csv", folder.parent / "reach_areas.csv"):
            candidate = candidate.resolve()
            if candidate in seen or not candidate.is_file():
                continue
            seen.add(candidate)
            frame = pd.read_csv(candidate, dtype=str, keep_default_na=False)
            if not {"centre_id", "lsoa_code"} <= set(frame.columns):
                continue
            frames.append(frame[[c for c in REACH_CONTRACT.column_names if c in frame.columns]])
    if not frames:
        return None
    out = pd.concat(frames, ignore_index=True).replace("", pd.NA).dropna(subset=["centre_id", "lsoa_code"])
    return out.drop_duplicates().astype("str").reset_index(drop=True)


def load_paths(paths: Sequence[Path | str]) -> tuple[dict[str, pd.DataFrame], list[str], dict[str, list[str]]]:
    """Validate each path and merge the typed tables (same table from several paths: rows concatenated).

    A record that appears in several paths (same primary key: a centre, or a case updated each quarter) is
    taken from the last path that has it, so give quarterly returns in date order.
    Returns (tables, problems summary lines, data versions: the source paths of each table)."""
    from ccassure.validation import validate

    tables: dict[str, list[pd.DataFrame]] = {}
    versions: dict[str, list[str]] = {}
    notes: list[str] = []
    for raw in paths:
        path = Path(raw)
        result = validate(path)
        errors = result.errors
        if result.unreadable:
            notes.append(f"{path}: could not be read ({len(result.problems)} problem(s)); skipped")
            continue
        if errors:
            notes.append(f"{path}: {len(errors)} validation error(s); KPIs use the rows as typed "
                         f"(run `ccassure validate {path}`)")
        for name, frame in result.tables.items():
            tables.setdefault(name, []).append(frame)
            versions.setdefault(name, []).append(str(path))
    from ccassure.contracts import load_contracts

    contracts = load_contracts()
    merged = {}
    for name, frames in tables.items():
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        key = list(contracts[name].primary_key) if name in contracts else []
        if len(frames) > 1 and key and set(key) <= set(frame.columns):
            # the same record in several returns (a centre, a case updated each quarter): the last path wins
            frame = frame.drop_duplicates(subset=key, keep="last").reset_index(drop=True)
        merged[name] = frame
    reach = read_reach_areas([Path(p) for p in paths])
    if reach is not None:
        merged[REACH_TABLE] = reach
        versions[REACH_TABLE] = ["reach_areas.csv"]
    return merged, notes, versions
