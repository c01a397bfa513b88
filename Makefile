# answerbot: `make run` serves the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-all lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "answerbot needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/answerbot demo build
	$(BIN)/answerbot demo load
	@echo
	@echo "answerbot serves on http://$(HOST):$(PORT) (Ctrl-C stops it). Try:"
	@echo "  curl -s -X POST http://$(HOST):$(PORT)/v1/accounts/acme-cloud/recommendations \\"
	@echo "       -H 'Content-Type: application/json' -H 'X-API-Key: demo-key-acme-cloud' \\"
	@echo "       -d '{\"enquiry\": \"I forgot my password and cannot log in\", \"top_k\": 3, \"explain\": true}'"
	@echo
	ANSWERBOT_HOST=$(HOST) ANSWERBOT_PORT=$(PORT) $(BIN)/answerbot serve

test: install
	$(BIN)/python -m pytest

test-all: install
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
