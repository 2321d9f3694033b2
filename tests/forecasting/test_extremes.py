"""A last window that changes as no earlier step did: fit warns, naming it."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import ExtrapolationWarning, SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector

LINEAR = dict(method="linear", random_state=0)


def _monthly(n=48, seed=2):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 200 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 8, n)
    return pd.Series(values, index=pd.period_range("2015-01", periods=n, freq="M"))


def _extrapolation_warnings(model, y, **fit):
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        model.fit(y, **fit)
    return [w for w in raised if issubclass(w.category, ExtrapolationWarning)]


def test_a_spike_in_the_last_value_warns_and_names_its_step():
    y = _monthly()
    y.iloc[-1] = 2000.0
    model = SequenceForecaster(horizon=6, **LINEAR)
    (warning,) = _extrapolation_warnings(model, y)
    message = str(warning.message)
    assert "y moves from" in message and "to 2000 at 2018-12" in message
    assert f"last {model.window_length_} steps" in message
    # the warning points at the user's call, not inside skseq
    assert warning.filename == __file__


@pytest.mark.parametrize("where", ["none", "early", "level"])
def test_ordinary_ends_and_earlier_spikes_do_not_warn(where):
    y = _monthly()
    if where == "early":  # a spike long before the last window
        y.iloc[20] = 2000.0
    if where == "level":  # a step of the size of the season's swings
        y.iloc[-3:] += 40.0
    assert not _extrapolation_warnings(SequenceForecaster(horizon=6, **LINEAR), y)


def test_a_spike_a_few_steps_before_the_end_warns():
    # still in the window the forecast reads (4 steps here)
    y = _monthly()
    y.iloc[-2] = 2000.0
    model = SequenceForecaster(window_length=4, horizon=6, **LINEAR)
    (warning,) = _extrapolation_warnings(model, y)
    assert "to 2000 at 2018-11" in str(warning.message)


def test_a_panel_names_the_series_that_spikes():
    spiked = _monthly(seed=3)
    spiked.iloc[-1] = -900.0
    panel = {"calm": _monthly(), "spiked": spiked}
    model = SequenceForecaster(horizon=3, **LINEAR)
    (warning,) = _extrapolation_warnings(model, panel)
    message = str(warning.message)
    assert "y['spiked'] moves from" in message and "calm" not in message


def test_growth_in_logarithms_is_compared_there():
    # 60% a step: in levels the last steps change 6.6 times as much as the
    # four before them, in logarithms as much
    rng = np.random.default_rng(0)
    t = np.arange(40)
    y = pd.Series(1.6**t * np.exp(rng.normal(0, 0.03, 40)))
    model = SequenceForecaster(window_length=4, horizon=2, **LINEAR)
    assert _extrapolation_warnings(model.set_params(transform=None), y)
    assert not _extrapolation_warnings(model.set_params(transform="log"), y)
    y.iloc[-1] *= 30
    (warning,) = _extrapolation_warnings(model, y)
    assert "in logarithms" in str(warning.message)


def test_the_anomaly_detector_scores_an_end_spike_without_the_warning():
    y = _monthly(120).to_numpy().copy()
    y[-1] = 2000.0
    detector = ForecastAnomalyDetector(
        SequenceForecaster(window_length=12, max_epochs=2, hidden_size=8),
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        flags = detector.fit_predict(y)
    assert not [w for w in raised if issubclass(w.category, ExtrapolationWarning)]
    assert flags.shape == y.shape


def test_predict_from_a_history_that_spikes_warns():
    y = _monthly(60)
    model = SequenceForecaster(horizon=3, **LINEAR).fit(y[:48])
    later = y.copy()
    later.iloc[-1] = 2000.0
    with pytest.warns(ExtrapolationWarning, match="to 2000 at 2019-12"):
        model.predict(later)
    # the window alone holds no earlier step to compare with: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        model.predict(y)
        model.predict(later[-model.window_length_ :])


def test_a_series_that_never_changed_before_its_end_says_so():
    y = pd.Series(np.r_[np.full(30, 5.0), 5.0, 9.0])
    model = SequenceForecaster(window_length=3, **LINEAR)
    (warning,) = _extrapolation_warnings(model, y)
    assert "moves from 5 to 9 at 31, after steps that never changed" in str(
        warning.message
    )


def test_a_target_of_several_is_named_by_its_column():
    frame = pd.DataFrame({"a": _monthly(), "b": _monthly(seed=4)})
    frame.iloc[-1, 1] = 5000.0
    model = SequenceForecaster(horizon=3, target=["a", "b"], **LINEAR)
    (warning,) = _extrapolation_warnings(model, frame)
    assert "y (column 'b') moves from" in str(warning.message)


def test_a_spike_read_through_a_lag_warns_with_the_steps_read():
    # the forecast reads the window (4 steps) and the targets 12 steps back
    y = _monthly(60)
    model = SequenceForecaster(window_length=4, horizon=3, season_lag=12, **LINEAR)
    assert not _extrapolation_warnings(model, y)
    y.iloc[-11] = 5000.0  # 12 steps before the second forecast step
    (warning,) = _extrapolation_warnings(model, y)
    assert "last 12 steps" in str(warning.message)
