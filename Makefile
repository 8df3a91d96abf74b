# gongkai — every target creates .venv and installs the project into it when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages for DOC/WPS conversion and a second PDF text source (see extract/readers),
# and the browser the workbench's browser test drives (tests/web).
SYSTEM_PACKAGES := $(shell cat extract/SYSTEM_PACKAGES tests/SYSTEM_PACKAGES)

.PHONY: demo test test-pg lint format bench system-deps clean help

help:
	@echo "make demo    offline demo: simulator -> crawl -> archive -> extract -> export"
	@echo "make test    the test suite (SQLite; PostgreSQL too when GONGKAI_TEST_DB_URL is set)"
	@echo "make test-pg the whole test suite against the local PostgreSQL server"
	@echo "make lint    ruff"
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
	@echo "Look at it: $(BIN)/gongkai serve  then open http://127.0.0.1:8700/ (reports; click a number to see its cell in the original)"

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

test-pg: $(STAMP) system-deps
	GONGKAI_TEST_DB_URL=$${GONGKAI_TEST_DB_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .

bench: $(STAMP) system-deps
	$(BIN)/python -m crawler.bench_all
	$(BIN)/python -m web.bench

clean:
	rm -rf data .pytest_cache .ruff_cache
