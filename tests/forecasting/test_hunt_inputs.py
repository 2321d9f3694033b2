"""Inputs beside one series: calendars, covariates, panels (found by a hunt)."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.forecasting._calendar import _period_of, same_stamp, stamp_position

FAST = dict(max_epochs=2, hidden_size=8, random_state=0)


def _seasonal(n, start="2015-01-01", freq="MS"):
    t = np.arange(n)
    noise = np.random.default_rng(0).normal(0, 1, n)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12) + noise
    return pd.Series(values, index=pd.date_range(start, periods=n, freq=freq))


def _as_month_ends(y):
    start = y.index[0] + pd.offsets.MonthEnd(0)
    return y.set_axis(pd.date_range(start, periods=len(y), freq="ME"))


@pytest.mark.parametrize(
    "step, period",
    [
        ("MS", "M"),
        ("ME", "M"),
        ("BMS", "M"),
        ("QS", "Q-DEC"),
        ("QE-DEC", "Q-DEC"),
        ("QS-FEB", "Q-JAN"),
        ("YS", "Y-DEC"),
        ("YS-APR", "Y-MAR"),
        ("YE-JUN", "Y-JUN"),
        ("2MS", None),
        ("D", None),
        ("W-SUN", None),
    ],
)
def test_period_of_a_step(step, period):
    assert _period_of(pd.tseries.frequencies.to_offset(step)) == period


def test_month_starts_and_ends_are_one_month():
    ends = pd.date_range("2020-01-31", periods=5, freq="ME")
    assert stamp_position(ends, pd.Timestamp("2020-03-01")) == 2
    month_end = pd.tseries.frequencies.to_offset("ME")
    assert same_stamp(pd.Timestamp("2020-03-31"), pd.Timestamp("2020-03-01"), month_end)
    # days are no months: the first and the last of one are 30 days apart
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    assert stamp_position(days, pd.Timestamp("2020-02-29")) == -1
    day = pd.tseries.frequencies.to_offset("D")
    assert not same_stamp(pd.Timestamp("2020-03-31"), pd.Timestamp("2020-03-01"), day)
    # month ends whose index has no freq set: the inferred step's months
    assert stamp_position(pd.DatetimeIndex(list(ends)), pd.Timestamp("2020-03-01")) == 2
    # aware stamps: the months of their zone's clock, not of another zone's
    berlin = ends.tz_localize("Europe/Berlin")
    assert stamp_position(berlin, pd.Timestamp("2020-03-01", tz="Europe/Berlin")) == 2
    assert stamp_position(berlin, pd.Timestamp("2020-03-01", tz="UTC")) == -1


def test_month_ends_continue_a_series_of_month_starts():
    # the smoothing part read a history of month ends after a training series
    # of month starts as another series: restarted from its own start (or
    # left out, with a warning), where the same months in month starts and
    # as periods were read on from the training series' end
    full = _seasonal(66)
    model = SequenceForecaster(horizon=3, **FAST).fit(full[:60])
    assert "smoothing" in model.method_
    history = full[40:]  # the training end and 6 steps after it
    expected = model.predict(history)
    got = model.predict(_as_month_ends(history))
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9)
    assert got.index.freqstr == "ME"
    unset = _as_month_ends(history)  # month ends whose index has no freq set
    unset.index = pd.DatetimeIndex(list(unset.index))
    np.testing.assert_allclose(model.predict(unset), expected, rtol=1e-9)
    rolled = model.predict_rolling(_as_month_ends(full[60:]))
    np.testing.assert_allclose(
        rolled.to_numpy(), model.predict_rolling(full[60:]).to_numpy(), rtol=1e-9
    )


def test_a_long_history_of_a_dict_model_is_said_to_be_long():
    # it said "y has columns ['v'], but the model was fitted on [None]
    # (missing [None]; not seen at fit ['v'])", of a panel of unnamed Series
    index = pd.date_range("2020-01-01", periods=30, freq="D")
    rng = np.random.default_rng(0)
    panel = {key: pd.Series(10 + rng.normal(size=30).cumsum(), index) for key in "ab"}
    model = SequenceForecaster(horizon=2, **FAST).fit(panel)
    long = pd.concat(panel, names=["id", "time"]).to_frame("v")
    with pytest.raises(ValueError, match="y is a long input, but the model was fitted"):
        model.predict(long)
    with pytest.raises(ValueError, match="y is a long input, but the model was fitted"):
        model.score(long)


def test_a_frame_history_of_an_unnamed_series_model_is_said_so():
    y = _seasonal(30, freq="D")
    model = SequenceForecaster(horizon=2, **FAST).fit(y)
    with pytest.raises(ValueError, match="y is a DataFrame, but the model was fitted "):
        model.predict(y.to_frame("x"))
    # the Series itself, of any name, is the target
    np.testing.assert_array_equal(model.predict(y.rename("x")), model.predict(y))


def test_month_ends_right_after_the_training_end_continue_its_smoothing():
    # a history that starts at the step after the training series' end, in
    # month ends: the smoothing part restarted from it (or was left out with
    # a warning), where the same months in month starts went on
    full = _seasonal(66)
    model = SequenceForecaster(horizon=3, **FAST).fit(full[:60])
    assert "smoothing" in model.method_
    expected = model.predict(full[60:])
    got = model.predict(_as_month_ends(full[60:]))
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9)


def test_an_anomaly_detector_reads_month_ends_after_month_starts():
    from skseq.anomaly import ForecastAnomalyDetector

    full = _seasonal(130)
    detector = ForecastAnomalyDetector(
        SequenceForecaster(window_length=12, **FAST), false_alarm_rate=0.1
    ).fit(full[:100])
    expected = detector.score_samples(full[100:])
    # scored as a continuation, not as a series of its own (every p-value 1)
    got = detector.score_samples(_as_month_ends(full[100:]))
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert (got < 1).any()
    detector.update(_as_month_ends(full[100:]))  # refused before
    last = detector.known_.index[-1]  # the known series ends at the last month
    assert pd.Timestamp(last).to_period("M") == full.index[-1].to_period("M")


def test_rolling_forecasts_keep_the_index_step():
    # the origins' stamps were picked by position, which dropped freq
    y = _seasonal(80, freq="D")
    model = SequenceForecaster(horizon=3, **FAST).fit(y[:60])
    rolled = model.predict_rolling(y[60:])
    assert rolled.index.freqstr == "D"
    pd.testing.assert_index_equal(
        rolled.index, y.index[60 : 60 + len(rolled)], check_names=False
    )
