"""The tables a check of one period needs: the state as at that period, and the history of events.

Rules and KPIs apply their own windows ("sessions in the quarter", "board meetings in the 12 months to the
end of the period", "contacts in the financial year to date"), so event tables (sessions, contacts, board
meetings) are read with their whole history, while everything else (centres, services, boards, authority
records) is read as each provider and authority last submitted it within the period.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from ccassure.store.core import Store
from ccassure.store.supplied import keep_supplied, previous_register, supplied_tables


def tables_for_check(store: Store, *, authority: str | None, period: str,
                     as_at: str | date | datetime | None = None) -> dict[str, pd.DataFrame]:
    """Typed tables for checking ``period``. A table no submission supplied is left out (rules report it
    not_evaluable); a table supplied with no rows stays in, empty, and is judged (docs/blanks.md)."""
    return checked_tables(store, authority=authority, period=period, as_at=as_at)[0]


def checked_tables(store: Store, *, authority: str | None, period: str, as_at: str | date | datetime | None = None
                   ) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """:func:`tables_for_check` and the submission ids of each table it kept, the selection made once."""
    with store.session():  # one connection for every read of the check
        state = store.read_tables(authority=authority, period=period, as_at=as_at)
        events = store.read_tables(authority=authority, as_at=as_at, tables=list(store.contracts.event_dates()))
        tables = {**state, **events}
        versions = versions_for_check(store, authority=authority, period=period, as_at=as_at)
        kept = {**keep_supplied(tables, supplied_tables(store, versions)),
                **previous_register(store, authority=authority, period=period, as_at=as_at)}
        return kept, {name: ids for name, ids in versions.items() if name in kept}


def versions_for_check(store: Store, *, authority: str | None, period: str,
                       as_at: str | date | datetime | None = None) -> dict[str, list[str]]:
    """The submission ids :func:`tables_for_check` read, per table."""
    state = store.data_versions(authority=authority, period=period, as_at=as_at)
    events = store.data_versions(authority=authority, as_at=as_at, tables=list(store.contracts.event_dates()))
    return {**state, **events}
