"""RNNClassifier and RNNRegressor: behaviour users rely on."""

import pickle
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skseq import RNNClassifier, RNNRegressor
from skseq.datasets import load_gunpoint

from .._helpers import QUICK, make_ragged_classification, make_ragged_regression

# ---------------------------------------------------------------- defaults


def test_default_classifier_reaches_090_on_gunpoint():
    X_train, y_train = load_gunpoint(split="train")
    X_test, y_test = load_gunpoint(split="test")
    clf = RNNClassifier(random_state=0).fit(X_train, y_train)
    # measured 0.947 at random_state=0; 0.913-0.98 over seeds 0-9
    assert clf.score(X_test, y_test) >= 0.90
    train_loss = clf.history_[:, "train_loss"]
    assert train_loss[-1] < 0.2 * train_loss[0]


def test_classifier_learns_a_ragged_task():
    X, y = make_ragged_classification(n=80)
    X_test, y_test = make_ragged_classification(n=80, seed=1)
    clf = RNNClassifier(hidden_size=8, max_epochs=10, random_state=0).fit(X, y)
    assert clf.score(X_test, y_test) > 0.9
    assert clf.n_iter_ == 10
    assert len(clf.history_) == 10


def test_regressor_learns_multi_output_targets_on_their_own_scale():
    X, y = make_ragged_regression(n=200)
    X_test, y_test = make_ragged_regression(n=100, seed=1)
    y, y_test = 100 + 50 * y, 100 + 50 * y_test  # far from unit scale
    reg = RNNRegressor(hidden_size=16, max_epochs=40, random_state=0).fit(X, y)
    predictions = reg.predict(X_test)
    assert predictions.shape == (100, 2)
    assert predictions.dtype == np.float64
    assert reg.n_outputs_ == 2
    assert reg.score(X_test, y_test) > 0.8


def test_regressor_1d_target_gives_1d_predictions():
    X, y = make_ragged_regression(n=40)
    reg = RNNRegressor(**QUICK).fit(X, y[:, 0])
    assert reg.predict(X).shape == (40,)
    assert reg.n_outputs_ == 1


# ------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "emu"]),
        np.array([3, 7, 11]),
        np.array([True, False]),
    ],
    ids=["str", "int", "bool"],
)
def test_classifier_labels_of_any_type(labels):
    X, _ = make_ragged_classification(n=30)
    y = labels[np.arange(30) % len(labels)]
    clf = RNNClassifier(**QUICK).fit(X, y)
    assert clf.classes_.tolist() == sorted(labels.tolist())
    predictions = clf.predict(X)
    assert predictions.dtype == y.dtype
    assert set(predictions) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64
    assert proba.shape == (30, len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba)
    np.testing.assert_array_equal(predictions, clf.classes_[proba.argmax(axis=1)])


# ------------------------------------------------------- padding invariance


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
def test_prediction_does_not_depend_on_batch_companions(cell, pooling):
    X, y = make_ragged_classification(n=40, min_length=2, max_length=30)
    clf = RNNClassifier(cell=cell, pooling=pooling, **QUICK).fit(X, y)
    short = [x for x in X if len(x) < 8][:3]
    long = [x for x in X if len(x) > 20][:5]
    alone = np.vstack([clf.predict_proba([s]) for s in short])
    together = clf.predict_proba(long + short + long)[len(long) : len(long) + 3]
    np.testing.assert_allclose(together, alone, atol=1e-5, rtol=0)


def test_3d_input_may_have_other_lengths_at_predict():
    X = np.random.default_rng(0).normal(size=(20, 6, 2))
    y = np.arange(20) % 2
    clf = RNNClassifier(**QUICK).fit(X, y)
    assert clf.n_features_in_ == 2
    assert clf.predict(np.zeros((3, 10, 2))).shape == (3,)


# ----------------------------------------------------- training options


def test_standardize_makes_training_invariant_to_feature_scale():
    X, y = make_ragged_classification(n=40)
    shifted = [1000.0 + 50.0 * x for x in X]
    a = RNNClassifier(**QUICK).fit(X, y).predict_proba(X)
    b = RNNClassifier(**QUICK).fit(shifted, y).predict_proba(shifted)
    np.testing.assert_allclose(a, b, atol=1e-4)
    c = RNNClassifier(standardize=False, **QUICK).fit(shifted, y).predict_proba(shifted)
    assert np.abs(a - c).max() > 1e-2


def test_optimizer_by_name_or_class():
    X, y = make_ragged_classification(n=30)
    by_name = RNNClassifier(optimizer="sgd", **QUICK).fit(X, y)
    by_class = RNNClassifier(optimizer=torch.optim.SGD, **QUICK).fit(X, y)
    assert isinstance(by_name.net_.optimizer_, torch.optim.SGD)
    np.testing.assert_array_equal(by_name.predict_proba(X), by_class.predict_proba(X))


def test_clip_grad_norm_bounds_each_update():
    X, y = make_ragged_classification(n=16)
    params = dict(hidden_size=8, max_epochs=1, batch_size=16, random_state=0)
    before = RNNClassifier(
        max_epochs=1, lr=1e-12, **{k: v for k, v in params.items() if k != "max_epochs"}
    ).fit(X, y)
    start = torch.nn.utils.parameters_to_vector(before.net_.module_.parameters())
    # one SGD step of lr 1 moves the weights by exactly the clipped gradient
    clipped = RNNClassifier(optimizer="sgd", lr=1.0, clip_grad_norm=1e-3, **params)
    clipped.fit(X, y)
    end = torch.nn.utils.parameters_to_vector(clipped.net_.module_.parameters())
    step = (end - start).norm().item()
    assert step == pytest.approx(1e-3, rel=1e-3)


def test_dropout_between_layers_is_off_at_predict():
    X, y = make_ragged_classification(n=30)
    clf = RNNClassifier(num_layers=2, dropout=0.5, **QUICK).fit(X, y)
    assert clf.net_.module_.rnn.num_layers == 2
    assert clf.net_.module_.rnn.dropout == 0.5
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))


def test_torch_threads_are_restored_after_fit_and_predict():
    X, y = make_ragged_classification(n=20)
    before = torch.get_num_threads()
    clf = RNNClassifier(n_threads=1, **QUICK).fit(X, y)
    clf.predict(X)
    assert torch.get_num_threads() == before


# ------------------------------------------------------------ determinism


def test_same_random_state_same_predictions_and_global_rng_untouched():
    X, y = make_ragged_classification(n=30)
    torch.manual_seed(123)
    expected_draw = torch.rand(3)
    torch.manual_seed(123)
    first = RNNClassifier(**QUICK).fit(X, y).predict_proba(X)
    second = RNNClassifier(**QUICK).fit(X, y).predict_proba(X)
    assert torch.equal(torch.rand(3), expected_draw)
    np.testing.assert_array_equal(first, second)
    other = RNNClassifier(**{**QUICK, "random_state": 1}).fit(X, y).predict_proba(X)
    assert np.abs(first - other).max() > 1e-3


def test_pickle_round_trip_in_a_fresh_process(tmp_path):
    X, y = make_ragged_classification(n=30)
    clf = RNNClassifier(**QUICK).fit(X, y)
    model_path, data_path = tmp_path / "model.pkl", tmp_path / "X.pkl"
    model_path.write_bytes(pickle.dumps(clf))
    data_path.write_bytes(pickle.dumps(X))
    out_path = tmp_path / "proba.npy"
    script = (
        "import pickle, numpy as np, pathlib\n"
        f"clf = pickle.loads(pathlib.Path({str(model_path)!r}).read_bytes())\n"
        f"X = pickle.loads(pathlib.Path({str(data_path)!r}).read_bytes())\n"
        f"np.save({str(out_path)!r}, clf.predict_proba(X))\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    np.testing.assert_array_equal(np.load(out_path), clf.predict_proba(X))


# --------------------------------------------------------- sklearn tools


def test_grid_search_over_network_options_with_ragged_X():
    X, y = make_ragged_classification(n=40)
    grid = GridSearchCV(
        RNNClassifier(max_epochs=3, batch_size=8, random_state=0),
        {"cell": ["gru", "lstm"], "hidden_size": [4, 8], "lr": [0.01, 0.05]},
        cv=2,
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 8
    assert grid.best_score_ > 0.6
    assert grid.predict(X[:5]).shape == (5,)


def test_pipeline_and_cross_val_score():
    X, y = load_gunpoint()
    pipe = make_pipeline(
        FunctionTransformer(np.diff),  # first differences, still 2-D
        RNNClassifier(**QUICK),
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_clone_keeps_parameters_not_fitted_state():
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(cell="lstm", **QUICK).fit(X, y)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "net_")


def test_refit_keeps_serving_predictions_from_a_consistent_model():
    X, y = make_ragged_classification(n=40)
    clf = RNNClassifier(**QUICK).fit(X, y)
    expected = clf.predict_proba(X)
    errors, results = [], []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                results.append(clf.predict_proba(X))
            except Exception as exc:  # noqa: BLE001 - recorded for the assert
                errors.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        for _ in range(3):
            clf.fit(X, y)  # same data and seed: the same model again
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert results
    for result in results:
        np.testing.assert_array_equal(result, expected)


# -------------------------------------------------------------- bad input


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_predict_before_fit_raises_not_fitted(Estimator):
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        Estimator().predict(np.zeros((2, 3)))


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.array([[1.0, np.nan, 2.0]] * 4), [0, 1] * 2, "Input X contains NaN"),
        (np.array([[1.0, np.inf, 2.0]] * 4), [0, 1] * 2, "Input X contains infinity"),
        (np.empty((0, 3)), [], r"0 sample\(s\)"),
        ([np.ones(3), np.ones(0)], [0, 1], "Sequence 1 of X has length 0"),
        (np.ones(4), [0, 1, 0, 1], "Expected 2D array, got 1D array"),
        (np.ones((4, 3)), [0, 1, 0], "inconsistent numbers of samples"),
        (np.ones((4, 3)), [0.1, 0.2, 0.3, 0.4], "Unknown label type: continuous"),
        (
            np.array([["a", "b"]] * 4),
            [0, 1] * 2,
            "holds strings .*SequenceOrdinalEncoder",
        ),
        (np.ones((4, 3)), [1, 1, 1, 1], "at least 2 classes"),
        (np.ones((4, 3)), None, "requires y to be passed"),
    ],
)
def test_classifier_bad_input_errors(X, y, match):
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**QUICK).fit(X, y)


def test_wrong_feature_count_at_predict():
    X3 = np.random.default_rng(0).normal(size=(10, 5, 2))
    y = np.arange(10) % 2
    clf = RNNClassifier(**QUICK).fit(X3, y)
    with pytest.raises(
        ValueError,
        match="X has 3 features, but RNNClassifier is expecting 2 features as input",
    ):
        clf.predict(np.ones((2, 5, 3)))
    with pytest.raises(ValueError, match="fitted on sequences with 2 features"):
        clf.predict(np.ones((2, 5)))
    clf2 = RNNClassifier(**QUICK).fit(X3[:, :, 0], y)
    with pytest.raises(
        ValueError, match="X has 4 features, but RNNClassifier is expecting 5 features"
    ):
        clf2.predict(np.ones((2, 4)))


def test_invalid_parameter_is_reported_at_fit():
    X, y = make_ragged_classification(n=10)
    with pytest.raises(ValueError, match="The 'cell' parameter of RNNClassifier"):
        RNNClassifier(cell="transformer").fit(X, y)


def test_sample_weight_shifts_predictions():
    # noisy labels: only the weights tell which class to favour
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5, 1))
    y = np.arange(60) % 2
    params = dict(hidden_size=8, max_epochs=15, random_state=0)
    plain = RNNClassifier(**params).fit(X, y).predict(X).mean()
    weights = np.where(y == 1, 20.0, 1.0)
    weighted = RNNClassifier(**params).fit(X, y, sample_weight=weights).predict(X)
    assert weighted.mean() > 0.9
    assert weighted.mean() > plain + 0.2


# ------------------------------------------------------- review regressions


def test_torch_threads_belong_to_the_calling_thread():
    from concurrent.futures import ThreadPoolExecutor

    from skseq._runtime import torch_threads

    before = torch.get_num_threads()

    def other_thread():
        with torch_threads(3):
            inside = torch.get_num_threads()
        return inside

    with torch_threads(1):
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(other_thread).result() == 3
        assert torch.get_num_threads() == 1  # the other thread changed only its own
    assert torch.get_num_threads() == before


def test_fits_in_parallel_threads_are_repeatable():
    from concurrent.futures import ThreadPoolExecutor

    X, y = make_ragged_classification(n=30)

    def fit(_):
        return RNNClassifier(**QUICK).fit(X, y).predict_proba(X[:5])

    expected = fit(0)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(fit, range(4)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


def test_tiny_but_real_spreads_are_scaled():
    X, y = make_ragged_regression(n=60)
    small = RNNRegressor(**QUICK).fit([x * 1e-7 for x in X], y[:, 0] * 1e-7)
    plain = RNNRegressor(**QUICK).fit(X, y[:, 0])
    np.testing.assert_allclose(
        small.predict([x * 1e-7 for x in X]) * 1e7,
        plain.predict(X),
        rtol=1e-3,
        atol=1e-3,
    )


def test_a_refit_keeps_no_attribute_of_the_earlier_fit():
    rng = np.random.default_rng(0)
    tokens = [rng.integers(1, 9, size=5) for _ in range(20)]
    y = np.arange(20) % 2
    clf = RNNClassifier(embedding_dim=3, **QUICK).fit(tokens, y)
    assert hasattr(clf, "vocab_size_")
    clf.set_params(embedding_dim=None).fit([t.astype(float) for t in tokens], y)
    assert not hasattr(clf, "vocab_size_")
