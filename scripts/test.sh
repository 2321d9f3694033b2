#!/usr/bin/env bash
# Run the test suite (tests/, the docstring examples and the example scripts)
# in .venv, on two processes (pytest-xdist): most tests train on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
python -m pytest -q -p no:cacheprovider -n 2 "$@"
