"""The findings table: exact columns, formula-safe CSV, escaped HTML."""

import json

import pandas as pd

from ccassure.rules import FINDING_COLUMNS, evaluate


def test_findings_columns_and_files(rules, typed, tmp_path):
    data = typed(centres=[{"centre_id": "C1", "centre_name": "=HYPERLINK(\"http://x\")", "provider_id": "P1",
                           "designation": "childrens_centre", "status": "open", "managing_body": "<b>Trust</b>"}])
    findings = evaluate(rules.select(["CA06-S5A-DEF-MANAGED"]), data, period="2016Q4")
    frame = findings.to_frame()
    assert tuple(frame.columns) == FINDING_COLUMNS
    paths = findings.write(tmp_path)
    assert tuple(pd.read_parquet(paths["parquet"]).columns) == FINDING_COLUMNS
    csv_text = paths["csv"].read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text
    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert document["findings"][0]["evidence"][0] == {"table": "centres", "keys": {"centre_id": "C1"}}
    html = findings._repr_html_()
    assert "<b>Trust</b>" not in html and "&lt;b&gt;Trust&lt;/b&gt;" in html


def test_summary_counts_statuses(rules, typed):
    data = typed(centres=[{"centre_id": "C1", "designation": "childrens_centre", "status": "open"},
                          {"centre_id": "C2", "designation": "childrens_centre", "status": "closed"}])
    findings = evaluate(rules.select(["CA06-S5A-DEF-MANAGED"]), data, period="2016Q4")
    assert findings.counts()["not_met"] == 1 and findings.counts()["not_applicable"] == 1
    row = findings.summary().iloc[0]
    assert row["not_met"] == 1 and row["not_applicable"] == 1
