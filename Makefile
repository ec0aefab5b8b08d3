# Chợ Số: every target creates or reuses .venv itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test bench lint venv system-deps clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tracker db upgrade
	$(BIN)/tracker seed --demo
	$(BIN)/tracker serve --host $(HOST) --port $(PORT)

# When CI is set, system packages the suite needs (PostgreSQL, Chromium) are installed first.
system-deps:
	@if [ -n "$$CI" ]; then sh scripts/system-deps.sh; fi

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache test-artifacts
