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

# The peers pin their own botocore, so the bench has a venv of its own.
BENCH_VENV ?= .venv-bench

bench:
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip $(PIP_QUIET) install -e '.[bench]'
	$(BENCH_VENV)/bin/python -m bench $(ARGS)

lint: $(BIN)/python
	$(BIN)/ruff check fogbank tests bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
