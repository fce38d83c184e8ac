"""What ccassure writes back out never carries control characters or bidi overrides from a provider file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ccassure import validate
from ccassure.validation.outputs import render_csv, terminal_safe
from tests.validation.builders import minimal_return, write_csv_folder


def test_terminal_text_replaces_escapes_and_bidi_overrides() -> None:
    assert terminal_safe("C9\x1b[2J\x07") == "C9?[2J?"
    assert terminal_safe("\u202eexe.txt") == "?exe.txt"


def test_the_csv_problem_list_has_no_control_characters(tmp_path: Path) -> None:
    sheets = minimal_return([["S1", "C9\x1b[2J\x07\u202e", "03/11/2016", "a", "yes", "0", "1"]])
    result = validate(write_csv_folder(tmp_path / "ret", sheets))
    text = render_csv(result)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert any("C9?[2J??" in cell for row in rows for cell in row)
