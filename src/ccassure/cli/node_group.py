"""One shape for the ``rules`` and ``kpis`` command groups: ``list``, ``show``, ``lint`` and ``test`` are this
code, told by a :class:`NodeKind` how to load, select, list and describe its kind of node.

Exit codes (both groups): 0 success; 1 a lint problem, a failing example or an unknown id; 2 the files
cannot be used (run ``lint`` for every problem).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


@dataclass(frozen=True)
class NodeKind:
    """What the shared commands need to know about one kind of node."""

    group: str  # the command group: "rules" | "kpis"
    noun: str  # one node, in messages: "rule" | "KPI"
    plural: str  # "rules" | "KPIs"
    lint_kind: str  # which load errors lint prints (ccassure.nodes.manifest.ManifestLint.errors_for)
    folder_help: str
    load: Callable[[Path | None], Any]  # folder (None: the project's) -> the loaded nodes; raises NodeErrors
    lint_folders: Callable[[Path | None], dict[str, Any]]  # folder -> lint_manifest keyword arguments
    lint_nodes: Callable[[Any], Any]  # ManifestLint.manifest -> this kind's nodes
    ids: Callable[[Any], set[str]]  # every id that may be named (rule ids; framework and KPI ids)
    select: Callable[[Any, list[str]], Any]
    count: Callable[[Any], int]  # how many nodes (rules; KPIs)
    columns: tuple[str, ...]  # the columns `list` prints, id first
    rows: Callable[[Any, dict[str, Any]], Sequence[tuple[str, ...]]]  # nodes, overrides -> one row per node
    show: Callable[[Any, str, dict[str, Any]], list[str]]  # nodes, id, overrides -> lines
    cases: str  # "module:function": nodes -> their ccassure.nodes.examples.ExampleCase list (imported when run)
    folder_options: tuple[str, ...] = ("--dir",)  # the folder option's names (rules also keeps --rules)


def _project():
    from ccassure.project import current_project

    return current_project()


def load_or_exit(kind: NodeKind, directory: Path | None) -> Any:
    """The loaded nodes, or every load problem printed and exit 2."""
    from ccassure.contracts import ContractErrors
    from ccassure.nodes.errors import NodeErrors

    try:
        return kind.load(directory)
    except (NodeErrors, ContractErrors) as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"ccassure: {len(exc.errors)} problem(s) in the {kind.plural} (run `ccassure {kind.group} "
                   f"lint` for every problem)", err=True)
        sys.exit(2)


def _known_or_exit(kind: NodeKind, nodes: Any, ids: Sequence[str]) -> None:
    unknown = [i for i in ids if i not in kind.ids(nodes)]
    if unknown:
        click.echo(f"No {kind.noun} {', '.join(unknown)}. Try `ccassure {kind.group} list`.", err=True)
        sys.exit(1)


def node_group(kind: NodeKind, help_text: str) -> click.Group:
    """The command group of one kind of node, with the four shared commands."""
    folder = click.option(*kind.folder_options, "directory", type=click.Path(path_type=Path, file_okay=False),
                          default=None, help=kind.folder_help)

    @click.group(name=kind.group, help=help_text)
    def group() -> None:
        pass

    @group.command("list")
    @folder
    def list_nodes(directory: Path | None) -> None:
        """Every node, one row each (tab-separated when piped, easy to grep)."""
        nodes = load_or_exit(kind, directory)
        rows = kind.rows(nodes, _project().parameters or {})
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.table import Table

            table = Table(show_lines=False)
            table.add_column(kind.columns[0], no_wrap=True)
            for column in kind.columns[1:]:
                table.add_column(column, overflow="fold")
            for row in rows:
                table.add_row(*row)
            Console().print(table)
        else:
            for row in rows:
                click.echo("\t".join(row))
        click.echo(f"{kind.count(nodes)} {kind.plural}")

    @group.command("show")
    @click.argument("node_id")
    @folder
    def show(node_id: str, directory: Path | None) -> None:
        """Everything about one node: basis, what it computes, parameters (with this project's values)."""
        nodes = load_or_exit(kind, directory)
        _known_or_exit(kind, nodes, [node_id])
        click.echo("\n".join(kind.show(nodes, node_id, _project().parameters or {})))

    @group.command("lint")
    @folder
    def lint(directory: Path | None) -> None:
        """Check every file against the schema and the data contracts, and the ccassure.yml parameters
        against the one parameter namespace of every node; exit 1 on any problem."""
        from ccassure.contracts import ContractErrors
        from ccassure.nodes.manifest import lint_manifest

        try:
            found = lint_manifest(_project(), **kind.lint_folders(directory))
        except ContractErrors as exc:
            for error in exc.errors:
                click.echo(str(error))
            sys.exit(1)
        errors = found.errors_for(kind.lint_kind)
        for error in errors:
            click.echo(str(error))
        count = kind.count(kind.lint_nodes(found.manifest))
        click.echo(f"{count} {kind.plural}; {len(errors)} problem(s)" if errors else f"{count} {kind.plural} OK.")
        sys.exit(1 if errors else 0)

    @group.command("test")
    @click.argument("ids", nargs=-1)
    @folder
    def test(ids: tuple[str, ...], directory: Path | None) -> None:
        """Run the examples in the files (all, or of the ids named); exit 1 if any fails."""
        from ccassure.contracts import load_contracts
        from ccassure.nodes.examples import run_cases

        nodes = load_or_exit(kind, directory)
        _known_or_exit(kind, nodes, ids)
        chosen = kind.select(nodes, list(ids)) if ids else nodes
        module, function = kind.cases.split(":")
        cases = getattr(importlib.import_module(module), function)(chosen)
        results = run_cases(cases, load_contracts(_project().contracts_dir))
        failed = [r for r in results if not r.passed]
        for result in failed:
            click.echo(str(result))
        click.echo(f"{len(results) - len(failed)} of {len(results)} examples passed in {kind.count(chosen)} "
                   f"{kind.plural}.")
        sys.exit(1 if failed else 0)

    return group
