# fogbank: the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_QUIET ?= -q

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip $(PIP_QUIET) install --upgrade pip

run: $(BIN)/python
	$(BIN)/pip $(PIP_QUIET) install -e .
	$(BIN)/fogbank serve $(ARGS)

test: $(BIN)/python
	$(BIN)/pip $(PIP_QUIET) install -e '.[test]'
	$(BIN)/ruff check fogbank tests bench
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/python
	$(BIN)/pip $(PIP_QUIET) install -e '.[bench]'
	$(BIN)/python -m bench $(ARGS)

lint: $(BIN)/python
	$(BIN)/ruff check fogbank tests bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
