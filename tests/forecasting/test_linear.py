"""The ridges of the linear forecasts, fitted a block of windows at a time."""

import numpy as np
import pytest
from sklearn.linear_model import RidgeCV

from skseq.forecasting._linear import _ALPHAS, fit_ridge
from skseq.forecasting._rows import SeriesRows
from skseq.forecasting._scaling import WindowScaler
from skseq.forecasting._windows import WindowDataset, WindowsAt


def _dataset(n_rows, window, horizon, normalize, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(n_rows)
    series = np.column_stack(
        [np.sin(steps / 4) + 0.3 * rng.standard_normal(n_rows) + steps / 50]
    )
    rows = SeriesRows.in_memory([series]).scaled(1, log=False)
    starts = np.arange(n_rows - window - horizon + 1)
    scaler = WindowScaler.fit(rows, starts, normalize, window, horizon)
    return WindowDataset(
        rows,
        starts,
        window_length=window,
        horizon=horizon,
        n_targets=1,
        n_future=0,
        scaler=scaler,
    )


@pytest.mark.parametrize("normalize", ["last", "standard", None])
@pytest.mark.parametrize("block", [1, 37, 4096])
def test_fit_ridge_equals_ridgecv_on_all_windows_at_once(normalize, block):
    # the two passes over blocks of windows give RidgeCV's leave-one-out
    # choice of alpha and its coefficients, whatever the block
    dataset = _dataset(300, 12, 4, normalize)
    inputs, target = dataset.batch(np.arange(len(dataset)))
    X = inputs["X"].reshape(len(target), -1).double().numpy()
    reference = RidgeCV(alphas=_ALPHAS).fit(X, target.double().numpy())
    coef, intercept, alpha = fit_ridge(dataset, block=block)
    assert alpha == reference.alpha_
    np.testing.assert_allclose(coef, reference.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(intercept, reference.intercept_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("n_rows", [40, 60])
def test_fit_ridge_with_about_as_many_windows_as_inputs(n_rows):
    # 40 rows: fewer windows (14) than inputs (24), which RidgeCV fits at
    # once; 60 rows: a few more windows than inputs, a nearly singular Gram
    # matrix for the two passes. Either way RidgeCV's alpha and coefficients
    dataset = _dataset(n_rows, 24, 3, None, seed=1)
    inputs, target = dataset.batch(np.arange(len(dataset)))
    X = inputs["X"].reshape(len(target), -1).double().numpy()
    reference = RidgeCV(alphas=_ALPHAS).fit(X, target.double().numpy())
    coef, intercept, alpha = fit_ridge(dataset, block=5)
    assert alpha == reference.alpha_
    np.testing.assert_allclose(coef, reference.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(intercept, reference.intercept_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    "n_rows, first, block",
    [(200, 8, 7), (200, 8, 4096), (24, 2, 4096)],  # 9 windows, 10 inputs: RidgeCV
)
def test_fit_ridge_on_some_inputs_is_ridgecv_on_those(n_rows, first, block):
    # the network's linear path of a window longer than the series supports
    # reads its last steps: RidgeCV on those inputs alone
    dataset = _dataset(n_rows, 12, 4, "last")
    columns = np.arange(first, 12)
    inputs, target = dataset.batch(np.arange(len(dataset)))
    X = inputs["X"].reshape(len(target), -1).double().numpy()[:, columns]
    reference = RidgeCV(alphas=_ALPHAS).fit(X, target.double().numpy())
    coef, intercept, alpha = fit_ridge(dataset, block=block, columns=columns)
    assert coef.shape == (4, 12 - first) and alpha == reference.alpha_
    np.testing.assert_allclose(coef, reference.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(intercept, reference.intercept_, rtol=1e-8, atol=1e-10)


def test_windows_at_maps_chunks_and_no_window():
    view = np.arange(60.0).reshape(20, 3, 1)
    starts = np.array([4, 0, 7])
    at = WindowsAt(view, starts)
    np.testing.assert_array_equal(at.map(lambda w: w.sum(axis=1)), view[starts].sum(1))
    empty = WindowsAt(view, starts[:0]).map(lambda w: (w.sum(axis=1), None))
    assert empty[0].shape == (0, 1) and empty[1] is None


def test_windows_forecast_a_chunk_at_a_time_as_all_at_once(monkeypatch):
    # the held-out windows and the origins of rolling forecasts are gathered
    # and forecast in chunks; a chunk is a multiple of the prediction batch,
    # so the network sees the same batches and the ridges compute row by row:
    # calibration, choice of forecasts and rolling forecasts are the same,
    # exactly, whatever the chunk
    import pandas as pd

    from skseq import SequenceForecaster
    from skseq.forecasting import _fitted, _windows

    rng = np.random.default_rng(0)
    steps = np.arange(3600)
    series = pd.Series(np.sin(steps / 6) + 0.2 * rng.standard_normal(3600))
    y, later = series[:3000], series[3000:]

    def fit():
        return SequenceForecaster(
            horizon=3, window_length=8, max_epochs=1, hidden_size=8, random_state=0
        ).fit(y)

    whole = fit()
    whole_rolling = whole.predict_rolling(later)
    monkeypatch.setattr(_windows, "_CHUNK_WINDOWS", _fitted._PREDICT_BATCH)
    chunked = fit()
    n_held = len(whole._fitted.calibration.residuals)
    assert n_held > 2 * _fitted._PREDICT_BATCH  # several chunks
    np.testing.assert_array_equal(
        chunked._fitted.calibration.residuals, whole._fitted.calibration.residuals
    )
    assert chunked.method_ == whole.method_
    kept = [ridge.scaler.normalize for ridge in chunked._fitted.ridges]
    assert kept == [ridge.scaler.normalize for ridge in whole._fitted.ridges]
    np.testing.assert_array_equal(chunked.predict(), whole.predict())
    rolling = chunked.predict_rolling(later)
    assert len(rolling) > 2 * _fitted._PREDICT_BATCH
    np.testing.assert_array_equal(rolling, whole_rolling)


@pytest.mark.parametrize("method", ["auto", "linear"])
def test_flat_stretches_do_not_blow_up_the_standardised_windows(method):
    # zeros with a few spikes (intermittent demand): windows of zeros have no
    # spread, and a floor of a ten-thousandth of the series' spread made their
    # targets 10^4 times their size (forecasts of 400 on values of 0 to 5)
    import pandas as pd

    from skseq import SequenceForecaster

    values = np.r_[np.zeros(40), 5.0, np.zeros(10), 3.0]
    y = pd.Series(values, index=pd.date_range("2024-01-01", periods=52, freq="D"))
    model = SequenceForecaster(horizon=3, method=method, max_epochs=5, random_state=0)
    forecast = model.fit(y).predict().to_numpy()
    assert np.all(np.abs(forecast) <= values.max())
    standard = WindowScaler.fit(
        SeriesRows.in_memory([values[:, None]]).scaled(1, log=False),
        np.arange(40),
        "standard",
        6,
        3,
    )
    # a tenth of the deviation of one step's change in the 40 windows
    windows = np.lib.stride_tricks.sliding_window_view(values, 6 + 3)[:40]
    np.testing.assert_allclose(standard.floor, 0.1 * np.diff(windows).std())


@pytest.mark.parametrize(
    "values",
    [
        np.r_[np.zeros(59), 1.0],
        np.r_[np.full(59, 5.0), 6.0],
        np.r_[np.zeros(58), 9.0, 11],
    ],
)
def test_a_series_that_moves_only_in_its_held_out_windows_is_not_blown_up(values):
    # a product launched in its last steps: every training window is flat,
    # so the floor fell to a ten-thousandth of the series' spread, and the
    # refit on the held-out windows (their targets 78,000 window spreads)
    # forecast 198.6 after 59 zeros and a 1, 2901 for the launch at step 3
    import pandas as pd

    from skseq import SequenceForecaster

    y = pd.Series(values, index=pd.date_range("2024-01-01", periods=60, freq="D"))
    model = SequenceForecaster(horizon=3, random_state=0).fit(y)
    forecast = model.predict().to_numpy()
    low, high = values.min(), values.max()
    assert np.all(forecast >= low - 3 * (high - low))
    assert np.all(forecast <= high + 3 * (high - low))


def test_standardised_windows_of_a_panel_keep_their_scale():
    # the floor is pooled over series in their own units (pooled over their
    # raw values, a series a hundred times smaller than another was floored
    # at every window: MAE 42 against 29)
    import pandas as pd

    from skseq import SequenceForecaster

    rng = np.random.default_rng(0)
    index = pd.period_range("2000-01", periods=80, freq="M")
    small = pd.Series(10 + np.sin(np.arange(80) / 3) + rng.normal(0, 0.2, 80), index)
    model = SequenceForecaster(
        horizon=3, method="network", normalize="standard", max_epochs=3, random_state=0
    )
    forecast = model.fit({"small": small, "big": 100 * small}).predict()
    np.testing.assert_allclose(forecast["big"], 100 * forecast["small"], rtol=1e-4)


def test_a_series_of_spikes_next_to_a_calm_one_keeps_its_scale():
    # a floor taken from the calm series (ten thousand times the spiky one's
    # smaller, before the series of a panel had their own units) made the
    # spiky windows of zeros train on targets 10^4 times their size:
    # forecasts of 115 on spikes of at most 9
    import pandas as pd

    from skseq import SequenceForecaster

    rng = np.random.default_rng(0)
    spiky = np.zeros(120)
    spiky[rng.choice(120, 10, replace=False)] = rng.integers(1, 10, 10)
    calm = 5 + 0.01 * np.sin(np.arange(120) / 5) + 0.001 * rng.normal(size=120)
    index = pd.date_range("2024-01-01", periods=120, freq="D")
    panel = {"spiky": pd.Series(spiky, index), "calm": pd.Series(calm, index)}
    model = SequenceForecaster(
        horizon=3, method="network", normalize="standard", max_epochs=5, random_state=0
    ).fit(panel)
    assert np.abs(model.predict()["spiky"].to_numpy()).max() <= spiky.max()
