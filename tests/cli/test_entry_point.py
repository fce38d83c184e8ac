"""The installed `ccassure` command starts in a fresh process and lists every command.

In-process tests share already-imported modules; only a new process shows a missing import at start-up.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "ccassure"
COMMANDS = ["validate", "template", "contracts", "rules", "check", "kpis", "submit", "history", "export", "import",
            "render", "demo"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


def test_the_command_lists_every_subcommand() -> None:
    done = run("--help")
    assert done.returncode == 0, done.stderr
    for name in COMMANDS:
        assert name in done.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_each_subcommand_starts_in_a_new_process(name: str) -> None:
    done = run(name, "--help")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
