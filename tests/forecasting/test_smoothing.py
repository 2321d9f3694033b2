"""Damped Holt-Winters (the smoothing part) and its place in the forecaster."""

import warnings

import numpy as np
import pandas as pd
import pytest

import skseq
from skseq import SequenceForecaster
from skseq.forecasting import _forecaster
from skseq.forecasting._smoothing import Smoothing, check_steps, fit_smoothing
from skseq.utils._series import check_series

FAST = dict(max_epochs=5, hidden_size=8, random_state=0)


def holt_winters(y, alpha, beta, gamma, phi, level, trend, seasonal):
    """The textbook recursions, one step at a time: one-step forecasts, states."""
    seasonal = list(seasonal)
    m = len(seasonal)
    forecasts = []
    for t, value in enumerate(y):
        s = seasonal[t % m]
        forecast = level + phi * trend + s
        forecasts.append(forecast)
        error = value - forecast
        level, trend = level + phi * trend + alpha * error, phi * trend + beta * error
        seasonal[t % m] = s + gamma * error
    return np.array(forecasts), level, trend, seasonal


def seasonal_series(n, season=12, seed=0, slope=0.05):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    pattern = 3 * np.sin(2 * np.pi * t / season) + np.cos(4 * np.pi * t / season)
    return 50 + slope * t + pattern + rng.normal(0, 0.3, n)


def test_the_recursions_are_the_textbook_ones():
    rng = np.random.default_rng(1)
    y = rng.normal(size=30).cumsum()
    model = Smoothing(0.4, 0.1, 0.2, 0.9, 4, 1.0, 0.2, np.array([0.5, -0.5, 1.0, -1.0]))
    _, level, trend, seasonal = holt_winters(y, *model.params, 1.0, 0.2, model.seasonal)
    after = model.after(y)
    assert after.level == pytest.approx(level) and after.trend == pytest.approx(trend)
    # the next step's seasonal state first: 30 steps read, 30 % 4 = 2
    np.testing.assert_allclose(after.seasonal, np.roll(seasonal, -2))
    phis = np.cumsum(0.9 ** np.arange(1, 7))
    expected = level + phis * trend + np.roll(seasonal, -2)[np.arange(6) % 4]
    np.testing.assert_allclose(after.forecast(6), expected)
    # the forecasts from each origin are the one-step ones of the recursion
    one_step, *_ = holt_winters(y, *model.params, 1.0, 0.2, model.seasonal)
    along = model.along(y, np.arange(30), 1)[:, 0]
    np.testing.assert_allclose(along, one_step)


def test_the_fit_follows_the_series_and_beats_the_seasonal_naive_forecast():
    y = seasonal_series(156)
    train, test = y[:144], y[144:]
    model = fit_smoothing(train, 12)
    assert model.season == 12 and 0.8 <= model.phi <= 0.995
    forecast = model.after(train).forecast(12)
    naive = train[-12:]
    assert np.abs(forecast - test).mean() < 0.6 * np.abs(naive - test).mean()


def test_a_series_read_again_continues_its_fit():
    y = seasonal_series(100)
    model = fit_smoothing(y, 12)
    end = model.after(y)
    read = end.start(y).after(y)  # its own start fitted again, then the series
    assert (read.level, read.trend) == (end.level, end.trend)
    np.testing.assert_array_equal(read.seasonal, end.seasonal)
    np.testing.assert_allclose(model.along(y, [100], 5)[0], end.forecast(5))
    # read in two parts: the states move on from where they were
    split = model.after(y[:40]).along(y[40:], [60], 5)[0]
    np.testing.assert_allclose(split, end.forecast(5))


def test_a_large_offset_costs_no_precision():
    y = seasonal_series(156) * 1e-3
    model = fit_smoothing(y[:144] + 1e9, 12).after(y[:144] + 1e9)
    error = np.abs(model.forecast(12) - 1e9 - y[144:]).mean()
    plain = fit_smoothing(y[:144], 12).after(y[:144])
    assert error < 1.5 * np.abs(plain.forecast(12) - y[144:]).mean()


def test_too_short_or_missing_values_are_refused():
    assert fit_smoothing(seasonal_series(20), 12).season is None  # under two seasons
    with pytest.raises(ValueError, match="at least 24 steps"):
        check_steps(np.ones(23), 12)
    with pytest.raises(ValueError, match="finite series of at least 4"):
        fit_smoothing(np.array([1.0, np.nan, 2.0, 3.0, 4.0]))


@pytest.fixture(scope="module")
def smoothed():
    """A long monthly seasonal series whose held-out windows keep the part."""
    index = pd.date_range("1990-01", periods=300, freq="MS")
    y = pd.Series(seasonal_series(300, seed=3), index=index)
    # a window of one season: a history of it is too short for the part
    model = SequenceForecaster(horizon=6, window_length=12, **FAST).fit(y)
    return model, y


def test_the_forecaster_keeps_the_part_where_held_out_windows_judge_it(
    smoothed, monkeypatch
):
    model, y = smoothed
    assert "smoothing" in model.method_.split("+")
    forecast = model.predict().to_numpy()
    # the whole series given continues the fit: the same forecast
    np.testing.assert_array_equal(model.predict(y=y).to_numpy(), forecast)
    lower, upper = model.predict_interval(coverage=0.8).T.to_numpy()
    assert np.all(lower <= forecast) and np.all(forecast <= upper)
    # its forecast is one part of the mean: without it the forecast moves
    monkeypatch.setattr(_forecaster, "smoothed_ahead", lambda fitted, rows: None)
    without = model.predict().to_numpy()
    assert np.abs(without - forecast).max() > 1e-6


def test_a_history_too_short_for_the_part_says_so(smoothed):
    model, y = smoothed
    with pytest.warns(UserWarning, match="leave out their exponential smoothing"):
        # another series of 20 steps: two seasons are needed to start it
        short = model.predict(y=y[-20:] + 1.0)
    assert np.isfinite(short.to_numpy()).all()
    # the training series' last steps: the part continues from its end
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(model.predict(y=y[-20:]), model.predict())


def test_scores_read_the_part_from_the_end_of_the_training_series(smoothed):
    model, y = smoothed
    assert "smoothing" in model.method_.split("+")
    later = pd.Series(
        seasonal_series(330, seed=3)[300:],
        index=pd.date_range(y.index[-1], periods=31, freq="MS")[1:],
    )
    forecasts = skseq.forecasting._rolling.rolling_forecasts(
        model._fitted, model.net_, later
    )[1]
    # the first origin is the end of training: predict's forecast
    np.testing.assert_allclose(forecasts[0, :, 0], model.predict().to_numpy())
    assert model.score(later) > 0.5
    # new steps given to predict continue the training series as there
    np.testing.assert_allclose(
        model.predict(y=later[:15]).to_numpy(), forecasts[15, :, 0], rtol=1e-9
    )


def test_a_longer_array_that_ends_as_training_did_starts_the_part_again():
    # an array has no time stamps: one longer than the training array that
    # happens to end with its last values (another shop's weekend zeros)
    # went on from the training series' smoothing, at its level
    y = seasonal_series(200, seed=3)
    y[-2:] = 0.0
    with pytest.warns(skseq.ExtrapolationWarning):  # the zeros
        model = SequenceForecaster(horizon=6, window_length=2, **FAST).fit(y)
    assert "smoothing" in model.method_.split("+")
    other = 150 + seasonal_series(260, seed=4)
    other[-2:] = 0.0
    own = skseq.forecasting._smoothed.smoothed_ahead(
        model._fitted, [check_series(other)]
    )
    again = skseq.forecasting._smoothed.smoothed_along(
        model._fitted, other[:, None], [len(other)], continues=False
    )
    np.testing.assert_allclose(own, again)
    training = skseq.forecasting._smoothed.smoothed_ahead(model._fitted)
    # not the training fit's forecast, which going on from its end repeats
    # exactly (how far they differ depends on the fit's parameters, which
    # the versions of numpy and SciPy move: at most 1.1 with the lowest, 73 with
    # the newest, on one machine)
    assert np.abs(own - training).max() > 1e-6
    # the training array itself, or its end, goes on from the training fit
    for history in (y, y[-50:]):
        ahead = skseq.forecasting._smoothed.smoothed_ahead(
            model._fitted, [check_series(history)]
        )
        np.testing.assert_allclose(ahead, training)


def test_a_fold_of_its_own_reads_no_step_after_each_origin(smoothed):
    model, y = smoothed
    # a fold that does not follow the training series: its start is fitted
    # on the steps before its first origin; later steps change no earlier
    # forecast
    start = y.index[-1] + 20 * y.index.freq
    values = seasonal_series(400, seed=4)[330:390]
    fold = pd.Series(values, index=pd.date_range(start, periods=60, freq="MS"))
    moved = fold.copy()
    moved.iloc[40:] += 20.0
    rolling = skseq.forecasting._rolling.rolling_forecasts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a window of 12 cannot start the part
        first = rolling(model._fitted, model.net_, fold)[1]
        second = rolling(model._fitted, model.net_, moved)[1]
    origins = 40 - model.window_length_  # forecasts made before step 40
    np.testing.assert_array_equal(first[: origins - 6], second[: origins - 6])


def test_the_part_is_saved_and_loaded(smoothed, tmp_path):
    model, _ = smoothed
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    (saved,), (read,) = model._fitted.smoothing, loaded._fitted.smoothing
    assert isinstance(read, Smoothing)
    assert (read.params.tolist(), read.level, read.season) == (
        saved.params.tolist(),
        saved.level,
        saved.season,
    )
    np.testing.assert_array_equal(read.seasonal, saved.seasonal)
    np.testing.assert_array_equal(
        loaded.predict().to_numpy(), model.predict().to_numpy()
    )


def test_one_step_forecasts_and_panels_go_without_it():
    index = pd.date_range("1990-01", periods=120, freq="MS")
    y = pd.Series(seasonal_series(120), index=index)
    assert "smoothing" in SequenceForecaster(horizon=3, **FAST).fit(y).method_
    assert "smoothing" not in SequenceForecaster(horizon=1, **FAST).fit(y).method_
    panel = {"a": y, "b": y * 2}
    assert "smoothing" not in SequenceForecaster(horizon=3, **FAST).fit(panel).method_
    covariate = pd.DataFrame({"x": np.arange(120.0)}, index=index)
    with_x = SequenceForecaster(horizon=3, **FAST).fit(y, covariate)
    assert "smoothing" not in with_x.method_


def test_a_series_too_short_to_fit_the_part_goes_without_it():
    y = pd.Series(np.arange(6.0) + 1)  # 3 steps before the held-out windows
    model = SequenceForecaster(
        horizon=2, window_length=1, validation_fraction=0.5, normalize="last", **FAST
    ).fit(y)
    assert "smoothing" not in model.method_


def test_a_season_not_before_the_held_out_windows_is_judged_in_sample(monkeypatch):
    # 27 months: two seasons in the series, not in the steps before its
    # held-out windows: the part is fitted on every step with its season,
    # judged on the windows it read, and calibrates no interval
    from skseq.forecasting import _fitting, _judged

    keep_all = lambda errors, horizon, counts=None: list(range(len(errors)))  # noqa: E731
    monkeypatch.setattr(_judged, "confidence_set", keep_all)
    calibrated_with = []
    calibrate = _fitting.held_out_calibration

    def spy(*args):
        calibrated_with.append(args[-1])
        return calibrate(*args)

    monkeypatch.setattr(_fitting, "held_out_calibration", spy)
    y = pd.Series(
        seasonal_series(27), index=pd.date_range("1990-01", periods=27, freq="MS")
    )
    model = SequenceForecaster(horizon=3, **FAST).fit(y)
    assert "smoothing" in model.method_.split("+")
    assert model._fitted.smoothing[0].season == 12
    assert calibrated_with[-1] is None  # its in-sample forecasts: not calibrated on
    lower, upper = model.predict_interval(coverage=0.8).T.to_numpy()
    assert (lower < upper).all()
    longer = pd.Series(
        seasonal_series(60), index=pd.date_range("1990-01", periods=60, freq="MS")
    )
    kept = SequenceForecaster(horizon=3, **FAST).fit(longer)
    assert kept._fitted.smoothing[0].season == 12
    assert calibrated_with[-1] is not None  # out of sample: calibrates


def test_without_held_out_windows_the_part_is_kept_as_the_ridges():
    index = pd.date_range("1990-01", periods=120, freq="MS")
    y = pd.Series(seasonal_series(120), index=index)
    model = SequenceForecaster(horizon=3, validation_fraction=0, **FAST).fit(y)
    assert model.method_ == "network+linear+smoothing"
    (part,) = model._fitted.smoothing
    np.testing.assert_allclose(
        part.forecast(3),
        fit_smoothing(y.to_numpy(), 12).after(y.to_numpy()).forecast(3),
    )
