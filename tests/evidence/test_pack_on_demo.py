"""On real engine findings (the synthetic demo, checked by the rules engine), every centre's pack holds every
board gap and every not-met finding of that centre: a board with no parent member (Port Ellery) and a centre
with no board at all (Wexcombe) included."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccassure.assessment import run_check
from ccassure.demo.generate import generate_demo
from ccassure.reports import evidence
from ccassure.reports.format import text
from ccassure.reports.results import Results
from ccassure.rules import load_rules

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2016Q4"
GAPS = ("not_met", "at_risk", "not_evaluable")


def _manifest(centres: pd.DataFrame, names: dict[str, str]) -> dict:
    rules = load_rules(REPO / "rules")
    nodes = [{"id": r.id, "kind": "rule", "version": r.version, "title": r.title, "subject": r.subject,
              "areas": list(r.areas), "guidance": r.guidance} for r in rules]
    listed = [{"id": c.centre_id, "name": c.centre_name, "provider_id": c.provider_id,
               "authority_code": c.authority_code, "board_id": None if pd.isna(c.advisory_board_id)
               else c.advisory_board_id, "parent_id": None if pd.isna(c.parent_centre_id) else c.parent_centre_id,
               "designation": c.designation, "status": c.status} for c in centres.itertuples()]
    return {"format_version": "2.0", "synthetic": True, "periods": [PERIOD], "nodes": nodes, "centres": listed,
            "authorities": [{"code": code, "name": name} for code, name in names.items()]}


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory) -> Results:
    out = tmp_path_factory.mktemp("demo")
    summary = generate_demo(out, scale=0.05)
    findings, centres = [], []
    names = {a["authority_code"]: a["authority_name"] for a in summary["authorities"]}
    for code in ("E06000901", "E10000901"):
        returns = [r["path"] for r in summary["provider_returns"]
                   if r["authority_code"] == code and r["period"] == PERIOD]
        paths = [*returns, summary["authority_records"][code], summary["reference"]]
        findings.append(run_check(data=paths, authority=code, period=PERIOD, with_kpis=False).findings.to_frame())
        centres += [pd.read_csv(Path(p) / "centres.csv") for p in returns]
    frame = pd.concat(findings, ignore_index=True)
    for column in ("subject_id", "subject_type", "status", "period", "rule_id", "authority_code", "provider_id"):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return Results(directory=out, findings=frame, kpis=pd.DataFrame(),
                   manifest=_manifest(pd.concat(centres, ignore_index=True), names))


def test_the_demo_plants_a_board_gap_and_a_centre_with_no_board(demo_results):
    f = demo_results.findings
    assert ((f["subject_id"] == "PEL-BRD-02") & (f["status"] == "not_met")).any()
    assert evidence.manifest_centre(demo_results, "WXC-CC-24").get("board_id") is None


def test_every_board_gap_and_not_met_finding_reaches_the_centre_pack(demo_results):
    f = demo_results.findings
    checked = 0
    for entry in demo_results.manifest["centres"]:
        centre, board = entry["id"], entry["board_id"]
        pack = evidence.pack_markdown(demo_results, centre)
        expected = f[((f["subject_id"] == centre) & (f["status"] == "not_met"))
                     | ((f["subject_type"] == "board") & (f["subject_id"] == board) & f["status"].isin(GAPS))]
        for row in expected.itertuples():
            assert text(row.title) in pack, (centre, row.rule_id)
            assert text(evidence.finding_words(row.message)) in pack, (centre, row.rule_id)
            checked += 1
        if board is None:
            assert "not a duty that does not apply" in pack
            assert "The advisory board includes someone representing parents" in pack
    assert checked >= 5


def test_the_pack_of_a_centre_under_a_board_with_no_parent_member_shows_that_gap_first(demo_results):
    gaps = evidence.gaps_summary(evidence.load_pack(demo_results, "PEL-CC-05"))
    assert "Port Ellery" in gaps and "representing the parent interest" in gaps
