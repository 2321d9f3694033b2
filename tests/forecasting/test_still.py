"""A series of a panel that never changes is forecast at its value (_units)."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster

FAST = dict(max_epochs=5, hidden_size=8, random_state=0, horizon=3)


def _panel(n=90, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n, freq="D")
    t = np.arange(n)
    moving = 10 + np.sin(2 * np.pi * t / 7) + 0.1 * rng.normal(size=n)
    walk = 50 + np.cumsum(rng.normal(size=n))
    return {"a": pd.Series(moving, index), "b": pd.Series(walk, index)}, index


@pytest.mark.parametrize("value", [7.0, 0.0])
def test_a_still_series_keeps_its_value_and_leaves_the_others_as_they_were(value):
    # before, a constant 7 beside two moving series was forecast 7.2 to 9.7
    # and the others' intervals were 3.5 times as wide: its windows, in its
    # level as its unit, trained the model and calibrated the intervals
    panel, index = _panel()
    alone = SequenceForecaster(**FAST).fit(panel)
    model = SequenceForecaster(**FAST).fit({**panel, "c": pd.Series(value, index)})
    assert model._fitted.still.tolist() == [[False], [False], [True]]
    forecast = model.predict()
    bounds = model.predict_interval(coverage=0.9)
    quantiles = model.predict_quantiles(quantiles=[0.1, 0.5, 0.9])
    assert (forecast["c"] == value).all()
    assert (bounds["c"].to_numpy() == value).all()
    assert (quantiles["c"].to_numpy() == value).all()
    # as if it were not there, the transform's moments too (their target
    # mean read the constant's rows: 26.8 against 39.7 alone)
    np.testing.assert_allclose(
        model._fitted.windows.target_mean, alone._fitted.windows.target_mean
    )
    # its windows train nothing: the same batches, the same fit (beside a
    # trend, its rows in the moments moved the others' forecasts by up to 1.6
    # and their 90% interval widths by up to 6.3)
    for key in "ab":
        np.testing.assert_allclose(forecast[key], alone.predict()[key], rtol=1e-9)
        width = bounds[key]["upper"] - bounds[key]["lower"]
        expected = alone.predict_interval(coverage=0.9)[key]
        np.testing.assert_allclose(
            width, expected["upper"] - expected["lower"], rtol=1e-9
        )
        assert (width > 0).all()


def test_a_still_series_is_held_while_it_stays_and_forecast_once_it_moves():
    from skseq.forecasting._rolling import rolling_forecasts

    panel, index = _panel(120)
    steps = np.r_[np.full(100, 5.0), 5.0 + np.arange(1, 21)]  # moves at step 100
    full = {**panel, "c": pd.Series(steps, index)}
    model = SequenceForecaster(**FAST).fit({k: one[:90] for k, one in full.items()})
    actual, forecast, first_times, (bounds,) = rolling_forecasts(
        model._fitted, model.net_, {"c": full["c"][90:]}, coverages=(0.8,)
    )
    flat = first_times <= index[100]  # windows of fives alone
    assert flat.sum() == 11 and (~flat).sum() == 20 - 1  # origins 91..120
    np.testing.assert_array_equal(forecast[flat], 5.0)
    np.testing.assert_array_equal(bounds[flat], 5.0)
    moved = forecast[~flat]
    assert (moved[:, 0, 0] > 5.0).mean() > 0.5  # the model's, not the value
    assert (bounds[~flat][..., 1] > bounds[~flat][..., 0]).all()
    # a whole panel scores, the still series' held forecasts among them
    assert np.isfinite(model.score({k: one[90:] for k, one in full.items()}))


def test_only_a_fitted_still_series_at_its_training_value_is_held():
    panel, index = _panel()
    model = SequenceForecaster(**FAST).fit({**panel, "c": pd.Series(-2.7, index)})
    np.testing.assert_array_equal(model.predict()["c"], -2.7)  # exactly
    # a new series' flat window is no evidence that it never moves (an
    # intermittent series' windows are often flat): the model forecasts it
    new = {"n": pd.Series(3.0, index), "c": pd.Series(9.0, index)}
    bounds = model.predict_interval(y=new)
    for key in new:  # nor is the still series once it has moved
        assert (bounds[key]["upper"] > bounds[key]["lower"]).all()
    again = model.predict_interval(y={"c": pd.Series(-2.7, index)})["c"]
    np.testing.assert_array_equal(again, -2.7)
    # a flat window has no step to be its unit: its value times the moving
    # series' typical step per level (its value alone: 100 gave 105, 82, 66)
    flat = model.predict(y={"n": pd.Series(100.0, index)})["n"]
    assert (np.abs(flat - 100.0) < 3.0).all()


def test_a_still_series_sets_no_window_and_holds_no_window_out():
    # hourly: two short moving series, a long constant one; before, the
    # constant series' windows let a whole day be the window, which left
    # the short ones no training window, and the intervals no calibration
    index = pd.date_range("2024-01-01", periods=400, freq="h")
    rng = np.random.default_rng(0)
    t = np.arange(71)
    moving = {
        key: pd.Series(10 + np.sin(t / 3 + shift) + rng.normal(0, 0.1, 71), index[:71])
        for key, shift in (("a", 0.0), ("b", 1.0))
    }
    params = dict(FAST, horizon=24, validation_fraction=0.1)
    alone = SequenceForecaster(**params).fit(moving)
    model = SequenceForecaster(**params).fit({**moving, "c": pd.Series(7.0, index)})
    assert model.window_length_ == alone.window_length_ < 24
    bounds = model.predict_interval(coverage=0.8)
    assert (bounds["a"]["upper"] > bounds["a"]["lower"]).all()
    assert (bounds["c"].to_numpy() == 7.0).all()
    # validation_fraction leaves the moving series no held-out window: their
    # intervals read the naive forecast's errors, the still series' none
    short = SequenceForecaster(**dict(params, validation_fraction=0.03)).fit(
        {**moving, "c": pd.Series(7.0, index)}
    )
    with pytest.warns(UserWarning, match="naive forecast's errors"):
        bounds = short.predict_interval(coverage=0.8)
    assert (bounds["a"]["upper"] > bounds["a"]["lower"]).all()
    assert (bounds["c"].to_numpy() == 7.0).all()
    # with quantile heads (whose correction needs held-out windows) the
    # message says the still series hold none out either
    heads = short.set_params(quantiles=[0.1, 0.5, 0.9])
    heads.fit({**moving, "c": pd.Series(7.0, index)})
    with pytest.raises(ValueError, match="series that never change hold none out"):
        heads.predict_interval()


def test_a_single_series_and_a_panel_of_still_series_forecast_their_values():
    _, index = _panel()
    both = {"c": pd.Series(7.0, index), "z": pd.Series(0.0, index)}
    model = SequenceForecaster(**FAST).fit(both)  # nothing else to train on
    forecast = model.predict()
    assert (forecast["c"] == 7.0).all() and (forecast["z"] == 0.0).all()
    single = SequenceForecaster(**FAST).fit(pd.Series(7.0, index))
    assert single._fitted.still is None
    np.testing.assert_allclose(single.predict(), 7.0)


def test_a_still_series_too_short_for_the_window_cuts_it_or_is_refused():
    panel, index = _panel()  # the moving series alone choose a longer window
    alone = SequenceForecaster(**FAST).fit(panel).window_length_
    short = SequenceForecaster(**FAST).fit({**panel, "c": pd.Series(7.0, index[:8])})
    assert 2 <= short.window_length_ == 8 - 3 < alone
    assert (short.predict()["c"] == 7.0).all()
    # one too short for any window is named, as a moving one would be
    with pytest.raises(ValueError, match=r"y\['c'\] has 4 observations"):
        SequenceForecaster(**FAST).fit({**panel, "c": pd.Series(7.0, index[:4])})


def test_a_still_value_from_a_float32_store_is_its_float64_value(tmp_path):
    from skseq.io import StoredSequences

    panel, _ = _panel()
    values = np.concatenate([panel["a"], np.full(90, 0.1), panel["b"]])
    np.save(tmp_path / "y.npy", values[:, None].astype(np.float32))
    store = StoredSequences(
        np.load(tmp_path / "y.npy", mmap_mode="r"), lengths=[90] * 3, flat=True
    )
    model = SequenceForecaster(**FAST).fit(store)
    assert model._fitted.still.tolist() == [[False], [True], [False]]
    bounds = model.predict_interval(y={1: np.full(20, 0.1)})[1].to_numpy()
    np.testing.assert_allclose(bounds, 0.1, rtol=1e-15)  # held, of no width
    # its rows, read a block at a time, leave the moments as without it
    moving = np.delete(values, np.s_[90:180])[:, None].astype(np.float32)
    np.save(tmp_path / "moving.npy", moving)
    moving = StoredSequences(
        np.load(tmp_path / "moving.npy", mmap_mode="r"), lengths=[90] * 2, flat=True
    )
    expected = SequenceForecaster(**FAST).fit(moving)._fitted.windows.target_mean
    np.testing.assert_allclose(model._fitted.windows.target_mean, expected)


def test_a_still_series_that_moves_is_forecast_in_its_window_s_unit():
    # its training unit is its level: a move of 0.01 on a level of 100 was
    # read as steps of 100 (forecast 140 to 180, the naive error 0.01)
    panel, index = _panel(120)
    rng = np.random.default_rng(3)
    moving = 100 + np.cumsum(rng.normal(0, 0.01, 30))
    c = pd.Series(np.r_[np.full(90, 100.0), moving], index)
    model = SequenceForecaster(**FAST).fit(
        {**{k: v[:90] for k, v in panel.items()}, "c": c[:90]}
    )
    forecast = model.predict(y={"c": c})["c"]
    assert (np.abs(forecast - c.iloc[-1]) < 0.5).all()
    # the same in rolling forecasts: the held ones exact, then close
    from skseq.forecasting._rolling import rolling_forecasts

    actual, forecast, first_times, _ = rolling_forecasts(
        model._fitted, model.net_, {"c": c[90:]}
    )
    np.testing.assert_array_equal(forecast[0], 100.0)  # its window: all 100
    known = ~np.isnan(actual)
    assert np.abs(forecast - actual)[known].max() < 0.5


def test_a_flat_new_window_takes_the_moving_series_step_per_level():
    from skseq.forecasting._units import window_units

    panel, index = _panel()
    rng = np.random.default_rng(4)
    sales = np.r_[rng.integers(0, 5, 60), np.zeros(30)]  # ends with no sales
    model = SequenceForecaster(**FAST).fit(
        {"a": panel["a"], "z": pd.Series(sales, index)}
    )
    fitted = model._fitted
    level = np.abs(fitted.roles.arrange(fitted.tails[0].values)[:, 0]).mean()
    unit = window_units(fitted, np.full((1, fitted.window_length, 1), 100.0))
    # the series at 0 has no ratio: a's alone (before: the median of a's and
    # an infinite one, which fell back to the value, 100)
    np.testing.assert_allclose(unit[0], 100 * fitted.units[0] / level)
    assert unit[0, 0] < 20


def test_still_series_sway_neither_the_phase_test_nor_the_trend_rule():
    from skseq.forecasting._phases import shows_season
    from skseq.utils._series import check_series

    # a weak season: found in the seasonal series alone; before, the ties
    # of three constant series in every phase hid it (p 0.045 -> 0.094)
    rng = np.random.default_rng(0)
    months = pd.period_range("2015-01", periods=60, freq="M")
    wave = 10 + 1.5 * np.sin(2 * np.pi * np.arange(60) / 12) + rng.normal(size=60)
    seasonal = check_series(pd.Series(wave, months))
    constants = [check_series(pd.Series(5.0, months)) for _ in range(3)]
    assert shows_season([seasonal], 12, [seasonal.columns[0]])
    assert shows_season([seasonal, *constants], 12, [seasonal.columns[0]])
    # a trend beside two constant series: the series' own scale (None) is
    # not tried, as for the trend alone (before, one series in three trended)
    index = pd.date_range("2024-01-01", periods=90, freq="D")
    trend = pd.Series(10 + 0.5 * np.arange(90) + rng.normal(size=90), index)
    for panel in ({"t": trend}, {"t": trend, "c": trend * 0 + 3, "d": trend * 0}):
        model = SequenceForecaster(**FAST, method="linear").fit(panel)
        assert None not in {ridge.scaler.normalize for ridge in model._fitted.ridges}
