# QualityPath — `make run` starts the platform with demo data; `make test` runs the whole test suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python >= 3.12: the system python3 where new enough, else pyenv's 3.12/3.13. Never a 3.11 venv.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
ENTERPRISES ?= 400
# The benchmarks' PostgreSQL server when DATABASE_URL is unset (each script creates its own scratch databases).
BENCH_DATABASE_URL := postgres://postgres@127.0.0.1:5432/qualitypath_bench
BENCH_DATABASE_DEFAULTED := $(if $(DATABASE_URL),,yes)

.PHONY: help run test bench bench-quick lint check-python venv venv-dev messages clean

help:
	@echo "make run    - set up .venv, migrate, load reference + demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   - set up .venv with dev tools and run the whole test suite (uses DATABASE_URL/REDIS_URL if set)"
	@echo "make bench  - every benchmark at full size against its baseline in the same run (20-40 min): a table and"
	@echo "              benchmarks/results/bench-<date>.json; needs PostgreSQL: DATABASE_URL, by default"
	@echo "              $(BENCH_DATABASE_URL) (scratch databases are made from it)"
	@echo "make bench-quick - the same at small sizes (a few minutes): a smoke run, not the figures to quote"
	@echo "make lint   - ruff check"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "ERROR: QualityPath needs Python 3.12 or newer (Django 6.1). None was found:"; \
		echo "  install python3.12+ (Debian 13 ships 3.13), or 'pyenv install 3.12.1', then run make again."; \
		exit 1; fi

# Rebuild the venv when it was made with a Python older than 3.12 (or is broken).
$(VENV)/.python-ok: | check-python
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Removing $(VENV): it was built with $$($(PY) --version 2>&1)"; rm -rf $(VENV); fi
	@[ -x $(PY) ] || { echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"; $(PYTHON) -m venv $(VENV); }
	@touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.python-ok
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.python-ok
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

run: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),true)
# The demo logs in without a second factor unless asked (make run MFA_REQUIRED_ROLES=authority,national,...).
run: export MFA_REQUIRED_ROLES := $(MFA_REQUIRED_ROLES)
run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_evaluation_model
	$(MANAGE) load_methods
	$(MANAGE) load_summary_templates
	$(MANAGE) seed_demo --enterprises $(ENTERPRISES)
	@echo "Serving http://$(HOST):$(PORT)  (Ctrl-C stops; logins above)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Tests run with DEBUG off, as in production, over plain HTTP on the test client and live server.
test: export DJANGO_SECRET_KEY := $(or $(DJANGO_SECRET_KEY),test-only-secret-key-not-for-production-use-0123456789)
test: export DJANGO_HTTPS := false
# Tests log in with the password alone; the second-factor tests turn it on themselves.
test: export MFA_REQUIRED_ROLES := $(MFA_REQUIRED_ROLES)
test: venv-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks run against PostgreSQL, DEBUG off and plain HTTP on loopback, like the tests; BENCH_ARGS passes more
# (e.g. BENCH_ARGS="--only scoring,map").
bench bench-quick: export DATABASE_URL := $(or $(DATABASE_URL),$(BENCH_DATABASE_URL))
bench bench-quick: export DJANGO_SECRET_KEY := $(or $(DJANGO_SECRET_KEY),test-only-secret-key-not-for-production-use-0123456789)
bench bench-quick: export DJANGO_HTTPS := false
bench: venv-dev
	@$(if $(BENCH_DATABASE_DEFAULTED),echo "DATABASE_URL is unset: using $(BENCH_DATABASE_URL)",true)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

bench-quick: venv-dev
	@$(if $(BENCH_DATABASE_DEFAULTED),echo "DATABASE_URL is unset: using $(BENCH_DATABASE_URL)",true)
	$(PY) benchmarks/run_all.py --quick $(BENCH_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .

messages: venv-dev
	$(MANAGE) makemessages -l zh_Hans --no-obsolete $(foreach dir,.venv tests benchmarks scripts artifacts var media node_modules,--ignore '$(dir)/*')
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
