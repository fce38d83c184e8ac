"""Data contracts: what each table of a return, an authority record or a reference data set must hold."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ColumnType = Literal["string", "integer", "number", "boolean", "date", "month"]
Dataset = Literal["provider_return", "authority_records", "reference"]
DATASETS: tuple[Dataset, ...] = ("provider_return", "authority_records", "reference")


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

    @property
    def tables(self) -> list[str]:
        return list(self.contracts)
