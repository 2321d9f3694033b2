"""Scaling out: Dask-backed searches, successive halving, warm starts, GPU."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import torch
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    RandomizedSearchCV,
)
from skorch.exceptions import DeviceWarning

from skseq import RNNClassifier, RNNRegressor, RNNTagger

from ._helpers import QUICK, make_ragged_classification, make_ragged_regression

X2 = np.random.default_rng(1).normal(size=(4, 6))

# ------------------------------------------------------------- warm starts


def test_warm_start_continues_training_and_the_history():
    X, y = make_ragged_classification(n=40)
    clf = RNNClassifier(warm_start=True, **{**QUICK, "max_epochs": 3}).fit(X, y)
    first_losses = clf.history_[:, "train_loss"]
    first_net = clf.net_
    clf.fit(X, y)
    assert clf.n_iter_ == 6
    assert clf.history_[:, "epoch"] == [1, 2, 3, 4, 5, 6]
    assert clf.history_[:3, "train_loss"] == first_losses
    assert np.mean(clf.history_[3:, "train_loss"]) < np.mean(first_losses)
    assert clf.net_ is not first_net  # trained on a copy, swapped in at the end
    cold = RNNClassifier(warm_start=False, **{**QUICK, "max_epochs": 3}).fit(X, y)
    cold.fit(X, y)
    assert cold.n_iter_ == 3


def test_warm_start_keeps_classes_scaling_and_checks_new_data():
    X, y = make_ragged_classification(n=40)
    labels = np.array(["no", "yes"])[y]
    clf = RNNClassifier(warm_start=True, **QUICK).fit(X, labels)
    scale = clf._input.scale.copy()
    clf.fit([x * 100 for x in X[:10]], labels[:10])  # a subset, other scale
    np.testing.assert_array_equal(clf._input.scale, scale)
    assert clf.classes_.tolist() == ["no", "yes"]
    with pytest.raises(ValueError, match=r"holds \['maybe'\]"):
        clf.fit(X[:2], np.array(["maybe", "no"]))
    with pytest.raises(ValueError, match="X has 3 features, but RNNClassifier is"):
        clf.fit([np.ones((3, 3))] * 2, ["no", "yes"])
    Xr, yr = make_ragged_regression(n=30)
    reg = RNNRegressor(warm_start=True, **QUICK).fit(Xr, yr)
    with pytest.raises(ValueError, match="network with 2 outputs, but y has 1"):
        reg.fit(Xr, yr[:, 0])


def test_a_warm_start_keeps_the_input_of_the_first_fit():
    rng = np.random.default_rng(0)
    y = np.arange(30) % 2
    clf = RNNClassifier(warm_start=True, **QUICK).fit(rng.normal(size=(30, 6)), y)
    expecting = "X has 9 features, but RNNClassifier is expecting 6 .*warm_start"
    with pytest.raises(ValueError, match=expecting):
        clf.fit(rng.normal(size=(30, 9)), y)
    assert clf.n_features_in_ == 6 and clf.predict(X2).shape == (4,)
    ragged = [rng.normal(size=n) for n in range(2, 32)]
    clf = RNNClassifier(warm_start=True, **QUICK).fit(ragged, y)
    clf.fit(rng.normal(size=(30, 9)), y)  # univariate sequences of 9 steps
    assert clf.n_features_in_ == 1  # still any length, as predict takes
    assert clf.predict(X2).shape == (4,)


def test_a_warm_start_balances_the_classes_of_the_new_labels():
    X, y = make_ragged_classification(n=30)
    y3 = np.arange(30) % 3
    clf = RNNClassifier(warm_start=True, class_weight="balanced", **QUICK)
    clf.fit(X, y3).fit(X[:20], y3[:20] % 2)  # classes 0 and 1 only
    assert clf.classes_.tolist() == [0, 1, 2]
    tags = [np.arange(len(x)) % 3 for x in X]
    tagger = RNNTagger(warm_start=True, class_weight="balanced", **QUICK)
    tagger.fit(X, tags).fit(X, [t % 2 for t in tags])
    assert tagger.classes_.tolist() == [0, 1, 2]


# ------------------------------------------------------ successive halving


def test_halving_grid_search_with_max_epochs_as_the_resource():
    X, y = make_ragged_classification(n=60)
    search = HalvingGridSearchCV(
        RNNClassifier(hidden_size=8, batch_size=8, random_state=0),
        {"lr": [1e-4, 1e-3, 1e-2, 5e-2]},
        resource="max_epochs",
        min_resources=1,
        max_resources=4,
        factor=2,
        cv=2,
    ).fit(X, y)
    resources = search.cv_results_["param_max_epochs"]
    assert sorted(set(resources.tolist())) == [1, 2, 4]  # more epochs each round
    assert search.best_params_["max_epochs"] == 4
    assert search.best_params_["lr"] in (1e-2, 5e-2)  # the tiny rates are cut


# ------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _searches():
    estimator = RNNClassifier(hidden_size=8, max_epochs=4, batch_size=8, random_state=0)
    grid = {"cell": ["gru", "lstm"], "lr": [1e-3, 1e-2]}
    return [
        GridSearchCV(estimator, grid, cv=2),
        RandomizedSearchCV(estimator, grid, n_iter=3, cv=2, random_state=0),
        HalvingGridSearchCV(
            estimator,
            grid,
            resource="max_epochs",
            min_resources=2,
            max_resources=4,
            cv=2,
        ),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["grid", "randomized", "halving"])
def test_searches_on_a_dask_cluster_match_n_jobs_1(dask_client, index):
    X, y = make_ragged_classification(n=40)
    local = _searches()[index].set_params(n_jobs=1).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = _searches()[index].set_params(n_jobs=-1).fit(X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert dask_client.run(lambda: True)  # the workers were there and alive


# -------------------------------------------------------------------- GPU


def test_device_auto_picks_cuda_only_when_present():
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(device="auto", **QUICK).fit(X, y)
    assert clf.net_.device == ("cuda" if torch.cuda.is_available() else "cpu")


def test_model_fitted_on_cuda_loads_on_a_cpu_only_machine(monkeypatch):
    # Simulated: a net whose device says "cuda" is pickled, then unpickled
    # where torch sees no GPU (skorch's own test pattern).
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(**QUICK).fit(X, y)
    expected = clf.predict_proba(X)
    clf.set_params(device="cuda")
    clf.net_.device = "cuda"
    data = pickle.dumps(clf)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning) as record:
        loaded = pickle.loads(data)
    messages = " ".join(str(w.message) for w in record)
    assert "no CUDA devices are available" in messages
    assert str(loaded.net_.device) == "cpu"
    assert all(p.device.type == "cpu" for p in loaded.net_.module_.parameters())
    np.testing.assert_allclose(loaded.predict_proba(X), expected)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_on_cuda_with_mixed_precision():
    X, y = make_ragged_classification(n=80)
    clf = RNNClassifier(device="cuda", mixed_precision=True, **QUICK).fit(X, y)
    assert next(clf.net_.module_.parameters()).is_cuda
    assert clf.predict_proba(X).dtype == np.float64


def test_mixed_precision_runs_the_network_under_autocast():
    X, y = make_ragged_classification(n=40)
    plain = RNNClassifier(**QUICK).fit(X, y)
    mixed = RNNClassifier(mixed_precision=True, **QUICK).fit(X, y)
    assert mixed.net_.module_.autocast == "bfloat16"
    assert plain.net_.module_.autocast is None
    proba = mixed.predict_proba(X)
    assert proba.dtype == np.float64
    # bfloat16 keeps ~3 significant digits: close to, not equal to, float32
    assert np.abs(proba - plain.predict_proba(X)).max() < 0.1


def test_mixed_precision_trains_a_convolutional_front_end():
    # its batch normalisation kept bfloat16 statistics in float32 buffers
    # (RuntimeError: expected dtype float for `end`), also for conv_layers="auto"
    X, y = make_ragged_classification(n=16)  # ragged: the masked statistics
    mixed = RNNClassifier(mixed_precision=True, conv_layers=1, **QUICK).fit(X, y)
    norm = mixed.net_.module_.conv.norms[0]
    assert norm.running_mean.dtype == torch.float32
    assert np.isfinite(mixed.predict_proba(X)).all()
