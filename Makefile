# The one entry point. `make dev` and `make test` do all the set-up they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
CHECKOV := .venv-checkov/bin/checkov
NODE_TOOLS := tests/node_modules/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: help dev build check test lint types pytest browser-deps tools bench clean registrations lambda-bundle infra-template publish

help:
	@echo "make dev    build the site and run it locally with working forms"
	@echo "make test   install everything and run every test (lint, types, unit, site, infra, browser)"
	@echo "make build  build the whole site into build/site/"
	@echo "make check  check content/ (links, pairs, data, placeholders); RELEASE=1 refuses placeholders"
	@echo "make bench  run the benchmarks and print their figures"
	@echo "make publish ENV=staging|production  deploy the functions' stack, then the site (AWS)"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# Debian's Chromium (Playwright's own browser download cannot work here).
browser-deps:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }

# The social preview images (site/sitebuild/social.py) are drawn with DejaVu Sans.
SOCIAL_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
$(SOCIAL_FONT):
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-dejavu-core

$(NODE_TOOLS): tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# checkov downgrades packages pytest needs: it lives in its own environment.
$(CHECKOV):
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/pip install -q checkov==3.3.30

tools: $(STAMP) $(SOCIAL_FONT) browser-deps $(NODE_TOOLS) $(CHECKOV)

# The site build runs PurgeCSS and Lightning CSS (tests/package.json) for its stylesheet.
build: $(STAMP) $(SOCIAL_FONT) $(NODE_TOOLS)
	$(PY) -m sitebuild build
	$(PY) -m forms_api.openapi build/openapi.json

# The staff content check (also run by `make test`, through tests/site/test_content_check.py).
check: $(STAMP)
	$(PY) -m sitebuild check $(if $(RELEASE),--release)

# make dev ARGS="--port 0"   (see `python -m localdev --help`)
dev: $(STAMP) $(SOCIAL_FONT) $(NODE_TOOLS)
	$(PY) -m localdev $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

pytest: tools
	$(BIN)/pytest

test: tools lint types pytest

bench: tools
	$(PY) tests/benchmarks/run_all.py

# The forms functions' code for `sam build` (infra/template.yaml, CodeUri): forms_api,
# content_model, content/data, the site's page shell (hence the build first) and Linux
# arm64 wheels of what the Powertools layer lacks.
# LAMBDA_PYTHON=/path/to/python3.13 adds bytecode (a faster cold start).
lambda-bundle: build
	$(PY) infra/bundle.py build/lambda $(if $(LAMBDA_PYTHON),--compile-with $(LAMBDA_PYTHON))

# The template that is deployed, build/infra/template.yaml: infra/template.yaml with the edge
# function's code (infra/edge/viewer-request.js) and its short links from
# content/data/shortlinks.yml; samconfig.toml beside it. `sam build` / `sam deploy` run there.
infra-template: $(STAMP)
	$(PY) infra/edge_function.py build/infra

# The one publication: site and Lambda bundle built from the same content, `sam build` and
# `sam deploy`, then the site uploaded, the edge invalidated, stale files pruned after a
# grace period (infra/publish.py; README "Deployment"). CI: ARGS="--yes --wait".
publish: $(STAMP) $(SOCIAL_FONT)
	@test -n "$(ENV)" || { echo "usage: make publish ENV=staging|production [ARGS=...]"; exit 2; }
	LAMBDA_PYTHON=$(LAMBDA_PYTHON) $(PY) infra/publish.py $(ENV) $(ARGS)

# make registrations ARGS=--show-personal
registrations: $(STAMP)
	$(PY) -m localdev.registrations $(ARGS)

clean:
	rm -rf build content/.staging
