"""Quantile heads: the pinball loss, non-crossing quantiles and CQR intervals."""

import copy

import numpy as np
import pandas as pd
import pytest
import torch

import skseq
from skseq import SequenceForecaster
from skseq.forecasting._bounds import interval_bounds
from skseq.forecasting._conformal import ConformalCalibration
from skseq.model_selection import backtest
from skseq.modules import PinballLoss, WeightedLoss

QUICK = dict(max_epochs=8, hidden_size=8, random_state=0)


def noisy_sine(n, seed=0, noise=0.3):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    index = pd.period_range("1950-01", periods=n, freq="M")
    return pd.Series(np.sin(t / 4) + rng.normal(0, noise, n), index=index, name="y")


@pytest.fixture(scope="module")
def model():
    return SequenceForecaster(
        window_length=12, horizon=3, quantiles=[0.9, 0.1], **QUICK
    ).fit(noisy_sine(300))


# --------------------------------------------------------------- the loss


def test_pinball_loss_known_numbers():
    loss = PinballLoss([0.1, 0.5, 0.9])
    # two targets, levels last: target 0 predicted 0, 1, 2; target 1: 4, 4, 4
    y_pred = torch.tensor([[0.0, 1.0, 2.0, 4.0, 4.0, 4.0]])
    y_true = torch.tensor([[1.0, 2.0]])
    each = PinballLoss([0.1, 0.5, 0.9], reduction="none")(y_pred, y_true)
    # y above q costs level * (y - q), below (1 - level) * (q - y)
    expected = torch.tensor([[[0.1, 0.0, 0.1], [1.8, 1.0, 0.2]]])
    torch.testing.assert_close(each, expected)
    torch.testing.assert_close(loss(y_pred, y_true), expected.mean())
    weighted = WeightedLoss("pinball", quantiles=[0.1, 0.5, 0.9])
    torch.testing.assert_close(weighted(y_pred, y_true), expected.mean())
    # a sample weight scales the mean loss of the sample's outputs
    pair = (y_true, torch.tensor([2.0]))
    torch.testing.assert_close(weighted(y_pred, pair), 2 * expected.mean())


def test_pinball_loss_is_smallest_at_the_quantile():
    y = torch.randn(20000, 1, generator=torch.Generator().manual_seed(0))
    loss = PinballLoss([0.9])
    candidates = torch.linspace(0.5, 2.0, 31)
    costs = [loss(torch.full_like(y, float(c)), y).item() for c in candidates]
    best = candidates[int(np.argmin(costs))].item()
    assert abs(best - torch.quantile(y, 0.9).item()) < 0.06


def test_pinball_loss_refuses_bad_levels():
    with pytest.raises(ValueError, match=r"quantiles must be floats in \(0, 1\)"):
        PinballLoss([0.5, 1.0])


# ------------------------------------------------------------- the heads


def test_heads_shapes_labels_and_linear_path(model):
    assert model.quantiles_ == [0.1, 0.5, 0.9]  # the median added
    module = model.net_.module_
    assert module.head.out_features == 3 * 3  # horizon * levels
    # every level's linear path is the same ridge (the heads learn offsets)
    path = module.linear_path.weight.reshape(3, 3, -1)
    assert path.abs().sum() > 0
    torch.testing.assert_close(path[:, 0], path[:, 1], rtol=0, atol=0)
    torch.testing.assert_close(path[:, 0], path[:, 2], rtol=0, atol=0)
    forecast = model.predict()
    quantiles = model.predict_quantiles(quantiles=[0.1, 0.25, 0.5, 0.9])
    assert list(quantiles.columns) == [0.1, 0.25, 0.5, 0.9]
    assert quantiles.index.equals(forecast.index)
    interval = model.predict_interval(coverage=0.8)
    assert list(interval.columns) == ["lower", "upper"]
    # the 0.1 and 0.9 heads are the bounds of the CQR interval of 80%
    np.testing.assert_allclose(quantiles[0.1], interval["lower"])
    np.testing.assert_allclose(quantiles[0.9], interval["upper"])
    assert (interval["lower"] < forecast).all() and (forecast < interval["upper"]).all()


def test_several_targets_and_many_series():
    rng = np.random.default_rng(0)
    index = pd.period_range("2000-01", periods=150, freq="M")
    frame = pd.DataFrame(rng.normal(size=(150, 2)), index=index, columns=["a", "b"])
    model = SequenceForecaster(
        window_length=6, horizon=2, quantiles=[0.2, 0.8], **QUICK
    ).fit(frame)
    assert model.net_.module_.head.out_features == 2 * 2 * 3
    quantiles = model.predict_quantiles(quantiles=[0.2, 0.8])
    assert list(quantiles.columns) == [("a", 0.2), ("a", 0.8), ("b", 0.2), ("b", 0.8)]
    interval = model.predict_interval(coverage=0.6)
    assert list(interval.columns) == [
        ("a", "lower"),
        ("a", "upper"),
        ("b", "lower"),
        ("b", "upper"),
    ]
    # one series' quantiles do not depend on the others forecast with it
    panel = {"s1": frame["a"], "s2": (frame["b"] + 5).rename("a")}
    many = SequenceForecaster(
        window_length=6, horizon=2, quantiles=[0.2, 0.8], **QUICK
    ).fit(panel)
    both = many.predict_quantiles(y=panel)
    alone = many.predict_quantiles(y={"s2": panel["s2"]})
    pd.testing.assert_frame_equal(both["s2"], alone["s2"])
    assert (both["s2"][0.5] > both["s1"][0.5] + 2).all()


def test_quantiles_do_not_cross_even_when_the_heads_do(model):
    crossed = copy.deepcopy(model)
    bias = crossed.net_.module_.head.bias
    with torch.no_grad():  # the 0.1 head far above the 0.9 head
        bias[0::3] += 5.0
        bias[2::3] -= 5.0
    levels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    values = crossed.predict_quantiles(quantiles=levels).to_numpy()
    assert (np.diff(values, axis=1) >= 0).all()
    interval = crossed.predict_interval(coverage=0.8)
    assert (interval["lower"] <= interval["upper"]).all()
    values = model.predict_quantiles(quantiles=levels).to_numpy()
    assert (np.diff(values, axis=1) >= 0).all()


def test_heads_learn_their_levels_on_a_noisy_series(model):
    calibration = model._fitted.calibration
    # (actual - head) / unit on the held-out windows, per level
    below = (calibration.heads < 0).mean(axis=(0, 1, 2))
    assert below[0] < below[1] < below[2]
    np.testing.assert_allclose(below, [0.1, 0.5, 0.9], atol=0.2)


def test_coverages_without_heads_are_intervals_around_the_forecast(model):
    interval = model.predict_interval(coverage=0.5)  # no heads at 0.25, 0.75
    middle = (interval["lower"] + interval["upper"]) / 2
    np.testing.assert_allclose(middle, model.predict())


@pytest.mark.slow
@pytest.mark.parametrize(
    "training",
    [
        {},
        # heads that never left the ridge they start as: all equal, an
        # interval of width 0 that the conformal margin alone must widen
        dict(lr=1e-7, max_epochs=1, refit=False),
    ],
    ids=["trained", "equal heads"],
)
def test_cqr_intervals_cover_new_values_near_nominal(training):
    # about 300 held-out windows calibrate; 500 new points check
    y = noisy_sine(2000, seed=1)
    model = SequenceForecaster(
        window_length=12, horizon=1, quantiles=[0.05, 0.95], **{**QUICK, **training}
    ).fit(y[:1500])
    inside = []
    for t in range(1500, 2000):
        bounds = model.predict_interval(y=y[t - 12 : t], coverage=0.9).to_numpy()[0]
        inside.append(bounds[0] <= y.iloc[t] <= bounds[1])
    assert 0.8 <= np.mean(inside) <= 0.97
    # rolling origins in a backtest: the margin follows the scores seen
    split = [(np.arange(1500), np.arange(1500, 2000))]
    table = backtest(model, y, cv=split, coverage=0.9)
    assert 0.8 <= table["coverage@0.9"].iloc[0] <= 0.97


# ------------------------------------------------------------- refusals


@pytest.mark.parametrize("bad", [[0.0, 0.5], [1.2], [], [True], [0.5, "x"]])
def test_bad_quantiles_are_refused_at_fit(bad):
    model = SequenceForecaster(window_length=6, quantiles=bad, **QUICK)
    with pytest.raises(ValueError, match=r"quantiles must be floats in \(0, 1\)"):
        model.fit(noisy_sine(60))


def test_a_string_is_not_quantiles():
    model = SequenceForecaster(window_length=6, quantiles="0.9", **QUICK)
    with pytest.raises(ValueError, match="'quantiles' parameter"):
        model.fit(noisy_sine(60))


def test_quantile_heads_need_the_direct_strategy_and_the_default_loss():
    y = noisy_sine(60)
    recursive = SequenceForecaster(
        window_length=6, horizon=2, strategy="recursive", quantiles=[0.1, 0.9]
    )
    with pytest.raises(ValueError, match=r"quantiles .* strategy='direct'"):
        recursive.fit(y)
    huber = SequenceForecaster(window_length=6, quantiles=[0.1, 0.9], loss="huber")
    with pytest.raises(ValueError, match="pinball loss, so loss='huber'"):
        huber.fit(y)


def test_pinball_loss_needs_its_levels():
    with pytest.raises(ValueError, match='loss="pinball" needs quantiles'):
        WeightedLoss("pinball")


@pytest.mark.parametrize("coverage, needed", [(0.8, 4), (0.9, 9), (0.95, 19)])
def test_the_windows_needed_for_a_coverage(coverage, needed):
    # the fewest n with ceil((n + 1) coverage) <= n: ceil(coverage / (1 - coverage))
    def calibration(n):
        errors = np.arange(1.0, n + 1)[:, None, None]
        return ConformalCalibration(errors, np.zeros((n, 1, 1, 2)))

    enough = calibration(needed)
    assert enough.half_width(coverage) == needed  # the largest error's rank
    enough.cqr_margin((0, 1), coverage)
    too_few = calibration(needed - 1)
    # beyond the ranks, the residual interval takes the bound on the spread,
    # wider than any held-out error; CQR has no such bound
    assert too_few.half_width(coverage) > needed - 1
    message = f"coverage={coverage} needs at least {needed} held-out windows"
    with pytest.raises(ValueError, match=message):
        too_few.cqr_margin((0, 1), coverage)


def test_a_head_quantile_with_too_few_windows_names_quantiles():
    model = SequenceForecaster(
        window_length=6, quantiles=[0.05, 0.95], **{**QUICK, "max_epochs": 2}
    ).fit(noisy_sine(40))
    assert len(model._fitted.calibration.residuals) < 9
    # 0.95 is a bound of the 90% interval of the heads 0.05 and 0.95
    message = r"quantiles: 0.95 is a bound .* needs at least 9 held-out windows"
    with pytest.raises(ValueError, match=message):
        model.predict_quantiles(quantiles=[0.95])


def test_intervals_need_held_out_windows():
    model = SequenceForecaster(
        window_length=6, quantiles=[0.1, 0.9], validation_fraction=0.0, **QUICK
    ).fit(noisy_sine(60))
    assert np.isfinite(model.predict()).all()
    with pytest.raises(ValueError, match="No held-out windows"):
        model.predict_interval(coverage=0.8)


# ------------------------------------------------------------ persistence


def test_save_load_round_trip(tmp_path, model):
    path = tmp_path / "quantiles.skseq"
    skseq.save(model, path)
    loaded = skseq.load(path)
    assert loaded.quantiles == [0.9, 0.1] and loaded.quantiles_ == [0.1, 0.5, 0.9]
    pd.testing.assert_series_equal(loaded.predict(), model.predict())
    pd.testing.assert_frame_equal(
        loaded.predict_quantiles(quantiles=[0.1, 0.3, 0.9]),
        model.predict_quantiles(quantiles=[0.1, 0.3, 0.9]),
    )
    pd.testing.assert_frame_equal(
        loaded.predict_interval(coverage=0.8), model.predict_interval(coverage=0.8)
    )


# ------------------------------------------------- transforms and methods


def test_heads_with_a_log_transform():
    y = np.exp(noisy_sine(200)) * 10  # positive, multiplicative noise
    model = SequenceForecaster(
        window_length=12, horizon=3, transform="log", quantiles=[0.1, 0.9], **QUICK
    ).fit(y)
    interval = model.predict_interval(coverage=0.8)
    assert (interval["lower"] > 0).all()
    assert (interval["lower"] < interval["upper"]).all()
    values = model.predict_quantiles(quantiles=[0.05, 0.1, 0.5, 0.9]).to_numpy()
    assert (values > 0).all() and (np.diff(values, axis=1) >= 0).all()
    # the heads are the bounds of the interval, back in the original units
    np.testing.assert_allclose(values[:, 1], interval["lower"])
    np.testing.assert_allclose(values[:, 3], interval["upper"])


def test_a_head_without_its_mirror_is_conformalised_on_its_own():
    model = SequenceForecaster(
        window_length=12, horizon=3, quantiles=[0.9], **QUICK
    ).fit(noisy_sine(200))
    assert model.quantiles_ == [0.5, 0.9]
    fitted, _, _, transformed, unit, heads, _ = model._forecast_end(None, None, None)
    # the 0.9 head moved by the rank of its own held-out errors
    expected = heads[..., 1] + fitted.calibration.head_offsets(1, 0.9) * unit
    values = model.predict_quantiles(quantiles=[0.5, 0.9])
    np.testing.assert_allclose(
        values[0.9], fitted.values.inverse_transform(expected).ravel()
    )
    assert (values[0.5] <= values[0.9]).all()
    # no head at 0.1: the 80% interval is the residuals' one around the forecast
    interval = model.predict_interval(coverage=0.8)
    np.testing.assert_allclose(
        (interval["lower"] + interval["upper"]) / 2, model.predict()
    )


def test_heads_with_the_linear_method():
    model = SequenceForecaster(
        window_length=12, horizon=3, method="linear", quantiles=[0.1, 0.9], **QUICK
    ).fit(noisy_sine(200))
    assert model.method_ == "linear"
    forecast = model.predict()
    assert np.isfinite(forecast).all()
    interval = model.predict_interval(coverage=0.8)
    assert (interval["lower"] <= interval["upper"]).all()
    values = model.predict_quantiles(quantiles=[0.1, 0.5, 0.9]).to_numpy()
    assert (np.diff(values, axis=1) >= 0).all()


def test_a_level_matches_its_head_up_to_rounding(model):
    rounded = model.predict_quantiles(quantiles=[1 - 0.9])  # 0.09999999999999998
    exact = model.predict_quantiles(quantiles=[0.1])
    np.testing.assert_array_equal(rounded.to_numpy(), exact.to_numpy())
    lower = model.predict_interval(coverage=0.8)["lower"]
    np.testing.assert_allclose(rounded.iloc[:, 0], lower)


def _heads_at_5_and_95():
    """160 noisy months, and a model with heads at 0.05 and 0.95 on 120."""
    rng = np.random.default_rng(0)
    index = pd.period_range("2000-01", periods=160, freq="M")
    y = pd.Series(np.sin(np.arange(160) / 3) + 0.3 * rng.normal(size=160), index)
    model = SequenceForecaster(
        horizon=6, quantiles=[0.05, 0.95], max_epochs=3, hidden_size=8, random_state=0
    )
    return y, model.fit(y[:120])


def test_a_higher_coverage_holds_the_heads_interval_of_a_lower_one():
    # the heads give 0.9; 0.95 comes from the errors' half-widths, which
    # were narrower than the heads' interval at every step of this series
    _, model = _heads_at_5_and_95()
    inner = model.predict_interval(coverage=0.9)
    outer = model.predict_interval(coverage=0.95)
    assert (outer["lower"] <= inner["lower"]).all()
    assert (outer["upper"] >= inner["upper"]).all()
    # and the errors' own interval at 0.95 still lies inside
    fitted, _, _, transformed, unit, heads, _ = model._calibrated(None, None, None)
    errors = interval_bounds(fitted, transformed, unit, 0.95)[0][0]
    assert (outer.to_numpy()[:, 0] <= errors[:, 0]).all()
    assert (outer.to_numpy()[:, 1] >= errors[:, 1]).all()


def test_rolling_intervals_hold_the_heads_interval_of_a_lower_coverage():
    # backtest's intervals: each origin's 0.95 interval (half-widths of the
    # errors known there) holds its heads' CQR interval at 0.9; before, it
    # lay inside at 224 of the 600 bounds
    y, model = _heads_at_5_and_95()
    _, _, _, (inner, outer) = model._rolling(y[100:], coverages=(0.9, 0.95))
    assert (outer[..., 0] <= inner[..., 0]).all()
    assert (outer[..., 1] >= inner[..., 1]).all()


def test_float32_levels_and_coverages_find_their_heads(model):
    # np.float32(0.1) is 0.10000000149011612 as a Python float: read as
    # written, it is the head at 0.1, not a level between the heads
    heads = model.predict_interval(coverage=0.8)
    single = model.predict_interval(coverage=np.float32(0.8))
    pd.testing.assert_frame_equal(single, heads)
    levels = np.array([0.1, 0.9], dtype=np.float32)
    np.testing.assert_array_equal(
        model.predict_quantiles(quantiles=levels).to_numpy(), heads.to_numpy()
    )
    refit = SequenceForecaster(
        window_length=12, horizon=3, quantiles=levels, **QUICK
    ).fit(noisy_sine(300))
    assert refit.quantiles_ == [0.1, 0.5, 0.9]
    assert refit._fitted.head_pair(0.8) is not None


def test_a_lower_coverage_lies_inside_the_heads_interval_of_a_higher_one():
    # heads at 0.1 and 0.9 give 0.8; the errors' half-widths at 0.7 lay
    # outside the heads' interval at the first step before
    rng = np.random.default_rng(0)
    index = pd.period_range("2000-01", periods=60, freq="M")
    y = pd.Series(np.sin(np.arange(60) / 3) + rng.normal(0, 0.1, 60) + 5, index)
    model = SequenceForecaster(
        window_length=6,
        horizon=2,
        quantiles=[0.1, 0.9],
        max_epochs=2,
        hidden_size=8,
        lr=0.01,  # after two epochs at 0.01 (not at 0.003) the heads lie inside
        random_state=0,
    ).fit(y)
    outer = model.predict_interval(coverage=0.8).to_numpy()
    fitted, _, _, transformed, unit, heads, _ = model._calibrated(None, None, None)
    plain = interval_bounds(fitted, transformed, unit, 0.7)[0][0]
    assert (plain[:, 0] < outer[:, 0]).any() or (plain[:, 1] > outer[:, 1]).any()
    inner = model.predict_interval(coverage=0.7).to_numpy()
    assert (inner[:, 0] >= outer[:, 0]).all() and (inner[:, 1] <= outer[:, 1]).all()
    # inside the heads' interval, the errors' own bounds are kept
    np.testing.assert_allclose(inner, np.clip(plain, outer[:, :1], outer[:, 1:]))


def test_a_coverage_with_its_own_heads_is_their_interval(monkeypatch):
    # with heads at 0.05, 0.1, 0.9 and 0.95, the 0.8 interval is the CQR
    # interval of 0.1 and 0.9, as predict_quantiles gives it, even where it
    # sticks out of the 0.9 pair's (the 0.9 interval is widened to hold it)
    model = SequenceForecaster(
        window_length=12, horizon=3, quantiles=[0.05, 0.1, 0.9, 0.95], **QUICK
    ).fit(noisy_sine(300))
    margin = ConformalCalibration.cqr_margin

    def wider_at_80(self, pair, coverage, *rest):  # make the 0.8 pair stick out
        return margin(self, pair, coverage, *rest) + 3.0 * np.isclose(coverage, 0.8)

    monkeypatch.setattr(ConformalCalibration, "cqr_margin", wider_at_80)
    interval = model.predict_interval(coverage=0.8).to_numpy()
    values = model.predict_quantiles(quantiles=[0.1, 0.9]).to_numpy()
    np.testing.assert_allclose(interval, values)
    wide = model.predict_interval(coverage=0.9).to_numpy()
    np.testing.assert_allclose(wide, interval)  # held, not the other way round


def test_a_margin_inward_beyond_the_heads_gap_keeps_the_interval_s_width(
    monkeypatch, model
):
    # the first model's margin on the refit's narrower heads: the bounds
    # cross; the interval swapped them, while the quantiles 0.1, 0.5 and 0.9
    # collapsed to one value (each head clamped to the median)
    margin = ConformalCalibration.cqr_margin

    def inward(self, pair, coverage, *rest):
        return margin(self, pair, coverage, *rest) - 3.0

    monkeypatch.setattr(ConformalCalibration, "cqr_margin", inward)
    interval = model.predict_interval(coverage=0.8).to_numpy()
    values = model.predict_quantiles(quantiles=[0.1, 0.5, 0.9]).to_numpy()
    np.testing.assert_allclose(values[:, [0, 2]], interval)
    assert (values[:, 2] - values[:, 0] > 0.1).all()
    assert (np.diff(values, axis=1) >= 0).all()


def test_levels_of_any_numpy_or_pandas_float_are_read_as_written(model):
    from fractions import Fraction

    heads = model.predict_interval(coverage=0.8)
    for levels in (pd.Series([0.1, 0.9], dtype="float32"), np.float16([0.1, 0.9])):
        np.testing.assert_array_equal(
            model.predict_quantiles(quantiles=levels).to_numpy(), heads.to_numpy()
        )
    pd.testing.assert_frame_equal(
        model.predict_interval(coverage=Fraction(4, 5)), heads
    )
    # a 0-d array, as backtest's coverage takes it (refused here before)
    pd.testing.assert_frame_equal(model.predict_interval(coverage=np.array(0.8)), heads)
    from skseq.model_selection._backtest import _coverages

    assert _coverages(np.float32([[0.8, 0.9]])) == (0.8, 0.9)
    assert _coverages(pd.DataFrame({"c": [0.8]}, dtype="float32")) == (0.8,)


def test_one_level_given_twice_up_to_rounding_is_refused(model):
    # 1 - 0.9 is the head at 0.1 (head_index): beside 0.1 it made a second,
    # near-identical column before
    with pytest.raises(ValueError, match=r"0.1, one level \(up to rounding\)"):
        model.predict_quantiles(quantiles=[0.1, 1 - 0.9])
    with pytest.raises(ValueError, match=r"one level \(up to rounding\)"):
        SequenceForecaster(horizon=3, quantiles=[0.5, 0.5 + 1e-12]).fit(noisy_sine(60))


def test_a_level_s_value_does_not_depend_on_the_levels_asked_with_it():
    # before, the values were sorted across levels after the fact: asking
    # for 0.05 beside 0.1 moved 0.05's value into 0.1's column, and levels
    # asked one at a time crossed (0.90 at 25.75 above 0.91 at 24.55)
    model = SequenceForecaster(
        window_length=12, horizon=3, quantiles=[0.1, 0.25, 0.75, 0.9], **QUICK
    ).fit(noisy_sine(300))
    levels = np.round(np.arange(0.03, 0.98, 0.01), 2)
    together = model.predict_quantiles(quantiles=levels)
    alone = pd.concat([model.predict_quantiles(quantiles=[q]) for q in levels], axis=1)
    np.testing.assert_allclose(alone.to_numpy(), together.to_numpy(), rtol=1e-12)
    assert (np.diff(alone.to_numpy(), axis=1) >= 0).all()
    # a head's level is the bound of its CQR interval
    lower = model.predict_interval(coverage=0.8)["lower"].to_numpy()
    np.testing.assert_allclose(together[0.1].to_numpy(), lower, rtol=1e-12)


def test_heads_too_extreme_for_the_held_out_windows_leave_other_intervals():
    # heads at 0.01 and 0.99 calibrate 0.98, which needs 49 held-out windows:
    # before, every interval raised that error through the nesting of
    # intervals, predict_interval(coverage=0.8) and backtest alike
    y = noisy_sine(200)
    model = SequenceForecaster(
        window_length=12, horizon=3, quantiles=[0.01, 0.99], **QUICK
    ).fit(y[:160])
    assert len(model._fitted.calibration.residuals) < 49
    bounds = model.predict_interval(coverage=0.8)
    assert (bounds["lower"] < bounds["upper"]).all()
    _, _, _, (rolling,) = model._rolling(y[140:], coverages=(0.8,))
    assert np.isfinite(rolling).all()
    values = model.predict_quantiles(quantiles=[0.1, 0.9])
    assert (values[0.1] < values[0.9]).all()
    with pytest.raises(ValueError, match=r"quantiles: 0.99 is a bound .* needs at le"):
        model.predict_quantiles(quantiles=[0.99])
