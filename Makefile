# The README's commands. Each creates .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format check-deploy clean bench lighthouse system-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

## make run: migrate, load the demo content and serve it on SQLite with DEBUG on,
## with the task worker (staff emails) running beside the server until it stops.
run: export DEBUG = true
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py create_demo_staff
	$(BIN)/python manage.py load_demo_requests
	@echo "Serving the site on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM HUP; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level medium

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## make bench: load-test the site as production runs it (needs wrk and nginx).
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "nginx is missing: apt-get install -y nginx"; exit 1; }
	$(BIN)/python bench/run.py

## make lighthouse: Lighthouse scores (mobile) for the home, an article and the call-back page.
bench/node_modules/.bin/lighthouse: bench/package.json
	npm install --prefix bench --no-audit --no-fund --loglevel=error
	touch $@

lighthouse: $(VENV)/.installed bench/node_modules/.bin/lighthouse
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/lighthouse.py

## make system-test: two app servers behind nginx on PostgreSQL and Redis, under faults.
system-test: $(VENV)/.installed
	$(BIN)/python tests/system/run.py
