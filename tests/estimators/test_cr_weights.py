"""Sample and class weights near the ends of float64 mean what others do.

Only relative weights matter: the loss and the statistics that scale inputs
and targets are weighted averages. Weights whose sum overflows (1e308) once
gave inf / inf = NaN: an error about X, or training that diverged; weights
near the bottom (1e-320) lost the digits of those averages (a regressor's
target mean off by 0.07, its predictions by 0.3).
"""

import numpy as np
import pytest

from skseq import RNNClassifier, RNNRegressor

TINY = dict(hidden_size=4, max_epochs=2, batch_size=8, random_state=0)
HUGE = 2.0**1020  # times 3, summed over 30 samples: beyond float64
TINY_SCALE = 2.0**-1070  # subnormal: times 1, 2 or 3, still exact


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 2))
    weights = rng.integers(1, 4, size=30).astype(float)
    return X, weights


@pytest.mark.parametrize("scale", [HUGE, TINY_SCALE], ids=["huge", "tiny"])
@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_extreme_sample_weights_give_the_model_of_their_ratios(estimator, scale):
    X, weights = data()
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum(weights * HUGE))
    assert (weights * TINY_SCALE / TINY_SCALE == weights).all()  # exact
    if estimator == "classifier":
        model, y, out = RNNClassifier(**TINY), X[:, 0, 0] > 0, "predict_proba"
    else:
        model, y, out = RNNRegressor(**TINY), 100 * X[:, :, 0].sum(axis=1), "predict"
    expected = getattr(model.fit(X, y, sample_weight=weights), out)(X)
    got = getattr(model.fit(X, y, sample_weight=weights * scale), out)(X)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_huge_class_weights_give_the_model_of_their_ratios():
    X, weights = data()
    y = np.where(X[:, 0, 0] > 0, "up", "down")
    small = RNNClassifier(**TINY, class_weight={"up": 3.0, "down": 1.0})
    huge = RNNClassifier(**TINY, class_weight={"up": 3.0 * HUGE, "down": HUGE})
    for sample_weight in (None, weights):
        expected = small.fit(X, y, sample_weight=sample_weight).predict_proba(X)
        got = huge.fit(X, y, sample_weight=sample_weight).predict_proba(X)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
