"""The demo county's change proposal, assessed and rendered by ``make report``.

Wexcombe County Council (synthetic) consults on three options for its centres. Option A only trims
opening hours; option B closes two centres in the least deprived areas and opens one in the east, where
six deprived neighbourhoods are far from every centre; option C closes Willowmere, which serves the most
deprived area of the county, on a rushed timetable. So option C strands a deprived area and is not ready
for consultation. Everything here is invented.
"""

from __future__ import annotations

from pathlib import Path

DEMO_AUTHORITY = "E10000901"
PROPOSAL_FILE = "wexcombe-centres-review.yaml"

PROPOSAL = """\
# yaml-language-server: $schema=../../../src/ccassure/schemas/proposal.schema.json
# SYNTHETIC: an invented proposal for the invented Wexcombe County Council (ccassure demo).
title: Wexcombe children's centres review 2017
authority: E10000901
synthetic: true
consultation:            # the plan shared by every option (an option may change any of it)
  opens: 2017-05-02
  closes: 2017-07-25     # twelve weeks
  decision: 2017-09-19
  reasons_given: true
  alternatives_given: true
  usage_data_given: true
  equality_assessment: 2017-09-01
  responses_analysed: 2017-08-29
  outcomes_assessed: true
  disadvantaged_assessed: true
  sufficiency_assessed: true
scenarios:
  - name: "A: shorter opening hours"
    description: Every centre stays open; three centres in the least deprived areas open fewer hours.
    changes:
      - {action: reduce, centre: WXC-CC-11, from: 2017-10-02, hours_before: 40, hours_after: 25}
      - {action: reduce, centre: WXC-CC-14, from: 2017-10-02, hours_before: 40, hours_after: 25}
      - {action: reduce, centre: WXC-CC-24, from: 2017-10-02, hours_before: 40, hours_after: 30}
  - name: "B: two closures, one new centre"
    description: >-
      Close the two centres serving the least deprived areas and open a new centre in the east of the
      county, near six deprived neighbourhoods that no centre reaches today.
    changes:
      - {action: close, centre: WXC-CC-11, from: 2017-10-02}
      - {action: merge, centre: Quillbury Children's Centre, into: WXC-CC-13, from: 2017-10-02}
      - {action: open, centre: WXC-CC-NEW-1, name: Eastmarsh Children's Centre, easting: 478200,
         northing: 220600, from: 2018-01-08}
    assumptions:
      - {kind: outreach, replaces: WXC-CC-11, description: Millbeck's stay-and-play sessions move to the village hall once a week.}
  - name: "C: close Willowmere"
    description: Close Willowmere and cut Yarrowdale's hours, decided within the current budget year.
    changes:
      - {action: close, centre: WXC-CC-22, from: 2017-07-03}
      - {action: reduce, centre: WXC-CC-23, from: 2017-07-03, hours_before: 40, hours_after: 20}
    assumptions:
      - {kind: outreach, replaces: WXC-CC-22, description: A health visitor clinic continues in Willowmere library.}
    consultation:
      closes: 2017-05-26   # under four weeks
      alternatives_given: false
      equality_assessment: 2017-09-25   # after the decision
      savings_committed: 2017-02-28     # in the budget before the consultation opens
      disadvantaged_assessed: false
"""


def write_proposal(folder: Path) -> Path:
    """Write the demo proposal into ``folder`` (the demo data folder) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PROPOSAL_FILE
    path.write_text(PROPOSAL, encoding="utf-8")
    return path


def assess_demo(demo_dir: Path, store_path: Path, results: Path, period: str | None = None) -> int:
    """make report's impact stage: write the proposal and assess it against the store, keeping the assessment
    with the results (``results/impact``), where ``ccassure render`` plans reports/impact.qmd for it."""
    import time

    started = time.perf_counter()
    print("\n== Assessing the demo county's change proposal", flush=True)
    try:
        return _assess(demo_dir, store_path, results, period, started)
    except Exception as exc:  # noqa: BLE001 - the impact stage must not hide the other reports
        print(f"   impact assessment failed: {type(exc).__name__}: {exc}", flush=True)
        return 1


def _assess(demo_dir: Path, store_path: Path, results: Path, period: str | None, started: float) -> int:
    import time

    from ccassure.impact import assess
    from ccassure.project import current_project
    from ccassure.render.documents import IMPACT_FOLDER
    from ccassure.store import Store
    from ccassure.store.for_check import tables_for_check

    project = current_project()
    proposal = write_proposal(demo_dir / "proposals")
    store = Store(store_path)
    period = period or "2017Q1"
    tables = tables_for_check(store, authority=DEMO_AUTHORITY, period=period)
    result = assess(proposal, data=tables, period=period, authority=DEMO_AUTHORITY, project=project)
    folder = result.write(results / IMPACT_FOLDER)
    print(f"   {len(result.scenarios)} scenarios assessed into {folder} "
          f"({time.perf_counter() - started:.1f} s)", flush=True)
    return 0
