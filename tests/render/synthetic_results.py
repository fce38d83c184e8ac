"""A small, clearly synthetic results directory in the shape ``ccassure check --output`` writes.

Used by the render tests and benchmarks/render_bench.py until the demo generator and the rules engine
write real (demo) results. Every name is invented; nothing describes a real service.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

RULES = [
    ("CA06-5A4c-ON-SITE-ACTIVITIES", "Activities for young children are provided on site", "Childcare Act 2006 s.5A(4)(c)"),
    ("CA06-5D-ADVISORY-BOARD", "Each centre is within the remit of an advisory board", "Childcare Act 2006 s.5D"),
    ("CA06-5D-BOARD-PARENTS", "The advisory board includes parents of young children", "Childcare Act 2006 s.5D(2)"),
    ("CA06-5E-CONSULTATION", "Significant changes are consulted on before decision", "Childcare Act 2006 s.5D"),
    ("CA06-2-SERVICES-OFFERED", "Early childhood services are available through the centre", "Childcare Act 2006 s.2"),
    ("SG-REACH-REGISTRATION", "Families in the reach area are registered", "Sure Start statutory guidance 2013"),
]
KPIS = [("REACH-01", "Children under five registered (share of reach area)", "percent", 80.0),
        ("ENG-02", "Registered families engaging in the quarter", "percent", 65.0),
        ("CASE-03", "Cases closed with improved Family Star score", "percent", 70.0)]
STATUSES = ["met", "met", "met", "not_met", "at_risk", "not_evaluable"]
PERIODS = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]


def make_results(directory: Path, authorities: int = 2, centres_per_authority: int = 3, seed: int = 7,
                 with_kpis: bool = True, tricky_names: bool = True) -> Path:
    rng = random.Random(seed)
    directory = Path(directory)
    (directory / "validation").mkdir(parents=True, exist_ok=True)
    findings, kpis, names = [], [], {}
    for a in range(authorities):
        code = f"E9{a:07d}"
        names[code] = f"Synthshire {a + 1} (synthetic)"
        provider = f"PROV-{a + 1:03d}"
        subjects = [("authority", code, names[code])]
        for c in range(centres_per_authority):
            name = f"Synthetic Centre {a + 1}.{c + 1}"
            if tricky_names and c == 0:
                name = "Oak | Elm <Centre> & `Hub`"
            subjects.append(("centre", f"C{a + 1:03d}{c + 1:02d}", name))
        for period in PERIODS:
            for rule_id, title, citation in RULES:
                for subject_type, subject_id, subject_name in subjects:
                    if subject_type == "authority" and rule_id != "CA06-5E-CONSULTATION":
                        continue
                    if subject_type != "authority" and rule_id == "CA06-5E-CONSULTATION":
                        continue
                    status = rng.choice(STATUSES)
                    findings.append({
                        "rule_id": rule_id, "rule_version": 1, "title": title, "subject_type": subject_type,
                        "subject_id": subject_id, "subject_name": subject_name, "authority_code": code,
                        "provider_id": provider if subject_type != "authority" else None, "period": period,
                        "status": status, "observed": str(rng.randint(0, 12)), "threshold": "1",
                        "message": f"{subject_name} ({status.replace('_', ' ')}) in {period}.",
                        "evidence": json.dumps([{"table": "sessions", "keys": [f"S{rng.randint(1, 999):04d}"]}]),
                        "parameters": json.dumps({"at_least": 1}),
                        "data_versions": json.dumps({provider: f"{period}-v1"}),
                        "severity": "not_met", "citation": citation,
                        "guidance": "Synthetic guidance text for the demonstration."})
            if with_kpis:
                for kpi_id, title, unit, target in KPIS:
                    for subject_type, subject_id, _ in subjects:
                        denominator = rng.randint(0, 300)
                        numerator = rng.randint(0, denominator) if denominator else 0
                        value = round(100 * numerator / denominator, 1) if denominator else None
                        rag = ("not_evaluable" if value is None else "green" if value >= target
                               else "amber" if value >= target - 10 else "red")
                        kpis.append({"framework": "SYNTH-CONTRACT", "kpi_id": kpi_id, "kpi_version": 1,
                                     "title": title, "subject_type": subject_type, "subject_id": subject_id,
                                     "authority_code": code, "period": period, "numerator": numerator,
                                     "denominator": denominator, "value": value, "unit": unit, "target": target,
                                     "rag": rag, "direction": "higher_is_better", "change_on_previous": None})
        (directory / "validation" / f"{provider}.json").write_text(json.dumps({
            "file": f"{provider}_2026Q1_return.xlsx", "dataset": "provider_return", "provider": provider,
            "valid": False, "counts": {"errors": 1, "warnings": 2, "error_rows": 3, "warning_rows": 4},
            "row_counts": {"centres": centres_per_authority, "sessions": 120},
            "problems": [
                {"severity": "error", "table": "sessions", "sheet": "Sessions", "row": 14, "column": "date",
                 "cell": "C14", "value": "31/02/2026", "code": "invalid-date",
                 "message": "Not a real date: 31 February.", "fix": "Enter the date the session took place.",
                 "count": 3},
                {"severity": "warning", "table": "registrations", "sheet": "Registrations", "row": 8,
                 "column": "lsoa", "cell": "F8", "value": "E0100|<x>", "code": "unknown-lsoa",
                 "message": "LSOA code not in the reference list.", "fix": "Check the LSOA code.", "count": 4}]}),
            encoding="utf-8")
    pd.DataFrame(findings).to_parquet(directory / "findings.parquet", index=False)
    if with_kpis:
        pd.DataFrame(kpis).to_parquet(directory / "kpi_results.parquet", index=False)
    (directory / "manifest.json").write_text(json.dumps({"synthetic": True, "authorities": names}), encoding="utf-8")
    return directory


if __name__ == "__main__":
    import sys

    print(make_results(Path(sys.argv[1] if len(sys.argv) > 1 else "_output/results-synthetic")))
