"""The same data give the same status whichever way they arrive (docs/blanks.md).

Every rule's examples run three ways: the example runner; files read with ``check --data`` (one CSV per
table, a header-only file for a table given with no rows); and a store the tables were submitted to, read
as ``check`` reads it (copied by SQL into the check's own connection, store/for_check.py load_for_check).
The statuses must agree, so an empty sheet is never mistaken for a missing one.
All rows are the synthetic rows written in the rule files.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from ccassure.assessment import load_check_data
from ccassure.contracts import load_contracts
from ccassure.rules import load_rules
from ccassure.rules.evaluator import Evaluator
from ccassure.rules.examples import example_tables, run_example
from ccassure.store import Store
from ccassure.store.for_check import load_for_check

REPO = Path(__file__).resolve().parents[2]
_CONTRACTS = load_contracts(REPO / "data_contracts")
_RULES = load_rules(REPO / "rules", contracts=_CONTRACTS, checks_dir=REPO / "checks")
CASES = [(rule, example) for rule in _RULES for example in rule.examples]
DEFAULT_AUTHORITY = "E06000034"


def statuses(findings, expect) -> dict[str, str | None]:
    found = {(f.subject_id or "*"): f.status for f in findings}
    return {subject: found.get(subject) for subject in expect}


def write_files(example, folder: Path) -> list[Path]:
    """One folder per dataset, one CSV per table (all contract columns; blank cells where a row has none)."""
    folders = set()
    for table, rows in example.given.items():
        contract = _CONTRACTS[table]
        target = folder / contract.dataset
        target.mkdir(parents=True, exist_ok=True)
        folders.add(target)
        columns = list(contract.column_names)
        with (target / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in columns])
    return sorted(folders)


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """A new store file, made once and copied for each case (making a store's schema is most of a small
    submission's time); each case then submits to its own copy."""
    path = tmp_path_factory.mktemp("store-template") / "store.duckdb"
    Store(path, contracts=_CONTRACTS).migrate()  # creates the schema; nothing is submitted
    return path


def submit_example(example, path: Path) -> Store:
    store = Store(path, contracts=_CONTRACTS)
    typed = example_tables(example, _CONTRACTS)
    by_dataset: dict[str, dict] = {}
    for table, frame in typed.items():
        by_dataset.setdefault(_CONTRACTS[table].dataset, {})[table] = frame
    for dataset, tables in by_dataset.items():
        if dataset == "reference":
            for table, frame in tables.items():  # reference data are keyed by table, not by period
                store.store_tables({table: frame}, dataset="reference", provider="reference", period=table)
        elif dataset == "authority_records":
            codes = {str(v) for frame in tables.values() if "authority_code" in frame
                     for v in frame["authority_code"].dropna()} or {DEFAULT_AUTHORITY}
            for code in sorted(codes):
                part = {t: (f[f["authority_code"] == code] if "authority_code" in f and len(codes) > 1 else f)
                        for t, f in tables.items()}
                store.store_tables(part, dataset=dataset, provider=code, period=example.period)
        else:
            store.store_tables(tables, dataset=dataset, provider="PRV-EXAMPLE", period=example.period)
    return store


@pytest.mark.parametrize("rule, example", CASES, ids=[f"{r.id}: {e.name}" for r, e in CASES])
def test_store_data_and_examples_agree(rule, example, tmp_path, empty_store):
    overrides = {rule.id: example.parameters}
    runner = run_example(rule, example, _CONTRACTS)
    assert runner.passed, "\n".join(runner.mismatches)
    expected = dict(example.expect)

    loaded = load_check_data(write_files(example, tmp_path / "files"), contracts=_CONTRACTS)
    from_files = Evaluator(loaded.tables, contracts=_CONTRACTS).evaluate(rule, example.period, overrides)
    assert statuses(from_files, expected) == expected, f"--data path: {[f.message for f in from_files]}"

    shutil.copyfile(empty_store, tmp_path / "store.duckdb")
    store = submit_example(example, tmp_path / "store.duckdb")
    con = duckdb.connect()  # as run_check does: the store's tables copied into the check's own connection
    try:
        made = load_for_check(con, store, authority=None, period=example.period)
        from_store = Evaluator(con, contracts=_CONTRACTS, data_versions=made.data_versions).evaluate(
            rule, example.period, overrides)
    finally:
        con.close()
    assert statuses(from_store, expected) == expected, f"store path: {[f.message for f in from_store]}"
