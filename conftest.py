"""pytest set-up shared by tests/ and the docstring examples in skseq/."""

import os

# plots in docstrings and examples draw off-screen
os.environ.setdefault("MPLBACKEND", "Agg")
