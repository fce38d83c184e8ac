"""Which tables a set of submissions actually supplied (a sheet with no rows counts as supplied).

Why: "not supplied" and "supplied with no rows" mean different things to a rule (docs/blanks.md). A table
the store never received reads back as an empty frame just like an empty sheet, so the difference is kept
in each submission's ``row_counts`` (every table of the return, with its row count, zero included).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ccassure.store.core import Store

# the columns of the centres register kept in previous_centres (beside as_at_period)
PREVIOUS_COLUMNS = ("centre_id", "centre_name", "authority_code", "urn", "designation", "status")


def supplied_tables(store: Store, versions: Mapping[str, Iterable[str]]) -> set[str]:
    """Tables named in the row counts of the submissions each table was read from."""
    history = store.history()
    counts = dict(zip(history["submission_id"], history["row_counts"], strict=False))
    supplied = set()
    for table, ids in versions.items():
        if any(table in (counts.get(sid) or {}) for sid in ids):
            supplied.add(table)
    return supplied


def keep_supplied(tables: Mapping[str, pd.DataFrame], supplied: set[str]) -> dict[str, pd.DataFrame]:
    """Tables with rows, and empty tables that a submission supplied; drop the never-supplied ones."""
    return {name: frame for name, frame in tables.items() if len(frame) or name in supplied}


def previous_register(store: Store, *, authority: str | None, period: str, as_at=None) -> dict[str, pd.DataFrame]:
    """``previous_centres``: the centres register in the period before ``period`` (empty dict when none was
    submitted then), so a centre that stopped being a children's centre between submissions can be found."""
    from ccassure.periods import parse_period

    earlier = parse_period(period).previous()
    frame = store.read_tables(authority=authority, period=earlier.label, as_at=as_at, tables=["centres"])["centres"]
    if not len(frame):
        return {}
    columns = [c for c in PREVIOUS_COLUMNS if c in frame.columns]
    previous = frame[columns].drop_duplicates("centre_id", keep="last").reset_index(drop=True)
    previous["as_at_period"] = earlier.label
    return {"previous_centres": previous}
