#!/usr/bin/env bash
# Create .venv and install skseq with its development tools.
# The CPU build of torch is installed first, so that skseq's "torch" requirement
# is already met and pip does not fetch a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "torch==2.13.0" \
    || python -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
python -m pip install --quiet -e ".[dev]"
