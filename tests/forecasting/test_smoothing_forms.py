"""The smoothing part's form: the values, or their logarithms."""

import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import skseq
from skseq import SequenceForecaster
from skseq.forecasting._smoothing import NotPositiveError, fit_smoothing

FAST = dict(max_epochs=5, hidden_size=8, random_state=0)


def growing(n, seed=0):
    """A season whose swing grows with the level (airline passengers' kind)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + 0.25 * np.sin(2 * np.pi * t / 12) + 0.1 * np.cos(4 * np.pi * t / 12)
    return 100 * np.exp(0.015 * t) * season * np.exp(rng.normal(0, 0.02, n))


def steady(n, seed=0):
    """A season of one swing on a rising level."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_likelier_form_is_chosen_and_forecasts_better(seed):
    y = growing(156, seed)
    train, test = y[:144], y[144:]
    chosen = fit_smoothing(train, 12)
    assert chosen.log
    error = np.abs(chosen.after(train).forecast(12) - test).mean()
    values = fit_smoothing(train, 12, log=False).after(train).forecast(12)
    assert error < 0.8 * np.abs(values - test).mean()
    assert not fit_smoothing(steady(144, seed), 12).log


def test_logarithms_need_positive_values():
    y = steady(144)
    y[30] = 0.0
    assert not fit_smoothing(y, 12).log  # never tried on a zero
    model = fit_smoothing(growing(144), 12, log=True)
    later = growing(160)[144:].copy()
    later[3] = -1.0
    with pytest.raises(NotPositiveError, match="not positive"):
        model.after(growing(144)).along(later, [5], 3)
    with pytest.raises(NotPositiveError):
        model.start(np.r_[0.0, growing(143)[1:]])


@pytest.fixture(scope="module")
def logged():
    index = pd.date_range("1990-01", periods=216, freq="MS")
    y = pd.Series(growing(216, seed=4), index=index)
    model = SequenceForecaster(horizon=6, **FAST).fit(y)
    return model, y


def test_the_forecaster_keeps_the_form_of_its_held_out_windows(logged, tmp_path):
    model, y = logged
    assert "smoothing" in model.method_.split("+")
    (part,) = model._fitted.smoothing
    assert part.log
    np.testing.assert_array_equal(model.predict(y=y).to_numpy(), model.predict())
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded._fitted.smoothing[0].log
    np.testing.assert_array_equal(loaded.predict().to_numpy(), model.predict())


def test_a_history_not_positive_goes_without_the_part(logged):
    model, y = logged
    later = y.copy()
    later.iloc[-3] = 0.0  # a zero the logarithms cannot read
    with pytest.warns(UserWarning, match="not positive") as record:
        forecast = model.predict(y=later)
    assert not any("whole series" in str(w.message) for w in record)
    assert np.isfinite(forecast.to_numpy()).all()


def test_targets_in_logarithms_keep_the_values_form(logged):
    # found by review: with transform="log" the part modelled log(log y)
    _, y = logged
    model = SequenceForecaster(horizon=6, transform="log", **FAST).fit(y)
    (part,) = model._fitted.smoothing  # a part, in the values' form
    assert not part.log


def test_forms_refuse_what_they_cannot_read():
    y = growing(144)
    with pytest.raises(NotPositiveError):
        fit_smoothing(np.r_[0.0, y[1:]], 12, log=True)
    # squared errors that underflow give no likelihood (not an error of 0)
    assert fit_smoothing(y * 1e-170, 12).log


def test_the_part_alone_says_why_it_cannot_forecast(logged):
    model, y = logged
    model = pickle.loads(pickle.dumps(model))  # the fixture's stays as it is
    model.__dict__["_fitted"] = replace(model._fitted, method=("smoothing",))
    later = y.copy()
    later.iloc[-3] = 0.0
    with pytest.raises(ValueError, match="smoothing part alone: it models"):
        model.predict(y=later)
