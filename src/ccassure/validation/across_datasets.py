"""Foreign keys that cross datasets, checked once every dataset of a check is loaded.

Why: a service change (authority records) names a centre (provider return). Each return is validated on its
own, so a change naming a centre no provider returned passes validation and then silently judges nothing.
These problems are validation errors reported by ``check`` (and recorded in its notes), per row, by key.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ccassure.contracts import ContractSet


def across_dataset_problems(tables: Mapping[str, pd.DataFrame], contracts: ContractSet, *,
                            limit: int = 20) -> list[str]:
    """One message per row whose reference to another dataset's table matches nothing there."""
    problems: list[str] = []
    for name, frame in tables.items():
        if name not in contracts or frame is None or not len(frame):
            continue
        contract = contracts[name]
        for fk in contract.foreign_keys:
            if fk.ref_table not in contracts or contracts[fk.ref_table].dataset == contract.dataset:
                continue  # same-dataset keys are checked by validate itself
            target = tables.get(fk.ref_table)
            if target is None or fk.column not in frame or fk.ref_column not in target:
                continue  # the other table was not supplied: rules say so
            known = set(target[fk.ref_column].dropna().astype(str))
            values = frame[fk.column]
            unknown = values.notna() & ~values.astype("string").isin(known)
            key = contract.primary_key[0] if contract.primary_key else None
            ref_sheet = contracts[fk.ref_table].sheet
            for index in list(frame.index[unknown.fillna(False).to_numpy(dtype=bool)])[:limit]:
                who = f" ({key} {frame.at[index, key]})" if key and key in frame else ""
                problems.append(f"validation error across datasets: {contract.sheet} sheet{who}, column "
                                f"{fk.column}: {values.at[index]!s} is not a {fk.ref_column} on the "
                                f"{ref_sheet} sheet of any return supplied")
    return problems
