# Sales service: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000
export AWS_DEFAULT_REGION ?= eu-west-1
# The browser tests/e2e/test_swagger_ui.py drives (Debian's packages; `make browser` installs them).
export CHROMIUM ?= /usr/bin/chromium
export CHROMEDRIVER ?= /usr/bin/chromedriver
BROWSER_PACKAGES := chromium chromium-driver fonts-liberation
# The root template and its nested stacks (one per bounded context), each validated and scanned on its own.
TEMPLATES := template.yaml $(sort $(wildcard stacks/*.yaml))

.PHONY: help install browser dev dev-reset test lint validate unit build package deploy invoke bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml layers/kernel/requirements.txt layers/sales/requirements.txt layers/phones/requirements.txt \
		layers/pdf/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything (only when pyproject changed)

browser: ## Chromium + chromedriver for the Swagger UI test: apt-get installs Debian's when missing
	@if [ -x "$(CHROMIUM)" ] && [ -x "$(CHROMEDRIVER)" ]; then exit 0; fi; \
	fail() { echo "make browser: $$1; the Swagger UI test (tests/e2e/test_swagger_ui.py) needs a Chromium and" \
	  "its chromedriver: install Debian's $(BROWSER_PACKAGES), or set CHROMIUM=... CHROMEDRIVER=..." >&2; exit 1; }; \
	command -v apt-get >/dev/null || fail "$(CHROMIUM) or $(CHROMEDRIVER) is missing and there is no apt-get"; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
	else fail "$(CHROMIUM) or $(CHROMEDRIVER) is missing, and installing needs root or sudo"; fi; \
	echo "installing $(BROWSER_PACKAGES) (apt-get) for the Swagger UI test"; \
	$$sudo apt-get update -qq >/dev/null \
	  && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(BROWSER_PACKAGES) >/dev/null \
	  || fail "apt-get install $(BROWSER_PACKAGES) failed"; \
	[ -x "$(CHROMIUM)" ] && [ -x "$(CHROMEDRIVER)" ] || fail "still no $(CHROMIUM) or $(CHROMEDRIVER) after apt-get"

dev: $(STAMP) ## serve the API on http://127.0.0.1:3000 (PORT=...): real handlers, embedded AWS, no Docker
	$(BIN)/python -m local serve --port $(PORT)

dev-reset: ## forget the local state (tables and events log under .local/)
	rm -rf .local

invoke: $(STAMP) ## run one function on one event: make invoke FN=SalesDealGetFunction EVENT=events/sales/api/deal_get.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json" >&2; exit 2; }
	@$(BIN)/python -m local invoke $(FN) $(EVENT)

lint: $(STAMP) ## ruff, mypy, and import-linter (the layering rules in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=layers/kernel:layers/sales:layers/billing $(BIN)/lint-imports

validate: $(STAMP) ## sam validate --lint (cfn-lint) on template.yaml and every nested stack (stacks/*.yaml)
	@set -e; for template in $(TEMPLATES); do \
	  $(BIN)/sam validate --lint --template $$template --region $(AWS_DEFAULT_REGION); \
	done

unit: $(STAMP) browser ## the whole pytest suite (exit code 5, no tests collected, fails)
	$(BIN)/pytest -n 2 -q --durations=20

test: lint validate scan unit package ## everything CI runs: lint, template validation, tests, a checked sam build

# Security scans. checkov pins many libraries, so it lives in its own venv (.venv-scan), apart from the project's.
.PHONY: scan
SCAN_VENV := .venv-scan
CHECKOV_VERSION := 3.3.30
SCAN_STAMP := $(SCAN_VENV)/.installed-$(CHECKOV_VERSION)

$(SCAN_STAMP):
	rm -rf $(SCAN_VENV)
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install --quiet --upgrade pip
	$(SCAN_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

scan: $(STAMP) $(SCAN_STAMP) ## bandit (Python) and checkov (every template); skips are justified in pyproject/.checkov.yaml
	$(BIN)/bandit -c pyproject.toml -q -r layers functions tools
# local/ only (never deployed) also skips B105 (moto's dummy credentials) and B506 (CfnLoader is a SafeLoader).
	$(BIN)/bandit -c pyproject.toml -q -r local --skip B101,B311,B105,B506
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE $(SCAN_VENV)/bin/checkov --config-file .checkov.yaml

# sam build follows the nested stacks: each one's artifacts land under its Application's logical id
# (.aws-sam/build/SalesStack/SalesDealGetFunction/, .aws-sam/build/BillingStack/BillingLayer/).
build: $(STAMP) ## sam build of the root and every nested stack (no Docker: the layers pin manylinux wheels)
	$(BIN)/sam build --template template.yaml

package: $(STAMP) ## sam build into .aws-sam/check and check every stack (functions, arm64 py3.13 wheels, no boto3)
	$(BIN)/sam build --template template.yaml --build-dir .aws-sam/check --cache-dir .aws-sam/cache-check >/dev/null
	$(BIN)/python -m tools.check_build .aws-sam/check

bench: package ## cold starts, requests per operation at 100/10,000 deals, warm overhead, layer: writes docs/performance.md
	$(BIN)/python -m bench

# Nested applications are expanded by CloudFormation (AWS::Serverless::Application -> AWS::CloudFormation::Stack):
# the deployment needs CAPABILITY_AUTO_EXPAND besides CAPABILITY_IAM (the functions' roles).
deploy: build ## sam deploy --guided with CAPABILITY_IAM and CAPABILITY_AUTO_EXPAND (needs AWS credentials)
	$(BIN)/sam deploy --guided --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND

docs: $(STAMP) ## regenerate docs/ from the contracts (tests fail when committed docs drift)
	$(BIN)/python -m tools.docs

clean: ## remove build output and caches
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
