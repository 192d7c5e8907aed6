# Sales service: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000
export AWS_DEFAULT_REGION ?= eu-west-1

.PHONY: help install dev dev-reset test lint validate unit build package deploy invoke bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml layers/sales/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything (only when pyproject changed)

dev: $(STAMP) ## serve the API on http://127.0.0.1:3000 (PORT=...): real handlers, embedded AWS, no Docker
	$(BIN)/python -m local serve --port $(PORT)

dev-reset: ## forget the local state (tables and events log under .local/)
	rm -rf .local

invoke: $(STAMP) ## run one function on one event: make invoke FN=DealGetFunction EVENT=events/api/deal_get.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json" >&2; exit 2; }
	@$(BIN)/python -m local invoke $(FN) $(EVENT)

lint: $(STAMP) ## ruff + mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

validate: $(STAMP) ## sam validate --lint (cfn-lint) on template.yaml
	$(BIN)/sam validate --lint --template template.yaml --region $(AWS_DEFAULT_REGION)

unit: $(STAMP) ## the whole pytest suite (exit code 5, no tests collected, fails)
	$(BIN)/pytest -n 2 -q

test: lint validate unit package ## everything CI runs: lint, template validation, tests, a checked sam build

build: $(STAMP) ## sam build (no Docker: the layer pins manylinux wheels for the declared runtime)
	$(BIN)/sam build --template template.yaml

package: $(STAMP) ## sam build into .aws-sam/check and check it (every function, arm64 py3.13 wheels, no boto3)
	$(BIN)/sam build --template template.yaml --build-dir .aws-sam/check --cache-dir .aws-sam/cache-check >/dev/null
	$(BIN)/python -m tools.check_build .aws-sam/check

deploy: build ## sam deploy --guided (needs AWS credentials)
	$(BIN)/sam deploy --guided

docs: $(STAMP) ## regenerate docs/ from the contracts (tests fail when committed docs drift)
	$(BIN)/python -m tools.docs

clean: ## remove build output and caches
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
