# QA Portal — the commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TRANSLATIONS := qa_portal/translations

.PHONY: run test install install-dev migrate demo translations babel-extract babel-update babel-compile browser clean prod-check nginx

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed babel-compile

install-dev: $(VENV)/.installed-dev babel-compile

## make run: install, migrate, load demo data into an empty database, serve on http://127.0.0.1:$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) demo load-if-empty
	@echo ""
	@echo "QA Portal: http://127.0.0.1:$(PORT)/  — demo password for every account: demo-password-2026"
	@echo "  admin@example.org  officer@example.org  council@example.org  council2@example.org  council3@example.org"
	@echo "  appeals@example.org"
	@echo "  hei-a@example.org  hei-b@example.org  (HEI quality units of demo HEI A and B)"
	@echo "  chair@example.org  academic@example.org  student@example.org  employer@example.org"
	@echo "  intl@example.org  qa@example.org  (experts)"
	@echo "  secure-officer@example.org  (officer with two-factor sign-in: the password, then a code from this key)"
	-@$(FLASK) demo totp-key secure-officer@example.org
	@echo ""
	QA_PUBLIC_BASE_URL="$${QA_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

## make test: the whole suite on SQLite, then on PostgreSQL when one is configured or answers on 5432
test: install-dev browser
	$(BIN)/pytest
	@if [ -n "$$QA_TEST_DATABASE_URL" ]; then \
	  echo "== PostgreSQL round on $$QA_TEST_DATABASE_URL"; \
	  $(BIN)/pytest -m "not browser"; \
	elif $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
	  echo "== PostgreSQL round on $(PG_TEST_URL)"; \
	  QA_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -m "not browser"; \
	else \
	  echo "== No PostgreSQL on 127.0.0.1:5432 and QA_TEST_DATABASE_URL unset: PostgreSQL round not run"; \
	fi

## Debian's chromium drives the browser tests (Playwright cannot download its own browser here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
	      || { echo "Could not install chromium"; exit 1; }; \
	  else echo "Browser tests need /usr/bin/chromium: install Debian's chromium package."; exit 1; fi; \
	fi

## make prod-check: boot the production stack (local PostgreSQL and Redis, gunicorn, nginx with a self-signed
## certificate) and smoke-test it: deploy/prod_check.py; the README's "Running in production" describes it.
prod-check: install nginx
	$(BIN)/python deploy/prod_check.py

## Debian's nginx fronts the stack in prod-check (installed when missing and run as root; otherwise gunicorn is
## tested directly).
nginx:
	@if ! command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
	      || echo "Could not install nginx: prod-check will test gunicorn directly"; \
	  else echo "nginx is not installed: prod-check will test gunicorn directly"; fi; \
	fi

migrate: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) demo load

babel-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot .

babel-update: babel-extract
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

babel-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --use-fuzzy -f 2>/dev/null || $(BIN)/pybabel compile -d $(TRANSLATIONS) -f

clean:
	rm -rf $(VENV) .pytest_cache
