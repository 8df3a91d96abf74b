# gongkai — every target creates .venv and installs the project into it when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages for DOC/WPS conversion and a second PDF text source (see extract/readers),
# and the browser the workbench's browser test drives (tests/web).
SYSTEM_PACKAGES := $(shell cat extract/SYSTEM_PACKAGES tests/SYSTEM_PACKAGES)

# The test tiers: `integration` (subprocesses, real crawls, the simulator on sockets) and the
# fast tier (everything else). Each target runs every test at most once, spread over the
# machine's cores by pytest-xdist (TEST_JOBS=0 runs in one process); `loadgroup` keeps the
# tests that share the session's demo run on one worker. Integration tests mostly wait on
# sockets and child processes, so that tier runs more workers than there are cores.
TEST_JOBS   ?= auto
INTEGRATION_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
PYTEST      := $(BIN)/python -m pytest --dist loadgroup
FAST        := -m "not integration"
INTEGRATION := -m integration
TEST_PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
ON_PG       := GONGKAI_TEST_DB_URL=$${GONGKAI_TEST_DB_URL:-$(TEST_PG_URL)}

.PHONY: demo test test-split test-sqlite test-fast test-integration test-pg test-pg-fast test-pg-integration \
	lint imports typecheck check format bench system-deps clean help

help:
	@echo "make demo    offline demo: simulator -> crawl -> archive -> extract -> export"
	@echo "make test    the test suite: the fast tier on SQLite and PostgreSQL, each integration"
	@echo "             test once on the backend it concerns (all on SQLite without PostgreSQL)"
	@echo "make test-sqlite  the whole suite on SQLite; test-fast / test-integration one tier"
	@echo "make test-pg the whole test suite against the local PostgreSQL server"
	@echo "make test-pg-fast / test-pg-integration   one tier on PostgreSQL"
	@echo "make check   lint (ruff), imports (lint-imports), typecheck (mypy extract storage crawler web)"
	@echo "make bench   throughput and memory figures"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# Installs the Debian packages when missing and when we may (root); otherwise says what to do.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null)) \
	     && echo "installed:$$missing"; \
	  else echo "optional system packages missing:$$missing (DOC/WPS extraction and the browser test are skipped)"; fi; \
	fi

demo: $(STAMP) system-deps
	$(BIN)/gongkai demo

# make test: with PostgreSQL reachable, the fast tier on SQLite and on PostgreSQL, and each
# integration test once, on the backend it concerns (tests/support/db.py: stored state on
# PostgreSQL, crawler behaviour and extraction on SQLite, the kill test on both). Without
# PostgreSQL it says so and runs the whole suite on SQLite; GONGKAI_REQUIRE_PG=1 (CI) makes
# that an error instead.
PG_UP = $(BIN)/python -c "import os, sqlalchemy as sa; \
	sa.create_engine(os.environ.get('GONGKAI_TEST_DB_URL') or '$(TEST_PG_URL)', \
	connect_args={'connect_timeout': 3}).connect().close()" 2>/dev/null

test: $(STAMP) system-deps
	@if $(PG_UP); then $(MAKE) --no-print-directory test-split; \
	elif [ -n "$${GONGKAI_REQUIRE_PG:-}" ]; then \
	  echo "PostgreSQL is not reachable at $(TEST_PG_URL) (GONGKAI_REQUIRE_PG is set)"; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(TEST_PG_URL): the whole suite runs on SQLite"; \
	  $(MAKE) --no-print-directory test-sqlite; \
	fi

test-split: test-fast test-pg-fast
	$(PYTEST) -n $(INTEGRATION_JOBS) $(INTEGRATION) --split-backends
	$(ON_PG) $(PYTEST) -n $(INTEGRATION_JOBS) $(INTEGRATION) --split-backends

test-sqlite: test-fast test-integration

test-fast: $(STAMP) system-deps
	$(PYTEST) -n $(TEST_JOBS) $(FAST)

test-integration: $(STAMP) system-deps
	$(PYTEST) -n $(INTEGRATION_JOBS) $(INTEGRATION)

test-pg: test-pg-fast test-pg-integration

test-pg-fast: $(STAMP) system-deps
	$(ON_PG) $(PYTEST) -n $(TEST_JOBS) $(FAST)

test-pg-integration: $(STAMP) system-deps
	$(ON_PG) $(PYTEST) -n $(INTEGRATION_JOBS) $(INTEGRATION)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

imports: $(STAMP)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy extract storage crawler web

check: lint imports typecheck

format: $(STAMP)
	$(BIN)/ruff format .

bench: $(STAMP) system-deps
	PYTHONPATH=tests $(BIN)/python -m bench

clean:
	rm -rf data .pytest_cache .ruff_cache
