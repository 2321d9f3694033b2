"""pytest set-up shared by tests/ and the docstring examples in skseq/."""

import importlib.util
import os

import pytest

# plots in docstrings and examples draw off-screen
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config, items):
    """Skip the docstring examples whose optional packages are not installed."""
    if importlib.util.find_spec("mlflow") is None:
        for item in items:
            if item.name.startswith("skseq.mlflow."):
                item.add_marker(pytest.mark.skip(reason="needs mlflow"))
    # the example of skseq.export.export_onnx runs its model on onnxruntime
    if not all(importlib.util.find_spec(name) for name in ("onnx", "onnxruntime")):
        for item in items:
            if item.name.startswith("skseq.export._onnx."):
                item.add_marker(pytest.mark.skip(reason="needs onnx, onnxruntime"))
