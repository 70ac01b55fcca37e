# The only set-up: `make demo` and `make test` install what they need into ./.venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DEMO := demo
FL := $(BIN)/frontlines --workspace $(DEMO)

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(FL) init
	$(FL) gazetteer import $(SHARED)/geo
	$(FL) gazetteer add-places
	$(FL) ingest $(SHARED)/examples $(SHARED)/eval/dev/corpus.jsonl
	$(FL) status

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

test: install lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python benchmarks/extract_throughput.py

clean:
	rm -rf $(VENV) $(DEMO) test-artifacts .pytest_cache .mypy_cache .ruff_cache
