"""The engine gives the same answers as when they were recorded: every status, value and evidence count.

A difference here means a change altered what the engine concludes. If that was the point (a defect
fixed), re-record with ``python -m tests.golden.record`` and list the change; otherwise it is a bug.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.golden.answers import CASES, TABLES, answers, recorded


def _differences(now: pd.DataFrame, then: pd.DataFrame, key: list[str]) -> list[str]:
    merged = then.merge(now, on=key, how="outer", suffixes=("_recorded", "_now"), indicator=True)
    lines = [f"only {'now' if side == 'right_only' else 'recorded'}: {dict(row[key])}"
             for side in ("left_only", "right_only") for _, row in merged[merged["_merge"] == side].iterrows()]
    both = merged[merged["_merge"] == "both"]
    for column in (c for c in now.columns if c not in key):
        changed = both[both[f"{column}_recorded"] != both[f"{column}_now"]]
        lines += [f"{dict(row[key])}: {column} was {row[f'{column}_recorded']!r}, now {row[f'{column}_now']!r}"
                  for _, row in changed.iterrows()]
    return lines


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_answers_are_those_recorded(case, tmp_path, monkeypatch):
    monkeypatch.setenv("CCASSURE_STORE", str(tmp_path / "store.duckdb"))
    now = answers(CASES[case](tmp_path))
    then = recorded(case)
    problems = []
    for name, (key, _) in TABLES.items():
        assert list(now[name].columns) == list(then[name].columns), name
        problems += [f"{name} {line}" for line in _differences(now[name], then[name], key)]
    assert not problems, f"{len(problems)} answers changed, first ones:\n" + "\n".join(problems[:30])


def test_the_comparison_sees_a_changed_status():
    then = pd.DataFrame({"rule_id": ["R1", "R2"], "status": ["met", "not_met"]})
    now = then.assign(status=["met", "met"])
    assert _differences(now, then, ["rule_id"]) == ["{'rule_id': 'R2'}: status was 'not_met', now 'met'"]
    assert _differences(now.iloc[:1], then, ["rule_id"]) == ["only recorded: {'rule_id': 'R2'}"]
