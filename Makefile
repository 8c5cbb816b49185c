# Connected App Lab — the two commands are `make demo` and `make test`.
# Every target sets up what it needs on a fresh clone: a local .venv with the project and its dev extra.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
SANDBOX_PORT ?= 8081
APP_PORT ?= 5000
export SANDBOX_PORT APP_PORT

.PHONY: demo test setup chromium node-tools lint bench serve sample-jar demo-reset clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium drives the browser tests. Installed when missing and the machine allows it
# (root with apt-get); otherwise the browser tests skip on a laptop and fail under CI=true.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
			|| echo "Could not install chromium; browser tests will skip (or fail under CI=true)."; \
	else echo "No /usr/bin/chromium and no way to install it; browser tests will skip (or fail under CI=true)."; fi

# MuleSoft's CLI (anypoint-cli-v4, pinned in package.json and its lock file) for the test that runs
# it against the sandbox. PUPPETEER_SKIP_DOWNLOAD: a dependency would otherwise download a browser.
# Without npm the CLI test skips on a laptop and fails under CI=true.
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "Installing MuleSoft's CLI for the tests (npm ci)..."; \
		PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error; \
	else echo "No npm; the anypoint-cli-v4 test will skip (or fail under CI=true)."; fi

node-tools: $(NODE_STAMP)

test: setup chromium node-tools
	$(PY) -m ruff check .
	$(PY) -m pytest

demo: setup
	$(PY) scripts/demo.py

demo-reset: setup
	$(PY) scripts/demo.py --reset

# Production serving: gunicorn with gunicorn.conf.py (WEB_CONCURRENCY workers × APP_THREADS
# threads on APP_BIND); the app's settings come from the environment and .env, as always.
serve: setup
	$(VENV)/bin/gunicorn -c gunicorn.conf.py app:app

sample-jar: setup
	$(PY) samples/hello-mule/build_jar.py

lint: setup
	$(PY) -m ruff check .

$(BENCH_STAMP): $(STAMP)
	@$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

# Every row of issue #12's table, each against a baseline measured in the same run (see README,
# Benchmarks). About 10 minutes; `make bench BENCH_ARGS=--quick` proves it runs in about two.
bench: $(BENCH_STAMP)
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules instance test-output .pytest_cache .ruff_cache .hypothesis *.egg-info
