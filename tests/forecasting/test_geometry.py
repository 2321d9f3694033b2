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


def test_the_ridges_read_no_more_steps_than_the_auto_window(tmp_path):
    # 14 steps given on 34 (horizon 6): the network reads 14, the ridges the
    # last 4, the window "auto" would be; their forecasts ignore the others
    rng = np.random.default_rng(0)
    y = pd.Series(np.cumsum(rng.normal(size=34)))
    model = SequenceForecaster(
        window_length=14, horizon=6, method="linear", max_epochs=1, random_state=0
    ).fit(y)
    assert window_of(34, 6, None) == 4
    ridges = model._fitted.ridges
    assert ridges and all(ridge.first == 10 for ridge in ridges)
    X = torch.randn(5, 14, 1)
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
