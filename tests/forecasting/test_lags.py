"""Series whose days differ read the targets a week back (_lags)."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector
from skseq.forecasting._lags import SeasonLag

WEEK = 7 * 24
# hourly and half-hourly series of weeks: the slowest file of the suite
pytestmark = pytest.mark.slow

FAST = dict(max_epochs=3, hidden_size=8, random_state=0, horizon=24)


def _hourly(weeks=6, seed=0, scale=1.0):
    """Hours with a daily profile that differs at the weekend."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=weeks * WEEK, freq="h")
    hour, day = index.hour.to_numpy(), index.day_of_week.to_numpy()
    weekday = 10 + 3 * np.sin(2 * np.pi * hour / 24)
    weekend = 6 + 2 * np.cos(2 * np.pi * hour / 24)
    values = np.where(day >= 5, weekend, weekday) + 0.3 * rng.normal(size=len(index))
    return pd.Series(scale * values, index)


def test_hourly_series_whose_days_differ_read_a_week_back():
    model = SequenceForecaster(**FAST).fit(_hourly())
    lag = model._fitted.lag
    assert lag.lag == WEEK and lag.columns == ("a week back",)
    assert model.n_features_in_ == 1  # the model's own columns are not y's
    assert model._fitted.lookback == WEEK
    assert all(len(tail.values) == WEEK for tail in model._fitted.tails)


def test_the_forecast_reads_the_week_before_its_steps_and_only_with_the_lag():
    y = _hourly()
    w = 48
    moved = y.copy()
    # the forecast steps' hours a week back, before the window
    moved.iloc[len(y) - WEEK : len(y) - WEEK + 24] += 5.0
    for setting, reads in (("auto", True), (None, False)):
        model = SequenceForecaster(window_length=w, season_lag=setting, **FAST)
        model.fit(y)
        change = np.abs(model.predict(y=moved) - model.predict(y=y)).max()
        assert (change > 0.05) if reads else (change == 0.0), (setting, change)


def _drifting(seed, weeks=8):
    """Hours whose profile of each day of the week drifts from week to week."""
    rng = np.random.default_rng(seed)
    hours = 2 * np.pi * np.arange(24) / 24
    basis = np.stack([f((j + 1) * hours) for f in (np.sin, np.cos) for j in range(3)])
    profiles, weeks_of_values = rng.normal(size=(7, 6)), []
    for _ in range(weeks):
        profiles = profiles + 0.5 * rng.normal(size=(7, 6))
        weekend = np.repeat([0, 0, 0, 0, 0, -3, -3], 24)  # the days differ
        weeks_of_values.append(10 + (profiles @ basis).reshape(-1) + weekend)
    values = np.concatenate(weeks_of_values) + 0.1 * rng.normal(size=weeks * WEEK)
    return pd.Series(values, pd.date_range("2024-01-01", periods=len(values), freq="h"))


def test_the_ridges_follow_the_days_profiles_from_the_week_before():
    # each day's profile drifts from week to week: the days of the week as
    # phases give a mean profile, the week back gives the latest one (the
    # ridges have no seed: no training noise)
    errors = {"auto": 0.0, None: 0.0}
    for seed in (0, 2):
        y = _drifting(seed)
        for setting in errors:
            options = dict(FAST, method="linear", season_lag=setting)
            model = SequenceForecaster(window_length=48, **options).fit(y.iloc[:-24])
            assert model._fitted.phases is not None
            errors[setting] += np.abs(model.predict() - y.iloc[-24:]).mean()
    assert errors["auto"] < 0.75 * errors[None], errors


def test_a_panel_reads_each_series_week_in_its_own_unit():
    # the week back is divided by the series' unit, as its window: a copy
    # at a thousand times the scale is forecast a thousand times as large
    small = _hourly()
    model = SequenceForecaster(**FAST).fit({"a": small, "b": 1000 * small})
    assert model._fitted.lag is not None
    forecast = model.predict()
    np.testing.assert_allclose(forecast["b"], 1000 * forecast["a"], rtol=1e-4)


def test_intervals_rolling_forecasts_and_the_log_work_with_the_lag():
    y = _hourly()
    train, test = y.iloc[: -3 * 24], y.iloc[-3 * 24 :]
    model = SequenceForecaster(transform="log", **FAST).fit(train)
    assert model._fitted.lag is not None
    bounds = model.predict_interval(coverage=0.9)
    assert np.isfinite(bounds.to_numpy()).all()
    assert (bounds["lower"] <= bounds["upper"]).all()
    rolling = model.predict_rolling(test)
    # the first origin continues the training series: predict's forecast
    np.testing.assert_allclose(rolling.iloc[0].to_numpy(), model.predict(), rtol=1e-6)
    assert np.isfinite(model.score(test))


def test_a_history_shorter_than_a_week_is_refused_by_name():
    model = SequenceForecaster(**FAST).fit(_hourly())
    for steps in (30, 100):  # shorter than the window too: the week named
        with pytest.raises(
            ValueError, match=f"has {steps} steps, but this model reads 168"
        ):
            model.predict(y=_hourly().iloc[:steps])
    panel = SequenceForecaster(**FAST).fit({"a": _hourly(), "b": _hourly(seed=1)})
    with pytest.raises(ValueError, match="y\\['b'\\] has 100 steps.*season_lag=None"):
        panel.predict(y={"a": _hourly(), "b": _hourly().iloc[:100]})
    short = _hourly().iloc[:100]
    with pytest.raises(ValueError, match="needs more than 168, since the model"):
        model.predict_rolling(short.set_axis(short.index + pd.Timedelta("1000D")))


def test_no_lag_without_the_days_or_the_room_or_when_set_to_none():
    daily = _hourly()
    assert SequenceForecaster(**FAST, season_lag=None).fit(daily)._fitted.lag is None
    # three weeks: a week back leaves fewer than ten windows per forecast step
    short = SequenceForecaster(**FAST).fit(daily.iloc[: 3 * WEEK])
    assert short._fitted.lag is None
    same = _hourly().groupby(_hourly().index.hour).transform("mean")  # no weekday
    flat = SequenceForecaster(**FAST).fit(same + 0.01 * np.arange(len(same)) % 1)
    assert flat._fitted.lag is None


def test_a_column_named_as_the_lag_is_refused():
    y = _hourly().to_frame("load")
    y["load a week back"] = 0.0
    model = SequenceForecaster(target="load", **FAST)
    with pytest.raises(ValueError, match="names of the lagged targets. columns"):
        model.fit(y)


def test_the_anomaly_detector_reads_windows_alone():
    detector = ForecastAnomalyDetector(
        SequenceForecaster(max_epochs=2, hidden_size=8), n_forecasters=1
    ).fit(_hourly(weeks=5))
    assert detector.forecaster_._fitted.lag is None


def test_fill_and_ahead_follow_each_series():
    lag = SeasonLag(2, ("y a week back",), (1,))
    rows = np.column_stack([np.arange(7.0), np.zeros(7)])
    filled = lag.fill(rows, [3, 4])  # two series of 3 and 4 rows
    assert filled[:, 1].tolist() == [0.0, 1.0, 0.0, 3.0, 4.0, 3.0, 4.0]
    assert lag.ahead(filled[None, 3:], 2)[0, :, 0].tolist() == [5.0, 6.0]
    # a series shorter than the lag keeps its own targets
    longer = SeasonLag(5, ("y a week back",), (1,))
    assert longer.fill(rows[:4], [4])[:, 1].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_a_model_reading_a_week_back_saves_and_loads(tmp_path):
    import skseq

    model = SequenceForecaster(**FAST).fit(_hourly())
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded._fitted.lag == model._fitted.lag
    assert loaded._fitted.week_naive
    np.testing.assert_array_equal(loaded.predict(), model.predict())


def test_later_series_with_other_columns_get_the_columns_message():
    y = _hourly().to_frame("load")
    model = SequenceForecaster(**FAST).fit(y)
    assert model._fitted.lag is not None
    with pytest.raises(ValueError, match="but the model was fitted on \\['load'\\]"):
        model.predict(y=y.rename(columns={"load": "Load"}))


def _daily(n=200, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2020-01-01", periods=n, freq="D")
    return pd.Series(10 + np.cumsum(rng.normal(size=n)), index)


def test_a_lag_given_is_read_by_any_series():
    y = _daily()
    options = dict(window_length=3, max_epochs=2, hidden_size=8, random_state=0)
    model = SequenceForecaster(horizon=2, season_lag=10, **options).fit(y)
    assert model._fitted.lag.lag == 10
    assert model._fitted.lag.columns == ("10 steps back",)
    moved = y.copy()
    moved.iloc[-10] += 3.0  # read by the first forecast step only
    assert np.abs(model.predict(y=moved) - model.predict(y=y)).max() > 1e-3
    moved = y.copy()
    moved.iloc[-11] += 3.0  # before the lag and the window: read by no step
    np.testing.assert_array_equal(model.predict(y=moved), model.predict(y=y))
    assert np.isfinite(model.score(_daily(260).iloc[200:]))


@pytest.mark.parametrize(
    "lag, match",
    [
        (1, "season_lag=1 must be at least horizon=2"),
        (199, "season_lag=199 leaves no training window: the shortest series"),
    ],
)
def test_a_lag_given_that_cannot_be_read_is_refused(lag, match):
    model = SequenceForecaster(horizon=2, window_length=3, season_lag=lag)
    with pytest.raises(ValueError, match=match):
        model.fit(_daily())


def test_a_stored_series_refuses_a_lag_given(tmp_path):
    stored = np.lib.format.open_memmap(
        tmp_path / "y.npy", mode="w+", dtype=np.float64, shape=(200,)
    )
    stored[:] = _daily().to_numpy()
    model = SequenceForecaster(horizon=2, window_length=3, season_lag=10)
    with pytest.raises(ValueError, match="a stored y cannot hold: read it into"):
        model.fit(stored)
    SequenceForecaster(horizon=2, window_length=3, max_epochs=1).fit(stored)


def test_a_history_shorter_than_a_window_longer_than_the_lag_names_the_window():
    options = dict(window_length=30, max_epochs=1, hidden_size=8, random_state=0)
    model = SequenceForecaster(horizon=2, season_lag=10, **options).fit(_daily())
    with pytest.raises(ValueError, match="at least 30 are needed"):
        model.predict(y=_daily().iloc[:20])
    with pytest.raises(ValueError, match="season_lag must be 'auto', an int or None"):
        SequenceForecaster(season_lag=True).fit(_daily())


def _wall_clock_weeks(start, end):
    """Half-hours in London whose profile follows the wall clock's week."""
    index = pd.date_range(
        start, end, freq="30min", tz="Europe/London", inclusive="left"
    )
    wall = index.tz_localize(None)
    hour = wall.hour + wall.minute / 60
    weekday = np.where(wall.day_of_week >= 5, 5.0, 10.0)
    wednesday = 2.0 * (wall.day_of_week == 2)
    return pd.Series(weekday + wednesday + 3 * np.sin(2 * np.pi * hour / 24), index)


@pytest.mark.parametrize(
    "start, end, change, back",
    [  # London's clocks go forward an hour, then back, at 01:00 UTC
        ("2024-03-18", "2024-04-15", "2024-03-31 01:00", 2 * WEEK - 2),
        ("2024-10-14", "2024-11-11", "2024-10-27 01:00", 2 * WEEK + 2),
    ],
)
def test_a_week_back_follows_the_wall_clock_across_a_change_of_the_clock(
    start, end, change, back
):
    y = _wall_clock_weeks(start, end)
    lag = SeasonLag(2 * WEEK, ("y a week back",), (1,), clock=2)
    backs = lag.backs(y.index)
    since = y.index - pd.Timestamp(change, tz="UTC")
    moved = (since >= pd.Timedelta(0)) & (since < pd.Timedelta(days=7))
    assert (backs[moved] == back).all() and (backs[~moved] == 2 * WEEK).all()
    values = y.to_numpy()
    rows = np.column_stack([values, np.zeros_like(values)])
    read = np.arange(len(y)) >= 2 * WEEK + 2
    # the wall clock's week repeats the values (but for an hour the change
    # skipped a week before); a week of steps does not, after the change
    wall = lag.fill(rows, [len(y)], [backs])[:, 1]
    steps = SeasonLag(2 * WEEK, ("y a week back",), (1,)).fill(rows, [len(y)])[:, 1]
    assert (~np.isclose(wall, values))[read].sum() <= 2
    assert (~np.isclose(steps, values))[read & moved].sum() > 100
    # the forecast steps read the same rows through ahead()
    origin = int(np.flatnonzero(moved)[10])
    ahead = lag.ahead(rows[None, :origin], 4, backs[None, origin : origin + 4])
    np.testing.assert_allclose(ahead[0, :, 0], values[origin : origin + 4])


def test_a_time_zone_aware_series_reads_the_wall_clocks_week(tmp_path):
    import skseq

    y = _wall_clock_weeks("2024-02-19", "2024-04-15")
    end = y.index.get_loc(pd.Timestamp("2024-04-02 12:00", tz="Europe/London"))
    options = dict(FAST, horizon=4)
    model = SequenceForecaster(**options).fit(y.iloc[:end])
    assert model._fitted.lag.clock == 2 and model._fitted.lookback == 2 * WEEK + 2
    skseq.save(model, tmp_path / "model.skseq")
    assert skseq.load(tmp_path / "model.skseq")._fitted.lag == model._fitted.lag
    rolling = model.predict_rolling(y.iloc[end : end + 48])
    np.testing.assert_allclose(rolling.iloc[0].to_numpy(), model.predict(), rtol=1e-6)
    late = "has 337 steps, but this model reads 338: the targets 336 steps .338 aft"
    with pytest.raises(ValueError, match=late):
        model.predict(y=y.iloc[end - 337 : end])
    # UTC's clock never changes, nor a series' without a time zone
    for index in (y.index.tz_convert("UTC"), y.index.tz_localize(None)):
        if index.tz is None:  # its wall clock skips an hour: steps instead
            index = pd.date_range(index[0], periods=len(y), freq="30min")
        fixed = SequenceForecaster(**options).fit(y.iloc[:end].set_axis(index[:end]))
        assert fixed._fitted.lag.clock == 0 and fixed._fitted.lookback == 2 * WEEK


def test_the_ridges_window_leaves_ten_windows_per_step_after_the_lag():
    # the ridges read no more steps than ten training windows per step
    # support, counted after the lag's steps, before which no window's
    # forecast steps have the targets the lag reads
    y = pd.Series(np.random.default_rng(0).normal(size=200).cumsum())
    options = dict(FAST, horizon=2, window_length=30, method="linear")
    for lag, read in ((None, 18), (100, 9)):
        model = SequenceForecaster(season_lag=lag, **options).fit(y)
        assert {ridge.window_length for ridge in model._fitted.ridges} == {read}


def test_panels_mixing_clocks_read_each_series_week_by_its_own_clock():
    # found by review: a zone-less series beside one in London failed in
    # pandas, and a constant series made score pass a time index as its key
    y = _wall_clock_weeks("2024-02-19", "2024-04-15")
    end = y.index.get_loc(pd.Timestamp("2024-04-02 12:00", tz="Europe/London"))
    utc = y.tz_convert("UTC")
    zoneless = pd.Series(
        y.to_numpy(), pd.date_range("2024-01-01", periods=len(y), freq="30min")
    )
    options = dict(FAST, horizon=4, window_length=16)
    for second in (utc, zoneless, pd.Series(5.0, index=y.index)):
        for panel in ({"a": y, "b": second}, {"b": second, "a": y}):
            train = {key: one.iloc[:end] for key, one in panel.items()}
            model = SequenceForecaster(**options).fit(train)
            assert model._fitted.lag.clock == 2  # whichever comes first
            forecasts = model.predict()
            assert all(np.isfinite(one.to_numpy()).all() for one in forecasts.values())
            test = {key: one.iloc[end : end + 12] for key, one in panel.items()}
            assert np.isfinite(model.score(test))
    tokyo = SequenceForecaster(**options).fit(y.iloc[:end].tz_convert("Asia/Tokyo"))
    assert tokyo._fitted.lag.clock == 0  # its clock has not changed since 1951


def test_a_new_series_of_a_panel_gets_the_unit_of_its_first_window():
    # found by review: the rolling forecasts (score, backtest) of a series
    # new at predict took the unit of its first steps, not of the window
    # before its first origin, which with a lag comes a lag later
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-01", periods=200, freq="D")
    walks = [pd.Series(10 + rng.normal(size=200).cumsum(), index) for _ in range(3)]
    options = dict(FAST, horizon=4, window_length=10, season_lag=30)
    model = SequenceForecaster(**options).fit({"a": walks[0], "b": 3 * walks[1]})
    back = model._fitted.lookback
    new = 50 * walks[2].iloc[: back + 1]
    new.iloc[:10] *= 5  # its first steps: another scale than the window's
    _, rolling, *_ = model._rolling({"z": new})
    expected = model.predict(y={"z": new.iloc[:back]})["z"].to_numpy()
    np.testing.assert_allclose(rolling[0, :, 0], expected, rtol=1e-6)


def test_the_seasonal_naive_forecast_repeats_the_week_back_where_it_is_read():
    # the last day repeated carries Sunday's profile into Monday; the rule
    # repeats the forecast steps' hours a week back instead
    y = _hourly(weeks=6)[: -6 * 24]  # ends on a Sunday: a Monday next
    model = SequenceForecaster(**FAST).fit(y)
    fitted = model._fitted
    assert fitted.week_naive
    histories = np.stack([t.values for t in fitted.tails])
    futures = fitted.futures(None, list(fitted.tails), None, histories)
    rule = fitted.forecast(model.net_, histories, futures, method=("seasonal",))[0]
    decoded = fitted.values.inverse_transform(rule)[0, :, 0]
    np.testing.assert_allclose(decoded, y.to_numpy()[-WEEK : -WEEK + 24])
    # a model saved before repeated the window's last day
    old = replace(fitted, week_naive=False)
    rule = old.forecast(model.net_, histories, futures, method=("seasonal",))[0]
    last_day = y.to_numpy()[-24:]
    np.testing.assert_allclose(old.values.inverse_transform(rule)[0, :, 0], last_day)


def test_a_lag_given_that_is_no_multiple_of_the_season_keeps_its_seasonal_naive():
    # six hours back is no day: the seasonal naive forecast repeats the day
    y = _hourly(weeks=3)
    model = SequenceForecaster(season_lag=6, validation_fraction=0.0, **FAST)
    model.set_params(horizon=6).fit(y)
    assert model._fitted.lag.lag == 6 and not model._fitted.week_naive
    model.set_params(season_lag=48).fit(y)
    assert model._fitted.week_naive  # two days back is a multiple of the day


def test_no_smoothing_part_where_the_fit_reads_a_week_back():
    # its one season, the day, would carry a Sunday into a Monday
    y = _hourly(weeks=6)[: -6 * 24]  # ends on a Sunday: a Monday next
    model = SequenceForecaster(**FAST).fit(y)
    assert model._fitted.lag is not None
    assert "smoothing" not in model.method_.split("+")
    assert model._fitted.smoothing is None
    # without the lag the same series has the part
    plain = SequenceForecaster(season_lag=None, **FAST).fit(y)
    assert "smoothing" in plain.method_.split("+")
    # the Monday follows the weekdays, not the weekend before it
    monday = (
        y.index[-1]
        + pd.Timedelta(hours=1)
        + pd.timedelta_range(0, periods=24, freq="h")
    )
    weekday = 10 + 3 * np.sin(2 * np.pi * monday.hour.to_numpy() / 24)
    assert np.abs(model.predict().to_numpy() - weekday).mean() < 1.0


def test_the_smoothing_part_stays_where_the_lag_is_its_own_season():
    # a lag of the season itself (12 months) is a cycle the part carries; a
    # longer one (a week of hours) is not
    from types import SimpleNamespace

    from skseq.forecasting._smoothed import smoothing_tried

    model = SequenceForecaster(horizon=2)
    roles = SimpleNamespace(n_targets=1)

    def tried(lag, season=12):
        lagged = None if lag is None else SeasonLag(lag, (f"{lag} steps back",))
        fitted = SimpleNamespace(lag=lagged, season=season, roles=roles)
        return smoothing_tried(model, fitted, [120], False, 1)

    assert tried(None) and tried(12) and not tried(24)
    assert not tried(WEEK, season=24) and not tried(2, season=None)
