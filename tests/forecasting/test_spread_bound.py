"""Intervals and quantiles beyond the ranks of few held-out windows."""

import numpy as np
import pytest
from scipy.stats import t as student_t

from skseq.forecasting._conformal import ConformalCalibration
from skseq.forecasting._ranks import spread_bound


@pytest.mark.parametrize("n", [3, 6, 12])
def test_the_bound_covers_normal_errors_as_asked(n):
    # each target is one draw of n held-out windows of one step and one new
    # error, normal of a scale that differs between draws: the Student t
    # bound covers 0.95 of them (a normal quantile of the same spread: 0.856
    # at n=3)
    rng = np.random.default_rng(n)
    scale = rng.uniform(0.1, 10, size=(1, 1, 20000))
    held = scale * rng.normal(size=(n, 1, 20000))
    new = scale[0] * rng.normal(size=(1, 20000))
    calibration = ConformalCalibration(held)
    assert not calibration.calibrates(0.95)
    inside = (np.abs(new) <= calibration.half_width(0.95)).mean()
    assert 0.945 < inside < 0.965
    # quantiles alike, one-sided
    below = (new <= calibration.offsets([0.975])[0]).mean()
    assert 0.97 < below < 0.985


def test_the_bound_of_overlapping_windows_covers_persistent_errors():
    # a random walk forecast by its last value: the error at step h of the
    # window from origin o sums the shocks o + 1 .. o + h, so consecutive
    # windows share all but one; 12 such windows of 6 steps (one draw per
    # target) and the window after their last step. Counting every window
    # as independent covered 0.93 at 95%
    n, horizon, draws = 12, 6, 4000
    rng = np.random.default_rng(0)
    shocks = rng.normal(size=(n + 2 * horizon, draws))
    shocks *= rng.uniform(0.1, 10, size=draws)
    walk = np.cumsum(shocks, axis=0)
    steps = np.arange(1, horizon + 1)
    held = np.stack([walk[o + steps] - walk[o] for o in range(n)])
    last = n - 1 + horizon  # the last step the held-out windows forecast
    new = walk[last + steps] - walk[last]
    calibration = ConformalCalibration(held)
    assert not calibration.calibrates(0.95)
    inside = (np.abs(new) <= calibration.half_width(0.95)).mean()
    assert 0.94 < inside < 0.97


def test_overlapping_windows_keep_two_degrees_of_freedom():
    # halving the degrees of freedom of 2 or 3 windows would give the
    # Cauchy's tails (a t quantile of 12.7 at 97.5%): they keep two
    rng = np.random.default_rng(1)
    for n in (2, 3):
        errors = rng.normal(size=(n, 4, 1))
        overlapping = ConformalCalibration(errors).half_width(0.95)
        spread = np.sqrt(np.mean(errors**2, axis=0))
        bound = student_t.ppf(0.975, 2) * spread
        expected = np.maximum(bound, np.abs(errors).max(axis=0))
        np.testing.assert_allclose(overlapping, expected, rtol=1e-6)


def test_the_bound_lies_beyond_every_held_out_error():
    errors = np.array([0.1, 0.2, 5.0])[:, None, None]  # one outlier
    calibration = ConformalCalibration(errors)
    assert calibration.half_width(0.95)[0, 0] >= 5.0
    levels = [0.01, 0.2, 0.5, 0.8, 0.99]
    offsets = calibration.offsets(levels)[:, 0, 0]
    assert (np.diff(offsets) >= 0).all()  # no crossing
    assert offsets[0] <= 0.1 and offsets[-1] >= 5.0
    # the ranks where they reach: the median is the middle error
    assert offsets[2] == 0.2


def test_rolling_intervals_take_the_bound_until_the_ranks_reach():
    rng = np.random.default_rng(0)
    calibration = ConformalCalibration(rng.normal(size=(3, 1, 1)))
    errors = rng.normal(size=(40, 1, 1))
    widths = calibration.rolling_half_widths(errors, 0.95)[:, 0, 0]
    # origin t knows the 3 held-out errors and those of origins before it
    assert widths[0] == calibration.half_width(0.95)[0, 0]
    for t in (5, 15):
        known = np.concatenate([calibration.residuals[:, 0, 0], errors[:t, 0, 0]])
        assert widths[t] == spread_bound(np.abs(known)[:, None], 0.975, len(known))[0]
    # from 19 known errors on (origin 16), a rank among those known there
    held = calibration.residuals[:, 0, 0]
    for t in range(16, 40):
        known = np.abs(np.concatenate([held, errors[:t, 0, 0]]))
        assert widths[t] in set(known)


def test_a_target_whose_ranks_reach_a_level_keeps_them():
    # a panel's targets differ in windows (a still target's are NaN): each
    # takes its own ranks where they reach, the bound elsewhere
    rng = np.random.default_rng(3)
    values = rng.normal(size=(100, 2, 2))
    part = values.copy()
    part[30:, :, 1] = np.nan  # 30 windows for the second target
    panel = ConformalCalibration(part)
    alone = ConformalCalibration(values[..., :1])
    np.testing.assert_array_equal(
        panel.offsets([0.02, 0.97])[..., 0], alone.offsets([0.02, 0.97])[..., 0]
    )
    np.testing.assert_array_equal(
        panel.half_width(0.98)[:, 0], alone.half_width(0.98)[:, 0]
    )
    lowest = spread_bound(part[:30, :, 1:], 0.02, [30])
    np.testing.assert_array_equal(panel.offsets([0.02])[0, :, 1], lowest[:, 0])


def test_one_held_out_window_bounds_nothing():
    calibration = ConformalCalibration(np.ones((1, 2, 1)))
    calibration.half_width(0.5)  # the ranks of one window reach 0.5
    assert np.isfinite(calibration.rolling_half_widths(np.ones((4, 2, 1)), 0.5)).all()
    message = "coverage=0.9 needs at least 2 held-out windows, but there are 1"
    with pytest.raises(ValueError, match=message):
        calibration.half_width(0.9)
    with pytest.raises(ValueError, match=message):
        calibration.rolling_half_widths(np.ones((4, 2, 1)), 0.9)
    with pytest.raises(ValueError, match=r"quantiles \[0.05\] need at least 2 held"):
        calibration.offsets([0.05])
