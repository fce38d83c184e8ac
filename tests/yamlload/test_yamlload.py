"""YAML loading: the fast libyaml-based loader reads every project file exactly as ruamel's YAML 1.2 round-trip
loader (which it replaced) did, values and lines alike, and keeps its guards."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ccassure.yamlload import YamlFileError, line_of, load_yaml

REPO = Path(__file__).resolve().parents[2]
PROJECT_FILES = sorted([*REPO.glob("rules/**/*.y*ml"), *REPO.glob("data_contracts/**/*.y*ml"),
                        *REPO.glob("checks/**/*.y*ml"), REPO / "ccassure.yml"])


def reference(path: Path) -> Any:
    """What ruamel's round-trip loader, the one used before, reads."""
    return YAML(typ="rt").load(path.read_text(encoding="utf-8"))


def reference_line(document: Any, steps: tuple) -> int | None:
    node, lc = document, getattr(document, "lc", None)
    line = lc.line + 1 if lc is not None and lc.line is not None else None
    for step in steps:
        if isinstance(node, CommentedMap) and step in node:
            line, node = node.lc.key(step)[0] + 1, node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.lc.item(step)[0] + 1, node[step]
        else:
            break
    return line


def typed(value: Any) -> Any:
    """The value with its base type spelled out, so 1 and True and "1" and 1.0 all differ."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [typed(v) for v in value])
    if isinstance(value, datetime.datetime):
        return ("datetime", datetime.datetime.isoformat(value), value.utcoffset())
    for kind in (bool, int, float, datetime.date, str):
        if isinstance(value, kind):
            return (kind.__name__, str(value) if kind is str else kind.__repr__(value))
    assert value is None, f"unexpected {type(value).__name__}: {value!r}"
    return None


def every_path(value: Any, steps: tuple = ()) -> Iterator[tuple]:
    yield steps
    if isinstance(value, dict):
        for key, item in value.items():
            yield from every_path(item, (*steps, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from every_path(item, (*steps, index))


def test_the_project_has_yaml_files_to_compare() -> None:
    assert len(PROJECT_FILES) > 50


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_project_file_reads_as_before_values_and_lines(path: Path) -> None:
    old, new = reference(path), load_yaml(path)
    assert typed(new) == typed(old)
    for steps in every_path(old):
        assert line_of(new, steps) == reference_line(old, steps), steps


EDGE_CASES = """\
# a comment before the first key
yes_word: yes
no_word: no
on_word: on
off_word: Off
leading_zero: 012
octal: 0o12
hex: 0x1F
binary: 0b101
underscored: 1_000
exponent: 1e3
small: 1.5e-3
bare_fraction: .5
minus_infinity: -.inf
not_a_number: .NaN
date: 2016-04-01
local_time: 2016-04-01 10:20:30
utc_time: 2016-04-01T10:20:30Z
offset_time: 2016-04-01T10:20:30.5+01:00
tilde: ~
null_word: Null
empty:
true_word: True
false_word: FALSE
sexagesimal: 1:20
clock: 12:30:00
quoted: "012"
single: 'yes'
plus: +12
minus_zero: -0
dot_end: 1.
period: 2016-17
quarter: 2016Q4
literal: |
  two
  lines
folded: >
  folded
  text
flow: [1, 2.0, "x", {e: f}]
block:
  - x
  -
    y: 1
    z: 2
  - - nested
2016-01-01: a date key
3: an int key
"""


def test_scalars_read_as_yaml_1_2_as_before(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(EDGE_CASES, encoding="utf-8")
    old, new = reference(path), load_yaml(path)
    assert typed(new) == typed(old)
    for steps in every_path(old):
        assert line_of(new, steps) == reference_line(old, steps), steps
    assert (new["yes_word"], new["off_word"], new["leading_zero"], new["exponent"]) == ("yes", "Off", 12, 1000.0)
    assert new["date"] == datetime.date(2016, 4, 1) and new["sexagesimal"] == "1:20" and math.isnan(new["not_a_number"])


def test_a_key_given_twice_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("id: A\ntitle: one\nnested:\n  x: 1\n  x: 2\n", encoding="utf-8")
    with pytest.raises(YamlFileError) as raised:
        load_yaml(path)
    assert raised.value.line == 5 and "duplicate key" in raised.value.message


def test_a_key_given_twice_was_refused_before_too(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("id: A\nid: B\n", encoding="utf-8")
    with pytest.raises(Exception, match="duplicate key"):
        reference(path)
    with pytest.raises(YamlFileError, match="duplicate key"):
        load_yaml(path)


@pytest.mark.parametrize("text", ["thing: !!python/object:os.system [echo hi]\n",
                                  "thing: !!python/name:os.system\n",
                                  "thing: !custom value\n",
                                  "thing: !!binary aGk=\n"])
def test_no_tag_beyond_the_plain_types_is_constructed(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tagged.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlFileError) as raised:
        load_yaml(path)
    assert raised.value.line == 1 and "not allowed" in raised.value.message


def test_a_syntax_error_is_located_to_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: A\ntitle: ok\nlist: [1, 2\nnext: x\n", encoding="utf-8")
    with pytest.raises(YamlFileError) as raised:
        load_yaml(path)
    assert raised.value.line == 4 and raised.value.message.startswith("YAML syntax:")


def test_aliases_are_built_once_so_a_billion_laughs_stays_small(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
              f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
              for i in range(8)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = load_yaml(path)
    assert document["i"][0] is document["h"]


def test_a_merge_key_fills_in_only_the_keys_not_given(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text("base: &base {x: 1, y: 2}\nchild:\n  <<: *base\n  y: 3\n", encoding="utf-8")
    assert load_yaml(path)["child"] == {"y": 3, "x": 1}


def test_an_oversized_or_non_utf8_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(YamlFileError, match="not UTF-8"):
        load_yaml(latin)
    monkeypatch.setattr("ccassure.yamlload.MAX_YAML_BYTES", 5)
    with pytest.raises(YamlFileError, match="larger than"):
        load_yaml(latin)


def test_an_empty_file_is_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# only a comment\n", encoding="utf-8")
    assert load_yaml(path) is None
