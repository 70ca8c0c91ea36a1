# The two commands: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint extras seed benchmark screenshots clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## Create the database (or migrate it), seed demo data when it is empty, start the app.
run: $(STAMP)
	$(BIN)/python -m feedback_analytics seed-demo --if-empty
	$(BIN)/python -m streamlit run app.py

## Set up and run the whole suite (PostgreSQL and browser tests skip, saying why, where absent).
test: $(STAMP)
	$(BIN)/python -m pytest

## Optional: the sentence-embedding feature block (torch CPU, ~1.7 GB); its tests skip without it.
extras: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-extras.txt

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy feedback_analytics

benchmark: $(STAMP)
	$(BIN)/python benchmarks/import_speed.py

## Retake the README's screenshots (docs/screenshots/) from the app served in Chromium.
screenshots: $(STAMP)
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/e2e/test_e2e_tour.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
