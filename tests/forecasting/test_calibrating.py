"""Intervals of fits that held out too few windows: the naive forecast's errors."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector
from skseq.forecasting._conformal import ConformalCalibration
from skseq.forecasting._fitted import FittedForecaster

QUICK = dict(max_epochs=3, hidden_size=8, random_state=0)


def _trend(n, slope=5.0, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series(
        50 + slope * np.arange(n) + rng.normal(0, 1, n),
        index=pd.period_range("2001", periods=n, freq="Y"),
    )


def test_one_held_out_window_takes_the_naive_errors_with_a_warning():
    # 14 years forecast 3 ahead with a window of 3: 9 windows, a fifth of
    # them 1; two bound a spread, so intervals were refused
    model = SequenceForecaster(window_length=3, horizon=3, **QUICK).fit(_trend(14))
    assert model._fitted.naive_calibration is not None
    # the held-out window's errors stay (the anomaly detector reads them)
    assert len(model._fitted.calibration.residuals) == 1
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        narrow = model.predict_interval(coverage=0.5)
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        wide = model.predict_interval(coverage=0.95)
    forecast = model.predict()
    assert (narrow["lower"] < forecast).all() and (forecast < narrow["upper"]).all()
    assert (wide["upper"] - wide["lower"] > narrow["upper"] - narrow["lower"]).all()


def test_the_naive_errors_of_a_trend_widen_with_each_step():
    # every naive error of a steep trend is about slope * step: the
    # interval around the forecast reaches that far, step by step
    model = SequenceForecaster(
        window_length=3, horizon=3, validation_fraction=0, **QUICK
    ).fit(_trend(14, slope=20.0))
    forecast = model.predict()
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        interval = model.predict_interval(coverage=0.8)
    assert (interval["lower"] < forecast).all() and (forecast < interval["upper"]).all()
    half = (interval["upper"] - interval["lower"]).to_numpy() / 2
    assert (half > 0.8 * 20.0 * np.arange(1, 4)).all()


def test_quantiles_of_the_naive_errors_are_the_intervals_bounds():
    # on a trend every naive error lies above the naive forecast: their
    # signed ranks put every quantile, 0.1 too, above a forecast that
    # follows the trend
    model = SequenceForecaster(
        window_length=3, horizon=3, validation_fraction=0, **QUICK
    ).fit(_trend(14, slope=20.0))
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        quantiles = model.predict_quantiles(quantiles=[0.1, 0.5, 0.9])
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        interval = model.predict_interval(coverage=0.8)
    np.testing.assert_allclose(quantiles[0.5], model.predict())
    np.testing.assert_allclose(quantiles[0.1], interval["lower"])
    np.testing.assert_allclose(quantiles[0.9], interval["upper"])


def test_a_target_with_enough_held_out_windows_keeps_them():
    # y1 is still in the long series and moves only in the short one, which
    # holds out one window: y0's 23 held-out windows calibrate y0, and y1's
    # interval is refused as before, not both read from naive errors
    rng = np.random.default_rng(0)
    parts = []
    for name, n, still in (("a", 60, True), ("b", 60, True), ("c", 12, False)):
        y1 = np.full(n, 5.0) if still else 5 + np.cumsum(rng.normal(0, 1, n))
        y0 = 10 + np.cumsum(rng.normal(0, 1, n))
        parts.append(pd.DataFrame(dict(id=name, t=range(n), y0=y0, y1=y1)))
    y = pd.concat(parts).set_index(["id", "t"])
    model = SequenceForecaster(window_length=4, horizon=2, **QUICK).fit(y)
    calibration = model._fitted.calibration
    assert model._fitted.naive_calibration is None
    assert list(calibration.counts) == [23, 1]
    with pytest.raises(ValueError, match="needs at least 2 held-out windows"):
        model.predict_interval(coverage=0.8)


def test_enough_held_out_windows_keep_their_own_errors_and_no_warning():
    model = SequenceForecaster(window_length=3, horizon=3, **QUICK).fit(_trend(40))
    assert model._fitted.naive_calibration is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.predict_interval(coverage=0.8)


def test_quantile_heads_and_single_windows_are_still_refused():
    heads = SequenceForecaster(
        window_length=3, horizon=3, quantiles=[0.1, 0.5, 0.9], **QUICK
    ).fit(_trend(14))
    with pytest.raises(ValueError, match="but there are 1; raise validation_fraction"):
        heads.predict_interval(coverage=0.8)
    # 10 steps, a window of 5 and 3 ahead: 3 windows, none held out but two
    # is the fewest; a window of 7 leaves one window
    single = SequenceForecaster(window_length=7, horizon=3, validation_fraction=0)
    single.set_params(**QUICK).fit(_trend(10))
    with pytest.raises(ValueError, match="No held-out windows"):
        single.predict_interval()


def test_a_panel_series_that_never_moves_keeps_an_interval_of_no_width():
    rng = np.random.default_rng(1)
    moving = 10 + np.cumsum(rng.normal(0, 1, 14))
    y = pd.DataFrame(
        {
            "id": ["a"] * 14 + ["b"] * 14,
            "t": list(range(14)) * 2,
            "y": np.concatenate([moving, np.full(14, 3.0)]),
        }
    ).set_index(["id", "t"])["y"]
    model = SequenceForecaster(window_length=3, horizon=2, validation_fraction=0)
    model.set_params(**QUICK).fit(y)
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        interval = model.predict_interval(coverage=0.8)
    width = interval["upper"] - interval["lower"]
    assert (width.loc["b"] == 0).all() and (width.loc["a"] > 0).all()


def test_a_calibration_saved_before_the_naive_errors_reads_as_held_out():
    # a pickled dataclass restores its __dict__: a field added since takes
    # the class default
    old = ConformalCalibration.__new__(ConformalCalibration)
    old.__dict__.update(residuals=np.zeros((2, 1, 1), np.float32), heads=None)
    assert old.naive is False
    assert FittedForecaster.naive_calibration is None


def test_the_anomaly_detector_reads_a_single_held_out_window():
    # its scores need the held-out errors themselves: a fit of 10 steps
    # (scikit-learn's checks fit that few) holds out one window
    x = np.sin(np.arange(10.0)) + np.random.default_rng(0).normal(0, 0.1, 10)
    forecaster = SequenceForecaster(window_length=3, **QUICK)
    detector = ForecastAnomalyDetector(forecaster, random_state=0).fit(x)
    assert detector.forecaster_._fitted.naive_calibration is not None
    assert len(detector.forecaster_._fitted.calibration.residuals) == 1
    assert detector.predict(x).shape == (10,)
