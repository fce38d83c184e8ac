"""Load data contracts from YAML, checked against the published JSON Schema and against each other.

A bad contract is reported with its file and line; loading never half-succeeds.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from ccassure.contracts.model import ColumnSpec, Contract, ContractSet, DateOrder, ForeignKey
from ccassure.contracts.plausibility import parse_plausibility, plausibility_errors
from ccassure.yamlload import YamlFileError, line_of, load_yaml, to_plain


class ContractError(YamlFileError):
    """A contract file that is invalid; carries file and line."""


class ContractErrors(ValueError):
    """All problems found while loading a contract folder."""

    def __init__(self, errors: list[YamlFileError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@lru_cache(maxsize=1)
def contract_json_schema() -> dict[str, Any]:
    text = resources.files("ccassure").joinpath("schemas/contract.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def load_contract_file(path: Path) -> Contract:
    try:
        document = load_yaml(path)
    except YamlFileError as exc:
        raise ContractError(exc.path, exc.line, exc.message) from None
    if not isinstance(document, dict):
        raise ContractError(path, 1, "a contract must be a YAML mapping with table, title, dataset, sheet and columns")
    validator = Draft202012Validator(contract_json_schema())
    errors = sorted(validator.iter_errors(to_plain(document)), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        located = schema_error_path(first)
        where = "/".join(str(p) for p in located) or "(top level)"
        raise ContractError(path, line_of(document, located), f"{where}: {first.message}")
    data = to_plain(document)
    contract = _build(data, path)
    _check_self(contract, document, path)
    return contract


def schema_error_path(error: ValidationError) -> list[Any]:
    """The path to point at: for an unexpected key, the key itself rather than the mapping holding it."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extras = [key for key in error.instance if key not in allowed]
        if extras:
            path.append(extras[0])
    return path


def _build(data: dict[str, Any], path: Path) -> Contract:
    columns = tuple(
        ColumnSpec(
            name=col["name"], type=col["type"], required=col.get("required", False),
            unique=col.get("unique", False),
            allowed=tuple(col["allowed"]) if "allowed" in col else None,
            minimum=col.get("minimum"), maximum=col.get("maximum"), pattern=col.get("pattern"),
            description=" ".join(str(col.get("description", "")).split()), example=col.get("example"),
            aliases=tuple(col.get("aliases", ())), personal_data=col.get("personal_data", "none"),
            privacy_scan=col.get("privacy_scan", False),
        )
        for col in data["columns"]
    )
    foreign_keys = tuple(
        ForeignKey(fk["column"], *fk["references"].split(".", 1)) for fk in data.get("foreign_keys", ())
    )
    return Contract(
        table=data["table"], title=data["title"], dataset=data["dataset"], sheet=data["sheet"],
        columns=columns, required=data.get("required", False),
        description=" ".join(str(data.get("description", "")).split()),
        personal_data=data.get("personal_data", "none"),
        primary_key=tuple(data.get("primary_key", ())), foreign_keys=foreign_keys,
        date_order=tuple(DateOrder(d["start"], d["end"]) for d in data.get("date_order", ())),
        source=path, plausibility=parse_plausibility(data.get("plausibility")),
        **_table_facts(data, {c.name for c in columns}),
    )


def _table_facts(data: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """Role, event date, authority scope and sheet order: as declared, else what the columns imply (a return
    table is a snapshot, other tables records; an ``authority_code`` column scopes rows to the authority; a
    return table without one belongs to its centre's or board's authority)."""
    role = data.get("role") or ("snapshot" if data["dataset"] == "provider_return" else "record")
    column = data.get("authority_column") or ("authority_code" if "authority_code" in names else None)
    scope = data.get("authority_scope")
    if scope is None:
        if column is not None:
            scope = "authority_column"
        elif data["dataset"] == "provider_return" and "centre_id" in names:
            scope = "centre"
        elif data["dataset"] == "provider_return" and "board_id" in names:
            scope = "board"
        else:
            scope = "none"
    return {"role": role, "event_date": data.get("event_date"), "authority_scope": scope,
            "authority_column": column, "sheet_order": data.get("sheet_order")}


def _check_self(contract: Contract, document: Any, path: Path) -> None:
    names = contract.column_names
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise ContractError(path, line_of(document, ["columns", index]), f"column {name!r} is declared twice")
        seen.add(name)
    for index, spec in enumerate(contract.columns):
        if spec.pattern is not None:
            try:
                re.compile(spec.pattern)
            except re.error as exc:
                raise ContractError(path, line_of(document, ["columns", index, "pattern"]),
                                    f"pattern of {spec.name!r} is not a valid regular expression: {exc}") from None
    for key in contract.primary_key:
        if key not in names:
            raise ContractError(path, line_of(document, ["primary_key"]), f"primary key column {key!r} is not declared")
    for index, fk in enumerate(contract.foreign_keys):
        if fk.column not in names:
            raise ContractError(path, line_of(document, ["foreign_keys", index]),
                                f"foreign key column {fk.column!r} is not declared")
    if contract.role == "event" and (contract.event_date not in names
                                     or contract.column(contract.event_date).type != "date"):
        raise ContractError(path, line_of(document, ["event_date"]) or line_of(document, ["role"]),
                            f"an event table needs event_date naming one of its date columns, not "
                            f"{contract.event_date!r}")
    if contract.event_date is not None and contract.role != "event":
        raise ContractError(path, line_of(document, ["event_date"]), "event_date is only for role: event")
    for key in ("authority_column",):
        if contract.authority_column is not None and contract.authority_column not in names:
            raise ContractError(path, line_of(document, [key]),
                                f"{key} {contract.authority_column!r} is not a declared column")
    for index, message in plausibility_errors(contract.plausibility, names):
        raise ContractError(path, line_of(document, ["plausibility", index]), message)
    for index, order in enumerate(contract.date_order):
        for name in (order.start, order.end):
            if name not in names or contract.column(name).type != "date":
                raise ContractError(path, line_of(document, ["date_order", index]),
                                    f"date_order names {name!r}, which is not a date column of {contract.table}")


def load_contracts(directory: Path | str | None = None) -> ContractSet:
    """Load every ``*.yaml`` contract under ``directory`` (default: the project's data_contracts/)."""
    if directory is None:
        from ccassure.project import current_project

        directory = current_project().contracts_dir
    return _load_contracts_cached(Path(directory).resolve())


@lru_cache(maxsize=8)
def _load_contracts_cached(directory: Path) -> ContractSet:
    if not directory.is_dir():
        raise ContractErrors([ContractError(directory, None, "contract folder not found")])
    errors: list[YamlFileError] = []
    contracts: dict[str, Contract] = {}
    for path in sorted(directory.rglob("*.yaml")):
        try:
            contract = load_contract_file(path)
        except YamlFileError as exc:
            errors.append(exc)
            continue
        if contract.table in contracts:
            errors.append(ContractError(path, 1, f"table {contract.table!r} is also defined in "
                                                 f"{contracts[contract.table].source}"))
            continue
        contracts[contract.table] = contract
    for contract in contracts.values():
        for fk in contract.foreign_keys:
            target = contracts.get(fk.ref_table)
            if target is None or not target.has_column(fk.ref_column):
                errors.append(ContractError(contract.source or directory, None,
                                            f"foreign key {fk.column} references {fk.ref_table}.{fk.ref_column}, "
                                            "which no contract declares"))
    if errors:
        raise ContractErrors(errors)
    return ContractSet(contracts)
