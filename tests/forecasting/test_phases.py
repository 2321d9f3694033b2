"""season_inputs="auto": the season's phase indicators as known-future inputs."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

import skseq
from skseq import SequenceForecaster
from skseq.forecasting._phases import (
    LEVEL,
    NAMED_LEVEL,
    SeasonPhases,
    _changes,
    _kruskal,
    repeats_season,
    season_in,
    shows_season,
)
from skseq.utils._series import check_series

FAST = dict(horizon=3, max_epochs=2, hidden_size=8, random_state=0)


def _phases_of(index, season):
    phases = SeasonPhases(season, tuple(range(season)))
    return phases.indicators(index, index.freq).argmax(axis=1)


@pytest.mark.parametrize(
    "index, expected",
    [
        (pd.period_range("2001-11", periods=4, freq="M"), [10, 11, 0, 1]),
        (pd.date_range("2001-11-01", periods=4, freq="MS"), [10, 11, 0, 1]),
        (pd.date_range("2001-11-30", periods=4, freq="ME"), [10, 11, 0, 1]),
    ],
)
def test_the_phase_of_a_month_is_its_month(index, expected):
    assert _phases_of(index, 12).tolist() == expected


@pytest.mark.parametrize(
    "index, season",
    [
        # a week across the change of the clock: days by the calendar
        (pd.date_range("2021-03-25", periods=30, freq="D", tz="Europe/London"), 7),
        (pd.date_range("2021-01-01", periods=30, freq="D"), 7),
        (pd.date_range("2021-01-01", periods=30, freq="2h"), 12),
        (pd.date_range("2021-01-01", periods=30, freq="B"), 5),
        (pd.period_range("1990Q1", periods=30, freq="Q"), 4),
    ],
)
def test_phases_step_by_one_and_do_not_depend_on_the_first_stamp(index, season):
    phases = _phases_of(index, season)
    np.testing.assert_array_equal(np.diff(phases) % season, 1)
    np.testing.assert_array_equal(_phases_of(index[7:], season), phases[7:])


def test_aware_stamps_take_the_phase_of_their_wall_clock():
    # 08:00 in Berlin is 07:00 UTC in winter and 06:00 UTC in summer
    index = pd.DatetimeIndex(
        ["2021-01-15 08:00", "2021-07-15 08:00", "2021-07-15 10:00"], freq=None
    ).tz_localize("Europe/Berlin")
    phases = SeasonPhases(12, tuple(range(12))).indicators(index, pd.offsets.Hour(2))
    assert phases.argmax(axis=1).tolist() == [4, 4, 5]


def test_stamps_without_a_phase_give_no_indicators():
    # a season given for semi-month steps, which pandas has no period for
    index = pd.date_range("2020-01-01", periods=120, freq="SMS")
    y = pd.Series(np.arange(120.0) % 24 + np.arange(120) * 0.1, index=index)
    model = SequenceForecaster(season=24, window_length=8, **FAST).fit(y)
    assert model._fitted.phases is None


def _monthly(values, start="1990-01"):
    return pd.Series(values, pd.period_range(start, periods=len(values), freq="M"))


def _seasonal(n, seed):
    """A fixed monthly profile under noise as large as the profile's steps."""
    rng = np.random.default_rng(seed)
    profile = 4 * np.sin(2 * np.pi * np.arange(12) / 12) + np.arange(12) % 3
    return _monthly(10 + profile[np.arange(n) % 12] + rng.normal(0, 1.5, n))


@pytest.mark.parametrize("seed", [0, 2, 5])
def test_the_phases_let_the_ridges_learn_a_noisy_profile(seed):
    # a window of one season sees one noisy copy of the profile; the phase
    # indicators let the ridges learn its mean over every season (closed
    # form, no seed: over data seeds 0-9 the ratio was 0.84 to 0.95)
    y = _seasonal(300, seed)
    train, test = y[:240], y[240:].to_numpy()
    errors = {}
    for season_inputs in ("auto", None):
        model = SequenceForecaster(
            horizon=6,
            window_length=12,
            method="linear",
            max_epochs=1,
            season_inputs=season_inputs,
        ).fit(train)
        forecasts = model.predict_rolling(y[240:]).to_numpy()  # (60, 6)
        origins, steps = np.indices(forecasts.shape)
        known = origins + steps < len(test)
        actual = test[np.minimum(origins + steps, len(test) - 1)]
        errors[season_inputs] = np.abs(forecasts - actual)[known].mean()
    assert errors["auto"] < 0.95 * errors[None]


def test_a_monthly_series_carries_its_phases_as_future_inputs():
    y = _seasonal(96, 0)
    model = SequenceForecaster(**FAST).fit(y)
    fitted = model._fitted
    assert fitted.phases.season == 12
    assert fitted.roles.future == fitted.phases.columns  # known in advance
    assert model.n_features_in_ == 1  # the series' own column
    forecast = model.predict()
    assert forecast.index.equals(pd.period_range("1998-01", periods=3, freq="M"))
    # a history that ends elsewhere forecasts with its own next months
    history = y[:-5]
    assert model.predict(history).index[0] == pd.Period("1997-08", "M")
    (series,) = fitted.carried([check_series(history)], None, "single")
    rows = fitted.carried_ahead(np.zeros((1, 3, 13)), [series])
    assert rows[0, :, 1:].argmax(axis=1).tolist() == [7, 8, 9]  # Aug-Oct


def _weekly_days(n=90):
    week = np.array([5.0, 6, 6, 7, 9, 3, 1])
    noise = np.random.default_rng(0).normal(0, 0.5, n)
    index = pd.date_range("2021-01-01", periods=n, freq="D")
    return pd.Series(week[np.arange(n) % 7] + noise, index=index)


@pytest.mark.parametrize(
    "y, options, expected",
    [
        (_weekly_days(), {}, True),  # days: a season of 7
        (_weekly_days().to_numpy(), dict(season=7), False),  # nothing to count by
        (_weekly_days().reset_index(drop=True), dict(season=7), True),  # positions
        (_weekly_days(), dict(season=None), False),  # no season
        (_weekly_days(), dict(season_inputs=None), False),  # turned off
    ],
)
def test_phases_need_a_time_index_and_a_season(y, options, expected):
    model = SequenceForecaster(**FAST, **options).fit(y)
    assert (model._fitted.phases is not None) == expected


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_monthly_index_without_a_season_gets_no_phases(seed):
    # a persistent cycle much longer than a year (as sunspots'): its changes
    # do not differ by month, and indicators would be inputs of noise
    rng = np.random.default_rng(seed)
    t = np.arange(300)
    y = _monthly(
        50 + 30 * np.sin(2 * np.pi * t / 131) + np.cumsum(rng.normal(size=300))
    )
    assert not shows_season([check_series(y)], 12, [y.name])
    assert SequenceForecaster(**FAST).fit(y)._fitted.phases is None
    seasonal = y + 3 * np.sin(2 * np.pi * t / 12)
    assert shows_season([check_series(seasonal)], 12, [y.name])


def test_a_named_season_is_kept_at_5_percent_a_searched_one_at_1():
    # three years of a noisy monthly season: few changes per month to rank,
    # p between 1% and 5%; the calendar names the season, positions do not
    rng = np.random.default_rng(8)
    t = np.arange(36)
    values = 100 + 2 * np.sin(2 * np.pi * t / 12) + 2 * rng.normal(size=36)
    y = _monthly(values)
    panel = [check_series(y)]
    statistic, _ = _kruskal(*_changes(panel, [y.name]), 12)
    assert LEVEL < chi2.sf(statistic, 11) < NAMED_LEVEL
    assert shows_season(panel, 12, [y.name])
    assert SequenceForecaster(**FAST).fit(y)._fitted.phases.season == 12
    # positions: a search, at 1% over its candidates; 36 steps are too few
    # for 12, and quarters (p 0.007) do not pass it
    positions = pd.Series(values, name=y.name)
    assert season_in([check_series(positions)], [y.name]) is None
    named = SequenceForecaster(season=12, **FAST).fit(positions)
    assert named._fitted.phases.season == 12


def test_a_season_longer_than_12_steps_gets_no_phases():
    index = pd.date_range("2020-01-01", periods=400, freq="h")
    y = pd.Series(np.sin(np.arange(400) * 2 * np.pi / 24), index=index)
    model = SequenceForecaster(window_length=8, **FAST).fit(y)
    assert model._fitted.phases is None  # the 24 hours of a day


def test_a_saved_model_keeps_its_phases(tmp_path):
    y = _seasonal(96, 0)
    model = SequenceForecaster(**FAST).fit(y)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded._fitted.phases == model._fitted.phases
    history = y[:-5]
    np.testing.assert_array_equal(loaded.predict(history), model.predict(history))


def test_a_history_without_time_stamps_is_told_to_bring_them():
    y = _seasonal(96, 0)
    model = SequenceForecaster(**FAST).fit(y)
    # positions are not months: a RangeIndex would shift the phases silently
    message = "y is not indexed by time stamps.*season_inputs=None"
    with pytest.raises(ValueError, match=message):
        model.predict(pd.Series(y.to_numpy()))
    positional = SequenceForecaster(**FAST).fit(y.reset_index(drop=True))
    with pytest.raises(ValueError, match="y is not indexed by integer positions"):
        positional.predict(y)  # months are not positions either


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_series_indexed_by_integers_shows_its_season(seed):
    # the season of a monthly profile under noise (and of a quarterly one)
    # is found in its changes; a random walk, or white noise, shows none
    y = _seasonal(96, seed).reset_index(drop=True)
    assert season_in([check_series(y)], [y.name]) == 12
    quarters = np.tile([3.0, -1, 2, -4], 20) + np.random.default_rng(seed).normal(
        0, 1, 80
    )
    assert season_in([check_series(quarters)], [0]) == 4
    rng = np.random.default_rng(seed)
    for values in (rng.normal(size=200).cumsum(), rng.normal(size=200)):
        assert season_in([check_series(values)], [0]) is None
    # three seasons of changes are needed: 36 months are too few for 12
    assert season_in([check_series(y[:36])], [y.name]) is None


def test_series_whose_positions_start_at_other_phases_are_told_so():
    # each series counted from 0 but starting in another month: alone each
    # shows 12, pooled by position they cancel out, and the panel silently
    # had no season (its forecasts 15 times worse than each alone)
    profile = np.array([0, 5, 10, 3, -2, -8, -10, -4, 1, 6, 2, -3.0])
    rng = np.random.default_rng(0)
    panel = [
        check_series(profile[(start + np.arange(60)) % 12] + rng.normal(0, 0.3, 60))
        for start in (0, 4, 9)
    ]
    assert [season_in([one], [0]) for one in panel] == [12, 12, 12]
    with pytest.warns(UserWarning, match="3 of 3 series show a season of 12"):
        assert season_in(panel, [0]) is None
    aligned = [panel[0], check_series(panel[0].values[:, 0] + 5)]
    assert season_in(aligned, [0]) == 12  # lined up, they pool


def test_a_seasonal_series_indexed_by_integers_gets_its_window_and_phases():
    y = _seasonal(400, 0).reset_index(drop=True)
    model = SequenceForecaster(**FAST).fit(y[:-12])
    fitted = model._fitted
    assert (fitted.season, model.window_length_) == (12, 24)  # two seasons
    assert fitted.phases.counted == "position"
    assert SequenceForecaster(**FAST).fit(y.to_numpy())._fitted.phases is None
    # phases count the positions: a later part keeps them, so its forecast
    # reads the phases of where it ends (the rolling forecast agrees)
    (series,) = fitted.carried([check_series(y[:-7])], None, "single")
    rows = fitted.carried_ahead(np.zeros((1, 3, 13)), [series])
    assert rows[0, :, 1:].argmax(axis=1).tolist() == [393 % 12, 394 % 12, 395 % 12]
    rolling = model.predict_rolling(y[-12:])
    np.testing.assert_allclose(rolling.iloc[5], model.predict(y[:-7]), rtol=1e-9)


def test_a_column_named_like_a_phase_is_refused():
    y = _seasonal(96, 0).rename("phase 1/12")
    with pytest.raises(ValueError, match=r"columns \['phase 1/12'\].*season_inputs"):
        SequenceForecaster(**FAST).fit(y)


def test_rolling_forecasts_read_the_phases_of_each_origin():
    y = _seasonal(120, 1)
    model = SequenceForecaster(**FAST).fit(y[:-12])
    rolling = model.predict_rolling(y[-12:])
    # the first origin is the end of the training series: predict's forecast
    np.testing.assert_allclose(rolling.iloc[0], model.predict(), rtol=1e-9)
    # a later origin: the forecast from that history
    np.testing.assert_allclose(rolling.iloc[5], model.predict(y[:-7]), rtol=1e-9)


def test_a_positional_history_restarted_at_0_is_refused():
    # the same values with the positions they have in the fitted count
    # forecast with the right phases; restarted at 0 they would be shifted
    y = _seasonal(400, 0).reset_index(drop=True)
    model = SequenceForecaster(**FAST).fit(y[:-60])
    assert model._fitted.phases.last == 339
    later = y[-60:]
    forecast = model.predict(later)
    assert forecast.index[0] == 400
    restarted = later.reset_index(drop=True)
    with pytest.raises(ValueError, match="ends at position 59, before .* 339"):
        model.predict(restarted)
    # a panel's season search reads its longest series
    long, short = check_series(y), check_series(y[:12])
    assert season_in([long, short], [y.name]) == 12


def _hourly(days, weekly=True, seed=0):
    """Hours with a daily profile, lower on Saturdays and Sundays if weekly."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2021-01-04", periods=24 * days, freq="h")  # a Monday
    daily = 10 + 3 * np.sin(2 * np.pi * index.hour / 24)
    weekend = np.where(index.day_of_week >= 5, -4.0, 0.0) if weekly else 0.0
    return pd.Series(daily + weekend + rng.normal(0, 0.3, len(index)), index=index)


def test_hours_carry_the_days_of_the_week_where_the_week_shows():
    y = _hourly(56)
    model = SequenceForecaster(window_length=24, **FAST).fit(y)
    phases = model._fitted.phases
    assert (phases.season, phases.span) == (7, 24)
    assert phases.columns[0] == "day 1/7"
    assert model.n_features_in_ == 1
    # the forecast steps read the day of their own time stamps
    days = phases.indicators(y.index, y.index.freq).argmax(axis=1)
    monday = days[0]
    assert (days[y.index.day_of_week == 0] == monday).all()
    (series,) = model._fitted.carried([check_series(y)], None, "single")
    rows = model._fitted.carried_ahead(np.zeros((1, 3, 8)), [series])
    assert (rows[0, :, 1:].argmax(axis=1) == monday).all()  # the next Monday
    # no week in the data, or too few weeks to test it: no indicators
    assert SequenceForecaster(**FAST).fit(_hourly(56, False))._fitted.phases is None
    assert SequenceForecaster(**FAST).fit(_hourly(12))._fitted.phases is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_year_of_weeks_is_read_where_the_series_repeats_it(seed):
    # weekly sales driven by promotions on a random walk, no yearly cycle: a
    # window of 52 weeks read the year anyway and forecast 2-3 times worse
    rng = np.random.default_rng(seed)
    index = pd.date_range("2020-01-06", periods=130, freq="W-MON")
    walk = 50 + np.cumsum(rng.normal(0, 0.5, 130)) + rng.normal(0, 1, 130)
    promo = (rng.random(130) < 0.3).astype(float)
    y = pd.Series(walk + 10 * promo, index, name="sales")
    yearly = pd.Series(
        20 + 3 * np.sin(2 * np.pi * np.arange(130) / 52.18) + rng.normal(0, 0.3, 130),
        index,
        name="sales",
    )
    assert not repeats_season([check_series(y)], 52, ["sales"], 4)
    assert repeats_season([check_series(yearly)], 52, ["sales"], 4)
    assert repeats_season([check_series(y[:55])], 52, ["sales"], 4)  # too short
    options = dict(FAST, horizon=4)
    assert SequenceForecaster(**options).fit(yearly).window_length_ == 52
    model = SequenceForecaster(**options).fit(y)
    assert model._fitted.season is None and model.window_length_ < 52
    # a season the user gives is read as given
    given = SequenceForecaster(season=52, **options).fit(y)
    assert given._fitted.season == 52 and given.window_length_ == 52
    # a day of hours is read whatever its values
    hours = pd.date_range("2020-01-01", periods=300, freq="h")
    noise = pd.Series(rng.normal(size=300).cumsum(), hours, name="sales")
    assert not repeats_season([check_series(noise)], 24, ["sales"], 4)
    assert SequenceForecaster(**options).fit(noise)._fitted.season == 24


def test_repeats_season_of_panels_and_long_horizons():
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-05", periods=160, freq="W")

    def yearly(seed):
        noise = np.random.default_rng(seed).normal(0, 0.3, 160)
        values = 20 + 3 * np.sin(2 * np.pi * np.arange(160) / 52.18) + noise
        return check_series(pd.Series(values, index, name="y"))

    walk = check_series(pd.Series(rng.normal(size=160).cumsum(), index, name="y"))
    # a horizon longer than the season: the steps from the horizon on
    # (broadcast error before)
    assert repeats_season([yearly(0)], 52, ["y"], 60)
    assert not repeats_season([walk], 52, ["y"], 60)
    weekly = pd.Series(yearly(0).values[:, 0], index, name="y")
    model = SequenceForecaster(**dict(FAST, horizon=60)).fit(weekly)
    assert model._fitted.season == 52 and len(model.predict()) == 60
    # one series whose level shifts once (ratio 11) does not outweigh nine
    # that repeat their year (0.5 each)
    shift = pd.Series(np.where(np.arange(160) < 100, 5.0, 6.0), index, name="y")
    nine = [yearly(seed) for seed in range(9)]
    assert repeats_season(nine + [check_series(shift)], 52, ["y"], 4)
    assert not repeats_season([check_series(shift)], 52, ["y"], 4)
    # a straight line is still once moved by its drift (rounding left out)
    line = check_series(pd.Series(10 + 0.1 * np.arange(160), index, name="y"))
    assert repeats_season([line], 52, ["y"], 4)


def test_repeats_season_compares_logarithms_with_the_log_transform():
    # a yearly cycle growing 0.5% a week: 0.94 in its values, 0.47 in logs
    rng = np.random.default_rng(1)
    steps = np.arange(200)
    values = np.exp(0.005 * steps) * (10 + 3 * np.sin(2 * np.pi * steps / 52.18))
    values *= np.exp(rng.normal(0, 0.03, 200))
    index = pd.date_range("2020-01-05", periods=200, freq="W")
    y = pd.Series(values, index, name="y")
    assert not repeats_season([check_series(y)], 52, ["y"], 4)
    assert repeats_season([check_series(y)], 52, ["y"], 4, log=True)
    model = SequenceForecaster(**dict(FAST, horizon=4), transform="log").fit(y)
    assert model._fitted.season == 52
