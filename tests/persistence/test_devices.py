"""skseq.load makes the network on the CPU, whatever device the model was fitted on."""

import hashlib
import json
import zipfile

import numpy as np
import pytest
import torch

import skseq
from skseq import RNNClassifier, RNNSeq2Seq, SequenceForecaster
from skseq.datasets import load_airline

from .._helpers import QUICK, make_ragged_classification


def as_fitted_on(path, device):
    """Rewrite a saved file's ``device`` parameter, as a model fitted there has it."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    for item in config["params"]["__items__"]:
        if item[0] == "device":
            item[1] = device
    members["config.json"] = json.dumps(config).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["sha256"]["config.json"] = hashlib.sha256(
        members["config.json"]
    ).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def fitted(kind):
    if kind == "classifier":
        X, y = make_ragged_classification(n=20)
        model = RNNClassifier(**QUICK).fit(X, y)
        return model, lambda m: m.predict_proba(X)
    if kind == "forecaster":
        model = SequenceForecaster(window_length=12, **QUICK).fit(load_airline())
        return model, lambda m: m.predict().to_numpy()
    source = ["abc", "ab", "bca", "cab"] * 3
    model = RNNSeq2Seq(**QUICK).fit(source, [s[::-1] for s in source])
    return model, lambda m: np.array(m.predict(source))


@pytest.mark.parametrize("kind", ["classifier", "forecaster", "seq2seq"])
def test_a_model_fitted_on_a_gpu_loads_on_a_machine_without_one(
    kind, tmp_path, monkeypatch
):
    model, predict = fitted(kind)
    path = tmp_path / "model.skseq"
    skseq.save(model, path)
    as_fitted_on(path, "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = skseq.load(path)
    assert loaded.device == "cuda"  # its parameter, for the next fit
    np.testing.assert_array_equal(predict(loaded), predict(model))
