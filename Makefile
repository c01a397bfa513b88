# answerbot: `make run` serves the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run test test-all lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "answerbot needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The console's browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the console's browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

run: install
	$(BIN)/answerbot demo build
	$(BIN)/answerbot demo load
	@echo
	@echo "answerbot serves on http://$(HOST):$(PORT) (Ctrl-C stops it). Try:"
	@echo "  curl -s -X POST http://$(HOST):$(PORT)/v1/accounts/acme-cloud/recommendations \\"
	@echo "       -H 'Content-Type: application/json' -H 'X-API-Key: demo-key-acme-cloud' \\"
	@echo "       -d '{\"enquiry\": \"I forgot my password and cannot log in\", \"top_k\": 3, \"explain\": true}'"
	@echo "Or open the console at http://$(HOST):$(PORT)/console and sign in with the demo key demo-key-acme-cloud"
	@echo
	ANSWERBOT_HOST=$(HOST) ANSWERBOT_PORT=$(PORT) $(BIN)/answerbot serve

test: install browser
	$(BIN)/python -m pytest

test-all: install browser
	$(BIN)/python -m pytest -m ''

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var embeddings/tables embeddings/merged serving/models/answerbot
