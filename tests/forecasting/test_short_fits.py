"""Short and flat series: what a fit holds out, says, and bounds."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.model_selection import backtest

QUICK = dict(max_epochs=3, hidden_size=8, random_state=0)


def _yearly(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series(
        100 + 3 * np.arange(n) + rng.normal(0, 4, n),
        index=pd.period_range("1980", periods=n, freq="Y"),
    )


def test_a_share_that_rounds_to_no_held_out_window_warns_at_fit():
    # 15 years, a window of 8 and 6 steps ahead: 2 windows, 0.2 of them none
    model = SequenceForecaster(window_length=8, horizon=6, **QUICK)
    with pytest.warns(UserWarning, match="rounds to no held-out window"):
        model.fit(_yearly(15))
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        model.predict_interval()
    # asked for none: no such warning
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        model.set_params(validation_fraction=0.0).fit(_yearly(15))
    assert not [w for w in raised if "held-out" in str(w.message)]


def test_backtest_names_the_fold_too_short_for_intervals():
    # the first of TimeSeriesSplit(3)'s folds trains on 10 of 40 years: one
    # window of 7 steps and 3 ahead, too few for the naive forecast's errors
    model = SequenceForecaster(window_length=7, horizon=3, **QUICK)
    with pytest.raises(ValueError, match="fold 0 trains on 10 steps.*fewer splits"):
        backtest(model, _yearly(40), coverage=0.8)
    longer = [(np.arange(30), np.arange(30, 40))]
    table = backtest(model, _yearly(40), cv=longer, coverage=0.8)
    assert table["coverage@0.8"].notna().all()


def test_intervals_after_a_flat_stretch_stay_near_the_series_range():
    # a week of hours whose sensor was stuck for 40 hours in the middle: the
    # held-out windows in the flat stretch have no spread, and their errors,
    # divided by it, made the 95% intervals 28 times the series' range
    rng = np.random.default_rng(3)
    hours = np.arange(168)
    y = pd.Series(
        10 + 5 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 1, 168),
        index=pd.date_range("2024-03-01", periods=168, freq="h"),
    )
    y.iloc[100:140] = y.iloc[100]
    model = SequenceForecaster(horizon=24, max_epochs=5, random_state=0).fit(y)
    assert model.normalize_ == "standard"  # the windows divided by their spread
    interval = model.predict_interval(coverage=0.95)
    widths = (interval["upper"] - interval["lower"]) / (y.max() - y.min())
    assert widths.max() < 6  # 2.7 with the unit's floor of half the median
