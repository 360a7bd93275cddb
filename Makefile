# Gongkai portal. `make html` and `make test` do every set-up step themselves.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN ?= $(BIN)/pelican
INPUTDIR ?= $(CURDIR)/content
OUTPUTDIR ?= $(CURDIR)/output
CONFFILE ?= $(CURDIR)/pelicanconf.py
PUBLISHCONF ?= $(CURDIR)/publishconf.py
PORT ?= 8000
PELICANOPTS ?=
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-installed
N ?= 5000

.PHONY: html serve publish check test bench import translations clean help

help:
	@echo "make html        build the portal into $(OUTPUTDIR) (creates the virtualenv first)"
	@echo "make serve       preview at http://127.0.0.1:$(PORT) with autoreload"
	@echo "make publish     build with publishconf.py"
	@echo "make check       validate content only"
	@echo "make test        install test needs (chromium) and run pytest"
	@echo "make bench       benchmarks (N=$(N))"
	@echo "make import SRC=...  import a saved legacy site into content/"

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

html: $(STAMP)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

serve: $(STAMP)
	$(BIN)/python scripts/serve.py $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) --bind 127.0.0.1 --port $(PORT) $(PELICANOPTS)

publish: $(STAMP)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) $(PELICANOPTS)

check: $(STAMP)
	$(BIN)/python scripts/check_content.py --content $(INPUTDIR) --settings $(CONFFILE)

# Debian packages the tests need: chromium (driven by Playwright, no browser
# download) and a Java runtime for the Nu HTML checker.
TEST_DEBS := $(if $(shell command -v chromium),,chromium) $(if $(shell command -v java),,default-jre-headless)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(TEST_STAMP): $(STAMP)
	@if [ -n "$(strip $(TEST_DEBS))" ]; then \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(TEST_DEBS); \
	fi
	touch $@

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 -q tests

bench: $(STAMP)
	$(BIN)/python bench/run.py --n $(N)

import: $(STAMP)
	$(BIN)/python scripts/import_legacy.py $(SRC) --out $(INPUTDIR) --report import-report.json

translations: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header -F babel.cfg -o theme/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i theme/translations/messages.pot -d theme/translations

clean:
	rm -rf $(OUTPUTDIR) $(OUTPUTDIR).building $(OUTPUTDIR).old $(OUTPUTDIR).cache
