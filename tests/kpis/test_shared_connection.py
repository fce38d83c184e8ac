"""The KPIs read the typed tables the rules evaluator loaded (one DuckDB connection per check) and give the
same answers as over a connection of their own."""

from __future__ import annotations

import pandas as pd

from ccassure.assessment import latest_period
from ccassure.kpis import run_kpis
from ccassure.rules.evaluator import Evaluator


def test_kpis_over_the_rules_connection_equal_their_own(validated_sample):
    _, tables, versions = validated_sample
    period = str(latest_period(tables))
    with_rows = {name: frame for name, frame in tables.items() if len(frame)}
    own = run_kpis(with_rows, period, data_versions=versions)
    evaluator = Evaluator(tables, data_versions=versions)
    try:
        shared = run_kpis(with_rows, period, data_versions=versions, con=evaluator.con)
        assert evaluator.con.execute("SELECT count(*) FROM __k_units").fetchall()[0][0] > 0  # left open, in use
    finally:
        evaluator.con.close()
    assert len(own.frame) > 0
    pd.testing.assert_frame_equal(own.frame, shared.frame)
    pd.testing.assert_frame_equal(own.findings, shared.findings)
