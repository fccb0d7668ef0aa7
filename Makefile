# The two commands of the README: `make serve` (install, build, serve) and `make test` (install, test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test build bench browser virtuoso clients screenshots clean eval

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed

serve: $(VENV)/.installed
	$(BIN)/kgpub build
	$(BIN)/kgpub serve

build: $(VENV)/.installed
	$(BIN)/kgpub build

# Debian's chromium and its driver, for the tests of the HTML pages in a real browser.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

# Debian's OpenLink Virtuoso, for the tests of `kgpub publish` and `kgpub serve --store` (each test run starts its
# own instance on loopback ports; the package's system service is not needed).
virtuoso:
	@command -v virtuoso-t >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; fi; } || \
	  echo "virtuoso-opensource could not be installed: the Virtuoso tests will be skipped"

# Debian's rasqal-utils: roqet, a SPARQL client that is not Python, for the tests of the endpoint with real clients.
clients:
	@command -v roqet >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rasqal-utils >/dev/null; \
	    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rasqal-utils >/dev/null; fi; }

test: $(VENV)/.installed-test browser virtuoso clients
	$(BIN)/python -m pytest

# Query throughput against rdflib-endpoint and a bare pyoxigraph endpoint, build cost up to 100x the corpus
# (several minutes); figures and plot in bench/results/.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

# Screenshots of every kind of page (1400x1000, headless chromium) of the current build, into
# data/build/current/screenshots/.
screenshots: $(VENV)/.installed-test browser
	@test -e data/build/current || $(BIN)/kgpub build
	$(BIN)/python -m tests.e2e.screenshots --build-dir data/build

# The gold sets' pages built from the MIA sample tarball and scored (dev, test, then the seeds' development gold).
GOLD_DEV ?= tests/gold/dev
GOLD_TEST ?= tests/gold/test
MIA_TARBALL ?= ../shared/corpora/mia-html.tar.xz
eval: $(VENV)/.installed
	$(BIN)/python -m kgpub.goldeval --tarball $(MIA_TARBALL) --set dev $(GOLD_DEV) --set test $(GOLD_TEST)

clean:
	rm -rf $(VENV) data/build
