"""A Python check may give evidence for some subjects and none for others (several authorities in one run)."""

from __future__ import annotations

import pandas as pd

from ccassure.rules.testtypes.pycheck import RESULT_COLUMNS


def test_result_columns_include_evidence() -> None:
    assert "evidence" in RESULT_COLUMNS


def test_subjects_without_evidence_beside_subjects_with_it_are_judged(tmp_path) -> None:
    import duckdb

    from ccassure.rules.checks import check
    from ccassure.rules.testtypes.pycheck import CheckSpec, PythonCheck

    @check("mixed_evidence_example")
    def _mixed(ctx):
        return [{"subject_id": "A", "outcome": "fail", "evidence": [{"table": "centres", "keys": {"centre_id": "C1"}}]},
                {"subject_id": "B", "outcome": "pass"}]

    con = duckdb.connect()
    con.execute("CREATE VIEW subjects AS SELECT * FROM (VALUES ('A'), ('B')) t(__subject_id)")

    class Ctx:
        subjects = "subjects"
        params: dict = {}
        period = None
        rule_id = "X"

    frame = PythonCheck().compile(CheckSpec("mixed_evidence_example", ("centres",), ()), Ctx()).execute(con)
    assert isinstance(frame, pd.DataFrame)
    assert frame.set_index("subject_id")["outcome"].to_dict() == {"A": "fail", "B": "pass"}
    assert frame.set_index("subject_id")["evidence"].map(len).to_dict() == {"A": 1, "B": 0}
