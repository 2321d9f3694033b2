"""The window a forecaster reads when window_length="auto"."""

import numpy as np
import pandas as pd
import pytest
import torch

from skseq import SequenceForecaster, load, save
from skseq.forecasting._geometry import (
    MAX_WINDOW,
    MIN_WINDOW,
    WINDOWS_PER_STEP,
    supported_window,
    window_of,
)


@pytest.mark.parametrize("shortest", [6, 10, 20, 34, 40, 60, 100, 150, 500, 5000])
@pytest.mark.parametrize("horizon", [1, 3, 6, 12])
@pytest.mark.parametrize("season", [None, 4, 12])
def test_the_window_leaves_ten_training_windows_per_step(shortest, horizon, season):
    if shortest - horizon < 2:
        pytest.skip("no room for a window")
    w = window_of(shortest, horizon, season)
    windows = shortest - w - horizon + 1
    assert 2 <= w <= MAX_WINDOW
    assert windows >= 1
    if w > MIN_WINDOW:  # not the floor: ten windows per step read
        assert windows >= WINDOWS_PER_STEP * w
    if season and shortest - horizon + 1 >= (WINDOWS_PER_STEP + 1) * 2 * season:
        assert w == 2 * season  # two seasons where they fit


def test_a_short_monthly_series_fits_with_the_defaults():
    # 40 months, 8 ahead: a window of two seasons left no training window
    rng = np.random.default_rng(0)
    values = 10 + np.sin(np.arange(40) * np.pi / 6) + rng.normal(0, 0.2, 40)
    y = pd.Series(values, pd.period_range("2000-01", periods=40, freq="M"))
    model = SequenceForecaster(horizon=8, max_epochs=2, random_state=0).fit(y)
    assert model.window_length_ == MIN_WINDOW
    assert np.isfinite(model.predict().to_numpy()).all()


def test_the_ridges_read_no_more_steps_than_the_series_supports(tmp_path):
    # 14 steps given on 34 (horizon 6): the network reads 14, the ridges take
    # the last 4 as inputs (ten training windows per step), none of the others
    rng = np.random.default_rng(0)
    y = pd.Series(np.cumsum(rng.normal(size=34)))
    model = SequenceForecaster(
        window_length=14, horizon=6, method="linear", max_epochs=1, random_state=0
    ).fit(y)
    assert supported_window(34, 6) == 4
    ridges = model._fitted.ridges
    assert ridges and all(ridge.first == 10 for ridge in ridges)
    X = torch.randn(5, 14, 1)  # normalised windows, as the network reads them
    moved = X.clone()
    moved[:, :10] += 3.0
    for ridge in ridges:
        assert ridge.coef.shape[1] == 4
        np.testing.assert_allclose(ridge.outputs(moved), ridge.outputs(X))
    save(model, tmp_path / "model.skseq")
    loaded = load(tmp_path / "model.skseq")
    assert [r.first for r in loaded._fitted.ridges] == [10] * len(ridges)
    np.testing.assert_allclose(loaded.predict(), model.predict())
    auto = SequenceForecaster(horizon=6, method="linear", max_epochs=1).fit(y)
    assert all(ridge.first == 0 for ridge in auto._fitted.ridges)


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
    assert all(ridge.first == 0 for ridge in model._fitted.ridges)
