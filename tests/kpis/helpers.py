"""Small builders for KPI tests: a framework written to a temporary folder, and typed tables from rows."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.kpis import run_kpis
from ccassure.kpis.loader import FrameworkSet, load_frameworks

SCHEMA_LINE = "# yaml-language-server: $schema=../../src/ccassure/schemas/kpi.schema.json\n"
HEADER = """\
framework: T
version: 1
title: Test framework
basis: {source: "tests", policy_choice: true}
parameters:
  min_denominator: {default: 1}
  tolerance: {default: 2.0}
kpis:
"""
CENTRE_DEFAULTS = {"authority_code": "E06000001", "provider_id": "PRV-1", "designation": "childrens_centre",
                   "status": "open"}
EXAMPLE = """\
  examples:
    - name: placeholder
      given: {centres: [{centre_id: C1}]}
      subject: C1
      expect: {}
"""


def write_framework(folder: Path, kpis: str, header: str = HEADER, name: str = "t.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(SCHEMA_LINE + textwrap.dedent(header) + textwrap.indent(textwrap.dedent(kpis), "  "),
                    encoding="utf-8")
    return path


def framework(folder: Path, kpis: str) -> FrameworkSet:
    write_framework(folder, kpis)
    return load_frameworks(folder)


def tables(**rows: list[dict]) -> dict[str, pd.DataFrame]:
    contracts = load_contracts()
    out = {}
    for name, items in rows.items():
        if name == "centres":
            items = [{**CENTRE_DEFAULTS, "centre_name": r["centre_id"], **r} for r in items]
        out[name] = conform(pd.DataFrame(items), contracts[name])
    return out


def run(frameworks: FrameworkSet, data: dict[str, pd.DataFrame], period: str, **kwargs):
    return run_kpis(data, period, parameters=kwargs.pop("parameters", {}), frameworks=frameworks, **kwargs)


def result(results, kpi_id: str, subject: str, period: str, window: str, level: str | None = None) -> dict:
    f = results.frame
    rows = f[(f["kpi_id"] == kpi_id) & (f["subject_id"] == subject) & (f["period"] == period)
             & (f["window"] == window)]
    if level is not None:
        rows = rows[rows["subject_type"] == level]
    assert len(rows) == 1, f"expected one row, found {len(rows)}"
    return rows.iloc[0].to_dict()
