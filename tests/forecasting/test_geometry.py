"""The window a forecaster reads when window_length="auto"."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster, load, save
from skseq.forecasting._geometry import (
    MAX_WINDOW,
    MIN_WINDOW,
    SEASON_WINDOWS_PER_STEP,
    WINDOWS_PER_STEP,
    season_of,
    supported_window,
    window_of,
)
from skseq.forecasting._phases import MAX_PHASES
from skseq.forecasting._windows import WindowSplit


@pytest.mark.parametrize("shortest", [6, 10, 20, 34, 40, 60, 100, 150, 500, 5000])
@pytest.mark.parametrize("horizon", [1, 3, 6, 12])
@pytest.mark.parametrize("season", [None, 4, 12, 24, 48, 144, 288])
def test_the_window_leaves_ten_training_windows_per_step(shortest, horizon, season):
    if shortest - horizon < 2:
        pytest.skip("no room for a window")
    w = window_of(shortest, horizon, season)
    windows = shortest - w - horizon + 1
    assert 2 <= w <= MAX_WINDOW
    assert windows >= 1
    if season and season > MAX_PHASES and w == season:  # a whole season
        assert windows >= SEASON_WINDOWS_PER_STEP * w
    elif w > MIN_WINDOW:  # not the floor: ten windows per step read
        assert windows >= WINDOWS_PER_STEP * w
    long_season = season and season > MAX_PHASES and season <= MAX_WINDOW
    if long_season and shortest - horizon + 1 >= (SEASON_WINDOWS_PER_STEP + 1) * season:
        assert w >= season  # a season without phase indicators: read whole
    two = season and 2 * season <= MAX_WINDOW
    if two and shortest - horizon + 1 >= (WINDOWS_PER_STEP + 1) * 2 * season:
        assert w == 2 * season  # two seasons where they fit


@pytest.mark.parametrize(
    "freq, season",
    [
        ("MS", 12),
        ("BME", 12),  # business months are months: no season found before
        ("BMS", 12),
        ("BQE", 4),
        ("QS-FEB", 4),
        ("SMS", 24),
        ("2h", 12),  # a day of two-hour steps: none before (any multiple)
        ("2MS", 6),
        ("2W-SUN", 26),
        ("30min", 48),
        ("2D", None),  # a week is not a whole number of them
        ("5B", None),  # a season of one step
        ("YS", None),
        ("1440min", None),  # 1 before, which fit could not use
        ("7min", None),
        ("1800s", 48),  # seconds: none before
        (pd.DateOffset(months=1), 12),  # keywords: NotImplementedError before
        (pd.DateOffset(months=3), 4),
        (pd.DateOffset(hours=2), 12),
        (pd.DateOffset(months=1, days=2), None),  # no one unit
        (pd.DateOffset(years=1), None),
    ],
)
def test_the_season_of_a_step_reads_its_unit_and_count(freq, season):
    assert season_of(freq) == season


def test_a_business_month_index_forecasts_as_a_month_start_one():
    # the same values and model, stamps at business month ends: the season
    # and its phases were missing, MAE 3.3 against 1.6 (max_epochs=3)
    rng = np.random.default_rng(0)
    values = 100 + 15 * np.sin(2 * np.pi * np.arange(72) / 12) + rng.normal(0, 2, 72)
    forecasts = []
    for freq in ("MS", "BME"):
        y = pd.Series(values, index=pd.date_range("2010-01-01", periods=72, freq=freq))
        model = SequenceForecaster(horizon=6, max_epochs=2, random_state=0).fit(y)
        assert model._fitted.season == 12 and model._fitted.phases is not None
        forecasts.append(model.predict().to_numpy())
    np.testing.assert_allclose(forecasts[0], forecasts[1])


def test_a_date_offset_of_months_forecasts_as_month_starts_and_saves(tmp_path):
    # DateOffset(months=1) has no rule code: season_of raised
    # NotImplementedError, the phases found no period, and skseq.save failed
    rng = np.random.default_rng(0)
    profile = np.tile([0, 0, 5, 0, 0, -3, 0, 0, 4, 0, 0, -2.0], 8)
    values = 10 + np.cumsum(rng.normal(0, 0.3, 96)) + profile
    forecasts = []
    for freq in ("MS", pd.DateOffset(months=1)):
        y = pd.Series(values, index=pd.date_range("2000-01-01", periods=96, freq=freq))
        model = SequenceForecaster(horizon=6, max_epochs=2, random_state=0).fit(y)
        assert model._fitted.season == 12 and model._fitted.phases is not None
        forecasts.append(model.predict())
    np.testing.assert_allclose(forecasts[0].to_numpy(), forecasts[1].to_numpy())
    save(model, tmp_path / "model.skseq")
    loaded = load(tmp_path / "model.skseq")
    pd.testing.assert_series_equal(loaded.predict(), forecasts[1])
    assert loaded.predict().index.freq == pd.DateOffset(months=1)


def test_a_short_hourly_series_reads_a_whole_day():
    # 180 hours, a day ahead: ten windows per step support 12 hours, but the
    # daily profile (no phase indicators for 24 hours) is only in the values
    # a day back, so the window and the ridges read 24
    rng = np.random.default_rng(0)
    hours = np.arange(180)
    profile = np.where(hours % 24 < 8, 0.0, 3.0) + np.sin(hours * np.pi / 12)
    y = pd.Series(
        10 + profile + rng.normal(0, 0.2, 180),
        pd.date_range("2024-01-01", periods=180, freq="h"),
    )
    train, test = y.iloc[:-24], y.iloc[-24:].to_numpy()
    assert supported_window(156, 24) == 12
    assert supported_window(156, 24, 24) == window_of(156, 24, 24) == 24
    model = SequenceForecaster(horizon=24, max_epochs=5, random_state=0).fit(train)
    assert model.window_length_ == 24
    assert all(ridge.window_length is None for ridge in model._fitted.ridges)
    error = np.abs(model.predict().to_numpy() - test).mean()
    flat = np.abs(train.iloc[-1] - test).mean()  # the last value repeated
    assert error < 0.25 * flat


def test_a_day_is_read_whole_where_one_training_window_per_step_remains():
    # 136 half-hours, half a day ahead: a window of the day leaves 65
    # training windows for its 48 steps; on 110 half-hours it would leave 39,
    # and ten windows per step support 7 steps
    assert window_of(136, 24, 48) == supported_window(136, 24, 48) == 48
    assert window_of(110, 24, 48) == supported_window(110, 24, 48) == 7


def test_a_short_hourly_series_reads_its_day_and_gets_intervals_beyond_its_ranks():
    # 80 hours, a day ahead: the day is read whole (one window per step), so
    # 6 windows are held out; the ranks of 6 reach coverage 0.5, not 0.9,
    # which takes the bound on their spread: wider, around the same forecast
    hours = np.arange(80)
    y = pd.Series(
        10
        + np.sin(2 * np.pi * hours / 24)
        + np.random.default_rng(0).normal(0, 0.2, 80),
        pd.date_range("2024-01-01", periods=80, freq="h"),
    )
    model = SequenceForecaster(horizon=24, max_epochs=2, random_state=0).fit(y)
    assert model.window_length_ == 24
    assert len(model._fitted.calibration.residuals) == 6
    inner, outer = model.predict_interval(coverage=0.5), model.predict_interval()
    assert inner.shape == outer.shape == (24, 2)
    assert (outer["lower"] < inner["lower"]).all()
    assert (outer["upper"] > inner["upper"]).all()


def test_a_whole_season_gives_way_where_it_leaves_no_training_window():
    # 120 hours, two days ahead: a window of 24 leaves windows, but none whose
    # 48 targets end before the held-out ones; the window without it fits
    y = pd.Series(
        np.random.default_rng(0).normal(size=120),
        pd.date_range("2024-01-01", periods=120, freq="h"),
    )
    assert window_of(120, 48, 24) == 24
    model = SequenceForecaster(horizon=48, max_epochs=1, random_state=0).fit(y)
    assert model.window_length_ == window_of(120, 48, 24, whole=False) == 6


def test_the_ridges_read_a_whole_season_only_where_the_window_holds_it():
    # 100 steps, season 24 given, horizon 6: ten windows per step support 8,
    # a whole season fits; a window of 20 does not hold it (cut to 8), one of
    # 30 does (cut to the season), one of 24 is the season (not cut)
    y = pd.Series(np.random.default_rng(0).normal(size=100))
    assert supported_window(100, 6) == 8 and supported_window(100, 6, 24) == 24
    for window, read in [(20, 8), (24, None), (30, 24)]:
        model = SequenceForecaster(
            window_length=window, season=24, horizon=6, method="linear", max_epochs=1
        ).fit(y)
        assert [r.window_length for r in model._fitted.ridges] == [read] * 4


def test_a_season_longer_than_any_window_is_not_read_whole():
    # five-minute steps (288 a day), ten-minute ones (144): no window of at
    # most 96 steps holds them, so the rule of ten windows per step stands
    assert supported_window(5000, 36, 288) == supported_window(5000, 36)
    assert window_of(500, 36, 144) == window_of(500, 36, None) == 42


def test_a_short_monthly_series_fits_with_the_defaults():
    # 40 months, 8 ahead: a window of two seasons left no training window
    rng = np.random.default_rng(0)
    values = 10 + np.sin(np.arange(40) * np.pi / 6) + rng.normal(0, 0.2, 40)
    y = pd.Series(values, pd.period_range("2000-01", periods=40, freq="M"))
    model = SequenceForecaster(horizon=8, max_epochs=2, random_state=0).fit(y)
    assert model.window_length_ == MIN_WINDOW
    assert np.isfinite(model.predict().to_numpy()).all()


def test_the_ridges_read_no_more_steps_than_the_series_supports(tmp_path):
    # 14 steps given on 34 (horizon 6): the network reads 14, the ridges the
    # last 4 (ten training windows per step), normalised on those 4 alone
    rng = np.random.default_rng(0)
    y = pd.Series(np.cumsum(rng.normal(size=34)))
    model = SequenceForecaster(
        window_length=14, horizon=6, method="linear", max_epochs=1, random_state=0
    ).fit(y)
    assert supported_window(34, 6) == 4
    ridges = model._fitted.ridges
    assert ridges and all(ridge.window_length == 4 for ridge in ridges)
    assert all(ridge.coef.shape[1] == 4 for ridge in ridges)
    moved = y.copy()
    moved.iloc[-14:-4] += 3.0  # steps the network reads, the ridges do not
    forecast = model.predict()
    np.testing.assert_allclose(model.predict(y=moved), forecast)
    assert not np.allclose(model.predict(y=y + 3.0), forecast)
    save(model, tmp_path / "model.skseq")
    loaded = load(tmp_path / "model.skseq")
    assert [r.window_length for r in loaded._fitted.ridges] == [4] * len(ridges)
    np.testing.assert_allclose(loaded.predict(), forecast)
    auto = SequenceForecaster(horizon=6, method="linear", max_epochs=1).fit(y)
    assert all(ridge.window_length is None for ridge in auto._fitted.ridges)


def _path_weights(model):
    """The linear path's weights by output, input row and column.

    The window's rows, then (with known-future inputs) the forecast steps'.
    """
    weight = model.net_.module_.linear_path.weight.detach().numpy()
    return weight.reshape(len(weight), model.net_.module_.max_length, -1)


@pytest.mark.parametrize("refit", [True, False])
def test_the_linear_path_reads_the_ridges_steps_where_no_season_is_carried(refit):
    # 14 steps given on 34 of a random walk (horizon 6): the network's
    # linear path, a ridge too, reads the 4 steps the ridges read, in the
    # first training (refit=False keeps it) and in the refit; the recurrent
    # layers still read all 14
    rng = np.random.default_rng(0)
    y = pd.Series(np.cumsum(rng.normal(size=34)))
    params = dict(window_length=14, horizon=6, max_epochs=2, random_state=0)
    model = SequenceForecaster(refit=refit, **params).fit(y)
    assert model._fitted.phases is None
    assert {r.window_length for r in model._fitted.ridges} == {4}
    path = _path_weights(model)
    assert not path[:, :10].any() and path[:, 10:].any()
    moved = y.copy()
    moved.iloc[-14:-4] += 3.0  # read by the recurrent layers only
    network = SequenceForecaster(method="network", refit=refit, **params).fit(y)
    assert not np.allclose(network.predict(y=moved), network.predict())


@pytest.mark.parametrize("normalize", ["last", None, "standard", "mean"])
def test_the_cut_linear_path_learns_from_every_window_of_its_length(
    monkeypatch, normalize
):
    # 14 steps given on 34, the ridges' 4 read: relative to the last value or
    # in the series' own scale those 4 are normalised alone, so the linear
    # path learns, as the ridges do, from every window of 4 + 6 steps (25 in
    # the refit, 17 before the held-out ones), not only from the network's
    # 15 of 14 + 6; relative to the whole window's mean, from the network's
    from skseq.forecasting import _training

    seen = []
    fit_ridge = _training.fit_ridge

    def spy(dataset, *args, **kwargs):
        seen.append((dataset.window_length, len(dataset)))
        return fit_ridge(dataset, *args, **kwargs)

    monkeypatch.setattr(_training, "fit_ridge", spy)
    y = pd.Series(np.cumsum(np.random.default_rng(0).normal(size=34)))
    model = SequenceForecaster(
        window_length=14,
        horizon=6,
        normalize=normalize,
        method="network+linear",  # "auto" leaves a network of one epoch out
        max_epochs=1,
        random_state=0,
    ).fit(y)
    assert model.normalize_ == normalize
    first, refit = seen  # the first training's and the refit's
    alone = normalize in ("last", None)
    assert refit == ((4, 25) if alone else (14, 15))
    assert first == ((4, 17) if alone else (14, 7))
    assert not _path_weights(model)[:, :10].any()


def test_the_cut_linear_path_reads_known_future_inputs_of_the_forecast_steps():
    # a covariate known ahead: the rows of the forecast steps follow the
    # window's, and the linear path keeps them with the window's last steps
    rng = np.random.default_rng(1)
    promo = (rng.random(40) < 0.3).astype(float)
    y = pd.DataFrame({"y": np.cumsum(rng.normal(size=40)) + 3 * promo, "promo": promo})
    model = SequenceForecaster(
        window_length=14,
        horizon=6,
        target="y",
        future_covariates=["promo"],
        max_epochs=1,
        random_state=0,
    ).fit(y.iloc[:34])
    read = model._fitted.ridges[0].window_length
    path = _path_weights(model)
    assert path.shape[1] == 14 + 6
    assert not path[:, : 14 - read].any()
    assert path[:, 14:].any()  # the forecast steps' promotions


def test_a_season_carried_keeps_the_whole_window_in_the_linear_path():
    # 48 months with a season the phase test finds, 24 steps given: the far
    # steps are the last seasons' values, which the linear path reads; so
    # does a season whose phases were not tested (season_inputs=None)
    rng = np.random.default_rng(0)
    months = np.arange(48)
    values = 10 + 2 * np.sin(months * np.pi / 6) + rng.normal(0, 0.2, 48)
    y = pd.Series(values, pd.period_range("2000-01", periods=48, freq="M"))
    params = dict(window_length=24, horizon=6, max_epochs=1, random_state=0)
    model = SequenceForecaster(**params).fit(y)
    assert model._fitted.phases is not None
    assert {r.window_length for r in model._fitted.ridges} == {supported_window(48, 6)}
    assert _path_weights(model)[:, :12].any()
    untested = SequenceForecaster(season_inputs=None, **params).fit(y)
    assert untested._fitted.phases is None and untested._fitted.season == 12
    assert _path_weights(untested)[:, :12].any()


def test_a_long_series_keeps_the_whole_window_given_for_its_ridges():
    # the window "auto" would be 3 steps (three horizons), but 600 steps
    # support 54: the ridges read all 12 (a lag of 6 among them)
    rng = np.random.default_rng(0)
    values = rng.normal(size=600)
    for t in range(6, 600):
        values[t] += 0.9 * values[t - 6]
    model = SequenceForecaster(
        window_length=12, horizon=1, season=None, method="linear", max_epochs=1
    ).fit(pd.Series(values))
    assert window_of(600, 1, None) == 3
    assert all(ridge.window_length is None for ridge in model._fitted.ridges)


@pytest.mark.parametrize("step", [1, 3])
def test_shorter_windows_hold_out_the_same_targets(step):
    # two stacked series; windows of 4 instead of 14 (horizon 6): the same
    # held-out targets, and every earlier window of 4 trains
    lengths, w, k, h = [40, 55], 14, 4, 6
    split = WindowSplit.make(lengths, w + h, 0.2, h, step)
    own = WindowSplit.make(lengths, k + h, 0.2, h, step, split.held_counts(lengths))
    np.testing.assert_array_equal(own.held_out, split.held_out + (w - k))
    windows = [len(range((n - w - h) % step, n - w - h + 1, step)) for n in lengths]
    expected = [int(0.2 * n) for n in windows]
    np.testing.assert_array_equal(split.held_counts(lengths), expected)
    assert set(split.train + (w - k)) < set(own.train)
    for offset, length in zip([0, 40], lengths):
        mine = own.train[(own.train >= offset) & (own.train < offset + length)]
        held = own.held_out[(own.held_out >= offset) & (own.held_out < offset + length)]
        assert mine.max() + h <= held.min()  # targets before the held-out ones
        assert mine.min() < offset + step  # from the series' first windows


def test_a_series_too_short_to_hold_out_trains_on_every_window_and_says_so():
    # 20 months at horizon 12: the 5 windows of the auto window (4) hold out
    # 1, whose targets overlap the other 4: none would train. 15 months hold
    # out none (a fifth of 2 windows rounds to 0: said too) and 30 leave one
    # to train.
    def fit(n):
        values = np.arange(n) % 12 + 0.1 * np.arange(n)
        y = pd.Series(values, index=pd.period_range("2020-01", periods=n, freq="M"))
        return SequenceForecaster(horizon=12, max_epochs=3, random_state=0).fit(y)

    with pytest.warns(UserWarning, match="leaves no training window"):
        model = fit(20)
    forecast = model.predict()
    assert len(forecast) == 12 and np.isfinite(forecast.to_numpy()).all()
    assert str(forecast.index[0]) == "2021-09"
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        model.predict_interval()
    with pytest.warns(UserWarning, match="rounds to no held-out window"):
        fit(15)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fit(30)


def test_a_short_series_that_cuts_a_panels_window_warns():
    rng = np.random.default_rng(0)

    def daily(n):
        index = pd.date_range("2020-01-01", periods=n, freq="D")
        return pd.Series(10 + np.sin(np.arange(n)) + rng.normal(0, 0.3, n), index)

    panel = {"a": daily(161), "b": daily(161)}
    model = SequenceForecaster(horizon=3, method="linear", random_state=0)
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        model.fit(panel)
        model.fit({**panel, "new": daily(110)})  # 14 -> 9: no warning
        assert not [w for w in raised if "window_length='auto'" in str(w.message)]
        model.fit({**panel, "new": daily(8)})
        model.set_params(window_length=4).fit({**panel, "new": daily(8)})
    (warning,) = [w for w in raised if "window_length='auto'" in str(w.message)]
    message = str(warning.message)
    assert "chose 4 steps" in message and "shortest series (8 steps)" in message
    assert "the longest would read 14" in message


def test_a_panel_of_equal_lengths_does_not_warn_of_its_shortest_series():
    # a whole day that leaves no training window gives way to a shorter one,
    # for every series alike
    index = pd.date_range("2024-01-01", periods=110, freq="h")
    rng = np.random.default_rng(0)
    day = np.sin(2 * np.pi * np.arange(110) / 24)
    panel = {k: pd.Series(10 + day + rng.normal(0, 0.1, 110), index) for k in "abc"}
    model = SequenceForecaster(horizon=48, method="linear", random_state=0)
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        model.fit(panel)
    assert model.window_length_ < 24  # the day gave way
    assert not [w for w in raised if "window_length='auto'" in str(w.message)]
