"""A prediction does not depend on what else is in the call (bit for bit, CPU)."""

import numpy as np
import pandas as pd
import pytest

from skseq import RNNClassifier, RNNRegressor, SequenceForecaster

from ._helpers import make_ragged_classification, make_ragged_regression

QUICK = dict(hidden_size=8, max_epochs=2, batch_size=8, random_state=0)


def _subsets(n, rng):
    """Index arrays: single rows, small and large random subsets, a reversal."""
    yield np.array([0])
    yield np.array([n - 1])
    for size in (2, 3, 5, 17, n // 2):
        yield rng.choice(n, size=size, replace=False)
    yield np.arange(n)[::-1]


def _assert_rows_invariant(predict, X, take):
    full = predict(X)
    rng = np.random.default_rng(0)
    for index in _subsets(len(full), rng):
        part = predict(take(X, index))
        np.testing.assert_array_equal(part, full[index], strict=True)


def _take(X, index):
    return [X[i] for i in index] if isinstance(X, list) else X[index]


NETWORKS = [
    dict(),
    dict(cell="lstm"),
    dict(cell="rnn", pooling="mean"),
    dict(bidirectional=True, pooling="last"),
    dict(pooling="attention", num_layers=2),
]


@pytest.mark.parametrize("network", NETWORKS, ids=str)
@pytest.mark.parametrize("ragged", [False, True], ids=["fixed", "ragged"])
def test_classifier_outputs_do_not_depend_on_the_batch(network, ragged):
    X, y = make_ragged_classification(n=70, min_length=4, max_length=30)
    if not ragged:
        X = np.stack([x[:4] for x in X])
    clf = RNNClassifier(**QUICK, **network).fit(X, y)
    for method in (clf.predict_proba, clf.predict_log_proba, clf.predict):
        _assert_rows_invariant(method, X, _take)


def test_flatten_and_tokens_do_not_depend_on_the_batch():
    rng = np.random.default_rng(0)
    X = rng.integers(1, 20, size=(70, 12))
    y = (X[:, 0] > 10).astype(int)
    clf = RNNClassifier(**QUICK, embedding_dim=4, pooling="flatten").fit(X, y)
    _assert_rows_invariant(clf.predict_proba, X, _take)
    ragged = [row[: 3 + i % 9] for i, row in enumerate(X)]
    tokens = RNNClassifier(**QUICK, embedding_dim=4).fit(ragged, y)
    _assert_rows_invariant(tokens.predict_proba, ragged, _take)


def test_regressor_outputs_do_not_depend_on_the_batch():
    X, y = make_ragged_regression(n=70)
    reg = RNNRegressor(**QUICK).fit(X, y)
    _assert_rows_invariant(reg.predict, X, _take)


def _panel(n_series=6, length=60):
    rng = np.random.default_rng(1)
    t = np.arange(length)
    return {
        f"s{i}": pd.Series(
            10 + i + np.sin(t / (2 + i)) + 0.1 * rng.normal(size=length),
            index=pd.period_range("2000-01", periods=length, freq="M"),
        )
        for i in range(n_series)
    }


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_forecasts_and_intervals_do_not_depend_on_other_series(strategy):
    panel = _panel()
    model = SequenceForecaster(
        window_length=8,
        horizon=3,
        strategy=strategy,
        validation_fraction=0.3,
        **QUICK,
    ).fit(panel)
    full = model.predict()
    intervals = model.predict_interval(coverage=0.8)
    for keys in (["s0"], ["s5"], ["s3", "s1"], ["s4", "s0", "s2"]):
        part = {key: panel[key] for key in keys}
        alone = model.predict(part)
        bounds = model.predict_interval(part, coverage=0.8)
        for key in keys:
            pd.testing.assert_series_equal(alone[key], full[key], check_exact=True)
            pd.testing.assert_frame_equal(bounds[key], intervals[key], check_exact=True)


def test_rolling_forecasts_do_not_depend_on_the_length_of_the_fold():
    y = _panel(1, 120)["s0"]
    model = SequenceForecaster(window_length=8, horizon=2, **QUICK).fit(y[:80])
    full = model.predict_rolling(y[80:])
    for stop in (81, 83, 97):
        part = model.predict_rolling(y[80:stop])
        pd.testing.assert_frame_equal(part, full.iloc[: len(part)], check_exact=True)


CONV_NETWORKS = [
    dict(conv_layers=2, conv_channels=6, conv_kernel_size=3),
    dict(conv_layers=2, conv_channels=6, conv_pool=2, conv_mode="both"),
    dict(conv_layers=1, conv_channels=6, conv_kernel_size=4, conv_mode="branch"),
    dict(conv_layers=2, conv_channels=6, conv_pool=3, bidirectional=True),
    dict(conv_layers=2, conv_channels=6, conv_pool=4, standardize="sequence"),
]


def test_the_classifier_defaults_on_long_sequences_do_not_depend_on_the_batch():
    # 100+ steps: the "auto" front end (3 blocks, pooling by 4) and
    # per-sequence standardisation, on ragged sequences of 1 to 300 steps
    X, y = make_ragged_classification(n=70, min_length=1, max_length=300)
    clf = RNNClassifier(max_epochs=2, hidden_size=8, random_state=0).fit(X, y)
    assert clf.conv_layers_ == 3
    _assert_rows_invariant(clf.predict_proba, X, _take)


@pytest.mark.parametrize("network", CONV_NETWORKS, ids=str)
def test_convolutional_front_ends_do_not_depend_on_the_batch(network):
    X, y = make_ragged_classification(n=70, min_length=2, max_length=40)
    clf = RNNClassifier(**QUICK, **network).fit(X, y)
    _assert_rows_invariant(clf.predict_proba, X, _take)


@pytest.mark.parametrize("hidden_size", [5, 13, 14])
@pytest.mark.parametrize("n_outputs", [1, 2, 3])
def test_a_sequence_predicts_the_same_at_every_position_of_a_batch(
    hidden_size, n_outputs
):
    rng = np.random.default_rng(hidden_size)
    X = rng.normal(size=(80, 6, 2))
    y = rng.normal(size=(80, n_outputs))
    reg = RNNRegressor(**{**QUICK, "hidden_size": hidden_size}).fit(X, y)
    alone = reg.predict(X[:1])
    for position in range(0, 70, 3):  # even and odd rows, interior and edge
        batch = np.concatenate([X[1 : 1 + position], X[:1], X[1 + position : 70]])
        np.testing.assert_array_equal(reg.predict(batch)[position], alone[0])
