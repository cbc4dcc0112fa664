# make run: set up and serve the demo (web server and job worker); make test: the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := outreach

.PHONY: run test install install-test translations extract-messages update-translations db demo serve clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# Compiled catalogues (.mo) are built, not committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d outreach/translations

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT) with a job worker beside it (Ctrl-C stops both)"
	@$(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 wsgi:app

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (not part of CI; see bench/README.md): every route's statements, time and size on a
# busy year and on ten (SQLite; PostgreSQL too when OUTREACH_BENCH_DATABASE_URL is set), then the
# check-in throughput, then the outbox's messages a minute and a cancellation's time to the last
# mail (PostgreSQL too, on that URL's database + _outbox). BENCH_ARGS are passed to bench/scale.py
# (e.g. BENCH_ARGS="--reuse --strict"). The exit status is non-zero when any of them failed.
bench: install-test
	$(BIN)/python bench/scale.py $(BENCH_ARGS); status=$$?; \
	$(BIN)/python bench/checkin.py || status=$$?; \
	$(BIN)/python bench/outbox.py || status=$$?; \
	exit $$status

# For translators: pull new messages out of the code and templates, then merge them into the catalogues.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 --ignore-dirs=".*" -o outreach/translations/messages.pot --no-location --sort-output --project=Outreach --copyright-holder="Outreach developers" .

update-translations: extract-messages
	$(BIN)/pybabel update -i outreach/translations/messages.pot -d outreach/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
