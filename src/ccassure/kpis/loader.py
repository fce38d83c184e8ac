"""Load KPI frameworks from ``rules/kpis/*.yaml``: JSON Schema first, then every table, column, filter
expression (parsed and checked by the rules engine's :mod:`ccassure.rules.expr`), parameter and example is
checked against the data contracts. Each problem names the file and the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ccassure.contracts import Contract, ContractSet, load_contracts
from ccassure.kpis.model import (
    LEVELS,
    TITLE_PLACEHOLDER,
    WINDOWS,
    AgeBelow,
    CrossCheck,
    DaysBetween,
    Framework,
    Having,
    Kpi,
    Measure,
    Rise,
)
from ccassure.nodes import Basis, Example, Locator, NodeError, NodeErrors, Parameter, Ref
from ccassure.nodes.example import example_given, example_parameters, example_period
from ccassure.nodes.loading import load_folder
from ccassure.nodes.nodeset import NodeSet
from ccassure.rules.expr import Condition, ExpressionError, Scope, check_allowed_values, parse_condition
from ccassure.yamlload import YamlFileError, line_of, load_yaml, to_plain

SCHEMA_FILE = "schemas/kpi.schema.json"
POPULATION_TABLE = "lsoa_population"
REACH_TABLE = "reach_areas"  # a lookup (LSOAs each centre serves), not counted; its contract is the project's


KpiError = NodeError  # the shared, located load errors (ccassure.nodes.errors)
KpiErrors = NodeErrors


class FrameworkSet(NodeSet[Framework]):
    """The loaded frameworks, by id, in file order."""

    @property
    def frameworks(self) -> dict[str, Framework]:
        return self.items

    def kpis(self) -> Iterator[tuple[Framework, Kpi]]:
        for framework in self:
            for kpi in framework.kpis:
                yield framework, kpi

    def find(self, kpi_id: str) -> tuple[Framework, Kpi] | None:
        for framework, kpi in self.kpis():
            if kpi.id == kpi_id:
                return framework, kpi
        return None

    def cross_check(self, kpi_id: str) -> CrossCheck:
        """The cross-check node for a KPI id a provider reported (with no KPI when no framework defines it)."""
        found = self.find(kpi_id)
        return CrossCheck(kpi_id, *found) if found else CrossCheck(kpi_id)

    def cross_checks(self) -> tuple[CrossCheck, ...]:
        return tuple(CrossCheck(kpi.id, framework, kpi) for framework, kpi in self.kpis())

    def select(self, ids: list[str] | None) -> FrameworkSet:
        """Frameworks (by framework id) or single KPIs (by KPI id); None keeps everything."""
        if not ids:
            return self
        chosen: dict[str, Framework] = {}
        for framework in self:
            if framework.id in ids:
                chosen[framework.id] = framework
                continue
            kpis = tuple(k for k in framework.kpis if k.id in ids)
            if kpis:
                chosen[framework.id] = Framework(framework.id, framework.version, framework.title,
                                                 framework.description, framework.basis, framework.parameters, kpis,
                                                 framework.source)
        return FrameworkSet(chosen)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"framework": f.id, "kpi_id": k.id, "version": k.version, "title": k.title,
                              "unit": k.unit, "direction": k.direction, "windows": ",".join(k.windows),
                              "levels": ",".join(k.levels), "policy_choice": k.basis.policy_choice,
                              "source": k.basis.source} for f, k in self.kpis()])

    def _repr_html_(self) -> str:
        from ccassure.safe_text import html_safe

        rows = "".join(f"<tr><td>{html_safe(f.id)}</td><td>{html_safe(k.id)}</td><td>{html_safe(k.title)}</td>"
                       f"<td>{html_safe(k.unit)}</td><td>{html_safe(k.direction)}</td></tr>" for f, k in self.kpis())
        return ("<table><thead><tr><th>framework</th><th>KPI</th><th>title</th><th>unit</th><th>better</th>"
                f"</tr></thead><tbody>{rows}</tbody></table>")


@lru_cache(maxsize=1)
def kpi_json_schema() -> dict[str, Any]:
    return json.loads(resources.files("ccassure").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def framework_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_")) + \
        sorted(p for p in directory.glob("*.yml") if not p.name.startswith("_"))


def default_kpi_dir() -> Path:
    from ccassure.project import current_project

    return current_project().rules_dir / "kpis"


def load_frameworks(directory: Path | str | None = None, *, contracts: ContractSet | None = None) -> FrameworkSet:
    """Load every framework file in ``directory`` (default: the project's rules/kpis/); raise KpiErrors."""
    frameworks, errors = lint_frameworks(directory, contracts=contracts)
    if errors:
        raise KpiErrors(errors)
    return frameworks


def lint_frameworks(directory: Path | str | None = None, *,
                    contracts: ContractSet | None = None) -> tuple[FrameworkSet, list[YamlFileError]]:
    """Every problem in the KPI folder. Parameter overrides in ccassure.yml are checked against the one
    parameter namespace of every node by :func:`ccassure.nodes.manifest.lint_manifest`."""
    directory = Path(directory) if directory is not None else default_kpi_dir()
    contracts = contracts or load_contracts()
    files = framework_files(directory) if directory.is_dir() else []
    frameworks, errors = load_folder(directory, files, lambda path: load_framework_file(path, contracts),
                                     folder="KPI", noun="framework")
    seen: dict[str, Path] = {}
    for framework in frameworks.values():
        path = framework.source
        for kpi in framework.kpis:
            if kpi.id in seen:
                errors.append(KpiError(path, kpi.line, f"KPI id {kpi.id} is also used in {seen[kpi.id]}"))
            seen[kpi.id] = path
    return FrameworkSet(frameworks), errors


def load_framework_file(path: Path, contracts: ContractSet) -> Framework:
    document = load_yaml(path)
    if not isinstance(document, dict):
        raise KpiError(path, 1, "a KPI framework file must be a YAML mapping (framework, version, title, basis, "
                                "parameters, kpis)")
    plain = to_plain(document)
    problems = list(Draft202012Validator(kpi_json_schema()).iter_errors(plain))
    if problems:
        worst = max(problems, key=lambda e: len(list(e.absolute_path)))
        where = "/".join(str(p) for p in worst.absolute_path) or "(top level)"
        raise KpiError(path, line_of(document, list(worst.absolute_path)), f"{where}: {worst.message}")
    loc = Locator(path, document)
    fw_params = _parameters(plain.get("parameters") or {})
    kpis = []
    for index, raw in enumerate(plain["kpis"]):
        kpis.append(_kpi(raw, plain["framework"], fw_params, contracts, loc, ("kpis", index)))
    return Framework(id=plain["framework"], version=plain["version"], title=" ".join(plain["title"].split()),
                     description=" ".join(str(plain.get("description", "")).split()), basis=_basis(plain["basis"]),
                     parameters=fw_params, kpis=tuple(kpis), source=path)


def _parameters(raw: dict[str, Any]) -> dict[str, Parameter]:
    return {name: Parameter(name, spec["default"], " ".join(str(spec.get("description", "")).split()),
                            basis="policy" if spec.get("policy_choice", True) else None) for name, spec in raw.items()}


def _basis(raw: dict[str, Any]) -> Basis:
    return Basis(" ".join(raw["source"].split()), " ".join(str(raw.get("note", "")).split()),
                 legal_note=str(raw.get("statute_ref", "")), policy_choice=bool(raw["policy_choice"]))


def _kpi(raw: dict[str, Any], framework_id: str, fw_params: dict[str, Parameter], contracts: ContractSet,
         loc: Locator, steps: tuple[Any, ...]) -> Kpi:
    kpi_id = raw["id"]
    if not kpi_id.startswith(framework_id + "-"):
        raise loc.error(f"KPI id {kpi_id} must start with its framework id {framework_id}-", *steps, "id")
    params = _parameters(raw.get("parameters") or {})
    clash = set(params) & set(fw_params)
    if clash:
        name = sorted(clash)[0]
        raise loc.error(f"parameter {name!r} is already a framework parameter: override it in ccassure.yml "
                        f"under {kpi_id} instead of redeclaring it", *steps, "parameters", name)
    defaults = {name: p.default for name, p in {**fw_params, **params}.items()}
    numerator = _measure(raw["numerator"], contracts, defaults, loc, (*steps, "numerator"))
    denominator = None
    if raw.get("denominator") is not None:
        denominator = _measure(raw["denominator"], contracts, defaults, loc, (*steps, "denominator"))
    kind = raw.get("kind") or ("ratio" if denominator is not None else "count")
    if kind in ("ratio", "gap") and denominator is None:
        raise loc.error(f"a {kind} KPI needs a denominator", *steps)
    if kind == "count" and denominator is not None:
        raise loc.error("a count KPI has no denominator (use kind: ratio)", *steps, "denominator")
    group = None
    if kind == "gap":
        if not raw.get("group"):
            raise loc.error("a gap KPI needs group: the condition that picks out the focus group", *steps)
        if numerator.table != denominator.table:  # type: ignore[union-attr]
            raise loc.error("a gap KPI's numerator and denominator must read the same table", *steps, "numerator")
        group = _condition(raw["group"], {numerator.table: contracts[numerator.table]}, numerator.table, defaults,
                           loc, (*steps, "group"))
    elif raw.get("group"):
        raise loc.error("group is only used by gap KPIs", *steps, "group")
    target = _ref(raw.get("target"), defaults, loc, (*steps, "target"))
    amber = _ref(raw.get("amber_from"), defaults, loc, (*steps, "amber_from"))
    if amber is not None and target is None:
        raise loc.error("amber_from needs a target", *steps, "amber_from")
    direction = raw["direction"]
    if target is not None and amber is not None and target.param is None and amber.param is None:
        wrong = amber.value > target.value if direction == "higher" else amber.value < target.value  # type: ignore[operator]
        if wrong:
            raise loc.error(f"amber_from {amber.value} is on the wrong side of the target {target.value} for "
                            f"'{direction} is better'", *steps, "amber_from")
    used = numerator.params() | (denominator.params() if denominator else set()) | \
        (group.parameters if group else set()) | {r.param for r in (target, amber) if r and r.param}
    unused = sorted(set(params) - used)
    if unused:
        raise loc.error(f"parameter(s) declared but never used: {', '.join(unused)}", *steps, "parameters", unused[0])
    kpi_params = {name: p for name, p in {**fw_params, **params}.items()}
    unknown = sorted(set(TITLE_PLACEHOLDER.findall(raw["title"])) - set(kpi_params))
    if unknown:
        raise loc.error(f"the title names {{{unknown[0]}}}, which is not a parameter of this KPI or its framework",
                        *steps, "title")
    kpi = Kpi(id=kpi_id, version=raw["version"], title=" ".join(raw["title"].split()), basis=_basis(raw["basis"]),
              kind=kind, unit=raw["unit"], direction=direction, windows=tuple(raw.get("windows") or ("quarter",)),
              levels=tuple(raw.get("levels") or LEVELS), numerator=numerator, denominator=denominator, group=group,
              target=target, amber_from=amber, parameters=params, examples=(),
              description=" ".join(str(raw.get("description", "")).split()), line=line_of(loc.document, [*steps, "id"]),
              areas=tuple(raw["areas"]))
    examples = tuple(_examples(raw["examples"], kpi, kpi_params, contracts, loc, steps))
    return Kpi(**{**kpi.__dict__, "examples": examples})


def _table(name: Any, contracts: ContractSet, loc: Locator, steps: tuple[Any, ...]) -> Contract:
    if name not in contracts:
        raise loc.error(f"unknown table {name!r}: no data contract defines it "
                        f"(tables: {', '.join(sorted(contracts.tables))})", *steps)
    return contracts[name]


def _column(contract: Contract, name: str, loc: Locator, steps: tuple[Any, ...], types: tuple[str, ...] = ()) -> str:
    if not contract.has_column(name):
        raise loc.error(f"unknown column {name!r} in table {contract.table} "
                        f"(columns: {', '.join(contract.column_names)})", *steps)
    kind = contract.column(name).type
    if types and kind not in types:
        raise loc.error(f"{contract.table}.{name} is a {kind} column; this needs {' or '.join(types)}", *steps)
    return name


def _condition(text: Any, tables: dict[str, Contract], default: str, defaults: dict[str, Any], loc: Locator,
               steps: tuple[Any, ...]) -> Condition:
    scope = Scope(tables=tables, default=default, parameters=defaults)
    try:
        condition = parse_condition(text, scope)
        problems = check_allowed_values(condition, Scope(tables=tables, default=None))
    except ExpressionError as exc:
        raise loc.error(str(exc), *steps) from None
    if problems:
        raise loc.error(problems[0], *steps)
    return condition


def _ref(value: Any, defaults: dict[str, Any], loc: Locator, steps: tuple[Any, ...]) -> Ref | None:
    if value is None:
        return None
    if isinstance(value, str):
        if value not in defaults:
            raise loc.error(f"{value!r} is not a parameter of this KPI or its framework "
                            f"(parameters: {', '.join(sorted(defaults)) or 'none'})", *steps)
        default = defaults[value]
        if default is not None and (isinstance(default, bool) or not isinstance(default, (int, float))):
            raise loc.error(f"parameter {value!r} must have a number (or null: not set) as default to be used "
                            f"here", *steps)
        return Ref(param=value, as_float=True)
    return Ref(value=float(value), as_float=True)


def _measure(raw: dict[str, Any], contracts: ContractSet, defaults: dict[str, Any], loc: Locator,
             steps: tuple[Any, ...]) -> Measure:
    contract = _table(raw["table"], contracts, loc, (*steps, "table"))
    table = contract.table
    if table == REACH_TABLE:
        raise loc.error("reach_areas is a lookup, not a table to count; count lsoa_population instead", *steps, "table")
    if table != POPULATION_TABLE and not contract.has_column("centre_id"):
        raise loc.error(f"{table} has no centre_id column, so its rows cannot be attributed to centres, "
                        f"providers or authorities", *steps, "table")
    distinct = _column(contract, raw["distinct"], loc, (*steps, "distinct")) if raw.get("distinct") else None
    total = None
    if raw.get("sum"):
        total = _column(contract, raw["sum"], loc, (*steps, "sum"), ("integer", "number"))
    where = _condition(raw["where"], {table: contract}, table, defaults, loc, (*steps, "where")) \
        if raw.get("where") is not None else None
    dated = _column(contract, raw["dated"], loc, (*steps, "dated"), ("date",)) if raw.get("dated") else None
    opened = None
    if raw.get("open"):
        opened = (_column(contract, raw["open"]["start"], loc, (*steps, "open", "start"), ("date",)),
                  _column(contract, raw["open"]["end"], loc, (*steps, "open", "end"), ("date",)))
        if dated:
            raise loc.error("use dated or open, not both", *steps, "open")
    age = None
    if raw.get("age_below_months"):
        spec = raw["age_below_months"]
        age = AgeBelow(_column(contract, spec["column"], loc, (*steps, "age_below_months", "column"), ("month",)),
                       _ref(spec["months"], defaults, loc, (*steps, "age_below_months", "months")),  # type: ignore[arg-type]
                       spec.get("at", "end"))
    days = None
    if raw.get("days_between"):
        spec = raw["days_between"]
        s = (*steps, "days_between")
        start = _column(contract, spec["start"], loc, (*s, "start"), ("date", "month"))
        end = _column(contract, spec["end"], loc, (*s, "end"), ("date", "month"))
        days = DaysBetween(start, end, _ref(spec.get("at_most"), defaults, loc, (*s, "at_most")),
                           _ref(spec.get("at_least"), defaults, loc, (*s, "at_least")),
                           contract.column(start).type == "month", contract.column(end).type == "month")
    rise = None
    if raw.get("rise"):
        spec = raw["rise"]
        s = (*steps, "rise")
        rise = Rise(_column(contract, spec["from"], loc, (*s, "from"), ("integer", "number")),
                    _column(contract, spec["to"], loc, (*s, "to"), ("integer", "number")),
                    _ref(spec["at_least"], defaults, loc, (*s, "at_least")))  # type: ignore[arg-type]
    having = None
    if raw.get("having"):
        spec = raw["having"]
        s = (*steps, "having")
        other = _table(spec["table"], contracts, loc, (*s, "table"))
        on = _column(contract, spec["on"], loc, (*s, "on"))
        their_on = _column(other, spec.get("their_on") or on, loc, (*s, "their_on" if spec.get("their_on") else "on"))
        h_where = _condition(spec["where"], {other.table: other}, other.table, defaults, loc, (*s, "where")) \
            if spec.get("where") is not None else None
        h_dated = _column(other, spec["dated"], loc, (*s, "dated"), ("date",)) if spec.get("dated") else None
        within = spec.get("within", "window")
        if within == "r12" and not h_dated:
            raise loc.error("within: r12 needs dated: the date column of the other table", *s, "within")
        having = Having(other.table, on, their_on, h_where, h_dated, within,
                        _ref(spec["at_least"], defaults, loc, (*s, "at_least")))  # type: ignore[arg-type]
    if table == POPULATION_TABLE and (distinct or not total):
        raise loc.error("lsoa_population is summed: give sum: under5", *steps, "table")
    return Measure(table, distinct, total, where, dated, opened, age, days, rise, having)


def _examples(raws: list[dict[str, Any]], kpi: Kpi, params: dict[str, Parameter], contracts: ContractSet,
              loc: Locator, steps: tuple[Any, ...]) -> Iterator[Example]:
    def contract_for(table: str, at: tuple[Any, ...]) -> Contract:
        return _table(table, contracts, loc, at)

    for index, raw in enumerate(raws):
        s = (*steps, "examples", index)
        period = example_period(raw, loc, *s)
        level = raw.get("level", "centre")
        window = raw.get("window", kpi.windows[0])
        if level not in kpi.levels:
            raise loc.error(f"example level {level} is not one of the KPI's levels ({', '.join(kpi.levels)})", *s, "level")
        if window not in kpi.windows:
            raise loc.error(f"example window {window} is not one of the KPI's windows ({', '.join(kpi.windows)})",
                            *s, "window")
        values = example_parameters(raw, params, "KPI", loc, *s)
        given = example_given(raw, contract_for, loc, *s)
        yield Example(raw["name"], given, dict(raw["expect"]), period, values, line_of(loc.document, list(s)),
                      subject=str(raw["subject"]), level=level, window=window)


__all__ = ["POPULATION_TABLE", "REACH_TABLE", "FrameworkSet", "KpiError", "KpiErrors", "WINDOWS", "framework_files",
           "lint_frameworks", "load_framework_file", "load_frameworks"]
