# 山西省会计人员信息采集 — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEUI := portal/static/vendor/weui.min.css
FLASK := $(BIN)/flask --app portal.factory

.DEFAULT_GOAL := help
.PHONY: help setup run test lint migrate bench clean screenshots

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEUI): node_modules/.installed
	mkdir -p $(dir $@)
	cp node_modules/weui/dist/style/weui.min.css $@

setup: $(STAMP) $(WEUI) ## Create the virtualenv, install packages and WeUI

migrate: setup ## Apply database migrations
	$(FLASK) db upgrade

run: setup ## Serve everything on http://127.0.0.1:8000 (SQLite, embedded Redis, WeChat sandbox)
	$(BIN)/python scripts/serve.py

lint: setup ## ruff and the import-linter package contracts
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: setup lint ## Lint, then the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup ## Benchmarks; rewrites docs/performance.md
	$(BIN)/python -m bench.run

clean: ## Remove the virtualenv, node_modules and local data
	rm -rf $(VENV) node_modules instance portal/static/vendor
