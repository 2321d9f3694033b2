#!/usr/bin/env bash
# Run the test suite (tests/ and the docstring examples) in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
python -m pytest -q -p no:cacheprovider "$@"
