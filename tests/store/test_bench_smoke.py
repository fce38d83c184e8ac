"""A tiny run of the store benchmark, so it cannot silently rot (the real run is `benchmarks/store_bench.py`)."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO


def test_store_bench_smoke(capsys):
    spec = importlib.util.spec_from_file_location("store_bench", REPO / "benchmarks" / "store_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--rows", "3000", "--runs", "1"])
    out = capsys.readouterr().out
    assert "ratio" in out and "Targets" in out
    assert results["store_tables"] > 0 and results["read_store"] > 0 and "submit_file" in results
