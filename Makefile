# Two commands on a fresh machine with Python 3.11:
#   make report   -> creates .venv from pinned dependencies, builds the demo, renders the reports
#   make test     -> creates .venv if needed, makes real Quarto available (quarto on PATH, else installed
#                    once into .tools/quarto from ../shared/vendor/quarto when that folder exists), runs
#                    the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint bench lock clean sample

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -c "import ccassure, pandas, duckdb, pandera"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/python -m ccassure.demo.make_report

test: $(STAMP)
	sh scripts/ensure_chromium.sh
	sh scripts/ensure_quarto.sh >/dev/null
	$(BIN)/python -m pytest -n 2 --dist loadgroup < /dev/null

lint: $(STAMP)
	$(BIN)/ruff check src tests checks benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/validate_bench.py
	$(BIN)/python benchmarks/validate_cli_bench.py
	$(BIN)/python benchmarks/store_bench.py
	$(BIN)/python benchmarks/rules_bench.py
	$(BIN)/python benchmarks/kpi_bench.py
	$(BIN)/python benchmarks/render_bench.py

lock:
	rm -rf /tmp/ccassure-lock && $(PYTHON) -m venv /tmp/ccassure-lock
	/tmp/ccassure-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/ccassure-lock/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) _output .ccassure .tools .quarto
