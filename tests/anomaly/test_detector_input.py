"""ForecastAnomalyDetector: later series must be read as the fitted one was."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector


def _noisy_sine(n, seed=0):
    rng = np.random.default_rng(seed)
    return np.sin(np.arange(n) / 5) + 0.05 * rng.standard_normal(n)


@pytest.fixture(scope="module")
def fitted():
    index = pd.date_range("2024-01-01", periods=300, freq="5min")
    forecaster = SequenceForecaster(
        window_length=10, hidden_size=8, max_epochs=2, method="network"
    )
    return ForecastAnomalyDetector(forecaster, smoothing=3, random_state=0).fit(
        pd.Series(_noisy_sine(300), index=index)
    )


@pytest.mark.parametrize("start", ["2024-01-02 01:00", "2025-01-01"])
def test_a_series_of_another_step_is_refused(fitted, start):
    # an hourly series after 5-minute training data was scored (on windows of
    # hours read as windows of 5 minutes) and update() mixed the two steps
    hourly = pd.Series(
        _noisy_sine(100, seed=1), pd.date_range(start, periods=100, freq="h")
    )
    for method in (fitted.score_samples, fitted.predict, fitted.update):
        with pytest.raises(ValueError, match="X has steps of 'h', but Forecast"):
            method(hourly)
    # another spelling of the fitted step passes
    later = pd.Series(
        _noisy_sine(50, seed=1),
        pd.date_range("2024-01-02 01:00", periods=50, freq="300s"),
    )
    assert fitted.score_samples(later).shape == (50,)


def test_integer_positions_of_another_step_are_refused():
    y = pd.Series(_noisy_sine(300), index=np.arange(300) * 2)
    forecaster = SequenceForecaster(window_length=10, hidden_size=8, max_epochs=2)
    detector = ForecastAnomalyDetector(forecaster, smoothing=3, random_state=0)
    detector.fit(y)
    with pytest.raises(ValueError, match="X has steps of 1, but Forecast"):
        detector.score_samples(pd.Series(_noisy_sine(50), index=np.arange(600, 650)))
    assert detector.score_samples(y[-50:]).shape == (50,)


def _two_series():
    index = pd.date_range("2024-01-01", periods=200, freq="h")
    return {
        "a": pd.Series(_noisy_sine(200), index),
        "b": pd.Series(-_noisy_sine(200), index),
    }


@pytest.mark.parametrize(
    "many, what",
    [
        (_two_series(), "a dict of series"),
        (pd.concat(_two_series(), names=["id", "time"]), "a long frame of series"),
        (list(_two_series().values()), "a list of series"),  # read as 2 steps
        (  # arrays of different lengths: series (of one length: rows)
            [s.to_numpy()[:n] for n, s in zip((200, 150), _two_series().values())],
            "a list of series",
        ),
    ],
)
def test_many_series_are_refused_with_what_to_do(fitted, many, what):
    # a dict failed in numpy ('Input should have at least 1 dimension', with
    # the dict's repr), a long frame was told to go 'to a global model' and a
    # list of series was read as 2 time steps of 200 columns ('y has 2
    # observations')
    detector = ForecastAnomalyDetector(random_state=0)
    for method in (detector.fit, fitted.score_samples):
        with pytest.raises(ValueError, match=f"^X is {what}.*, but Forecast.*one det"):
            method(many)


def test_a_series_shorter_than_a_window_is_refused_naming_x():
    # the forecaster's message named y ('y has 5 observations; window_length=10
    # and horizon=1 need at least 11'), an argument the detector does not have
    forecaster = SequenceForecaster(window_length=10, max_epochs=1)
    with pytest.raises(ValueError, match=r"^X has 5 time steps, .*window_length=10"):
        ForecastAnomalyDetector(forecaster).fit(_noisy_sine(5))


@pytest.mark.filterwarnings("ignore:validation_fraction")
def test_a_series_too_short_to_calibrate_asks_for_a_larger_validation_fraction():
    # the advice was "validation_fraction > 0" where it was already 0.2
    forecaster = SequenceForecaster(window_length=10, max_epochs=1, random_state=0)
    with pytest.raises(ValueError, match="a larger validation_fraction"):
        ForecastAnomalyDetector(forecaster=forecaster).fit(np.sin(np.arange(14) / 3))


def test_a_list_of_series_is_told_to_enumerate_them(fitted):
    # the advice was {key: ... for key, series in X.items()}, which a list
    # does not have
    many = list(_two_series().values())
    with pytest.raises(ValueError, match=r"\{i: clone\(detector\).*enumerate\(X\)"):
        fitted.score_samples(many)
    with pytest.raises(ValueError, match=r"for key, series in X\.items\(\)"):
        fitted.score_samples(_two_series())
    # arrays of one length, each longer than there are of them, or 2-D ones,
    # are series too (they were read as 2 time steps of 200 columns)
    a, b = (np.asarray(series, dtype=float) for series in many)
    for arrays in ([a, b], [np.column_stack([a, b])] * 3):
        with pytest.raises(ValueError, match="X is a list of series"):
            fitted.score_samples(arrays)


def test_a_list_of_rows_is_read_as_the_array_of_those_rows():
    # list(array) of an (n_timesteps, n_columns) array, rows as time steps
    # (check_array reads it so), was refused as "a list of series"
    rng = np.random.default_rng(0)
    rows = np.column_stack([_noisy_sine(60), rng.normal(size=60)])
    forecaster = SequenceForecaster(window_length=5, hidden_size=4, max_epochs=1)
    detector = ForecastAnomalyDetector(forecaster, n_forecasters=1, random_state=0)
    from_list = detector.fit(list(rows)).score_samples(list(rows[-10:]))
    from_array = detector.fit(rows).score_samples(rows[-10:])
    np.testing.assert_array_equal(from_list, from_array)


def test_a_continuation_in_the_other_index_form_is_scored_and_kept_as_such():
    # periods continued by their time stamps were read as a new series (every
    # p-value 1) and refused by update ("starts at 2009-03-01, not 2009-03")
    rng = np.random.default_rng(0)
    values = np.sin(np.arange(130) * 2 * np.pi / 12) + rng.normal(0, 0.1, 130)
    y = pd.Series(values, index=pd.period_range("2000-01", periods=130, freq="M"))
    forecaster = SequenceForecaster(max_epochs=2, window_length=12)
    detector = ForecastAnomalyDetector(forecaster=forecaster, random_state=0)
    detector.fit(y[:110])
    np.testing.assert_allclose(
        detector.score_samples(y[110:].to_timestamp()), detector.score_samples(y[110:])
    )
    detector.update(y[110:120].to_timestamp())
    assert detector.known_.index[-1] == pd.Period("2009-12", freq="M")


def test_forecaster_is_the_first_member_also_from_a_pickle_of_one_member():
    # forecaster_ is a property of forecasters_; a pickle made before there
    # were several members holds forecaster_ alone
    y = np.sin(np.arange(120) / 3)
    forecaster = SequenceForecaster(max_epochs=1, window_length=6)
    detector = ForecastAnomalyDetector(forecaster, n_forecasters=1, random_state=0)
    detector.fit(y)
    assert detector.forecaster_ is detector.forecasters_[0]
    state = dict(vars(detector))
    state["forecaster_"] = state.pop("forecasters_")[0]
    old = ForecastAnomalyDetector.__new__(ForecastAnomalyDetector)
    old.__setstate__(state)
    np.testing.assert_array_equal(
        old.score_samples(y[-20:]), detector.score_samples(y[-20:])
    )
    assert not hasattr(ForecastAnomalyDetector(), "forecaster_")
