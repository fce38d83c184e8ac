"""Great Expectations from the same contracts: exported suites load in GX, and the GX engine finds the same
failing rows as pandera. GX takes seconds to import, so its tests live in this one module and share one
ephemeral context. All data here is synthetic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from ccassure import validate
from ccassure.cli.contracts_cmd import contracts as contracts_command
from ccassure.contracts import ColumnSpec, Contract, ContractSet, load_contracts
from ccassure.contracts.to_gx import suite_dict
from tests.conftest import REPO
from tests.validation.builders import minimal_return, write_workbook

CONTRACTS = load_contracts(REPO / "data_contracts")
D = dt.datetime(2016, 11, 3)

gx = pytest.importorskip("great_expectations")


def signature(result) -> set[tuple]:
    return {(p.table, p.column, p.code, p.count, p.rows) for p in result.problems}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Failures planted in several columns and tables: a blank required value, a value outside the list,
    values below and above their range, codes in the wrong format, and an unreadable cell (which both
    engines must leave to the typing step)."""
    centres = [
        ["C1", "Riverside", "E10000901", "P1", "childrens_centre", "open", "B1"],
        ["C2", "Hilltop", "E1000090", "P1", "childrens_centre", "shut", "B1"],       # pattern, not in set
        ["C3", "Brook", "X10000901", "P1", "hub", "open", "B1"],                      # pattern, not in set
        ["C4", None, "E10000901", "P1", "childrens_centre", "open", "B1"],            # required blank
    ]
    sessions = [
        ["S1", "C1", D, "Stay and play", "yes", 0, 12],
        ["S2", "C1", D, "Stay and play", "yes", -3, 501],                             # too small, too large
        ["S3", "C1", D, None, "yes", 0, 600],                                         # required blank, too large
        ["S4", "C1", D, "Baby group", "yes", "six", None],                            # unreadable, required blank
        ["S5", "C1", D, "Baby group", "yes", 250, 5],                                 # too large (max 240)
    ]
    sheets = minimal_return(sessions, centres)
    sheets["Boards"].append(["B2", "South Board", "W10000901"])                       # pattern
    return write_workbook(tmp_path_factory.mktemp("gx") / "planted.xlsx", sheets)


def test_gx_and_pandera_find_the_same_failing_rows_on_the_same_return(planted: Path) -> None:
    by_pandera = validate(planted, engine="pandera")
    by_gx = validate(planted, engine="gx")
    assert by_gx.engine == "gx"
    codes = {p.code for p in by_pandera.problems}
    assert {"required-value-missing", "value-not-allowed", "value-too-small", "value-too-large",
            "pattern-mismatch", "type-integer"} <= codes
    assert signature(by_gx) == signature(by_pandera)
    assert [p.message for p in by_gx.problems] == [p.message for p in by_pandera.problems]


def test_gx_and_pandera_agree_on_unique_columns_and_every_check_kind() -> None:
    contract = Contract(
        table="widgets", title="Widgets", dataset="reference", sheet="Widgets",
        columns=(
            ColumnSpec("code", "string", required=True, unique=True, pattern=r"[A-Z]{2}\d"),
            ColumnSpec("kind", "string", allowed=("a", "b")),
            ColumnSpec("size", "number", minimum=1, maximum=9),
            ColumnSpec("count", "integer", required=True, minimum=0),
            ColumnSpec("flag", "boolean", required=True),
        ),
    )
    frame = pd.DataFrame({
        "code": ["AB1", "AB1", "x9", None, "CD2", "AB1x"],
        "kind": ["a", "c", None, "b", "B", "a"],
        "size": ["1", "0.99", "9.0", "9.01", None, "3"],
        "count": ["0", "-1", "six", "5", "7", "8"],
        "flag": ["yes", None, "no", "TRUE", "y", None],
    }, dtype=object)
    contracts = ContractSet({"widgets": contract})
    found = {engine: {(p.column, p.code, p.rows) for p in validate({"widgets": frame}, contracts=contracts,
                                                                     engine=engine).problems}
             for engine in ("pandera", "gx")}
    assert found["gx"] == found["pandera"]
    assert ("code", "duplicate-key", (1, 2)) in found["gx"]  # "AB1x" starts with a match, as re.match reads it
    assert ("kind", "value-not-allowed", (2, 5)) in found["gx"]
    assert ("size", "value-too-small", (2,)) in found["gx"] and ("size", "value-too-large", (4,)) in found["gx"]
    assert ("count", "value-too-small", (2,)) in found["gx"] and ("count", "type-integer", (3,)) in found["gx"]
    assert ("code", "required-value-missing", (4,)) in found["gx"]
    assert ("flag", "required-value-missing", (2, 6)) in found["gx"]


@pytest.mark.filterwarnings("ignore:This pattern is interpreted as a regular expression")
def test_every_exported_suite_is_json_that_gx_loads_and_runs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    done = CliRunner().invoke(contracts_command, ["export", "--to", "gx", "--output", str(tmp_path)])
    assert done.exit_code == 0, done.output
    files = sorted(tmp_path.glob("*.json"))
    assert {f.stem for f in files} == set(CONTRACTS.tables)
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        suite = gx.ExpectationSuite(**data)
        assert suite.name == file.stem and len(suite.expectations) == len(data["expectations"])
    centres = gx.ExpectationSuite(**json.loads((tmp_path / "centres.json").read_text(encoding="utf-8")))
    kinds = {e.expectation_type for e in centres.expectations}
    assert {"expect_column_to_exist", "expect_column_values_to_not_be_null", "expect_column_values_to_be_in_set",
            "expect_column_values_to_match_regex", "expect_column_values_to_be_unique",
            "expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"} <= kinds
    services = suite_dict(CONTRACTS["services"])
    assert {"type": "expect_compound_columns_to_be_unique",
            "kwargs": {"column_list": ["centre_id", "service_category"], "ignore_row_if": "any_value_is_missing"},
            "meta": {"ccassure_code": "duplicate-key", "ccassure_table": "services"}} in services["expectations"]

    from ccassure.validation.gx_backend import context

    ctx = context()
    assert ctx.progress_bars.globally is False and ctx.progress_bars.metric_calculations is False
    frame = pd.DataFrame({"board_id": ["B1", "B1"], "board_name": ["N", None], "authority_code": ["E10000901", "x"]})
    asset = ctx.data_sources.get("ccassure").add_dataframe_asset("standalone-boards")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(gx.ExpectationSuite(**suite_dict(CONTRACTS["boards"])))
    failed = {(r.expectation_config.type, r.expectation_config.kwargs.get("column")) for r in outcome.results
              if not r.success}
    assert failed == {("expect_column_values_to_not_be_null", "board_name"),
                      ("expect_column_values_to_match_regex", "authority_code"),
                      ("expect_column_values_to_be_unique", "board_id")}


def test_the_gx_engine_from_the_command_line_writes_nothing_and_shows_no_progress_bars(
        planted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    from click.testing import CliRunner

    from ccassure.cli.validate_cmd import validate as validate_command
    from ccassure.validation import gx_backend

    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    gx_backend.context.cache_clear()  # a fresh context, made here, so anything it wrote would land here
    gx_backend._datasource.cache_clear()
    done = CliRunner().invoke(validate_command, ["--engine", "gx", "--format", "json", str(planted)])
    assert done.exit_code == 1, done.output
    assert json.loads(done.output)["engine"] == "gx"
    assert list(workdir.iterdir()) == []                     # no gx/ folder, no uncommitted/, nothing
    assert not (tmp_path / "home").exists()
    captured = capfd.readouterr()
    for stream in (done.output, captured.out, captured.err):
        assert "Calculating Metrics" not in stream and "%|" not in stream
