# Two commands set everything up on a fresh machine (Python 3.11 with pip):
#   make book   create .venv, install afcourse, build the book offline
#   make test   install test needs (incl. Debian's chromium), run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: book test chromium postgresql node clean dist

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.book-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[book,grading]'
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[book,grading,serve,test]'
	touch $@

# Pages run from jupyter-cache, keyed on their own code. When the facts or quiz
# sets they are generated from change (or the quiz code that renders them, the chapters and the
# book's extensions), the cache is cleared so they run again.
BOOK_INPUTS := $(wildcard afcourse/facts/*.yaml quizzes/*/*.json book/_data/*.geojson afcourse/quizui/*.py afcourse/quizui/assets/* book/_ext/*.py book/chapters/*.md)

book/_build/.inputs-stamp: $(BOOK_INPUTS)
	rm -rf book/_build/.jupyter_cache
	mkdir -p book/_build && touch $@

book: $(VENV)/.book-deps book/_build/.inputs-stamp
	$(BIN)/jupyter-book build book --warningiserror --quiet
	@echo "Book built: book/_build/html/index.html"

# Browser tests use Debian's chromium (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The serve tests start their own PostgreSQL server from Debian's package.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the serve tests..."; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

# Node tools for the tests (axe-core, configurable-http-proxy), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

# pytest exits 5 when it collects no test; say so loudly instead of failing obscurely.
test: $(VENV)/.test-deps chromium postgresql node
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

# A wheel and an sdist in dist/ (the facts, the quiz page's script and the server's page are package data):
# students install the wheel for notebooks (`pip install afcourse-<version>-py3-none-any.whl`).
dist: | $(BIN)/python
	$(BIN)/pip install --quiet build
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	@ls -l dist

clean:
	rm -rf book/_build dist
