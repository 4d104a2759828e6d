# Two commands: `make run` and `make test`. Everything else is what they are made of.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first Python >= 3.11 on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: setup migrate run test test-postgres serve bench deploy-check lint clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python >= 3.11 found on PATH." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

run: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Newman (Postman's runner) for tests/test_contract_postman.py, from the committed lockfile.
NODE_STAMP := tests/js/node_modules/.installed
$(NODE_STAMP): tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

test: setup lint $(NODE_STAMP)
	$(PY) -m pytest

# The suite (browser tests aside) on PostgreSQL: DATABASE_URL must name a database whose
# user may create the test database (.ci/run starts one with .ci/postgres).
test-postgres: setup $(NODE_STAMP)
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://..." >&2; exit 1; }
	$(PY) -m pytest -m "not browser"

# Local secrets for `make serve`, made once and kept out of git.
SERVE_ENV := .serve.env
$(SERVE_ENV): | setup
	@$(PY) -c 'import secrets; from cryptography.fernet import Fernet; \
	print("SECRET_KEY=" + secrets.token_urlsafe(50)); \
	print("TOKEN_ENCRYPTION_KEY=" + Fernet.generate_key().decode())' > $(SERVE_ENV)

# The image's start command, from the local venv: collected static files, migrations,
# gunicorn with gunicorn.conf.py. Plain HTTP on loopback, so cookies are not Secure here.
serve: setup $(SERVE_ENV)
	DEBUG=1 $(PY) manage.py collectstatic --noinput -v0
	set -a && . ./$(SERVE_ENV) && set +a && \
	HOST=$(HOST) PORT=$(PORT) DEBUG=0 SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} PYTHON=$(PY) ./bin/start

# Speed against the targets, printed as one table (the production server and a fake
# upstream, both started and stopped by the script).
bench: setup
	$(PY) bench/bench.py

# Django's deployment checklist with the production environment the README documents.
deploy-check: setup
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	TOKEN_ENCRYPTION_KEY=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	ALLOWED_HOSTS=playground.example.com CSRF_TRUSTED_ORIGINS=https://playground.example.com \
	SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 SECURE_HSTS_PRELOAD=1 \
	BEHIND_TLS_PROXY=1 $(PY) manage.py check --deploy --fail-level WARNING

# ruff, then mypy with django-stubs ([tool.mypy] in pyproject.toml); part of `make test`.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) db.sqlite3* test-db.sqlite3* staticfiles
