"""The KPI benchmark runs end to end at a tiny size (the full size is `python benchmarks/kpi_bench.py`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "kpi_bench.py"


def test_benchmark_smoke(capsys):
    spec = importlib.util.spec_from_file_location("kpi_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.main(["--contacts", "20000", "--authorities", "3", "--runs", "1"])
    assert figures["engine"] > 0 and figures["baseline"] > 0
    assert "ratio engine / scaled baseline" in capsys.readouterr().out
