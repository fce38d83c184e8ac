"""A tiny run of benchmarks/rules_bench.py (the full-size run is not part of the suite)."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "rules_bench.py"


def test_benchmark_runs_at_smoke_size(capsys):
    spec = importlib.util.spec_from_file_location("rules_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.main(["--scale", "0.002", "--runs", "1"])
    output = capsys.readouterr().out
    assert result["findings"] > 0
    assert "all statutory rules" in output and "baseline" in output
