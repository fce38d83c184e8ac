"""The batched plan gives exactly the answers of one query per KPI, including the KPIs whose having-tests
read a table tested on two keys (contacts: by family for registrations, by case for cases)."""

from __future__ import annotations

import pandas as pd

from ccassure.assessment import latest_period
from ccassure.kpis import run_kpis
from ccassure.kpis.batch import BatchEvaluator


def _one_query_per_kpi(self, requests):
    return {}, list(requests)


def test_batched_kpis_equal_one_query_per_kpi(validated_sample, monkeypatch):
    _, tables, versions = validated_sample
    period = str(latest_period(tables))
    batched = run_kpis(tables, period, data_versions=versions)
    monkeypatch.setattr(BatchEvaluator, "plan", _one_query_per_kpi)
    single = run_kpis(tables, period, data_versions=versions)
    assert len(batched.frame) > 0
    pd.testing.assert_frame_equal(batched.frame, single.frame)
    pd.testing.assert_frame_equal(batched.findings, single.findings)


def test_a_table_tested_on_two_keys_is_still_batched(validated_sample, monkeypatch):
    _, tables, versions = validated_sample
    seen = {}
    plan = BatchEvaluator.plan

    def recording(self, requests):
        plans, fallback = plan(self, requests)
        seen["plans"], seen["fallback"] = set(plans), {r.agg.measure.table for r in fallback}
        return plans, fallback

    monkeypatch.setattr(BatchEvaluator, "plan", recording)
    run_kpis(tables, str(latest_period(tables)), data_versions=versions)
    assert {"contacts", "registrations", "cases"} <= seen["plans"]
    assert seen["fallback"] <= {"lsoa_population"}
