"""Sphinx configuration of the skseq documentation."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import skseq  # noqa: E402

project = "skseq"
author = "skseq developers"
copyright = "2026, skseq developers"
release = skseq.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]

# The examples run once, in the test suite (tests/test_examples.py); the docs
# render them without running them again unless asked to
# (SKSEQ_DOCS_RUN_EXAMPLES=1 also shows their output and figures).
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "ignore_pattern": r"demo\.py",
    # the examples run here, once: .ci/run skips them in the tests
    # (SKSEQ_EXAMPLES_IN_DOCS=1); SKSEQ_DOCS_RUN_EXAMPLES=0 builds without them
    "plot_gallery": os.environ.get("SKSEQ_DOCS_RUN_EXAMPLES", "1") == "1",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    # one example per core: each trains on one torch thread (n_threads=1)
    "parallel": 2,
}

html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_with_keys": False}
html_title = f"skseq {release}"
