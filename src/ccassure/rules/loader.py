"""Load rule files: JSON Schema first, then every expression, table, column, parameter, message and example
is checked against the data contracts. Each problem names the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ccassure.contracts import ContractSet, load_contracts
from ccassure.nodes import Basis, Example, Locator, Parameter
from ccassure.nodes.example import example_given, example_parameters, example_period
from ccassure.nodes.loading import load_folder
from ccassure.nodes.nodeset import NodeSet
from ccassure.rules.blanks import check_blank_columns
from ccassure.rules.checks import get_check, load_checks
from ccassure.rules.commencement import parse_in_force, parse_parameter_values
from ccassure.rules.errors import RuleError, RuleErrors
from ccassure.rules.expr import ExpressionError, Scope, check_allowed_values
from ccassure.rules.model import AUTHORITY_CONTRACT, STATUSES, SUBJECTS, Rule
from ccassure.rules.schema import build_rule_schema
from ccassure.rules.testtypes import TEST_TYPES
from ccassure.rules.testtypes.base import LoadContext
from ccassure.yamlload import YamlFileError, line_of, load_yaml, to_plain

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MESSAGE_FIELDS = {"subject_name", "subject_id", "subject_type", "period", "observed", "threshold", "detail",
                  "authority_code", "provider_id", "status"}


class RuleSet(NodeSet[Rule]):
    """The loaded rules, by id, in file order."""

    @property
    def rules(self) -> dict[str, Rule]:
        return self.items

    def select(self, ids: list[str] | None = None, tag: str | None = None) -> RuleSet:
        chosen = {rid: rule for rid, rule in self.rules.items()
                  if (not ids or rid in ids) and (tag is None or tag in rule.tags)}
        return RuleSet(chosen)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"id": r.id, "version": r.version, "title": r.title, "citation": r.basis.citation,
                              "wording": r.basis.wording_checked, "subject": r.subject, "test": r.test_type,
                              "severity": r.effective_severity} for r in self])

    def _repr_html_(self) -> str:
        from ccassure.safe_text import html_safe

        rows = "".join(f"<tr><td>{html_safe(r.id)}</td><td>{html_safe(r.title)}</td>"
                       f"<td>{html_safe(r.basis.citation)}</td><td>{html_safe(r.effective_severity)}</td></tr>"
                       for r in self)
        return ("<table><thead><tr><th>id</th><th>title</th><th>citation</th><th>worst status</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")


# rules/kpis/ holds KPI frameworks, a format of their own loaded by ccassure.kpis.
SKIP_FOLDERS = ("kpis",)


def rule_files(directory: Path) -> list[Path]:
    """Rule files under ``directory``: *.yaml and *.yml, except names starting with _ and rules/kpis/."""
    found = []
    for pattern in ("*.yaml", "*.yml"):
        for path in sorted(directory.rglob(pattern)):
            parts = path.relative_to(directory).parts
            if path.name.startswith("_") or (len(parts) > 1 and parts[0] in SKIP_FOLDERS):
                continue
            found.append(path)
    return found


def load_rules(directory: Path | str | None = None, *, contracts: ContractSet | None = None,
               checks_dir: Path | str | None = None) -> RuleSet:
    """Load every rule file under ``directory`` (default: the project's rules/); raise RuleErrors on any problem."""
    rules, errors = _load_all(directory, contracts, checks_dir)
    if errors:
        raise RuleErrors(errors)
    return rules


def lint_rules(directory: Path | str | None = None, *, contracts: ContractSet | None = None,
               checks_dir: Path | str | None = None,
               check_published_schema: bool = True) -> tuple[RuleSet, list[YamlFileError]]:
    """Every problem in the rules folder. Parameter overrides in ccassure.yml are checked against the one
    parameter namespace of every node by :func:`ccassure.nodes.manifest.lint_manifest`."""
    rules, errors = _load_all(directory, contracts, checks_dir)
    for path in rule_files(Path(directory) if directory is not None else current_rules_dir()):
        head = path.read_text(encoding="utf-8", errors="replace").splitlines()[:3]
        if not any("yaml-language-server: $schema=" in line for line in head):
            errors.append(RuleError(path, 1, "first lines lack '# yaml-language-server: $schema=<path to "
                                             "src/ccassure/schemas/rule.schema.json>' (editors use it to autocomplete)"))
    if check_published_schema:
        from ccassure.rules.schema import published_schema

        try:
            stale = published_schema() != build_rule_schema()
        except FileNotFoundError:
            stale = True
        if stale:
            errors.append(RuleError("src/ccassure/schemas/rule.schema.json", None,
                                    "the published rule schema is out of date: run `ccassure rules schema --write`"))
    return rules, errors


def current_rules_dir() -> Path:
    from ccassure.project import current_project

    return current_project().rules_dir


def _load_all(directory: Path | str | None, contracts: ContractSet | None,
              checks_dir: Path | str | None) -> tuple[RuleSet, list[YamlFileError]]:
    if directory is None or checks_dir is None:
        from ccassure.project import current_project

        project = current_project()
        directory = directory if directory is not None else project.rules_dir
        checks_dir = checks_dir if checks_dir is not None else project.checks_dir
    directory = Path(directory)
    contracts = contracts or load_contracts()
    load_checks(checks_dir)
    files = rule_files(directory) if directory.is_dir() else []
    rules, errors = load_folder(directory, files, lambda path: load_rule_file(path, contracts), folder="rules",
                                noun="rule")
    return RuleSet(rules), errors


def load_rule_file(path: Path, contracts: ContractSet) -> Rule:
    document = load_yaml(path)
    if not isinstance(document, dict):
        raise RuleError(path, 1, "a rule file must be a YAML mapping (id, version, title, basis, subject, test, ...)")
    validator = Draft202012Validator(build_rule_schema())
    plain = to_plain(document)
    problems = sorted(validator.iter_errors(plain), key=lambda e: (len(list(e.absolute_path)), list(map(str, e.absolute_path))))
    if problems:
        worst = max(problems, key=lambda e: len(list(e.absolute_path)))
        where = "/".join(str(p) for p in worst.absolute_path) or "(top level)"
        raise RuleError(path, line_of(document, list(worst.absolute_path)), f"{where}: {worst.message}")
    loc = Locator(path, document)
    subject = SUBJECTS[plain["subject"]]
    if subject.table is None:
        subject_contract = AUTHORITY_CONTRACT
    else:
        if subject.table not in contracts:
            raise loc.error(f"subject {subject.type} needs the table {subject.table}, which no contract defines",
                            "subject")
        subject_contract = contracts[subject.table]

    parameters = {name: _parameter(name, spec, plain, loc) for name, spec in (plain.get("parameters") or {}).items()}
    defaults = {name: p.default for name, p in parameters.items()}

    ctx = LoadContext(contracts, subject, subject_contract, defaults, loc.at("test"),
                      checks=lambda name: isinstance(name, str) and get_check(name) is not None)
    applies_when = None
    if plain.get("applies_when") is not None:
        applies_when = LoadContext(contracts, subject, subject_contract, defaults, loc).condition(
            plain["applies_when"], {subject_contract.table: subject_contract}, subject_contract.table, "applies_when")
        _allowed_values(applies_when, subject_contract, loc, "applies_when")

    test_raw = plain["test"]
    test_type = TEST_TYPES[test_raw["type"]]
    spec = test_type.parse(test_raw, ctx)
    for key in ("where", "that", "numerator"):
        condition = getattr(spec, key, None)
        if condition is not None and hasattr(condition, "root"):
            tables = {t: contracts[t] for t in test_type.tables(spec) if t in contracts}
            tables[subject_contract.table] = subject_contract
            _allowed_values(condition, None, loc, "test", key, tables=tables)

    used = test_type.params(spec) | (applies_when.parameters if applies_when else set())
    basis = plain["basis"]
    cap = plain.get("cap")
    cap_reason = plain.get("cap_reason", "")
    if basis["wording_checked"] == "unverified":
        cap = "at_risk"
        cap_reason = cap_reason or ("the wording this rule relies on has not yet been read in the published text, "
                                    "so it cannot report not_met")
    blank_means = dict(plain.get("blank_means") or {})
    problem = check_blank_columns(blank_means, subject_contract)
    if problem:
        raise loc.error(problem, "blank_means")

    messages = dict(plain["message"])
    for status, template in messages.items():
        for name in PLACEHOLDER.findall(template):
            if name not in MESSAGE_FIELDS and name not in parameters:
                raise loc.error(f"message {status}: unknown placeholder {{{name}}} (use "
                                f"{', '.join(sorted(MESSAGE_FIELDS | set(parameters)))})", "message", status)

    tables = [subject_contract.table] if subject.table else []
    tables += [t for t in test_type.tables(spec) if t not in tables]
    if plain["subject"] == "authority":
        tables = [t for t in tables if t != "authority"]
    examples = tuple(_examples(plain, document, loc, contracts, parameters, tables, subject))
    rule = Rule(
        id=plain["id"], version=plain["version"], title=" ".join(plain["title"].split()),
        basis=Basis(basis["source"], " ".join(str(basis.get("note", "")).split()), basis["legal_note"],
                    basis["citation"], " ".join(basis["wording"].split()), basis["wording_checked"]),
        subject=plain["subject"], applies_when=applies_when, test_type=test_type.name, test=spec,
        severity=plain["severity"], cap=cap, cap_reason=" ".join(cap_reason.split()), messages=messages,
        guidance=" ".join(plain["guidance"].split()), parameters=parameters, examples=examples,
        tables=tuple(tables), source=path, line=line_of(document, ["id"]), tags=tuple(plain.get("tags", ())),
        areas=tuple(plain["areas"]), in_force=parse_in_force(plain), blank_means=blank_means,
    )
    unused = [] if test_type.uses_all_parameters else sorted(set(parameters) - used)
    if unused:
        raise loc.error(f"parameter(s) declared but never used by the test: {', '.join(unused)}", "parameters",
                        unused[0])
    return rule


def _allowed_values(condition, contract, loc: Locator, *steps: Any, tables=None) -> None:
    scope = Scope(tables=tables or {contract.table: contract}, default=None)
    try:
        problems = check_allowed_values(condition, scope)
    except (ExpressionError, KeyError):
        return
    if problems:
        raise loc.error(problems[0], *steps)


def _parameter(name: str, spec: dict[str, Any], plain: dict[str, Any], loc: Locator) -> Parameter:
    """A parameter with one ``default``, or dated ``values`` (rules/commencement.py; default = the latest)."""
    versions = ()
    if spec.get("values") is not None:
        try:
            versions = parse_parameter_values(spec["values"], parse_in_force(plain).valid_from)
        except ValueError as exc:
            raise loc.error(f"parameter {name}: {exc}", "parameters", name, "values") from None
    default = versions[-1].value if versions else spec["default"]
    return Parameter(name, default, " ".join(str(spec.get("description", "")).split()), unit=spec["unit"],
                     basis=spec["basis"], source=spec.get("source", ""), versions=versions)


def _examples(plain: dict[str, Any], document: Any, loc: Locator, contracts: ContractSet,
              parameters: dict[str, Parameter], tables: list[str], subject) -> Iterator[Example]:
    def contract_for(table: str, steps: tuple[Any, ...]):
        if table not in contracts:
            raise loc.error(f"example gives table {table!r}, which no contract defines", *steps)
        return contracts[table]

    for index, raw in enumerate(plain["examples"]):
        steps = ("examples", index)
        period = example_period(raw, loc, *steps)
        values = example_parameters(raw, parameters, "rule", loc, *steps)
        given = example_given(raw, contract_for, loc, *steps)
        expect = {str(k): v for k, v in (raw.get("expect") or {}).items()}
        for key, status in expect.items():
            if status not in STATUSES:
                raise loc.error(f"expected status {status!r} is not one of {', '.join(STATUSES)}",
                                *steps, "expect", key)
        yield Example(raw["name"], given, expect, period, values, line_of(document, list(steps)))
