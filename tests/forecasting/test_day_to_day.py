"""Day-to-day use of SequenceForecaster: histories and folds in other forms."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster

FAST = dict(max_epochs=2, hidden_size=8, random_state=0)


def monthly(n=120, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 10 + np.sin(2 * np.pi * t / 12) + 0.05 * t + 0.1 * rng.normal(size=n)
    return pd.Series(values, index=pd.period_range("2010-01", periods=n, freq="M"))


@pytest.mark.parametrize("fit_periods", [True, False])
def test_fold_continues_the_training_series_in_the_other_index_form(fit_periods):
    # a PeriodIndex fit scored on the next months as time stamps (or the
    # reverse) continues the training series, as the same fold in its form
    periods = monthly()
    stamps = periods.to_timestamp()
    fitted, other = (periods, stamps) if fit_periods else (stamps, periods)
    model = SequenceForecaster(window_length=12, horizon=2, **FAST).fit(fitted[:100])
    assert model.score(other[100:]) == pytest.approx(model.score(fitted[100:]))
    short = model.predict_rolling(other[100:103])  # shorter than the window
    expected = model.predict_rolling(fitted[100:103])
    np.testing.assert_allclose(short.to_numpy(), expected.to_numpy())
    assert short.index.equals(other.index[100:103])


def test_history_in_the_other_index_form_keeps_the_smoothing_part():
    stamps = monthly().to_timestamp()
    model = SequenceForecaster(window_length=12, horizon=3, **FAST).fit(stamps[:100])
    assert "smoothing" in model.method_
    expected = model.predict(stamps[80:100])  # its end: read from the fit
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not "leave out the smoothing part"
        forecast = model.predict(stamps[80:100].to_period("M"))
    np.testing.assert_allclose(forecast.to_numpy(), expected.to_numpy())


def test_a_positional_fold_before_the_training_series_names_why_it_is_refused():
    # a KFold fold before the training part keeps its positions, yet cannot
    # be told from a history restarted at 0: the message says so, not only
    # "give the positions it has"
    rng = np.random.default_rng(0)
    t = np.arange(120)
    y = pd.Series(10 + np.sin(2 * np.pi * t / 12) + 0.3 * rng.normal(size=120))
    model = SequenceForecaster(window_length=12, horizon=2, **FAST).fit(y[40:])
    assert model._fitted.phases is not None
    with pytest.raises(ValueError, match="a part before the fitted series"):
        model.score(y[:40])


def test_stamp_position_agrees_with_same_stamp():
    # an aware stamp matched a period in stamp_position (its zone dropped)
    # where same_stamp said no; days against a week raised InvalidIndexError
    from skseq.forecasting._calendar import same_stamp, stamp_position

    months = pd.period_range("2020-01", periods=5, freq="M")
    aware = pd.Timestamp("2020-03-15", tz="Asia/Tokyo")
    assert not same_stamp(aware, months[2]) and stamp_position(months, aware) == -1
    assert stamp_position(months, pd.Timestamp("2020-03-15")) == 2
    days = pd.date_range("2020-01-01", periods=20, freq="D")
    assert stamp_position(days, pd.Period("2020-01-06", freq="W")) == -1
