"""The demo authorities' own action logs, centre targets and comparator figures (all synthetic).

A few actions answer planted exceptions, so the authority report shows owner, due date and progress
beside them and blanks elsewhere; one Meadowlark centre has a stepped registration target; England's
good level of development is a synthetic comparator figure (the demo describes no real area).
"""

from __future__ import annotations

import pandas as pd

ACTION_COLUMNS = ["action_id", "authority_code", "item_id", "subject_id", "action", "owner", "raised_date",
                  "due_date", "status"]
TARGET_COLUMNS = ["centre_id", "kpi_id", "target", "period", "authority_code", "reason"]
COMPARATOR_COLUMNS = ["kpi_id", "comparator", "area_code", "area_name", "period", "value", "source"]

_ACTIONS = {
    "E10000901": [
        ("ACT-WXC-01", "CA06-S5C-COVER", "WXC-CC-24", "Bring Zennor Brook into the remit of the Western advisory board.",
         "Early Help Service Manager", "2016-07-20", "2017-06-30", "in_progress"),
        ("ACT-WXC-02", "CORE-REG-U5", "PRV-WXC-MEADOW", "Agree a registration improvement plan with Meadowlark.",
         "Contract Manager, Early Years", "2016-10-05", "2017-03-31", "overdue"),
        ("ACT-WXC-03", "CA06-S5A-NEEDS-ASSESS", "E10000901", "Commission a new assessment of local need.",
         "Head of Commissioning", "2016-09-01", "2017-09-30", "not_started"),
    ],
    "E06000901": [
        ("ACT-PEL-01", "CA06-S5C-MEMBERS-PARENTS", "PEL-BRD-02", "Recruit two parent members through the centres.",
         "Children's Centres Lead", "2016-11-10", "2017-05-31", "in_progress"),
    ],
    "E06000902": [
        ("ACT-HRF-01", "CA06-S5C-ACTIVE", "HRF-BRD-04", "Set a quarterly meeting calendar for Board 4.",
         "Family Hubs Manager", "2016-10-01", "2017-04-30", "done"),
    ],
}


def demo_actions(authority_code: str) -> pd.DataFrame:
    rows = [dict(zip(ACTION_COLUMNS, (a[0], authority_code, *a[1:]), strict=True))
            for a in _ACTIONS.get(authority_code, [])]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def demo_centre_targets(authority_code: str) -> pd.DataFrame:
    rows = []
    if authority_code == "E10000901":
        rows.append({"centre_id": "WXC-CC-17", "kpi_id": "CORE-REG-U5", "target": 65.0, "period": "2016-17",
                     "authority_code": authority_code,
                     "reason": "Stepped target agreed for the first year after the centre moved to a new building."})
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def demo_comparators() -> pd.DataFrame:
    return pd.DataFrame([{"kpi_id": "CORE-GLD", "comparator": "england", "area_code": "E92000001",
                          "area_name": "England", "period": "2016-17", "value": 69.5,
                          "source": "Synthetic comparator for the demo"}], columns=COMPARATOR_COLUMNS)
