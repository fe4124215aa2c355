# Herald: `make run` starts the server, `make test` runs every check.
# Everything either needs is installed by the targets below (into .venv and
# build/tools), from PyPI, npm, the Go module proxy and Maven Central.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
TOOLS_BIN := $(abspath build/tools/bin)
GRPCURL_VERSION := v1.9.3
GRPCURL := $(TOOLS_BIN)/grpcurl
# Most of the suite waits on server processes, so two pytest processes (one per core here)
# take about half the time; each runs whole files, so a module's server starts once.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist loadfile

.PHONY: help venv run test pytest lint typecheck lock grpcurl bench clean

help:
	@echo "make run        install and start the server (SQLite in ./var, 127.0.0.1:50051)"
	@echo "make test       install and run every check (lint, types, contract, generated code, tests)"
	@echo "make generate   regenerate every language's stubs from protos/"
	@echo "make bench      run every benchmark (bench-quick: under two minutes; bench/results/)"
	@echo "make gateway    build the REST gateway (build/gateway); HERALD_GATEWAY=1 make run starts it too"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock clients/python/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q "uv==$(UV_VERSION)"
	$(UV) pip install -q --python $(PY) -r requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e . -e clients/python
	touch $@

# Re-pin every Python dependency (after changing pyproject.toml).
lock: $(PY)
	$(UV) pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 -q

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q "uv==$(UV_VERSION)"

# HERALD_GATEWAY=1 starts the REST gateway beside the server (scripts/run.sh, mk/gateway.mk).
run: venv $(if $(filter 1 true yes,$(HERALD_GATEWAY)),gateway)
	PY=$(PY) scripts/run.sh

grpcurl: $(GRPCURL)

$(GRPCURL):
	GOBIN=$(TOOLS_BIN) go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)

lint: venv
	$(VENV)/bin/ruff check server tests bench scripts clients/python
	$(VENV)/bin/ruff format --check server tests bench scripts clients/python

typecheck: venv
	$(VENV)/bin/mypy
	cd clients/python && $(abspath $(VENV))/bin/mypy

pytest: venv
	$(PY) -m pytest $(PYTEST_ARGS)

test: venv lint typecheck proto-lint proto-breaking check-generated check-clients pytest

bench: venv
	$(PY) -m bench.suite

clean:
	rm -rf build var .mypy_cache .ruff_cache .pytest_cache

include mk/generate.mk
include mk/clients.mk
include mk/postgres.mk
include mk/gateway.mk
include mk/bench.mk
