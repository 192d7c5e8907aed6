# Sales service: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000
export AWS_DEFAULT_REGION ?= eu-west-1

.PHONY: help install dev dev-reset test lint typecheck validate unit build deploy invoke bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml layers/sales/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything (only when pyproject changed)

lint: $(STAMP) ## ruff + mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

validate: $(STAMP) ## sam validate --lint (cfn-lint) on template.yaml
	$(BIN)/sam validate --lint --template template.yaml --region $(AWS_DEFAULT_REGION)

unit: $(STAMP) ## the whole pytest suite (exit code 5, no tests collected, fails)
	$(BIN)/pytest -n 2 -q

test: lint validate unit ## everything CI runs: lint, template validation, tests

build: $(STAMP) ## sam build (no Docker: the layer pins manylinux wheels for the declared runtime)
	$(BIN)/sam build --template template.yaml

deploy: build ## sam deploy --guided (needs AWS credentials)
	$(BIN)/sam deploy --guided

clean: ## remove build output and caches
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
