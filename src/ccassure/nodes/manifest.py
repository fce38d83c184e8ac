"""The one loader entry: every node of a project — rules, KPIs and KPI cross-checks — in one manifest.

``load_manifest`` reads the rules folder (statutory and guidance rules) and its ``kpis/`` folder (KPI
frameworks) against the same data contracts and gives one :class:`Manifest` with one parameter namespace;
``lint_manifest`` collects every problem instead of raising, adding the project-level checks (schema header
lines, the published rule schema, ccassure.yml overrides against the namespace).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ccassure.contracts import ContractSet, load_contracts
from ccassure.kpis.loader import FrameworkSet, lint_frameworks
from ccassure.kpis.model import CrossCheck
from ccassure.nodes.errors import NodeErrors
from ccassure.nodes.namespace import ParameterNamespace, Scope
from ccassure.rules.loader import RuleSet, lint_rules
from ccassure.yamlload import YamlFileError

KPI_FOLDER = "kpis"


@dataclass(frozen=True)
class Manifest:
    """Typed nodes of three kinds: rules, KPIs (in their frameworks) and one cross-check per KPI."""

    rules: RuleSet
    frameworks: FrameworkSet
    contracts: ContractSet | None = field(default=None, compare=False)

    @property
    def kpis(self) -> list[Any]:
        return [kpi for _, kpi in self.frameworks.kpis()]

    @property
    def cross_checks(self) -> tuple[CrossCheck, ...]:
        return self.frameworks.cross_checks()

    @cached_property
    def namespace(self) -> ParameterNamespace:
        scopes = [Scope(rule.id, "rule", frozenset(rule.parameters)) for rule in self.rules]
        for framework in self.frameworks:
            own = set(framework.parameters)
            scopes.append(Scope(framework.id, "framework", frozenset(own.union(*(k.parameters for k in framework.kpis)))))
            scopes += [Scope(kpi.id, "KPI", frozenset(own | set(kpi.parameters))) for kpi in framework.kpis]
        return ParameterNamespace(scopes)


@dataclass
class ManifestLint:
    """What ``lint_manifest`` found, by where it was found (each kind's CLI group prints its own and the
    project's parameter problems)."""

    manifest: Manifest
    rule_errors: list[YamlFileError]
    kpi_errors: list[YamlFileError]
    parameter_errors: list[YamlFileError]

    def errors_for(self, kind: str) -> list[YamlFileError]:
        own = self.rule_errors if kind == "rule" else self.kpi_errors
        return [*own, *self.parameter_errors]


def _folders(project: Any, rules_dir: Path | str | None, kpi_dir: Path | str | None,
             checks_dir: Path | str | None) -> tuple[Path, Path, Path | None]:
    if project is None and (rules_dir is None or checks_dir is None):
        from ccassure.project import current_project

        project = current_project()
    rules = Path(rules_dir) if rules_dir is not None else project.rules_dir
    kpis = Path(kpi_dir) if kpi_dir is not None else rules / KPI_FOLDER
    checks = Path(checks_dir) if checks_dir is not None else project.checks_dir
    return rules, kpis, checks


def lint_manifest(project: Any = None, *, rules_dir: Path | str | None = None, kpi_dir: Path | str | None = None,
                  checks_dir: Path | str | None = None, contracts: ContractSet | None = None,
                  overrides: dict[str, Any] | None = None, check_published_schema: bool = True) -> ManifestLint:
    """Load every node, collecting every problem. ``overrides`` None: the project's ccassure.yml."""
    rules_dir, kpi_dir, checks_dir = _folders(project, rules_dir, kpi_dir, checks_dir)
    if contracts is None:
        contracts = load_contracts(project.contracts_dir) if project is not None else load_contracts()
    rules, rule_errors = lint_rules(rules_dir, contracts=contracts, checks_dir=checks_dir,
                                    check_published_schema=check_published_schema)
    if kpi_dir.is_dir():
        frameworks, kpi_errors = lint_frameworks(kpi_dir, contracts=contracts)
    else:
        frameworks, kpi_errors = FrameworkSet(), []
    manifest = Manifest(rules, frameworks, contracts)
    source: Path | str = "ccassure.yml"
    if overrides is None:
        if project is None:
            from ccassure.project import current_project

            project = current_project()
        overrides, source = project.parameters, project.root / "ccassure.yml"
    parameter_errors = manifest.namespace.problems(overrides, source, complete=not (rule_errors or kpi_errors))
    return ManifestLint(manifest, rule_errors, kpi_errors, list(parameter_errors))


def load_manifest(project: Any = None, *, rules_dir: Path | str | None = None, kpi_dir: Path | str | None = None,
                  checks_dir: Path | str | None = None, contracts: ContractSet | None = None) -> Manifest:
    """Every node of the project (raise NodeErrors on any problem in a rule or framework file)."""
    from ccassure.kpis.loader import load_frameworks
    from ccassure.rules.loader import load_rules

    rules_dir, kpi_dir, checks_dir = _folders(project, rules_dir, kpi_dir, checks_dir)
    if contracts is None:
        contracts = load_contracts(project.contracts_dir) if project is not None else load_contracts()
    errors: list[YamlFileError] = []
    rules, frameworks = RuleSet(), FrameworkSet()
    try:
        rules = load_rules(rules_dir, contracts=contracts, checks_dir=checks_dir)
    except NodeErrors as exc:
        errors += exc.errors
    if kpi_dir.is_dir():
        try:
            frameworks = load_frameworks(kpi_dir, contracts=contracts)
        except NodeErrors as exc:
            errors += exc.errors
    if errors:
        raise NodeErrors(errors)
    return Manifest(rules, frameworks, contracts)
