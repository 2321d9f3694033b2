"""Later series read on the training series' calendar: its step and clock."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.forecasting._calendar import _step_length

FAST = dict(max_epochs=5, hidden_size=8, random_state=0)


@pytest.mark.parametrize(
    "one, other",
    [
        ("W-SUN", "7D"),
        ("MS", "ME"),
        ("QS-JAN", "QS-OCT"),
        ("YS", "YS-JUL"),
        ("24h", "D"),
        ("W-SUN", "W-MON"),
    ],
)
def test_spellings_of_one_step_are_one_step(one, other):
    assert _step_length(pd.tseries.frequencies.to_offset(one)) == _step_length(
        pd.tseries.frequencies.to_offset(other)
    )


def test_business_days_are_not_calendar_days():
    to_offset = pd.tseries.frequencies.to_offset
    assert _step_length(to_offset("B")) != _step_length(to_offset("D"))
    index = pd.bdate_range("2024-01-01", periods=60)
    y = pd.Series(100 + 10 * (index.day_of_week == 4), index=index, dtype=float)
    model = SequenceForecaster(horizon=3, **FAST).fit(y)
    with pytest.raises(ValueError, match="steps of 'D', but the model was fitted"):
        model.predict(y=y.asfreq("D").ffill())


def test_a_history_in_another_zone_is_read_on_the_fitted_clock():
    # the weekend on Berlin's clock: in UTC or Tokyo the day-of-week phases
    # and the week back read other hours (a forecast of 105.7 where 94.1)
    index = pd.date_range(
        "2024-09-25", "2024-11-01 22:00", freq="h", tz="Europe/Berlin"
    )
    weekend = (index.day_of_week >= 5).astype(float)
    noise = np.random.default_rng(0).normal(0, 1, len(index))
    y = pd.Series(
        100 + 20 * np.sin(2 * np.pi * index.hour / 24) + 15 * weekend + noise,
        index=index,
    )
    model = SequenceForecaster(horizon=5, **FAST).fit(y)
    expected = model.predict()
    for zone in ("UTC", "Asia/Tokyo"):
        got = model.predict(y=y.tz_convert(zone))
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
        assert str(got.index.tz) == "Europe/Berlin"  # kept from fit
        assert (got.index == expected.index).all()


def _quarters(index):
    season = np.tile([10.0, -5, 0, -5], 12)
    noise = np.random.default_rng(0).normal(0, 0.5, 48)
    return pd.Series(100 + 0.5 * np.arange(48) + season + noise, index=index)


def test_quarters_anchored_otherwise_keep_their_phases():
    y = _quarters(pd.date_range("2000-01-01", periods=48, freq="QS"))
    model = SequenceForecaster(horizon=4, season_lag=None, **FAST).fit(y)
    assert model._fitted.phases is not None  # the season is read from the stamps
    same = y.set_axis(pd.DatetimeIndex(list(y.index), freq="QS-OCT"))
    np.testing.assert_allclose(model.predict(y=same), model.predict(), rtol=1e-12)


def test_periods_of_a_fiscal_year_keep_their_phases():
    y = _quarters(pd.period_range("2000Q1", periods=48, freq="Q"))
    model = SequenceForecaster(horizon=4, season_lag=None, **FAST).fit(y)
    same = y.set_axis(y.index.asfreq("Q-SEP"))  # the same calendar quarters
    assert (same.index.start_time == y.index.start_time).all()
    np.testing.assert_allclose(model.predict(y=same), model.predict(), rtol=1e-12)


def test_naive_stamps_across_a_change_of_the_clock_are_named_naive():
    # not a series with a missing hour (the step is inferred after the zone)
    index = pd.date_range("2024-03-25", periods=200, freq="h", tz="Europe/Berlin")
    y = pd.Series(np.random.default_rng(0).normal(size=200).cumsum(), index=index)
    model = SequenceForecaster(horizon=3, max_epochs=3, hidden_size=8).fit(y)
    naive = y.tz_localize(None)  # 2024-03-31 02:00 does not exist
    for call in (model.predict, model.predict_rolling, model.score):
        with pytest.raises(ValueError, match="tz-naive, but the model was fitted"):
            call(naive)


def test_each_series_of_a_panel_is_read_on_its_own_fitted_clock():
    index = pd.date_range("2024-03-20", periods=400, freq="h", tz="Europe/London")
    rng = np.random.default_rng(1)
    a = pd.Series(
        10 + np.sin(2 * np.pi * index.hour / 24) + rng.normal(0, 0.1, 400), index
    )
    b = a.tz_localize(None).set_axis(pd.date_range("2024-01-01", periods=400, freq="h"))
    model = SequenceForecaster(horizon=4, window_length=16, **FAST).fit(
        {"a": a, "b": b}
    )
    expected = model.predict(y={"a": a, "b": b})
    got = model.predict(y={"a": a.tz_convert("Asia/Tokyo"), "b": b})
    for key in ("a", "b"):
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-12)
    assert str(got["a"].index.tz) == "Europe/London" and got["b"].index.tz is None
    with pytest.raises(ValueError, match="tz-naive, but the model was fitted"):
        model.predict(y={"a": a.tz_localize(None), "b": b})


def test_each_series_of_a_panel_counts_its_phases_as_at_fit():
    # found by review: a panel of quarters anchored in January beside the
    # same quarters spelled 'QS-OCT' (as infer_freq names them) counted the
    # second's forecast steps in the first's step, its training in its own
    a = _quarters(pd.date_range("2000-01-01", periods=48, freq="QS"))
    b = a.set_axis(pd.DatetimeIndex(list(a.index), freq="QS-OCT"))
    model = SequenceForecaster(horizon=4, season_lag=None, **FAST).fit({"a": a, "b": b})
    phases, (_, tail) = model._fitted.phases, model._fitted.tails
    last = phases.indicators(tail.index[-1:], tail.freq).argmax(axis=1)[0]
    ahead = model._fitted.futures(None, [tail], ["b"], None)  # no lag: unread
    first = ahead[0, 0, -phases.season :].argmax()
    assert first == (last + 1) % phases.season
    given = model.predict(y={"a": a, "b": b})
    for key, forecast in model.predict().items():
        np.testing.assert_allclose(given[key], forecast, rtol=1e-12)


def test_days_of_another_zone_across_a_change_of_the_clock_are_read():
    # found by review: midnight in Berlin is 22:00 or 23:00 UTC, a step
    # inferred before the conversion was irregular
    index = pd.date_range("2024-08-01", "2024-11-20", freq="D", tz="Europe/Berlin")
    y = pd.Series(
        100 + np.random.default_rng(0).normal(size=len(index)).cumsum(), index
    )
    model = SequenceForecaster(horizon=3, window_length=14, **FAST).fit(y)
    history = y["2024-10-15":"2024-11-10"]
    expected = model.predict(y=history)
    np.testing.assert_allclose(model.predict(y=history.tz_convert("UTC")), expected)


def test_a_long_frame_of_naive_stamps_is_named_naive():
    index = pd.date_range("2024-03-25", periods=200, freq="h", tz="Europe/Berlin")
    rng = np.random.default_rng(0)
    panel = {key: pd.Series(rng.normal(size=200).cumsum(), index) for key in "ab"}
    long = pd.concat(panel)
    model = SequenceForecaster(horizon=3, max_epochs=3, hidden_size=8).fit(long)
    naive = pd.concat({k: v.tz_localize(None) for k, v in panel.items()})
    for call in (model.predict, model.score):
        with pytest.raises(ValueError, match="tz-naive, but the model was fitted"):
            call(naive)
    utc = pd.concat({k: v.tz_convert("UTC") for k, v in panel.items()})
    np.testing.assert_allclose(model.predict(utc), model.predict(long))


@pytest.mark.filterwarnings("ignore:The forecasts leave out")  # a week: too short
def test_a_week_of_business_days_read_from_a_file_keeps_their_step():
    # found by review: Monday to Friday without a freq is inferred as days
    index = pd.bdate_range("2024-01-01", periods=60)
    y = pd.Series(100 + np.arange(60) % 5, index=index, dtype=float)
    model = SequenceForecaster(horizon=3, window_length=5, **FAST).fit(y)
    week = y["2024-03-11":"2024-03-15"]
    week = week.set_axis(pd.DatetimeIndex(list(week.index)))  # freq None
    forecast = model.predict(y=week)
    assert list(forecast.index.day_name()) == ["Monday", "Tuesday", "Wednesday"]
