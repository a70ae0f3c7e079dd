# Kith — two commands do all the set-up on a fresh machine:
#   make run    installs Kith into .venv and starts the web app on its embedded default (SQLite)
#   make test   installs Kith and runs the whole test suite (SQLite and PostgreSQL)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kith-installed

.PHONY: install system-deps run test lint check bench bench-mail bench-web clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kith needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

run: install
	$(BIN)/kith serve $(ARGS)

test: install system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint test

bench: install
	$(BIN)/python bench/run_core.py

bench-mail: install system-deps
	$(BIN)/python bench/run_mail.py $(ARGS)

bench-web: install
	@command -v wrk >/dev/null || { echo "installing wrk (Debian's load tool)…"; \
	  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run_load.py $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
