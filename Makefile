# incidentfolio: `make start` runs the app hub, `make test` runs every test.
# Both create .venv on first use and reinstall only when pyproject.toml or constraints.txt change.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv pip install --python $(BIN)/python --quiet --constraint constraints.txt \
	--override overrides.txt
export CHROMIUM ?= /usr/bin/chromium

.PHONY: help start test lint chromium notebooks screenshots lock clean

help:
	@echo "make start   run the app hub on http://127.0.0.1:8866"
	@echo "make test    install everything needed and run ruff and all tests"
	@echo "make lock    re-resolve constraints.txt (exact versions used by make test)"

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed-app: pyproject.toml constraints.txt overrides.txt | $(BIN)/uv
	$(UV) --editable .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt overrides.txt | $(BIN)/uv
	$(UV) --editable '.[test]'
	@touch $@ $(VENV)/.installed-app

start: $(VENV)/.installed-app
	$(BIN)/incidentfolio serve $(SERVE_ARGS)

chromium:
	@bash scripts/ensure-chromium.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: $(VENV)/.installed-test chromium lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-run the notebooks in place so the outputs nbval compares are current.
notebooks: $(VENV)/.installed-test
	$(BIN)/python scripts/execute_notebooks.py

# Screenshots for the README (docs/*.png), taken from a real server in headless Chromium.
screenshots: $(VENV)/.installed-test chromium
	$(BIN)/python scripts/screenshots.py

lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --quiet \
		--python-version 3.10 --output-file constraints.txt --no-header \
		--override overrides.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
