"""SequenceForecaster's options and the parts they combine (found by a hunt)."""

import numpy as np
import pandas as pd

from skseq import SequenceForecaster
from skseq.forecasting._phases import season_in, shows_season
from skseq.utils._series import check_series

FAST = dict(max_epochs=2, hidden_size=8, random_state=0)


def _opposite_seasons(n=60, seed=0):
    # heating and cooling: one season, opposite profiles
    rng = np.random.default_rng(seed)
    season = 10 * np.sin(2 * np.pi * np.arange(n) / 12)
    return pd.DataFrame(
        {
            "heat": 100 + season + rng.normal(0, 1, n),
            "cool": 100 - season + rng.normal(0, 1, n),
        },
        index=pd.date_range("2015-01-01", periods=n, freq="MS"),
    )


def test_targets_with_opposite_profiles_show_their_season():
    # pooled in one rank test, each target's changes hid the other's by phase
    y = _opposite_seasons()
    panel = [check_series(y)]
    assert shows_season(panel, 12, ["heat"])
    assert shows_season(panel, 12, ["heat", "cool"])
    positions = [check_series(y.to_numpy())]
    assert season_in(positions, [0]) == 12
    assert season_in(positions, [0, 1]) == 12


def test_a_frame_of_opposite_seasons_carries_the_phases():
    y = _opposite_seasons()
    model = SequenceForecaster(horizon=3, **FAST).fit(y)
    assert model._fitted.phases is not None and model._fitted.phases.season == 12
    forecast = model.predict()
    assert forecast.shape == (3, 2) and np.isfinite(forecast.to_numpy()).all()
    # an array has no phases, but its season is found (window, seasonal rules)
    model = SequenceForecaster(horizon=3, **FAST).fit(y.to_numpy())
    assert model._fitted.season == 12


def test_noise_targets_show_no_season():
    rng = np.random.default_rng(1)
    y = pd.DataFrame(
        rng.normal(size=(120, 3)),
        index=pd.date_range("2010-01-01", periods=120, freq="MS"),
        columns=list("abc"),
    )
    assert not shows_season([check_series(y)], 12, list("abc"))
    assert season_in([check_series(y.to_numpy())], [0, 1, 2]) is None
