"""What forecasts: the network, the ridges, their mean, or a held-out choice."""

import types
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import skseq
from skseq import SequenceForecaster
from skseq.forecasting._judged import error_share
from skseq.forecasting._methods import (
    NETWORK_OPTIMISM,
    average,
    choose_method,
    confidence_set,
    methods_to_compare,
    naive,
    seasonal_naive,
)

QUICK = dict(max_epochs=3, hidden_size=8, random_state=0)


def smoothing_part(fitted):
    """The smoothing part's forecast from the end of the training series."""
    return np.stack([m.forecast(fitted.horizon) for m in fitted.smoothing], 1)[None]


def monthly(values):
    index = pd.period_range("1990-01", periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=index)


def test_naive_and_seasonal_naive_repeat_the_end_of_the_window():
    window = np.arange(10.0).reshape(1, 10, 1)
    assert naive(window, 3, 1).ravel().tolist() == [9.0, 9.0, 9.0]
    # season 4: steps 1..6 repeat 6, 7, 8, 9, then 6, 7 again
    assert seasonal_naive(window, 6, 1, 4).ravel().tolist() == [6, 7, 8, 9, 6, 7]


def test_a_rule_weighs_as_much_as_the_window_models_together():
    actual = np.zeros((1, 2, 1))
    forecasts = {
        "network": [np.full((1, 2, 1), 1.0)],
        "linear": [np.full((1, 2, 1), 2.0), np.full((1, 2, 1), 6.0)],
        "seasonal": [np.full((1, 2, 1), 9.0)],
    }
    methods = [("network", "linear"), ("linear", "seasonal")]
    methods.append(("network", "linear", "seasonal"))
    _, errors = choose_method(methods, forecasts, actual)
    # the models' mean, then half of it and half the rule's forecast (each
    # part once: 3, 5.67 and 4.5)
    assert errors == {
        "network+linear": 3.0,
        "linear+seasonal": 6.5,  # (2 + 6) / 2 = 4, then (4 + 9) / 2
        "network+linear+seasonal": 6.0,  # (1 + 2 + 6) / 3 = 3, then (3 + 9) / 2
    }


def test_the_smoothing_part_takes_its_share_of_the_window_models_mean():
    parts = [("network", 1.0), ("linear", 2.0), ("linear", 3.0), ("smoothing", 6.0)]
    assert average(parts, False) == 3.0  # no share: one part among four
    assert average(parts, False, 0.25) == 0.75 * 2.0 + 0.25 * 6.0
    # the window models weigh together what they did against a rule
    with_rule = [*parts, ("seasonal", 4.0)]
    assert average(with_rule, True, 0.25) == (3.0 + 4.0) / 2
    assert average(with_rule, False, 0.25) == (4 * 3.0 + 4.0) / 5
    assert average([("smoothing", 6.0), ("seasonal", 4.0)], True, 0.25) == 5.0


def test_a_share_is_the_other_models_squared_error_over_both():
    # an error three times the other models' gives a tenth, equal ones half
    share = pytest.approx
    assert error_share([np.array([1.0, 1.0])], np.array([3.0, 3.0])) == share(0.1)
    assert error_share([np.array([3.0, 3.0])], np.array([1.0, 1.0])) == share(0.9)
    assert error_share([np.ones(2), np.full(2, 3.0)], np.full(2, 2.0)) == share(0.5)
    assert error_share([np.ones(2)], np.array([np.nan, 3.0])) == share(0.1)
    assert error_share([], np.full(2, 3.0)) == share(0.5)  # nothing else: half
    assert error_share([np.zeros(2)], np.zeros(2)) == 0.5
    assert error_share([np.ones(2)], np.zeros(2)) == 1.0
    # errors whose squares overflow or underflow a float keep their ratio
    assert error_share([np.ones(2)], np.full(2, 1e200)) == share(0.0, abs=1e-300)
    assert error_share([np.full(2, 1e200)], np.ones(2)) == share(1.0)
    assert error_share([np.full(2, 1e-170)], np.full(2, 3e-170)) == share(0.1)


def test_the_rules_take_their_share_of_the_forecast():
    parts = [("network", 1.0), ("linear", 3.0), ("seasonal", 6.0)]
    assert average(parts, True) == (2.0 + 6.0) / 2  # no share: half
    assert average(parts, True, rule_weight=0.25) == 0.75 * 2.0 + 0.25 * 6.0
    assert average(parts, False, rule_weight=0.25) == 10.0 / 3  # each part once
    assert average(parts[:2], True, rule_weight=0.25) == 2.0  # no rule to weigh


def test_candidates_hold_the_seasonal_naive_only_when_a_season_fits():
    assert ("seasonal",) in methods_to_compare(12, 24)
    assert ("seasonal",) not in methods_to_compare(12, 8)
    assert ("seasonal",) not in methods_to_compare(None, 24)
    assert ("network", "naive") in methods_to_compare(None, 24)


def test_an_exact_season_is_forecast_by_the_seasonal_naive():
    season = np.array([3.0, 5, 9, 4, 1, 7, 8, 2, 6, 5, 3, 4])
    y = monthly(np.tile(season, 12))
    model = SequenceForecaster(horizon=6, method="select", **QUICK).fit(y)
    # the seasonal naive makes no error on the held-out windows; every other
    # candidate does
    assert model.method_ == "seasonal"
    assert model.held_out_errors_["seasonal"] == 0
    assert min(v for k, v in model.held_out_errors_.items() if k != "seasonal") > 0
    np.testing.assert_allclose(model.predict().to_numpy(), season[:6], atol=1e-9)
    intervals = model.predict_interval(coverage=0.8)
    np.testing.assert_allclose(intervals["upper"] - intervals["lower"], 0, atol=1e-9)


def test_the_chosen_method_has_the_lowest_held_out_error():
    rng = np.random.default_rng(0)
    y = monthly(np.cumsum(rng.normal(size=150)) + 50)
    # a window of two years, which the seasonal naive forecast needs
    model = SequenceForecaster(24, horizon=3, method="select", **QUICK).fit(y)
    errors = model.held_out_errors_
    assert {"network", "linear", "naive", "seasonal", "linear+naive"} <= set(errors)
    assert errors[model.method_] == min(errors.values())


def test_fixed_methods_are_kept_and_auto_needs_held_out_windows():
    y = monthly(np.tile(np.arange(12.0), 10))
    for method in ("network", "linear", "network+linear"):
        model = SequenceForecaster(horizon=2, method=method, **QUICK).fit(y)
        assert model.method_ == method and model.held_out_errors_ is None
    select = dict(horizon=2, method="select", validation_fraction=0, **QUICK)
    # it was silent: the choice the user asked for is not made
    with pytest.warns(UserWarning, match="method='select' chooses on the held-out"):
        model = SequenceForecaster(**select).fit(y)
    assert model.method_ == "network" and model.held_out_errors_ is None


def test_the_confidence_set_drops_only_models_clearly_worse_than_the_best():
    rng = np.random.default_rng(0)
    best = rng.gamma(2.0, size=60)
    equal = best + rng.normal(scale=0.3, size=60)  # as good, up to noise
    worse = best + 1.0 + rng.normal(scale=0.3, size=60)
    assert confidence_set([best, equal, worse], horizon=3) == [0, 1]
    # the best need not come first
    assert confidence_set([worse, equal, best], horizon=3) == [1, 2]
    # fewer than two blocks to compare: no evidence, every model kept
    assert confidence_set([best[:9], worse[:9]], horizon=3) == [0, 1]
    # worse on average, but only within the spread of its blocks: kept
    errors = np.ones((2, 24))
    # 8 blocks of 3 windows; blocks 7, 5, 3 and 1 are compared
    errors[1] += np.repeat([0.8, 0.8, -0.4, -0.4] * 2, 3)
    assert confidence_set(errors, horizon=3) == [0, 1]
    assert confidence_set(errors + [[0], [2.0]], horizon=3) == [0]
    # a model whose errors are not finite is dropped, without a warning
    assert confidence_set([best, equal * np.nan], horizon=3) == [0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert confidence_set([best, equal * np.inf], horizon=3) == [0]


def test_the_confidence_set_compares_blocks_that_share_no_target_step():
    # errors of equally good models over overlapping windows (each the mean
    # of its horizon's steps) are correlated; blocks two apart share no step
    rng = np.random.default_rng(0)
    horizon, n, dropped = 12, 120, 0
    for _ in range(400):
        steps = np.abs(rng.normal(size=(2, n + horizon - 1)))
        kernel = np.ones(horizon) / horizon
        errors = [np.convolve(one, kernel, "valid") for one in steps]
        dropped += len(confidence_set(errors, horizon)) < 2
    # one-sided 0.975 on whichever model is worse: 5% of the pairs
    assert dropped / 400 < 0.09


def test_the_confidence_set_blocks_a_panel_series_by_series():
    rng = np.random.default_rng(0)
    errors = rng.gamma(2.0, size=(3, 17)) + [[0.0], [0.2], [0.6]]
    counts = [7, 2, 8]  # three series' windows, the second fewer than horizon
    ends = np.cumsum(counts)[:-1]
    parts = np.split(errors, ends, axis=1)
    kept = confidence_set(errors, horizon=3, counts=counts)
    # the same in any order of the series (blocks spanning two series moved
    # with it: a panel kept 3 ridges of 4 in one order, 4 in another)
    for order in ([2, 0, 1], [1, 2, 0]):
        swapped = np.concatenate([parts[i] for i in order], axis=1)
        assert confidence_set(swapped, 3, counts=[counts[i] for i in order]) == kept
    # one series' windows alone, as before: blocks from the latest
    assert confidence_set(parts[0], 3, counts=[7]) == confidence_set(parts[0], 3)
    # windows at the same places of several series are one block: a series
    # and its copy are no more evidence than the series alone
    # (as blocks of their own, the copy's cut the bound from 0.15 to 0.06:
    # the model 0.09 worse than the best in the mean was dropped)
    rng = np.random.default_rng(1)
    close = np.array([np.ones(12), 1.1 + rng.normal(0, 0.15, 12)])
    assert confidence_set(close, horizon=2) == [0, 1]
    copied = np.concatenate([close, close], axis=1)
    assert confidence_set(copied, horizon=2, counts=[12, 12]) == [0, 1]
    assert confidence_set(np.tile(close, 4), horizon=2) == [0]  # 4x the blocks
    # series with fewer windows than horizon make one block: no evidence
    clear = np.array([[1.0, 1.1, 0.9], [3.0, 3.2, 2.9]])
    assert confidence_set(clear, horizon=3, counts=[1, 1, 1]) == [0, 1]


def test_a_panel_forecasts_alike_in_any_order_of_its_series():
    rng = np.random.default_rng(0)
    index = pd.period_range("2020-01", periods=60, freq="M")
    sales = {
        key: pd.Series(100 * (i + 1) + np.cumsum(rng.normal(size=60)), index)
        for i, key in enumerate("bac")
    }
    params = dict(QUICK, window_length=5, horizon=2, method="linear")
    first = SequenceForecaster(**params).fit(sales)
    again = SequenceForecaster(**params).fit({key: sales[key] for key in "abc"})
    assert len(first._fitted.ridges) == len(again._fitted.ridges)
    for key in "abc":
        np.testing.assert_allclose(first.predict()[key], again.predict()[key])


def test_a_long_stationary_series_drops_the_ridges_of_relative_windows():
    # a series that returns to its mean within a step or two: windows taken
    # relative to their last value or mean lose that level, and forecast
    # clearly worse than in the series' own scale
    rng = np.random.default_rng(4)
    values = np.empty(1500)
    values[0] = 50.0
    for t in range(1, len(values)):
        values[t] = 50 + 0.2 * (values[t - 1] - 50) + rng.normal()
    model = SequenceForecaster(
        horizon=3, window_length=4, max_epochs=1, random_state=0
    ).fit(pd.Series(values))
    assert [ridge.scaler.normalize for ridge in model._fitted.ridges] == [None]
    assert model.normalize_ is None
    assert model.method_ == "network+linear+smoothing"  # the series whole, kept


def keeping(judged):
    """Return a maker of confidence sets that keep ``indices`` and record."""

    def keep(indices):
        def confidence_set(errors, horizon, counts=None):
            judged.append(len(errors))
            return indices

        return confidence_set

    return keep


def recording(judged):
    """Return a confidence set that records each model's mean error, then judges."""

    def confidence_set_recorded(errors, horizon, counts=None):
        judged.append(np.asarray(errors).mean(axis=1))
        return confidence_set(errors, horizon, counts=counts)

    return confidence_set_recorded


def test_the_network_forecasts_alone_when_no_ridge_is_kept(monkeypatch):
    from skseq.forecasting import _judged

    y = monthly(np.tile(np.arange(12.0), 10) + np.arange(120) / 10)
    judged = []
    keep = keeping(judged)
    monkeypatch.setattr(_judged, "confidence_set", keep([0]))  # the network
    model = SequenceForecaster(horizon=2, **QUICK).fit(y)
    assert judged == [6]  # the network, four ridges, the smoothing part
    assert model.method_ == "network" and model._fitted.ridges == ()
    monkeypatch.setattr(_judged, "confidence_set", keep([2, 4]))  # two ridges
    model = SequenceForecaster(horizon=2, **QUICK).fit(y)
    kept = [ridge.scaler.normalize for ridge in model._fitted.ridges]
    assert model.method_ == "network+linear" and kept == ["last", None]


def test_the_network_is_judged_by_its_held_out_error_raised(monkeypatch):
    # the windows that stopped its training judge it: its error there is
    # raised before the ridges are compared with it; theirs are unchanged.
    # Without early stopping those windows did not choose it: not raised
    from skseq.forecasting import _judged

    judged = []
    monkeypatch.setattr(_judged, "confidence_set", recording(judged))
    y = monthly(np.tile(np.arange(12.0), 10) + np.arange(120) / 10)
    SequenceForecaster(horizon=2, **QUICK).fit(y)
    SequenceForecaster(horizon=2, early_stopping=False, **QUICK).fit(y)
    monkeypatch.setattr(_judged, "NETWORK_OPTIMISM", 1.0)
    for early_stopping in (True, False):
        SequenceForecaster(horizon=2, early_stopping=early_stopping, **QUICK).fit(y)
    # the network, four ridges, the smoothing part
    raised, unstopped, plain, plain_unstopped = judged
    assert NETWORK_OPTIMISM > 1
    assert raised[0] == pytest.approx(NETWORK_OPTIMISM * plain[0], rel=1e-9)
    np.testing.assert_allclose(raised[1:], plain[1:], rtol=1e-9)
    np.testing.assert_allclose(unstopped, plain_unstopped, rtol=1e-9)


@pytest.mark.parametrize("validation_fraction", [0.2, 0])
def test_the_default_forecast_is_the_mean_of_the_network_each_ridge_and_smoothing(
    validation_fraction,
):
    rng = np.random.default_rng(3)
    y = monthly(50 + np.cumsum(rng.normal(size=120)))
    # no phase inputs: the windows below are the series' values alone
    model = SequenceForecaster(
        horizon=3,
        validation_fraction=validation_fraction,
        season_inputs=None,
        **QUICK,
    ).fit(y)
    assert model.method_ == "network+linear+smoothing"
    fitted, windows = model._fitted, y.to_numpy()[None, -model.window_length_ :, None]
    network, _ = fitted.forecast(model.net_, windows, None, method=("network",))
    linear, _ = fitted.forecast(model.net_, windows, None, method=("linear",))
    # the network counts as one forecast, each ridge as another; the
    # exponential smoothing of the whole series takes its share of their mean
    n, weight = len(fitted.ridges), fitted.smoothing_weight
    assert 0 < weight < 1
    if validation_fraction == 0:  # nothing judges it: half
        assert weight == 0.5
    others = (network + n * linear) / (n + 1)
    mean = (1 - weight) * others + weight * smoothing_part(fitted)
    decoded = fitted.values.inverse_transform(mean)
    np.testing.assert_allclose(model.predict().to_numpy(), decoded.ravel(), rtol=1e-9)
    assert np.abs(network - linear).max() > 1e-6  # two different forecasts


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_the_linear_forecast_is_the_mean_of_the_ridges(strategy):
    rng = np.random.default_rng(1)
    t = np.arange(160)
    y = monthly(20 + 0.1 * t + 3 * np.sin(2 * np.pi * t / 12) + rng.normal(size=160))
    model = SequenceForecaster(
        horizon=4, strategy=strategy, season_inputs=None, **QUICK
    ).fit(y)
    fitted = model._fitted
    assert len(fitted.ridges) == 4  # one per normalisation
    windows = y.to_numpy()[None, -fitted.window_length :, None]
    each = [fitted.linear(windows, None, ridges=(r,)) for r in fitted.ridges]
    np.testing.assert_allclose(
        fitted.linear(windows, None), np.mean(each, axis=0), rtol=1e-12
    )
    # the ridges differ: averaging them is not a no-op
    assert np.ptp([e.ravel() for e in each], axis=0).max() > 1e-3


def test_a_chosen_method_survives_save_and_load(tmp_path):
    season = np.array([3.0, 5, 9, 4, 1, 7, 8, 2, 6, 5, 3, 4])
    rng = np.random.default_rng(2)
    y = monthly(np.tile(season, 12) + 0.3 * rng.normal(size=144))
    model = SequenceForecaster(horizon=3, method="select", **QUICK).fit(y)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded.method_ == model.method_
    pd.testing.assert_series_equal(loaded.predict(), model.predict())
    pd.testing.assert_frame_equal(loaded.predict_interval(), model.predict_interval())


def test_the_fitted_state_refuses_methods_it_cannot_forecast():
    y = monthly(np.tile(np.arange(12.0), 10))
    fitted = SequenceForecaster(horizon=2, method="network", **QUICK).fit(y)._fitted
    with pytest.raises(ValueError, match="method must name forecasts"):
        replace(fitted, method=("arima",))
    with pytest.raises(ValueError, match="needs the ridges"):
        replace(fitted, method=("linear",))
    with pytest.raises(ValueError, match="needs a season of 2 to window_length"):
        replace(fitted, method=("seasonal",), season=None)
    with pytest.raises(ValueError, match="needs a season of 2 to window_length"):
        replace(fitted, method=("seasonal",), season=10_000)


def test_ridges_are_kept_only_when_they_forecast():
    y = monthly(np.tile(np.arange(12.0), 10))
    assert (
        SequenceForecaster(horizon=2, method="network", **QUICK).fit(y)._fitted.ridges
        == ()
    )
    # without held-out windows to judge them by, every ridge forecasts
    linear = SequenceForecaster(
        horizon=2, method="linear", validation_fraction=0, **QUICK
    ).fit(y)
    assert len(linear._fitted.ridges) == 4


def hourly(values):
    index = pd.date_range("2024-01-01", periods=len(values), freq="h")
    return pd.Series(np.asarray(values, dtype=float), index=index)


def test_a_daily_season_of_hours_adds_the_seasonal_naive_forecast(tmp_path):
    # 150 hours: the window reads a day, which no phase indicators carry; the
    # seasonal naive forecast is kept with every ridge (no candidate is
    # clearly worse), and the default forecast is the mean of the network and
    # each ridge and the values of the last day, in shares set by their
    # held-out errors
    rng = np.random.default_rng(5)
    hours = np.arange(150)
    y = hourly(10 + np.where(hours % 24 < 8, 0.0, 3.0) + rng.normal(0, 0.3, 150))
    model = SequenceForecaster(horizon=6, **QUICK).fit(y)
    assert model.window_length_ == 24
    assert model.method_ == "network+linear+seasonal+smoothing"
    fitted, windows = model._fitted, y.to_numpy()[None, -24:, None]
    parts = {
        name: fitted.forecast(model.net_, windows, None, method=(name,))[0]
        for name in ("network", "linear", "seasonal")
    }
    n, weight = len(fitted.ridges), fitted.smoothing_weight
    # the smoothing part is a model: its share of their mean
    others = (parts["network"] + n * parts["linear"]) / (n + 1)
    models = (1 - weight) * others + weight * smoothing_part(fitted)
    rule = fitted.rule_weight
    assert 0.2 < rule < 0.8
    mean = (1 - rule) * models + rule * parts["seasonal"]
    decoded = fitted.values.inverse_transform(mean)
    np.testing.assert_allclose(model.predict().to_numpy(), decoded.ravel(), rtol=1e-9)
    np.testing.assert_allclose(  # yesterday's values at those hours
        fitted.values.inverse_transform(parts["seasonal"]).ravel(),
        y.to_numpy()[-24:-18],
    )
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded.method_ == model.method_
    pd.testing.assert_series_equal(loaded.predict(), model.predict())
    # a method given is what it names
    given = SequenceForecaster(horizon=6, method="network+linear", **QUICK).fit(y)
    assert given.method_ == "network+linear"


def test_a_day_that_repeats_exactly_is_forecast_by_the_seasonal_naive():
    # yesterday's values make no error on the held-out windows, the network
    # of three epochs does: the seasonal naive forecast takes all of the
    # forecast, where a fixed half would keep the network's errors in it
    y = hourly(10 + np.where(np.arange(150) % 24 < 8, 0.0, 3.0))
    model = SequenceForecaster(horizon=6, **QUICK).fit(y)
    fitted, window = model._fitted, y.to_numpy()[None, -24:, None]
    assert "seasonal" in model.method_.split("+")
    assert fitted.rule_weight > 0.999
    network = fitted.forecast(model.net_, window, None, method=("network",))[0]
    network = fitted.values.inverse_transform(network).ravel()
    yesterday = y.to_numpy()[-24:-18]
    assert np.abs(network - yesterday).max() > 1e-3
    np.testing.assert_allclose(model.predict().to_numpy(), yesterday, atol=1e-6)


@pytest.mark.parametrize("kept", [[0, 1, 2, 3, 4, 5, 6], [0, 5], [1, 3, 5, 6]])
def test_the_seasonal_naive_share_reads_its_own_errors(monkeypatch, kept):
    # the errors judged are the network's, four ridges', the seasonal naive
    # forecast's (index 5) and the smoothing part's (6); the share of the
    # seasonal naive forecast weighs its errors against the window models
    # kept, whichever ridges are dropped
    from skseq.forecasting import _judged

    judged, shares = [], []
    real_share = _judged.error_share

    def confidence_set(errors, horizon, counts=None):
        judged.append([np.asarray(e) for e in errors])
        return kept

    def error_share(models, part):
        shares.append(([np.asarray(m) for m in models], np.asarray(part)))
        return real_share(models, part)

    monkeypatch.setattr(_judged, "confidence_set", confidence_set)
    monkeypatch.setattr(_judged, "error_share", error_share)
    y = hourly(10 + np.where(np.arange(150) % 24 < 8, 0.0, 3.0))
    y = y + np.random.default_rng(0).normal(0, 0.3, 150)
    model = SequenceForecaster(horizon=6, **QUICK).fit(y)
    (errors,) = judged
    assert len(errors) == 7 and "seasonal" in model.method_.split("+")
    # the network and the ridges kept, and the smoothing part where kept
    expected = [errors[0]] + [errors[i] for i in kept if 0 < i < 5]
    if 6 in kept:  # its own share comes first
        (_, smoothing_part), (models, part) = shares
        np.testing.assert_array_equal(smoothing_part, errors[6])
        expected.append(errors[6])
    else:
        ((models, part),) = shares
    np.testing.assert_array_equal(part, errors[5])
    assert len(models) == len(expected)
    for got, want in zip(models, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_the_seasonal_naive_forecast_is_judged_with_the_ridges(monkeypatch):
    from skseq.forecasting import _judged

    y = hourly(10 + np.where(np.arange(150) % 24 < 8, 0.0, 3.0))
    judged = []
    keep = keeping(judged)
    # the network, four ridges, the seasonal naive forecast (index 5), the
    # smoothing part (6)
    monkeypatch.setattr(_judged, "confidence_set", keep([0, 5]))
    model = SequenceForecaster(horizon=6, **QUICK).fit(y)
    assert judged == [7]
    assert model.method_ == "network+seasonal" and model._fitted.ridges == ()
    monkeypatch.setattr(_judged, "confidence_set", keep([0, 1, 3]))
    model = SequenceForecaster(horizon=6, **QUICK).fit(y)
    kept = [ridge.scaler.normalize for ridge in model._fitted.ridges]
    assert model.method_ == "network+linear" and kept == ["standard", "mean"]
    # monthly series (phase indicators) do not get it: six candidates
    monthly_values = np.tile(np.arange(12.0), 10) + np.arange(120) / 10
    SequenceForecaster(horizon=2, **QUICK).fit(monthly(monthly_values))
    assert judged[-1] == 6


def test_a_seasonal_naive_forecast_clearly_worse_is_dropped(monkeypatch):
    # 3,000 hours without a daily profile (an AR(1) series): on its many
    # held-out windows yesterday's values forecast clearly worse than the
    # ridges, and the confidence set drops them
    from skseq.forecasting import _judged

    judged = []
    monkeypatch.setattr(_judged, "confidence_set", recording(judged))
    rng = np.random.default_rng(6)
    values = np.empty(3000)
    values[0] = 0.0
    for t in range(1, len(values)):
        values[t] = 0.8 * values[t - 1] + rng.normal()
    model = SequenceForecaster(horizon=3, **QUICK).fit(hourly(values))
    assert model.window_length_ == 48
    # the network, four ridges, the seasonal naive forecast, the smoothing part
    (errors,) = judged
    assert len(errors) == 7 and errors[5] > 1.5 * np.delete(errors, 5).max()
    assert "seasonal" not in model.method_.split("+")


def test_a_season_of_weeks_weighs_the_seasonal_naive_forecast_as_one_part():
    # 52 weeks are no whole year: the seasonal naive forecast counts once, as
    # each ridge does, not half the forecast as a day's does
    rng = np.random.default_rng(0)
    weeks = np.arange(260)
    values = 20 + 3 * np.sin(2 * np.pi * weeks / 52.18) + rng.normal(0, 0.3, 260)
    index = pd.date_range("2000-01-02", periods=260, freq="W")
    model = SequenceForecaster(horizon=8, **QUICK).fit(pd.Series(values, index))
    fitted = model._fitted
    assert model.window_length_ == 52 and not fitted.models_first
    assert model.method_ == "network+linear+seasonal+smoothing"
    window = values[None, -52:, None]
    parts = {
        name: fitted.forecast(model.net_, window, None, method=(name,))[0]
        for name in ("network", "linear", "seasonal")
    }
    # the window models (the network, each ridge, the smoothing part by its
    # share) weigh n + 2 parts, the seasonal naive forecast one
    n, weight = len(fitted.ridges), fitted.smoothing_weight
    others = (parts["network"] + n * parts["linear"]) / (n + 1)
    models = (1 - weight) * others + weight * smoothing_part(fitted)
    flat = ((n + 2) * models + parts["seasonal"]) / (n + 3)
    decoded = fitted.values.inverse_transform(flat).ravel()
    np.testing.assert_allclose(model.predict().to_numpy(), decoded, rtol=1e-9)


@pytest.mark.parametrize("freq, season, expected", [("h", 24, True), ("W", 52, False)])
def test_select_averages_its_pairs_as_the_fit_forecasts(
    monkeypatch, freq, season, expected
):
    # method="select" judges each pair by the mean its forecast would be: the
    # seasonal naive forecast half of it for a day, one part for weeks
    from skseq.forecasting import _judged

    seen = []

    def spy(methods, forecasts, actual, models_first=True):
        seen.append(models_first)
        return choose_method(methods, forecasts, actual, models_first)

    monkeypatch.setattr(_judged, "choose_method", spy)
    steps = np.arange(260)
    values = 20 + 3 * np.sin(2 * np.pi * steps / season) + np.cos(steps)
    index = pd.date_range("2000-01-02", periods=260, freq=freq)
    model = SequenceForecaster(horizon=4, method="select", **QUICK)
    model.fit(pd.Series(values, index))
    assert seen == [expected] and model._fitted.models_first is expected


@pytest.mark.parametrize(
    "trend, tried",
    [(0.5, ["standard", "last", "mean"]), (0.0, ["standard", "last", "mean", None])],
)
def test_the_series_own_scale_is_not_tried_on_a_trend(trend, tried):
    # a trend ends above every earlier value: a ridge (or network) in the
    # series' own scale would forecast from levels it never trained on
    rng = np.random.default_rng(0)
    values = trend * np.arange(120) + rng.normal(size=120)
    model = SequenceForecaster(
        horizon=3,
        window_length=6,
        method="linear",
        validation_fraction=0,
        max_epochs=1,
        random_state=0,
    ).fit(pd.Series(values))
    assert [ridge.scaler.normalize for ridge in model._fitted.ridges] == tried


@pytest.mark.parametrize(
    "window, covariate, standard", [(5, True, False), (5, False, True), (6, True, True)]
)
def test_windows_too_short_for_their_spread_drop_standard_with_covariates(
    monkeypatch, window, covariate, standard
):
    # "standard" divides the targets by the window's spread, not the user's
    # covariates: spread from fewer than 6 steps varies too much for one
    # coefficient to carry a covariate's effect (benchmarks/README.md)
    from skseq.forecasting import _judged

    def keep_all(errors, horizon, counts=None):
        return list(range(len(errors)))

    monkeypatch.setattr(_judged, "confidence_set", keep_all)
    rng = np.random.default_rng(0)
    promo = (rng.random(124) < 0.3).astype(float)
    values = 50 + np.cumsum(rng.normal(0, 0.5, 124)) + 10 * promo
    index = pd.date_range("2020-01-06", periods=124, freq="W-MON")
    X = pd.DataFrame({"promo": promo}, index) if covariate else None
    model = SequenceForecaster(
        horizon=4,
        window_length=window,
        future_covariates=["promo"] if covariate else None,
        max_epochs=1,
        random_state=0,
    ).fit(pd.Series(values, index), X)
    kept = {ridge.scaler.normalize for ridge in model._fitted.ridges}
    assert ("standard" in kept) is standard
    assert {"last", "mean"} <= kept


def test_without_held_out_windows_short_windows_with_covariates_are_not_standard():
    rng = np.random.default_rng(0)
    promo = (rng.random(40) < 0.3).astype(float)
    values = 50 + np.cumsum(rng.normal(0, 0.5, 40)) + 10 * promo
    index = pd.date_range("2020-01-06", periods=40, freq="W-MON")
    X = pd.DataFrame({"promo": promo}, index)
    y = pd.Series(values, index)
    params = dict(horizon=4, validation_fraction=0, max_epochs=1, random_state=0)
    for covariates, window, expected in [(X, 4, "mean"), (None, 4, "standard")]:
        model = SequenceForecaster(
            window_length=window,
            future_covariates=None if covariates is None else ["promo"],
            **params,
        ).fit(y, covariates)
        assert model.normalize_ == expected
    model = SequenceForecaster(
        window_length=6, future_covariates=["promo"], **params
    ).fit(y, X)
    assert model.normalize_ == "standard"


def test_a_network_whose_training_diverged_is_left_out_with_a_warning():
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-01", periods=120, freq="D")
    y = pd.Series(10 + np.sin(np.arange(120) * 2 * np.pi / 7), index)
    y += rng.normal(0, 0.2, 120)
    train, test = y[:-7], y[-7:].to_numpy()
    model = SequenceForecaster(horizon=7, lr=3.0, max_epochs=20, random_state=0)
    with pytest.warns(UserWarning, match="times the error of the best other"):
        model.fit(train)
    assert "network" not in model.method_ and "linear" in model.method_
    assert np.abs(model.predict().to_numpy() - test).mean() < 0.5
    # the smoothing part's share is set against the ridges alone (near 1
    # with the left-out network's error counted among theirs)
    assert model.method_ == "linear+smoothing"
    assert 0.2 < model._fitted.smoothing_weight < 0.8
    # trained as usual, the network stays
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.set_params(lr=0.01).fit(train)
    assert "network" in model.method_


def test_a_diverged_network_is_left_out_where_smoothing_is_the_best_part():
    # an exact sine: every ridge is dropped for the smoothing part, which
    # alone then forecasts
    y = pd.Series(10 + 3 * np.sin(2 * np.pi * np.arange(300) / 12))
    model = SequenceForecaster(horizon=6, lr=3.0, max_epochs=10, random_state=0)
    with pytest.warns(UserWarning, match="left out of method_"):
        model.fit(y)
    assert model.method_ == "smoothing"


def test_a_network_with_no_finite_held_out_error_is_left_out():
    from skseq.forecasting._judged import _diverged

    fitted = types.SimpleNamespace(quantiles=None)
    good, bad = np.full(6, 0.3), np.full(6, np.nan)
    with pytest.warns(UserWarning, match="no finite error"):
        assert _diverged(fitted, [bad, good, good * 2])
    with pytest.warns(UserWarning, match="1e\\+03 times"):  # a NaN ridge aside
        assert _diverged(fitted, [good * 1000, bad, good])
    assert not _diverged(fitted, [good * 3, good])  # within 4 times
    assert not _diverged(fitted, [bad, bad])  # nothing to compare with
    assert not _diverged(types.SimpleNamespace(quantiles=(0.1, 0.5, 0.9)), [bad, good])


def test_a_diverged_network_asked_for_alone_warns_and_stays():
    # method="network" forecast 50 times the series' level without a word,
    # where "auto" warns and drops the network
    y = pd.Series(10 + 3 * np.sin(2 * np.pi * np.arange(300) / 12))
    model = SequenceForecaster(
        horizon=6, method="network", lr=3.0, max_epochs=10, random_state=0
    )
    with pytest.warns(UserWarning, match=r"and stays \(method='network'\)"):
        model.fit(y)
    assert model.method_ == "network"
