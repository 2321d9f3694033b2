"""A target that never changes beside targets that move (_units)."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.forecasting._conformal import ConformalCalibration, _adaptive_margins
from skseq.forecasting._ranks import higher_quantile, quantile_rank, spread_bound
from skseq.forecasting._rolling import rolling_forecasts

FAST = dict(max_epochs=5, hidden_size=8, random_state=0, horizon=4)


def _panel(value, n=100, seed=0):
    """Three series of targets a and c; c of the first one is ``value``."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n, freq="D")
    t = np.arange(n)

    def one(level, c):
        a = level + 2 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.3, n)
        return pd.DataFrame({"a": a, "c": c}, index)

    walk = [level / 2 + np.cumsum(rng.normal(size=n)) for level in (40, 30)]
    return {
        "s0": one(20, np.full(n, value)),
        "s1": one(40, walk[0]),
        "s2": one(30, walk[1]),
    }, index


@pytest.mark.parametrize("value", [1000.0, 0.0])
def test_a_still_target_is_held_while_its_series_other_target_moves(value):
    # before, only whole series were still: the constant 1000 was read in
    # its level as its unit beside moving targets and forecast 769 to 1201
    # (a constant 0: -0.23 to 0.20)
    panel, _ = _panel(value)
    model = SequenceForecaster(**FAST).fit(panel)
    assert model._fitted.still.tolist() == [[False, True], [False, False]] + [
        [False, False]
    ]
    forecast = model.predict()["s0"]
    bounds = model.predict_interval(coverage=0.8)["s0"]
    quantiles = model.predict_quantiles(quantiles=[0.1, 0.9])["s0"]
    assert (forecast["c"] == value).all()
    assert (bounds["c"].to_numpy() == value).all()
    assert (quantiles["c"].to_numpy() == value).all()
    # its moving target is forecast, with an interval of some width
    assert (bounds["a"]["upper"] > bounds["a"]["lower"]).all()
    assert forecast["a"].nunique() > 1


def test_a_still_target_calibrates_nothing_and_counts_in_no_moment():
    panel, _ = _panel(7.0)
    fitted = SequenceForecaster(**FAST).fit(panel)._fitted
    residuals = fitted.calibration.residuals
    counts = fitted.calibration.counts
    # a's errors in every held-out window, c's in those of s1 and s2 alone
    assert counts[0] == len(residuals) and 0 < counts[1] < counts[0]
    assert np.isnan(residuals[..., 1]).sum() == (len(residuals) - counts[1]) * 4
    # the intervals of c are of its moving series' errors alone
    finite = residuals[~np.isnan(residuals[:, 0, 1]), :, 1]
    level = quantile_rank(len(finite), 0.8) / len(finite)
    np.testing.assert_array_equal(
        fitted.calibration.half_width(0.8)[:, 1],
        np.quantile(np.abs(finite), level, axis=0, method="higher"),
    )
    # its values (7 in a unit of 7: ones) leave c's mean as its moving ones'
    from skseq.forecasting._rows import SeriesRows

    raw = [np.c_[one["a"], one["c"]] for one in panel.values()]
    rows, _, still = SeriesRows.in_memory(raw).in_units(2)
    means = rows.scaled(2, False, still=still).target_mean
    np.testing.assert_allclose(means[1], rows.values[100:, 1].mean())
    np.testing.assert_allclose(means[0], rows.values[:, 0].mean())


def test_rolling_forecasts_hold_a_still_target_and_adapt_the_other():
    panel, index = _panel(5.0, n=130)
    train = {key: one[:100] for key, one in panel.items()}
    model = SequenceForecaster(**FAST).fit(train)
    test = {"s0": panel["s0"][100:]}
    actual, forecast, _, (bounds,) = rolling_forecasts(
        model._fitted, model.net_, test, coverages=(0.8,)
    )
    np.testing.assert_array_equal(forecast[..., 1], 5.0)
    np.testing.assert_array_equal(bounds[..., 1, :], 5.0)
    known = ~np.isnan(actual[..., 0])
    assert (bounds[..., 0, 1] > bounds[..., 0, 0]).all()
    # a's errors join its quantiles as they become known: its margins are
    # those of a alone (c's held errors take no part)
    inside = (actual[..., 0] >= bounds[..., 0, 0]) & (
        actual[..., 0] <= bounds[..., 0, 1]
    )
    assert 0.5 < inside[known].mean() <= 1.0


def test_adaptive_margins_leave_out_nan_scores_of_one_target_only():
    rng = np.random.default_rng(0)
    held = np.abs(rng.normal(size=(30, 3, 2)))
    new = np.abs(rng.normal(size=(40, 3, 2)))
    new[::3, :, 1] = np.nan  # another rule forecast target 1 at these origins
    both = _adaptive_margins(held, new, 0.8, 0.02)
    # target 0 as if alone (before, a NaN in any target dropped the whole
    # origin: target 0's scores there joined nothing)
    alone = _adaptive_margins(held[..., :1], new[..., :1], 0.8, 0.02)
    np.testing.assert_array_equal(both[..., :1], alone)
    assert not np.isnan(both).any()
    first = np.quantile(
        held[..., 1], quantile_rank(30, 0.8) / 30, axis=0, method="higher"
    )
    np.testing.assert_array_equal(both[0, :, 1], first)


def test_quantiles_leave_out_the_nan_errors_of_each_target():
    rng = np.random.default_rng(1)
    values = rng.normal(size=(41, 3, 2))
    np.testing.assert_array_equal(
        higher_quantile(values, 0.7), np.quantile(values, 0.7, axis=0, method="higher")
    )
    some = values.copy()
    some[:11, :, 1] = np.nan
    level = np.array([0.7, 0.6])
    higher = higher_quantile(some, level)
    np.testing.assert_array_equal(
        higher[:, 0], higher_quantile(values[..., :1], 0.7)[:, 0]
    )
    np.testing.assert_array_equal(
        higher[:, 1], np.quantile(values[11:, :, 1], 0.6, axis=0, method="higher")
    )
    # one-sided offsets: ranks among each target's own windows
    full = ConformalCalibration(values)
    part = ConformalCalibration(some)
    assert part.counts.tolist() == [41, 30]
    np.testing.assert_array_equal(
        part.offsets([0.9])[..., 0], full.offsets([0.9])[..., 0]
    )
    np.testing.assert_array_equal(
        part.offsets([0.1, 0.9])[..., 1],
        ConformalCalibration(values[11:]).offsets([0.1, 0.9])[..., 1],
    )
    # the fewest windows of a target decide what the ranks calibrate; a
    # target whose windows are too few takes the bound on their spread
    assert full.calibrates(0.975) and not part.calibrates(0.975)
    widths = part.half_width(0.975)
    np.testing.assert_array_equal(widths[:, 0], full.half_width(0.975)[:, 0])
    bound = spread_bound(np.abs(values[11:, :, 1:]), 0.9875, [30])
    np.testing.assert_array_equal(widths[:, 1], bound[:, 0])
    lowest = spread_bound(values[11:, :, 1:], 0.02, [30])
    np.testing.assert_array_equal(part.offsets([0.02])[0, :, 1], lowest[:, 0])
    fewer = "2 held-out windows, but there are 1 for a target that never"
    one = values.copy()
    one[1:, :, 1] = np.nan
    with pytest.raises(ValueError, match=fewer):
        ConformalCalibration(one).half_width(0.975)
    with pytest.raises(ValueError, match="there are 1 for a target"):
        ConformalCalibration(one).offsets([0.02])


def test_a_model_saved_with_still_series_holds_them_as_before():
    # models saved before flag whole series: (n_series,)
    panel, index = _panel(7.0)
    panel = {key: one[["c"]] for key, one in panel.items()}
    model = SequenceForecaster(**FAST).fit(panel)
    assert model._fitted.still.tolist() == [[True], [False], [False]]
    expected = model.predict_interval(coverage=0.8)
    from dataclasses import replace

    model._fitted = replace(model._fitted, still=model._fitted.still[:, 0])
    again = model.predict_interval(coverage=0.8)
    for key, frame in expected.items():
        pd.testing.assert_frame_equal(again[key], frame)
    assert (again["s0"].to_numpy() == 7.0).all()


def test_a_target_still_in_every_series_keeps_its_moments():
    # c never changes in any series while a moves: leaving out all of its
    # values made its mean and deviation NaN (0 / 0), and normalize=None
    # diverged at its first epoch
    panel, _ = _panel(3.0)
    panel = {
        key: one.assign(c=float(i + 1)) for i, (key, one) in enumerate(panel.items())
    }
    from skseq.forecasting._rows import SeriesRows

    raw = [np.c_[one["a"], one["c"]] for one in panel.values()]
    rows, _, still = SeriesRows.in_memory(raw).in_units(2)
    assert still[:, 1].all() and not still[:, 0].any()
    scaled = rows.scaled(2, False, still=still)
    np.testing.assert_allclose(scaled.target_mean, rows.values.mean(axis=0))
    np.testing.assert_allclose(scaled.target_std, rows.values.std(axis=0))
    model = SequenceForecaster(**FAST, normalize=None).fit(panel)
    forecast = model.predict()
    assert all((forecast[key]["c"] == i + 1.0).all() for i, key in enumerate(panel))
    assert np.isfinite(forecast["s0"]["a"]).all()


def test_a_recursive_forecast_feeds_a_held_target_back_at_its_value(monkeypatch):
    # found by review: hold_still replaced c only after the whole recursive
    # forecast, so its steps fed back the network's forecast of the constant
    # 1000 (1110, 1190, 1505 after 3 epochs), which a's later steps read
    from skseq.forecasting import _fitted

    panel, _ = _panel(1000.0)
    params = dict(FAST, max_epochs=3, window_length=14, method="network")
    model = SequenceForecaster(**params, strategy="recursive").fit(panel)
    fitted, rows = model._fitted, []
    inputs = _fitted.network_inputs

    def spy(encoded, *args, **kwargs):
        rows.append(encoded[:, -1])  # the last row of each window read
        return inputs(encoded, *args, **kwargs)

    def fed():
        last = np.concatenate(rows)[:, None]
        c = fitted.values.inverse_transform(last)[:, 0, 1] * fitted.units[0, 1]
        rows.clear()
        return c

    monkeypatch.setattr(_fitted, "network_inputs", spy)
    model.predict(y={"s0": panel["s0"]})
    np.testing.assert_allclose(fed(), 1000.0)  # at each of the 4 steps
    model.score({"s0": panel["s0"][-30:]})  # backtests and predict_rolling too
    np.testing.assert_allclose(fed(), 1000.0)


@pytest.mark.parametrize("method", ["auto", "select"])
def test_fit_judges_recursive_forecasts_with_held_targets_fed_back(monkeypatch, method):
    # found by review: the held-out forecasts that choose the method (and
    # normalize="auto", the refit) fed back the network's and the ridges'
    # forecasts of a still target, unlike predict and the calibration
    from skseq.forecasting import _fitted

    panel, _ = _panel(1000.0)
    inputs, fed = _fitted.network_inputs, []

    def spy(encoded, *args, **kwargs):
        # s0's windows (c still in its first rows; the others' c walks)
        c = encoded[..., 1]
        still = (c[:, :4] == c[:, :1]).all(axis=1)
        fed.append(c[still] - c[still, :1])
        return inputs(encoded, *args, **kwargs)

    monkeypatch.setattr(_fitted, "network_inputs", spy)
    params = dict(FAST, max_epochs=3, window_length=14, method=method)
    SequenceForecaster(**params, strategy="recursive").fit(panel)
    fed = np.concatenate([one.ravel() for one in fed])
    assert len(fed) and not fed.any()
