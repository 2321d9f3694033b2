"""Every public name has a numpydoc docstring with an Examples section."""

import importlib
import inspect

import pytest

PUBLIC_MODULES = [
    "skseq",
    "skseq.anomaly",
    "skseq.datasets",
    "skseq.exceptions",
    "skseq.export",
    "skseq.forecasting",
    "skseq.io",
    "skseq.mlflow",
    "skseq.model_selection",
    "skseq.modules",
    "skseq.plotting",
    "skseq.preprocessing",
    "skseq.utils",
]
PUBLIC_NAMES = [
    (module, name)
    for module in PUBLIC_MODULES
    for name in importlib.import_module(module).__all__
    if not name.startswith("__")
]


@pytest.mark.parametrize(
    "module, name", PUBLIC_NAMES, ids=[f"{m}.{n}" for m, n in PUBLIC_NAMES]
)
def test_public_name_has_a_docstring_with_examples(module, name):
    obj = getattr(importlib.import_module(module), name)
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return  # constants are documented in the API reference
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{module}.{name} has no docstring"
    assert "Examples\n--------" in doc, f"{module}.{name} has no Examples section"
    assert ">>>" in doc.split("Examples\n--------")[1]
