"""The ``ccassure`` command line.

Each command lives in its own module and is imported only when it runs, so that ``ccassure validate``
starts fast and never imports Great Expectations, IPython or the renderer.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

# command name -> "module:function" (a click.Command or click.Group)
COMMANDS: dict[str, str] = {
    "validate": "ccassure.cli.validate_cmd:validate",
    "template": "ccassure.cli.template_cmd:template",
    "contracts": "ccassure.cli.contracts_cmd:contracts",
    "rules": "ccassure.cli.rules_cmd:rules",
    "check": "ccassure.cli.check_cmd:check",
    "kpis": "ccassure.cli.kpis_cmd:kpis",
    "submit": "ccassure.cli.store_cmd:submit",
    "history": "ccassure.cli.store_cmd:history",
    "export": "ccassure.cli.store_cmd:export",
    "import": "ccassure.cli.import_cmd:import_reference",
    "render": "ccassure.cli.render_cmd:render",
    "demo": "ccassure.cli.demo_cmd:demo",
    "impact": "ccassure.cli.impact_cmd:impact",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, target in COMMANDS.items() if _available(target))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(target):
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


def _available(target: str) -> bool:
    module_name = target.split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ccassure")
def cli() -> None:
    """ccassure: statutory-compliance and KPI assurance for children's centres and family hubs."""


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # a full disk, a read-only or damaged store: said plainly, whichever command met it
        from ccassure.cli.faults import describe_fault

        if (fault := describe_fault(exc)) is None:
            raise
        click.echo(f"ccassure: {fault}", err=True)
        sys.exit(2)
