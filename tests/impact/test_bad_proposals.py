"""A proposal that cannot be assessed is refused with every problem named by scenario and change, never a
traceback; the command exits 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from world import centre, lsoa, proposal, tables

from ccassure.impact import ProposalError, assess, read_proposal
from ccassure.impact.proposal import proposal_from_document

WORLD = tables([centre("A", 403000), centre("B", 409000), centre("Z", 415000, status="closed")],
               [lsoa("E01000001", 403000, 40, 3)])


def problems(*scenarios) -> list[str]:
    with pytest.raises(ProposalError) as caught:
        assess(proposal_from_document(proposal(*scenarios)), data=WORLD, period="2016Q4", judge=False)
    return caught.value.problems


def test_an_unknown_centre_is_named_with_its_scenario_and_change():
    (problem,) = problems({"name": "Option 1", "changes": [
        {"action": "close", "centre": "A", "from": "2017-04-01"},
        {"action": "close", "centre": "Nowhere", "from": "2017-04-01"}]})
    assert "scenario 'Option 1', change 2" in problem and "no centre 'Nowhere'" in problem


def test_a_merge_into_a_centre_closed_now_or_by_the_same_scenario_is_refused():
    (closed_now,) = problems({"name": "Into Z", "changes": [
        {"action": "merge", "centre": "A", "into": "Z", "from": "2017-04-01"}]})
    assert "scenario 'Into Z', change 1" in closed_now and "is not open now" in closed_now
    (closed_too,) = problems({"name": "Both go", "changes": [
        {"action": "merge", "centre": "A", "into": "B", "from": "2017-04-01"},
        {"action": "close", "centre": "B", "from": "2017-04-01"}]})
    assert "scenario 'Both go', change 1" in closed_too and "itself closed" in closed_too


def test_two_changes_to_one_centre_in_a_scenario_overlap():
    (problem,) = problems({"name": "Twice", "changes": [
        {"action": "reduce", "centre": "A", "from": "2017-04-01", "hours_before": 40, "hours_after": 30},
        {"action": "close", "centre": "A Children's Centre", "from": "2018-04-01"}]})
    assert "scenario 'Twice', change 2" in problem and "change 1 of this scenario already changes" in problem


def test_a_scenario_with_no_changes_is_refused_by_name():
    (problem,) = problems({"name": "Nothing", "changes": []})
    assert "scenario 'Nothing' has no changes" in problem


def test_every_problem_is_listed_at_once():
    found = problems({"name": "One", "changes": []},
                     {"name": "Two", "changes": [{"action": "close", "centre": "Z", "from": "2017-04-01"}]})
    assert len(found) == 2 and "Two" in found[1] and "not an open children's centre" in found[1]


def test_shape_errors_name_the_scenario_change_and_field():
    with pytest.raises(ProposalError) as caught:
        proposal_from_document(proposal({"name": "Bad", "changes": [
            {"action": "demolish", "centre": "A", "from": "2017-04-01"},
            {"action": "close", "centre": "B", "from": "2017-02-30"},
            {"action": "close", "centre": "B"}]}))
    text = "\n".join(caught.value.problems)
    assert "scenario 'Bad', change 1, action: 'demolish' is not one of" in text
    assert "scenario 'Bad', change 2, from: '2017-02-30' is not a real date" in text
    assert "scenario 'Bad', change 3: from is required" in text


def test_a_yaml_file_problem_gives_the_line(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text("title: T\nscenarios:\n  - name: S\n    changes:\n      - {action: close, centre: A, frm: 2017-01-01}\n")
    with pytest.raises(ProposalError) as caught:
        read_proposal(path)
    assert caught.value.problems[0].startswith(f"{path}:5:")


def test_the_command_exits_2_with_plain_messages_and_no_traceback(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text("title: T\nscenarios:\n  - name: Empty option\n    changes: []\n")
    root = Path(__file__).resolve().parents[2]
    data = [arg for name in ("provider_return", "authority_records", "reference")
            for arg in ("--data", str(root / "sample_data" / name))]
    done = subprocess.run([sys.executable, "-m", "ccassure", "impact", str(path), *data], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "scenario 'Empty option' has no changes" in done.stderr
