"""Targets near the ends of float64 are scaled without overflow or underflow."""

import warnings

import numpy as np
import pytest

from skseq import RNNRegressor
from skseq.estimators._regressor import TargetScaling

from .._helpers import QUICK


@pytest.mark.parametrize("magnitude", [1e200, 1e-200, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_target_scaling_is_that_of_the_targets_at_any_magnitude(magnitude, weighted):
    # 1e200: the squares overflowed, scale inf; 1e-200: they underflowed to
    # 0, and the scale became 1 (the targets read as constant)
    rng = np.random.default_rng(0)
    unit = rng.normal(1.0, 2.0, size=(50, 2))
    weights = rng.uniform(0.5, 2.0, size=50) if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        scaling = TargetScaling.fit(unit * magnitude, 2, weights)
    reference = TargetScaling.fit(unit, 2, weights)
    np.testing.assert_allclose(scaling.mean, reference.mean * magnitude, rtol=1e-12)
    np.testing.assert_allclose(scaling.scale, reference.scale * magnitude, rtol=1e-12)


def test_ordinary_targets_are_scaled_exactly_as_numpy_does():
    y = np.random.default_rng(0).normal(3.0, 7.0, size=(40, 3))
    scaling = TargetScaling.fit(y, 2)
    np.testing.assert_array_equal(scaling.mean, y.mean(axis=0))
    np.testing.assert_array_equal(scaling.scale, y.std(axis=0))


def test_huge_targets_give_finite_predictions_on_their_scale():
    # predict returned inf, with only numpy's RuntimeWarning
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 1))
    y = X[:, :, 0].sum(axis=1)
    small = RNNRegressor(**QUICK).fit(X, y).predict(X)
    huge = RNNRegressor(**QUICK).fit(X, y * 1e200).predict(X)
    assert np.isfinite(huge).all()
    np.testing.assert_allclose(huge, small * 1e200, rtol=1e-5)


def test_targets_that_do_not_centre_in_float64_are_refused():
    y = np.array([1.7e308, -1.7e308, -1.7e308, 1.0])
    with pytest.raises(ValueError, match="y cannot be standardised"):
        RNNRegressor(**QUICK).fit(np.zeros((4, 3)), y)
    # a row of weight 0 far beyond the others: out of float32 once scaled
    # by the weighted rows' spread (it was trained on, to a NaN loss)
    with pytest.raises(ValueError, match="y cannot be standardised"):
        RNNRegressor(**QUICK).fit(
            np.zeros((4, 3)), [1.0, 2.0, 3.0, 1e39], sample_weight=[1, 1, 1, 0]
        )
