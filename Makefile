# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test chromium lint typecheck clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## demo: install, load the sample procedures and demo data into SQLite, serve the web UI and API
demo: $(STAMP)
	$(BIN)/motcua demo

CHROMIUM_UNAVAILABLE := $(VENV)/.chromium-unavailable

## test: install and run the whole suite (SQLite, plus PostgreSQL when reachable)
test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium; install it when missing (as root). Where it
# cannot be installed, say why in a marker file: the browser tests skip with that reason.
chromium: $(STAMP)
	@rm -f $(CHROMIUM_UNAVAILABLE)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "apt-get install chromium failed" > $(CHROMIUM_UNAVAILABLE); \
	  else echo "chromium is missing and installing it needs root" > $(CHROMIUM_UNAVAILABLE); fi; }
	@test ! -f $(CHROMIUM_UNAVAILABLE) || echo "make: $$(cat $(CHROMIUM_UNAVAILABLE)); browser tests will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy engine scheduler api forms

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
