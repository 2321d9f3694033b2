"""predict_quantiles: split-conformal quantile forecasts."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster

QUICK = dict(max_epochs=5, hidden_size=8, random_state=0)


def noisy_level(n, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.period_range("1950-01", periods=n, freq="M")
    # skewed noise: quantiles away from the median are not symmetric
    return pd.Series(10 + rng.exponential(1.0, n), index=index, name="y")


def test_quantiles_are_sorted_do_not_cross_and_bracket_the_forecast():
    y = noisy_level(200)
    model = SequenceForecaster(window_length=12, horizon=3, **QUICK).fit(y)
    quantiles = model.predict_quantiles(quantiles=[0.9, 0.1, 0.5, 0.25])
    assert list(quantiles.columns) == [0.1, 0.25, 0.5, 0.9]
    assert quantiles.index.equals(model.predict().index)
    assert (np.diff(quantiles.to_numpy(), axis=1) >= 0).all()
    # exponential noise: the upper tail is longer than the lower one
    spread = quantiles.to_numpy()
    assert ((spread[:, 3] - spread[:, 2]) > (spread[:, 2] - spread[:, 0])).all()


def test_quantiles_hold_their_levels_on_new_data():
    # about 220 held-out windows calibrate; 500 new points check (seeds 1-4
    # of the noise were within 0.055 of every level)
    y = noisy_level(1600, seed=2)
    model = SequenceForecaster(window_length=12, horizon=1, **QUICK).fit(y[:1100])
    levels = [0.1, 0.5, 0.9]
    below = []
    for t in range(1100, 1600):
        q = model.predict_quantiles(y=y[t - 12 : t], quantiles=levels).to_numpy()[0]
        below.append(y.iloc[t] <= q)
    np.testing.assert_allclose(np.mean(below, axis=0), levels, atol=0.1)


def test_several_targets_and_many_series():
    rng = np.random.default_rng(0)
    index = pd.period_range("2000-01", periods=120, freq="M")
    frame = pd.DataFrame(rng.normal(size=(120, 2)), index=index, columns=["a", "b"])
    model = SequenceForecaster(window_length=6, horizon=2, **QUICK).fit(frame)
    quantiles = model.predict_quantiles(quantiles=[0.2, 0.8])
    assert list(quantiles.columns) == [("a", 0.2), ("a", 0.8), ("b", 0.2), ("b", 0.8)]
    panel = {"s1": frame["a"], "s2": (frame["b"] + 5).rename("a")}
    many = SequenceForecaster(window_length=6, horizon=2, **QUICK).fit(panel)
    forecasts = many.predict_quantiles()
    assert set(forecasts) == {"s1", "s2"}
    assert (forecasts["s2"][0.5] > forecasts["s1"][0.5] + 2).all()


def test_quantile_errors():
    y = noisy_level(60)
    model = SequenceForecaster(window_length=6, horizon=1, **QUICK).fit(y)
    for bad in ([0.0, 0.5], [1.2], "0.5", [], [True]):
        with pytest.raises(ValueError, match=r"quantiles must be floats in \(0, 1\)"):
            model.predict_quantiles(quantiles=bad)
    # 0.001 is beyond the ranks of the held-out windows: the bound on their
    # spread, below every other level
    extreme = model.predict_quantiles(quantiles=[0.001, 0.1, 0.5]).to_numpy()
    assert (np.diff(extreme, axis=1) > 0).all()
    none_held_out = SequenceForecaster(
        window_length=6, horizon=1, validation_fraction=0.0, **QUICK
    ).fit(y)
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        naive = none_held_out.predict_quantiles(quantiles=[0.1, 0.5, 0.9]).to_numpy()
    assert (np.diff(naive, axis=1) > 0).all()


@pytest.mark.parametrize(
    "n, level, rank",
    [(99, 0.55, 55), (179, 0.35, 63), (19, 0.9, 18), (9, 0.1, 1)],
)
def test_conformal_ranks_are_not_moved_by_float_rounding(n, level, rank):
    # in floats 100 * 0.55 is 55.00000000000001 and 180 * 0.35 is
    # 62.99999999999999: the ranks were 56 and 62, one off
    from skseq.forecasting._conformal import ConformalCalibration

    residuals = np.arange(1.0, n + 1)[:, None, None]  # the k-th smallest is k
    calibration = ConformalCalibration(residuals)
    assert calibration.offsets([level])[0, 0, 0] == rank
    if level > 0.5:  # the half-width: numpy's "higher" quantile at rank / n
        width = calibration.half_width(level)[0, 0]
        assert width == np.quantile(residuals[:, 0, 0], rank / n, method="higher")
        # rolling intervals start there, before any outcome is known
        unknown = np.full((2, 1, 1), np.nan)
        assert (calibration.rolling_half_widths(unknown, level) == width).all()


def test_levels_given_by_position_are_refused_not_read_as_a_history():
    rng = np.random.default_rng(0)
    level = 100 + rng.normal(0, 1, 200)
    model = SequenceForecaster(horizon=3, method="linear", random_state=0)
    model.fit(level)
    levels = np.round(np.arange(0.05, 1.0, 0.05), 2)  # as long as a window
    with pytest.raises(ValueError, match="19 values from 0.05 to 0.95.*quantiles="):
        model.predict_quantiles(levels)
    with pytest.raises(ValueError, match="the number 0.9.*pass coverage=... by"):
        model.predict_interval(0.9)
    # a series of shares between 0 and 1 is a history like any
    shares = 1 / (1 + np.exp(-rng.normal(0, 1, 200)))
    model.fit(shares)
    assert model.predict_quantiles(shares[-50:], quantiles=[0.5]).shape == (3, 1)


def test_a_history_between_zero_and_one_of_a_wider_series_is_read():
    # the last window of a sine within [-1, 1] happens to lie in (0, 1)
    y = np.sin(2 * np.pi * np.arange(220) / 100)
    model = SequenceForecaster(horizon=3, method="linear", random_state=0).fit(y)
    history = y[-model.window_length_ :]
    assert ((history > 0) & (history < 1)).all()
    assert model.predict_interval(history).shape == (3, 2)
    assert model.predict_quantiles(history).shape == (3, 3)
