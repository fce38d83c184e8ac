"""Data contracts: what each table of a return, an authority record or a reference data set must hold."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ccassure.contracts.plausibility import PlausibilityCheck

ColumnType = Literal["string", "integer", "number", "boolean", "date", "month"]
Dataset = Literal["provider_return", "authority_records", "reference"]
DATASETS: tuple[Dataset, ...] = ("provider_return", "authority_records", "reference")
# What a table's rows are: dated events (a check reads their whole history and windows them by date),
# a snapshot a provider returns each quarter, or records (authority records and reference data).
ROLES: tuple[str, ...] = ("event", "snapshot", "record")
# How a table's rows belong to an authority: its own authority column, its centre's or board's authority,
# the LSOAs of the authority (reference areas), or not at all (national reference tables).
AUTHORITY_SCOPES: tuple[str, ...] = ("authority_column", "centre", "board", "area", "none")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: ColumnType
    required: bool = False
    unique: bool = False
    allowed: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    description: str = ""
    example: Any = None
    aliases: tuple[str, ...] = ()
    personal_data: str = "none"
    privacy_scan: bool = False


@dataclass(frozen=True)
class ForeignKey:
    column: str
    ref_table: str
    ref_column: str


@dataclass(frozen=True)
class DateOrder:
    start: str
    end: str


@dataclass(frozen=True)
class Contract:
    table: str
    title: str
    dataset: Dataset
    sheet: str
    columns: tuple[ColumnSpec, ...]
    required: bool = False
    description: str = ""
    personal_data: str = "none"
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    date_order: tuple[DateOrder, ...] = ()
    source: Path | None = None
    role: str = "record"
    event_date: str | None = None
    authority_scope: str = "none"
    authority_column: str | None = None
    sheet_order: int | None = None
    plausibility: tuple[PlausibilityCheck, ...] = ()  # contracts/plausibility.py (intake lane)

    def column(self, name: str) -> ColumnSpec:
        for spec in self.columns:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.table} has no column {name!r}")

    def has_column(self, name: str) -> bool:
        return any(spec.name == name for spec in self.columns)

    @property
    def column_names(self) -> list[str]:
        return [spec.name for spec in self.columns]


@dataclass(frozen=True)
class ContractSet:
    """Every contract of a project, by table name."""

    contracts: dict[str, Contract] = field(default_factory=dict)

    def __getitem__(self, table: str) -> Contract:
        return self.contracts[table]

    def __contains__(self, table: object) -> bool:
        return table in self.contracts

    def __iter__(self) -> Iterator[Contract]:
        return iter(self.contracts.values())

    def __len__(self) -> int:
        return len(self.contracts)

    def in_dataset(self, dataset: str) -> list[Contract]:
        return [contract for contract in self if contract.dataset == dataset]

    def event_dates(self) -> dict[str, str]:
        """Event tables and the column that dates each row (read with their history, windowed by date)."""
        return {c.table: c.event_date for c in self if c.role == "event" and c.event_date}

    def in_sheet_order(self, dataset: str) -> list[Contract]:
        """A dataset's tables in the order its workbook lists them (declared ``sheet_order`` first)."""
        tables = self.in_dataset(dataset)
        return sorted(tables, key=lambda c: (c.sheet_order is None, c.sheet_order or 0))

    @property
    def tables(self) -> list[str]:
        return list(self.contracts)
