"""The exported Great Expectations suites, run with plain GX (not through ccassure) on CSV files read as
docs/exports.md tells a GX user to read them, find the same failing cells as ``ccassure validate``.
All data here is synthetic."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ccassure import validate
from ccassure.cli.contracts_cmd import contracts as contracts_command
from tests.exports.corrupted import NOT_EXPORTED, SAMPLE, expected_cells, write_corrupted

gx = pytest.importorskip("great_expectations")


@pytest.fixture(scope="module")
def suites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("suites")
    done = CliRunner().invoke(contracts_command, ["export", "--to", "gx", "--dataset", "provider_return",
                                                  "--output", str(folder)])
    assert done.exit_code == 0, done.output
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")}


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corrupted(tmp_path_factory.mktemp("corrupted") / "provider_return")


@pytest.fixture(scope="module")
def gx_context():
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                               progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
                               analytics_enabled=False)
    return gx.get_context(mode="ephemeral", project_config=config)


# ------------------------------------------------------- what a GX user does, following docs/exports.md


def read_as_documented(folder: Path, suites: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """Each CSV read with the suite's read_csv options, every cell trimmed, empty cells missing."""
    frames = {}
    for name, suite in suites.items():
        options = suite["meta"]["ccassure_prepare"]["read_csv"]
        frame = pd.read_csv(folder / f"{name}.csv", **options)
        frames[name] = frame.apply(lambda c: c.str.strip()).replace("", None)
    return frames


def prepared(name: str, frames: dict[str, pd.DataFrame], suites: dict[str, dict]) -> pd.DataFrame:
    """The suite's own preparation steps: referenced keys joined, checked dates parsed."""
    steps = suite_steps = suites[name]["meta"]["ccassure_prepare"]
    frame = frames[name].copy()
    for join in suite_steps["joins"]:
        keys = frames[join["table"]][[join["ref_column"]]].drop_duplicates().rename(
            columns={join["ref_column"]: join["as"]})
        frame = frame.merge(keys, how="left", left_on=join["column"], right_on=join["as"])
    for date in steps["dates"]:
        parsed = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        for options in date["to_datetime"]:
            left = parsed.isna() & frame[date["column"]].notna()
            parsed[left] = pd.to_datetime(frame.loc[left, date["column"]], **options)
        frame[date["as"]] = parsed
    return frame


def run_suite(context, name: str, frame: pd.DataFrame, suite: dict):
    source = context.data_sources.add_or_update_pandas(f"csv-{name}")
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return batch.validate(gx.ExpectationSuite(**suite), result_format={"result_format": "COMPLETE"})


def failing_cells(outcome, frame: pd.DataFrame, table: str) -> set[tuple[str, str, int, str]]:
    """(table, column, CSV line, code) for each failing row; a repeated key counts from its second copy,
    as the suite's meta says ccassure reads it."""
    cells = set()
    for result in outcome.results:
        assert not (result.exception_info or {}).get("raised_exception"), result.exception_info
        if result.success:
            continue
        kwargs, code = result.expectation_config.kwargs, result.expectation_config.meta["ccassure_code"]
        rows = list(result.result["unexpected_index_list"])
        columns = kwargs.get("column_list") or [kwargs.get("column") or kwargs["column_A"]]
        if code == "duplicate-key":
            rows = [r for r in rows if frame[columns].iloc[: r].eq(frame[columns].iloc[r]).all(axis=1).any()]
        column = " + ".join(columns).removesuffix(" (date)")
        cells |= {(table, column, row + 2, code) for row in rows}
    return cells


def run_all(folder: Path, suites: dict[str, dict], context) -> set[tuple[str, str, int, str]]:
    frames = read_as_documented(folder, suites)
    cells: set[tuple[str, str, int, str]] = set()
    for name, suite in suites.items():
        frame = prepared(name, frames, suites)
        cells |= failing_cells(run_suite(context, name, frame, suite), frame, name)
    return cells


def ccassure_cells(folder: Path) -> set[tuple[str, str, int, str]]:
    result = validate(folder)
    exported = [p for p in result.problems if p.code not in NOT_EXPORTED]
    for problem in exported:
        assert problem.count == len(problem.rows), "every failing row is listed"
    return {(p.table, p.column, row, p.code) for p in exported for row in p.rows}


# ------------------------------------------------------------------------------------------- the tests


def test_the_suites_alone_find_every_planted_mistake_that_ccassure_finds(suites, corrupted, gx_context) -> None:
    by_gx = run_all(corrupted, suites, gx_context)
    by_ccassure = ccassure_cells(corrupted)
    assert by_ccassure == expected_cells()
    assert by_gx == by_ccassure


def test_the_suites_pass_the_sample_return(suites, gx_context) -> None:
    assert run_all(SAMPLE, suites, gx_context) == set()
    assert ccassure_cells(SAMPLE) == set()


def test_the_suites_carry_type_date_boolean_month_key_and_order_expectations(suites) -> None:
    codes = {e["meta"]["ccassure_code"] for suite in suites.values() for e in suite["expectations"]}
    assert {"type-integer", "type-number", "type-boolean", "type-date", "type-month", "date-out-of-range",
            "personal-data-value", "duplicate-key", "foreign-key", "date-order"} <= codes


def test_n_a_stays_text_when_read_as_documented(suites, tmp_path) -> None:
    (tmp_path / "sessions.csv").write_text("session_id,attendances\nS1,n/a\nS2,NA\nS3,\n", encoding="utf-8")
    frame = read_as_documented(tmp_path, {"sessions": suites["sessions"]})["sessions"]
    assert frame["attendances"].tolist()[:2] == ["n/a", "NA"] and pd.isna(frame["attendances"][2])


def test_the_gx_engine_reports_exactly_what_the_suites_report(corrupted) -> None:
    by_engine = validate(corrupted, engine="gx")
    assert {(p.table, p.column, row, p.code) for p in by_engine.problems for row in p.rows
            if p.code not in NOT_EXPORTED} == expected_cells()
    by_pandera = validate(corrupted)
    assert [p.message for p in by_engine.problems] == [p.message for p in by_pandera.problems]
