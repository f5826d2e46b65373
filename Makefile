# make run   - set up everything and serve the app on http://127.0.0.1:5000
# make test  - set up everything and run the whole test suite
# make bench - run the benchmarks in bench/ (see bench/README.md)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=
# Test processes (pytest-xdist); 0 runs the suite in this process alone. An idle
# process takes tests from a busy one's queue (worksteal): a few tests take minutes.
PYTEST_WORKERS ?= 2

export FLASK_APP := app

# The translations: each catalog's .po is compiled into the .mo the app reads.
CATALOGS     := webinar/translations
COMPILED     := $(patsubst %.po,%.mo,$(wildcard $(CATALOGS)/*/LC_MESSAGES/messages.po))
BABEL_KEYS   := -k lazy_gettext -k _l -k lazy_ngettext:1,2

.PHONY: run test bench clean dev-config translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[redis]'
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,redis]'
	touch $@

# A development secret of this machine's own, made once and kept in instance/.
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print("SECRET_KEY = " + repr(secrets.token_hex(32)))' > $@

# DEVELOPMENT = True makes this checkout a development one for every flask
# command, so a second terminal can run the README's commands. A file made by
# an older `make run` gets the line added and keeps its secret.
dev-config: instance/config.py
	@grep -qs '^DEVELOPMENT *=' $< || printf '%s\n' '' \
		'# A development checkout: flask commands allow http://127.0.0.1 links.' \
		'DEVELOPMENT = True' >> $<

# Debug mode: the development settings (http://127.0.0.1 links) are allowed.
run: export FLASK_DEBUG := 1
run: $(VENV)/.installed dev-config $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	FLASK_OUTBOX_THREAD=true $(BIN)/flask run --debug --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test $(COMPILED)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

# Compiled after the environment that has pybabel (run and test list it first).
%.mo: %.po
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing text in the code or templates: gather it into messages.pot
# and merge it into each language's .po, then translate the new entries.
# Lines are wrapped at 100 columns, as the committed catalogs are.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output --width 100 -F babel.cfg $(BABEL_KEYS) \
		-o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width 100 \
		-i $(CATALOGS)/messages.pot -d $(CATALOGS)

clean:
	rm -rf $(VENV) .pytest_cache
