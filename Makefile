# The only set-up: `make demo` and `make test` install what they need into ./.venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DEMO := demo
FL := $(BIN)/frontlines --workspace $(DEMO)
# The second country of the demo: Ukraine at the hromada, from the ukraine-dev reports.
DEMO_UA := $(DEMO)/ukraine
FL_UA := $(BIN)/frontlines --workspace $(DEMO_UA)
WEB_VENDOR := src/frontlines/web/vendor

.PHONY: install demo test lint bench clean model

install: $(VENV)/.installed $(WEB_VENDOR)/.installed $(VENV)/.chromium

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Leaflet (the web map), Swagger UI (the API docs at /docs) and axe-core (the
# browser tests' accessibility audit) from the npm
# registry, served by `frontlines serve` itself (no CDN: users may be offline).
# Only their dist files are needed, so no package's install script runs.
# node_modules/ and the vendor folder are git-ignored.
$(WEB_VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(WEB_VENDOR)/leaflet $(WEB_VENDOR)/swagger-ui $(WEB_VENDOR)/axe-core
	mkdir -p $(WEB_VENDOR)/leaflet $(WEB_VENDOR)/swagger-ui $(WEB_VENDOR)/axe-core
	cp -R node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
		node_modules/leaflet/dist/images $(WEB_VENDOR)/leaflet/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		$(WEB_VENDOR)/swagger-ui/
	# axe-core: only the browser tests load it (an accessibility audit); the page never does.
	cp node_modules/axe-core/axe.min.js $(WEB_VENDOR)/axe-core/
	touch $@

# Debian's chromium for the browser test (Playwright cannot download its own here).
$(VENV)/.chromium: $(VENV)/.installed
	test -x /usr/bin/chromium || (apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	touch $@

demo: install
	$(FL) init
	$(FL) gazetteer import $(SHARED)/geo
	$(FL) gazetteer add-places
	$(FL) ingest $(SHARED)/examples $(SHARED)/eval/dev/corpus.jsonl
	$(FL) status
	$(FL) map --out $(DEMO)/map.png
	$(FL) chart --out $(DEMO)/chart.png
	$(FL_UA) init --profile ukraine-2022
	$(FL_UA) gazetteer import $(SHARED)/geo/ukraine
	$(FL_UA) ingest $(SHARED)/eval/ukraine-dev/corpus.jsonl
	$(FL_UA) map --date 2022-03-20 --frontline --out $(DEMO)/ukraine-2022-03-20.png
	$(FL_UA) map --date 2022-11-15 --frontline --out $(DEMO)/ukraine-2022-11-15.png
	@echo "The web app on the demo workspace: $(FL) serve   (then open http://127.0.0.1:8000/)"
	@echo "and on Ukraine's: $(FL_UA) serve"

# The decision model shipped in the package, trained on the Afghan gold sets
# (tests/test_builtin_model.py fails until this is run after a change to the
# stages, the features or the gold). The places are added every time: the
# profile's own `[[places]]` may have changed.
MODEL_WS := .model-workspace
model: install
	$(BIN)/frontlines --workspace $(MODEL_WS) init --profile afghanistan-2021 --force
	test -f $(MODEL_WS)/.gazetteer || ($(BIN)/frontlines --workspace $(MODEL_WS) init && \
		$(BIN)/frontlines --workspace $(MODEL_WS) gazetteer import $(SHARED)/geo && touch $(MODEL_WS)/.gazetteer)
	$(BIN)/frontlines --workspace $(MODEL_WS) gazetteer add-places
	$(BIN)/frontlines --workspace $(MODEL_WS) train --gold $(SHARED)/eval/dev/gold.jsonl \
		--gold $(SHARED)/eval/dev-b/gold.jsonl --out src/frontlines/extract/models/decision.v1.json

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

test: install lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python benchmarks/extract_throughput.py
	$(BIN)/python benchmarks/extract_whole_process.py
	$(BIN)/python benchmarks/extract_size.py
	$(BIN)/python benchmarks/timeline.py
	bash .ci/with-postgres sh -c '$(BIN)/python benchmarks/timeline.py --postgres "$$FRONTLINES_TEST_POSTGRES"'
	$(BIN)/python benchmarks/ingest_growth.py
	$(BIN)/python benchmarks/ingest_whole_process.py
	$(BIN)/python benchmarks/ingest_dask.py
	$(BIN)/python benchmarks/fuzzy_names.py
	$(BIN)/python benchmarks/hromada_map.py
	$(BIN)/python benchmarks/html_reading.py
	$(BIN)/python benchmarks/store_memory.py
	$(BIN)/python benchmarks/api_load.py
	bash .ci/with-postgres sh -c '$(BIN)/python benchmarks/api_load.py --postgres "$$FRONTLINES_TEST_POSTGRES"'
	$(BIN)/python benchmarks/api_load.py --soak 600
	$(BIN)/python benchmarks/web_map.py

clean:
	rm -rf $(VENV) $(DEMO) $(MODEL_WS) test-artifacts .pytest_cache .mypy_cache .ruff_cache node_modules $(WEB_VENDOR)
