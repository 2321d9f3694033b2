"""backtest(..., coverage=): interval coverage, width, Winkler and pinball scores."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.model_selection import backtest
from skseq.model_selection._backtest import _interval_scores


def test_interval_scores_by_hand():
    # one origin, two steps, one target; interval [0, 2] at coverage 0.8
    actual = np.array([[[1.0], [5.0]]])
    bounds = np.array([[[[0.0, 2.0]], [[0.0, 2.0]]]])
    scores = dict(_interval_scores(actual, bounds, 0.8))
    assert scores["coverage"].tolist() == [1.0, 0.0]
    assert scores["width"].tolist() == [2.0, 2.0]
    # 5 is 3 above the upper bound: 2 + 2 / 0.2 * 3
    np.testing.assert_allclose(scores["Winkler"], [2.0, 32.0])
    # quantiles 0.1 and 0.9: step 1 (0.1 * 1 + 0.1 * 1) / 2, step 2
    # (0.1 * 5 + 0.9 * 3) / 2
    np.testing.assert_allclose(scores["pinball"], [0.1, 1.6])
    # the interval score is 4 / alpha times the mean pinball loss of its bounds
    np.testing.assert_allclose(scores["Winkler"], scores["pinball"] * 4 / 0.2)


def test_backtest_reports_interval_scores_per_level():
    rng = np.random.default_rng(1)
    index = pd.period_range("1900-01", periods=1000, freq="M")
    y = pd.Series(10 + rng.normal(size=1000), index=index)
    model = SequenceForecaster(window_length=6, horizon=2, max_epochs=3, random_state=0)
    # white noise: no months to learn (the rank test finds them at p 0.012)
    model.set_params(season_inputs=None)
    cv = [(np.arange(800), np.arange(800, 1000))]
    table = backtest(model, y, cv=cv, coverage=(0.5, 0.9))
    for level in ("0.5", "0.9"):
        for name in ("coverage", "width", "Winkler", "pinball"):
            assert f"{name}@{level}" in table
    assert (table["width@0.9"] > table["width@0.5"]).all()
    assert (table["Winkler@0.9"] >= table["width@0.9"]).all()
    # white noise; 160 held-out windows calibrate, 200 new values per step
    # check: binomial errors of both, about 0.053 at 0.5 and 0.032 at 0.9
    # (seeds 0-3 of the noise stayed within 0.14 and 0.055)
    assert np.abs(table["coverage@0.5"] - 0.5).max() < 0.16
    assert np.abs(table["coverage@0.9"] - 0.9).max() < 0.1
    plain = backtest(model, y, cv=cv)
    pd.testing.assert_frame_equal(plain, table[plain.columns])


@pytest.mark.parametrize("coverage", [1.5, 0, "0.9", [0.5, True]])
def test_backtest_refuses_a_bad_coverage(coverage):
    y = np.arange(60.0)
    model = SequenceForecaster(window_length=4, max_epochs=1)
    with pytest.raises(ValueError, match="coverage must be a float in"):
        backtest(model, y, coverage=coverage)


@pytest.mark.parametrize("coverage", [(0.95, 0.9500001), [0.9, 0.8, 0.9]])
def test_backtest_refuses_levels_its_columns_label_alike(coverage):
    # both levels' scores went to coverage@0.95 and the like: the second
    # overwrote the first, and the table showed one level
    y = np.arange(60.0)
    model = SequenceForecaster(window_length=4, max_epochs=1)
    with pytest.raises(ValueError, match=r"coverage holds .* both label 0\.9"):
        backtest(model, y, coverage=coverage)


def test_backtest_coverage_without_held_out_windows_reads_naive_errors():
    y = np.sin(np.arange(80.0))
    model = SequenceForecaster(window_length=4, validation_fraction=0, max_epochs=1)
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        table = backtest(model, y, cv=2, coverage=0.8)
    assert table["coverage@0.8"].between(0, 1).all()
    heads = model.set_params(quantiles=[0.1, 0.5, 0.9])
    with pytest.raises(ValueError, match="No held-out windows"):
        backtest(heads, y, cv=2, coverage=0.8)


def test_scores_skip_steps_past_the_end_of_the_series():
    # the second origin's second step has no actual value (NaN)
    actual = np.array([[[1.0], [1.0]], [[1.0], [np.nan]]])
    bounds = np.zeros((2, 2, 1, 2))
    bounds[..., 1] = [[[2.0], [2.0]], [[2.0], [100.0]]]  # the unknown one is wide
    scores = dict(_interval_scores(actual, bounds, 0.5))
    assert scores["width"].tolist() == [2.0, 2.0]
    assert scores["coverage"].tolist() == [1.0, 1.0]
    assert np.isfinite(scores["Winkler"]).all() and np.isfinite(scores["pinball"]).all()


def test_a_numpy_integer_cv_is_a_time_series_split():
    y = np.sin(np.arange(120.0))
    model = SequenceForecaster(window_length=4, max_epochs=1, random_state=0)
    as_int = backtest(model, y, cv=2)
    pd.testing.assert_frame_equal(backtest(model, y, cv=np.int64(2)), as_int)


def test_rolling_intervals_adapt_to_errors_that_grow():
    from skseq.forecasting._conformal import ConformalCalibration

    rng = np.random.default_rng(0)
    calibration = ConformalCalibration(rng.normal(size=(100, 1, 1)))
    errors = 2 * rng.normal(size=(3000, 1, 1))  # twice the held-out spread
    static = calibration.half_width(0.8)
    assert (np.abs(errors) > static).mean() > 0.45  # held-out widths miss
    widths = calibration.rolling_half_widths(errors, 0.8)
    # adaptive conformal: the share of misses tends to 1 - coverage
    assert abs((np.abs(errors) > widths).mean() - 0.2) < 0.02


def test_rolling_intervals_use_only_errors_known_at_their_origin():
    from skseq.forecasting._conformal import ConformalCalibration

    rng = np.random.default_rng(1)
    calibration = ConformalCalibration(rng.normal(size=(30, 3, 1)))
    errors = rng.normal(size=(60, 3, 1))
    before = calibration.rolling_half_widths(errors, 0.8)
    changed = errors.copy()
    changed[40:] *= 50  # origins 40 on: their outcomes come later
    after = calibration.rolling_half_widths(changed, 0.8)
    for step in range(3):
        # origin t, step j reads the errors of origins up to t - j - 1
        np.testing.assert_array_equal(
            after[: 41 + step, step], before[: 41 + step, step]
        )
        assert not np.array_equal(after[41 + step :, step], before[41 + step :, step])


def test_rolling_origins_of_nan_errors_count_neither_as_hit_nor_miss():
    # origins forecast by another rule (a still series held at its value)
    from skseq.forecasting._conformal import ConformalCalibration

    rng = np.random.default_rng(2)
    calibration = ConformalCalibration(rng.normal(size=(40, 2, 1)))
    errors = 3 * rng.normal(size=(30, 2, 1))
    errors[:20] = np.nan
    widths = calibration.rolling_half_widths(errors, 0.8)
    # until the first known outcome (origin 20, step j known at 21 + j) the
    # held-out half-width, unmoved by the NaN origins before it
    static = calibration.half_width(0.8)
    for step in range(2):
        assert (widths[: 21 + step, step] == static[step]).all()
        assert np.isfinite(widths[21 + step :, step]).all()
        assert (widths[-1, step] > static[step]).all()  # then it adapts
