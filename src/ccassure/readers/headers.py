"""Finding the header row and matching headers to contract columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ccassure.contracts import Contract
from ccassure.problems import shorten
from ccassure.readers.model import normalise_name

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class HeaderMatch:
    row_index: int                    # 0-based index of the header row among the rows scanned
    columns: dict[int, str]           # position -> contract column name
    unknown: dict[int, str]           # position -> header text not in the contract
    duplicates: list[str]             # contract columns that appear twice
    duplicate_positions: list[tuple[int, str]] = ()  # type: ignore[assignment]  # where the repeats are


def column_lookup(contract: Contract) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for spec in contract.columns:
        lookup[normalise_name(spec.name)] = spec.name
        for alias in spec.aliases:
            lookup[normalise_name(alias)] = spec.name
    return lookup


def find_header(rows: Sequence[Sequence[object]], contract: Contract) -> HeaderMatch | None:
    """The row (among the first rows) that names the most contract columns; None if no row names any.

    Title rows above the header (a merged title, a date line) are skipped this way.
    """
    lookup = column_lookup(contract)
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({lookup[key] for cell in row if cell is not None and (key := normalise_name(cell)) in lookup})
        if hits and (best is None or hits > best[1]):
            best = (index, hits)
    if best is None:
        return None
    return match_header(rows[best[0]], contract, best[0])


def match_header(header: Sequence[object], contract: Contract, row_index: int = 0) -> HeaderMatch:
    lookup = column_lookup(contract)
    columns: dict[int, str] = {}
    unknown: dict[int, str] = {}
    duplicates: list[str] = []
    duplicate_positions: list[tuple[int, str]] = []
    for position, cell in enumerate(header):
        if cell is None or str(cell).strip() == "":
            continue
        name = lookup.get(normalise_name(cell))
        if name is None:
            unknown[position] = shorten(str(cell).strip())
        elif name in columns.values():
            duplicates.append(name)
            duplicate_positions.append((position, name))
        else:
            columns[position] = name
    return HeaderMatch(row_index, columns, unknown, duplicates, duplicate_positions)
