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
    "E06000903": [  # the small sample_data/ authority
        ("ACT-SLM-01", "CA06-S5C-MEMBERS-PARENTS", "SLM-BRD-01",
         "Recruit a second parent member through the stay and play sessions.", "Children's Centres Lead",
         "2016-11-07", "2017-03-31", "in_progress"),
    ],
}
_CENTRE_TARGETS = {
    "E10000901": [("WXC-CC-17", "CORE-REG-U5", 65.0, "2016-17",
                   "Stepped target agreed for the first year after the centre moved to a new building.")],
    "E06000903": [("SLM-CC-01", "CORE-REG-U5", 75.0, "2016-17",
                   "Stepped target agreed with the advisory board for the year after the harbour works.")],
}


def demo_actions(authority_code: str) -> pd.DataFrame:
    rows = [dict(zip(ACTION_COLUMNS, (a[0], authority_code, *a[1:]), strict=True))
            for a in _ACTIONS.get(authority_code, [])]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def demo_centre_targets(authority_code: str) -> pd.DataFrame:
    rows = [{"centre_id": centre, "kpi_id": kpi, "target": target, "period": period,
             "authority_code": authority_code, "reason": reason}
            for centre, kpi, target, period, reason in _CENTRE_TARGETS.get(authority_code, [])]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def demo_comparators() -> pd.DataFrame:
    return pd.DataFrame([{"kpi_id": "CORE-GLD", "comparator": "england", "area_code": "E92000001",
                          "area_name": "England", "period": "2016-17", "value": 69.5,
                          "source": "Synthetic comparator for the demo"}], columns=COMPARATOR_COLUMNS)
