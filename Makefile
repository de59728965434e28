# The two commands of the README: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
PORT ?= 8501
# Local only by default; `make run HOST=0.0.0.0` serves the room's network (phones join on the laptop's
# address, which the projector's QR code then shows).
HOST ?= 127.0.0.1
# Both cores; one browser-test module (and its one server) stays on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench demo migrate clean oidc

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python -m lib.cli migrate

run: migrate
	$(BIN)/python -m lib.cli demo --if-empty
	FORWARDED_ALLOW_IPS= $(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(HOST)

# The single sign-on test's OpenID provider (npm package oidc-provider, pinned in tests/oidc): installed
# when npm is there; without it that test skips (CI installs Node.js and fails instead).
OIDC := tests/oidc/node_modules/.package-lock.json
$(OIDC): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $@

oidc: $(OIDC)

test: $(VENV)/.installed-dev migrate $(if $(shell command -v npm),$(OIDC))
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# `make bench PART=live`, `make bench BASELINE=../older-checkout` (before → after), BENCH_DATABASE_URL=… for PostgreSQL,
# `make bench PART=live PHONES=150 PROCESSES=2 BENCH_DATABASE_URL=…` for two processes behind the shipped nginx site.
bench: $(VENV)/.installed-dev
	$(BIN)/python scripts/bench.py $(if $(PART),--part $(PART)) $(if $(BASELINE),--baseline $(BASELINE))

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts tests/oidc/node_modules
