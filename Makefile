# Two commands on a fresh machine: `make demo` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV     := $(BIN)/uv
# PostgreSQL for the second test run; the run is skipped (with a message) when nothing answers.
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEMO_DIR ?= demo-output

export ACCORD_ENVIRONMENT ?= development

.PHONY: install demo test lint types unit test-pg test-slow bench clean browser assets fuzz

$(STAMP): requirements/bootstrap.txt requirements/build.txt requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/bootstrap.txt
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements/build.txt -r requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# GOV.UK Frontend, pinned in package-lock.json, copied into src/accord/web/static/govuk.
GOVUK_STAMP := src/accord/web/static/govuk/govuk-frontend.min.css
$(GOVUK_STAMP): package.json package-lock.json src/accord/web/assets.py | $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m accord.web.assets node_modules

assets: $(GOVUK_STAMP)

# Debian's Chromium for the page tests (Playwright drives it; no browser download).
browser:
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }

demo: install assets
	$(BIN)/accord db upgrade
	$(BIN)/accord demo --out $(DEMO_DIR)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check --quiet src tests bench
	$(BIN)/pytest -q -p no:cacheprovider tests/test_layers.py  # the import layers, cycles included

types: install
	$(BIN)/mypy

unit: install assets browser
	$(BIN)/pytest -m "not slow"

# The store-backed tests and the page tests again, against PostgreSQL, each run in a
# database of its own.
test-pg: install assets browser
	@if $(BIN)/python -m accord.store.reachable "$(PG_URL)"; then \
		ACCORD_TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -m "(store or browser) and not slow"; \
	else \
		echo "PostgreSQL is not answering at $(PG_URL): skipping the PostgreSQL run (SQLite run above still counts)"; \
	fi

test: lint types unit test-pg

# The schemathesis run over the OpenAPI schema on its own (`make unit` includes it).
fuzz: install
	$(BIN)/pytest tests/edge/test_schema_fuzz.py

test-slow: install
	$(BIN)/pytest -m slow

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) accord.db accord.db-* accord-keys.db accord-keys.db-* accord.duckdb linkage-reports
