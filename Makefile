# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve fuzz messages audit

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps make the second run fast: pip runs again only when a requirements file changed.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_prices
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	@# -rs: each skipped test is listed with its reason (e.g. no Chromium).
	$(VENV)/bin/pytest -rs

# Production mode on this machine (README, "Production"): hashed and compressed static files
# served by whitenoise, debug off, gunicorn with WEB_CONCURRENCY workers (config/gunicorn.py).
serve: export DJANGO_DEBUG := false
serve: $(VENV)/.runtime
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then \
	  echo "DJANGO_SECRET_KEY is not set. Generate one and export it, e.g.:"; \
	  echo "  export DJANGO_SECRET_KEY=\"\$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')\""; \
	  exit 1; fi
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_prices
	@echo "Serving with $${WEB_CONCURRENCY:-3} workers on http://$${GUNICORN_BIND:-$(HOST):$(PORT)}/"
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config config/gunicorn.py config.wsgi

# Translations (README, "Languages"; needs GNU gettext): extract every marked string into
# locale/{ko,en}/LC_MESSAGES/django.po, keeping existing Korean translations (new strings
# arrive empty or fuzzy: translate them, see docs/glossary-ko.md), copy each msgid to the
# English catalog, and compile the .mo files, which are checked in so `make run` needs no
# gettext. tests/test_i18n.py fails while any Korean entry is missing or fuzzy.
LOCALE_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=tests \
	--ignore=bench --ignore=docs
messages: $(VENV)/.runtime
	$(PY) manage.py makemessages -l ko -l en --no-obsolete --no-location $(LOCALE_IGNORE)
	@# A changed msgid arrives fuzzy with the OLD English text: empty those first (--empty),
	@# then msgen fills every empty msgstr with its msgid.
	msgattrib --clear-fuzzy --empty -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	msgen -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv

# The fuzz run of the issue: 1,000 generated hostile inputs per property (tests/test_fuzz.py;
# the regular `make test` runs 40 of each). FUZZ_EXAMPLES=5000 make fuzz for a longer run.
FUZZ_EXAMPLES ?= 1000
fuzz: $(VENV)/.dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest tests/test_fuzz.py --hypothesis-show-statistics

# Known vulnerabilities (README, "Checking dependencies"; needs the network): every pinned
# version of the requirements files, then everything installed in the virtualenv (which
# covers the dependencies of dependencies). Fails on any known vulnerability.
audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit --strict --progress-spinner off --no-deps --disable-pip \
	  -r requirements.txt -r requirements-dev.txt
	$(VENV)/bin/pip-audit --progress-spinner off --local
