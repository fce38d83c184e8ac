"""The README's tour names rules and commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

from ccassure.cli import COMMANDS
from ccassure.rules import load_rules

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_rule_id_the_readme_shows_exists() -> None:
    shown = re.findall(r"ccassure rules show (\S+)", README.read_text(encoding="utf-8"))
    assert shown
    rules = load_rules()
    for rule_id in shown:
        assert rule_id in rules, rule_id


def test_every_command_the_readme_uses_exists() -> None:
    used = set(re.findall(r"^ {4}ccassure ([a-z]+)", README.read_text(encoding="utf-8"), re.M))
    assert used and used <= set(COMMANDS), used - set(COMMANDS)
