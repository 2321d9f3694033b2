# Two entry points, each doing all set-up on a fresh machine:
#   make demo   - train RNNClassifier on the bundled GunPoint data
#   make test   - lint and run the test suite
#   make docs   - build the documentation (warnings are errors)
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

demo: $(STAMP)
	$(PYTHON) examples/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(STAMP) lint
	bash scripts/test.sh

docs: $(STAMP)
	rm -rf docs/_build docs/generated docs/auto_examples
	$(VENV)/bin/sphinx-build -W --keep-going -b html -q docs docs/_build/html
