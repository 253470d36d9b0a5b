# Customer segmentation service: `make run` brings everything up, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := cd backend && ../$(BIN)/flask --app segmentation
NPM := cd frontend && NG_CLI_ANALYTICS=false timeout 900 npm
DEMO_CUSTOMERS ?= 20000

.PHONY: help install install-spark install-web build-web migrate bootstrap run stop test lint lint-web format test-backend \
        test-web test-e2e check-deploy bench bench-scale evaluate clean api-types

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: backend/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e "backend[test]"
	touch $@

install: $(BIN)/.installed ## create .venv and install the backend

JAVA_17 := /usr/lib/jvm/java-17-openjdk-amd64
HAVE_JAVA := $(shell [ -d $(JAVA_17) ] || command -v java >/dev/null && echo yes)

$(BIN)/.spark-installed: $(BIN)/.installed backend/pyproject.toml
	$(BIN)/pip install --quiet -e "backend[test,spark]"
	touch $@

install-spark: $(BIN)/.spark-installed ## the optional Spark training engine (pyspark; Spark needs Java 17)
	@[ -n "$(HAVE_JAVA)" ] || echo "Spark needs Java 17: sudo apt-get install -y default-jre-headless"

frontend/node_modules/.installed: frontend/package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

install-web: frontend/node_modules/.installed ## install the web app's packages (npm ci)

build-web: install-web ## build the Angular app into frontend/dist
	$(NPM) run build -- --progress=false

migrate: install ## apply database migrations (starts the embedded PostgreSQL if needed)
	$(FLASK) db upgrade

bootstrap: migrate ## demo data if the database is empty, a model if none is active
	$(FLASK) bootstrap --customers $(DEMO_CUSTOMERS)

run: bootstrap ## everything on http://localhost:8080 (API on :5000)
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then $(MAKE) --no-print-directory build-web; \
	 else echo "nginx is not installed: serving the API only. Install it with: sudo apt-get install -y nginx"; fi
	deploy/local/run-stack.sh

stop: install ## stop the embedded PostgreSQL
	$(FLASK) embedded-db stop

test: lint test-backend test-web test-e2e ## the whole suite: lint, backend, web unit tests, browser journeys

lint: install lint-web ## ruff check and format check (backend, bench); ESLint and Prettier (web app)
	cd backend && ../$(BIN)/ruff check . ../bench ../evaluation && ../$(BIN)/ruff format --check . ../bench ../evaluation

lint-web: install-web ## ESLint, the Prettier check, and the API types equal to what the snapshot generates
	$(NPM) run lint
	$(NPM) run format:check
	$(NPM) run api:check

API_SPEC := frontend/src/app/core/api/openapi.json

api-types: install install-web ## snapshot the API's OpenAPI document and generate the web app's types from it
	@# the document needs no database: nothing connects while the app is built, so any URL will do
	cd backend && DATABASE_URL=postgresql://unused@127.0.0.1:1/unused \
	  ../$(BIN)/flask --app segmentation openapi write ../$(API_SPEC).tmp
	$(BIN)/python -m json.tool --indent 2 --no-ensure-ascii $(API_SPEC).tmp $(API_SPEC)
	rm $(API_SPEC).tmp
	$(NPM) run api:types

format: install ## apply ruff's fixes and formatting
	cd backend && ../$(BIN)/ruff check --fix . ../bench ../evaluation && ../$(BIN)/ruff format . ../bench ../evaluation

test-backend: install ## backend tests against a throwaway PostgreSQL and real processes
	@if [ -n "$(HAVE_JAVA)" ]; then $(MAKE) --no-print-directory install-spark; fi
	cd backend && ../$(BIN)/python -m pytest

test-web: install-web ## Angular unit tests (Vitest, no browser)
	$(NPM) test

test-e2e: install build-web ## Playwright journeys in Chromium through nginx -> gunicorn -> PostgreSQL
	deploy/local/e2e.sh

check-deploy: install ## validate compose, Dockerfiles and k8s; run the image entrypoints on this host
	deploy/check.sh

bench: install ## benchmarks (not part of test): writes bench/results/latest.{md,json}
	bench/run.sh

bench-scale: install ## 10M customers (BENCH_SCALE_CUSTOMERS=200000 for a smoke run): merges into latest.*
	bench/run.sh --only scale

evaluate: install ## segment quality on generated families, held-out ones and CDNOW: evaluation/results/latest.md
	$(BIN)/python -m evaluation.run

clean: ## remove build output (keeps var/, the local database and models)
	rm -rf frontend/dist backend/.pytest_cache
