# retrace: the two commands of the quick start, and the steps they are made of.
#   make demo   install what is missing, build, start JupyterLab on the examples
#   make test   the same set-up, then type checks, lint, unit, integration and browser tests
# Every step installs what it needs, so both work on a fresh machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
STAMPS  := .stamps
PORT    ?= 8888
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Browser tests use Debian's Chromium; never download Playwright's own browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

APT_RUNTIME := strace proot bubblewrap nodejs
# graphviz and fontconfig: tests/corpus/pipeline-diagram runs dot and fc-list.
APT_TEST    := chromium fonts-dejavu-core graphviz fontconfig

TS_SOURCES := $(shell find src core server schema style -type f 2>/dev/null) package.json tsconfig.json
BUILT      := jupyterlab_retrace/labextension/package.json jupyterlab_retrace/node/retrace.cjs

.PHONY: help setup demo test build typecheck lint unit integration ui corpus clean

help:
	@echo "make demo   install what is missing, build, and start JupyterLab with retrace on examples/"
	@echo "make test   the same set-up, then type checks, lint, unit, integration and browser tests"

# --- set-up ----------------------------------------------------------------

$(STAMPS)/apt-runtime:
	@bash scripts/apt-ensure.sh $(APT_RUNTIME)
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/apt-test: Makefile
	@bash scripts/apt-ensure.sh $(APT_TEST)
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: requirements-dev.txt
	@command -v python3 >/dev/null || bash scripts/apt-ensure.sh python3 python3-venv
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: package.json package-lock.json $(STAMPS)/apt-runtime
	# npm ci trips over the lock file this registry yields (platform-only optional
	# packages are not recorded), so install from the lock with npm install.
	npm install --no-audit --no-fund
	@mkdir -p $(STAMPS) && touch $@

$(BUILT): $(TS_SOURCES) $(STAMPS)/npm $(STAMPS)/venv
	npm run build
	@touch $(BUILT)

build: $(BUILT)

# Install the package in development mode: the console script, the kernelspec and
# the server-proxy entry point in .venv; the lab extension linked to this tree.
$(STAMPS)/develop: $(BUILT) pyproject.toml $(shell find jupyterlab_retrace -name '*.py' -o -name '*.json' -path '*kernelspecs*')
	@# A re-install would write the shared install.json through develop's symlink into
	@# the built labextension, and the next wheel would hold it twice.
	rm -rf $(VENV)/share/jupyter/labextensions/jupyterlab-retrace jupyterlab_retrace/labextension/install.json
	$(VENV)/bin/pip install --quiet --no-build-isolation --no-deps -e .
	$(VENV)/bin/jupyter labextension develop --overwrite .
	@mkdir -p $(STAMPS) && touch $@

setup: $(STAMPS)/apt-runtime $(STAMPS)/venv $(STAMPS)/develop

# --- the two commands ------------------------------------------------------

demo: setup
	$(VENV)/bin/retrace doctor || true
	@echo "Starting JupyterLab on examples/ — open the URL printed below."
	$(VENV)/bin/jupyter lab --no-browser --allow-root --ip=127.0.0.1 --port=$(PORT) \
	  --ServerApp.root_dir=$(CURDIR)/examples

test: setup $(STAMPS)/apt-test
	$(MAKE) --no-print-directory typecheck lint unit integration ui

# --- the parts of make test ------------------------------------------------

typecheck: $(STAMPS)/npm
	npm run --silent typecheck

# ESLint (typescript-eslint's rules, import cycles, the layers' import rules), then
# Prettier's check: a problem in either fails make test.
lint: $(STAMPS)/npm
	npm run --silent lint

unit: $(STAMPS)/npm
	npx vitest run --project unit

integration: setup
	npx vitest run --project integration

ui: setup $(STAMPS)/apt-test
	cd ui-tests && npx playwright test

bench: setup ; bench/audit-overhead $(BENCH_ARGS)

# Not part of make test: tens of minutes (tests/corpus/README.md).
corpus: setup $(STAMPS)/apt-test ; tests/corpus/run $(CORPUS_ARGS)

clean:
	rm -rf $(STAMPS) lib tsconfig.tsbuildinfo jupyterlab_retrace/labextension jupyterlab_retrace/node \
	  ui-tests/test-results ui-tests/playwright-report
