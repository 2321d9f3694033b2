"""plot_forecast and plot_history: what they draw and what they refuse."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skseq import RNNClassifier, SequenceForecaster  # noqa: E402
from skseq.plotting import plot_forecast, plot_history  # noqa: E402

HISTORY = pd.period_range("2000-01", periods=24, freq="M")
FUTURE = pd.period_range("2002-01", periods=6, freq="M")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _two_targets():
    """A 2-target history, forecast and interval shaped as predict*() return."""
    y = pd.DataFrame({"a": np.arange(24.0), "b": -np.arange(24.0)}, index=HISTORY)
    forecast = pd.DataFrame({"a": np.arange(6.0), "b": -np.arange(6.0)}, index=FUTURE)
    bounds = {
        (t, b): forecast[t] + (1 if b == "upper" else -1)
        for t in ("a", "b")
        for b in ("lower", "upper")
    }
    return y, forecast, pd.DataFrame(bounds)


def _line(ax, label):
    return next(line for line in ax.lines if line.get_label() == label)


@pytest.mark.parametrize("with_interval", [False, True])
def test_plot_forecast_several_targets_need_target(with_interval):
    y, forecast, interval = _two_targets()
    with pytest.raises(ValueError, match=r"forecast has 2 targets \['a', 'b'\]"):
        plot_forecast(y, forecast, interval if with_interval else None)


def test_plot_forecast_draws_the_target_asked_for():
    y, forecast, interval = _two_targets()
    ax = plot_forecast(y, forecast, interval, target="b", y_test=forecast)
    np.testing.assert_array_equal(_line(ax, "history").get_ydata(), y["b"])
    np.testing.assert_array_equal(_line(ax, "forecast").get_ydata(), forecast["b"])
    np.testing.assert_array_equal(_line(ax, "actual").get_ydata(), forecast["b"])
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == forecast["b"].min() - 1
    with pytest.raises(ValueError, match=r"target='c' is not a column of forecast"):
        plot_forecast(y, forecast, target="c")


def test_plot_forecast_reads_the_target_beside_covariates():
    y, forecast, interval = _two_targets()
    ax = plot_forecast(y, forecast["b"], interval[["b"]])
    np.testing.assert_array_equal(_line(ax, "history").get_ydata(), y["b"])


def test_plot_forecast_numpy_series_continue_after_y():
    y = np.arange(24.0)
    forecast = np.arange(24.0, 30.0)
    interval = pd.DataFrame(
        {"lower": forecast - 1, "upper": forecast + 1}, index=range(24, 30)
    )
    ax = plot_forecast(y, forecast, interval, y_test=list(forecast))
    np.testing.assert_array_equal(_line(ax, "history").get_xdata(), np.arange(24))
    np.testing.assert_array_equal(_line(ax, "forecast").get_xdata(), np.arange(24, 30))
    np.testing.assert_array_equal(_line(ax, "actual").get_xdata(), np.arange(24, 30))
    # two targets in an array: target= is the column position
    ax = plot_forecast(np.c_[y, -y], np.c_[forecast, -forecast], target=1)
    np.testing.assert_array_equal(_line(ax, "forecast").get_ydata(), -forecast)


def test_plot_forecast_numpy_forecaster():
    y = np.sin(np.arange(40) / 3.0) + 2.0
    model = SequenceForecaster(
        window_length=6, horizon=3, hidden_size=4, max_epochs=1, random_state=0
    ).fit(y)
    ax = plot_forecast(y, model.predict(), model.predict_interval())
    np.testing.assert_array_equal(_line(ax, "forecast").get_xdata(), [40, 41, 42])


def test_plot_forecast_array_forecast_needs_positional_y():
    y, forecast, _ = _two_targets()
    with pytest.raises(ValueError, match="forecast is an array without time stamps"):
        plot_forecast(y["a"], forecast["a"].to_numpy())


def test_plot_forecast_refuses_panels():
    y, forecast, interval = _two_targets()
    panel = {"s1": y["a"], "s2": y["b"]}
    with pytest.raises(ValueError, match=r"y is a panel .*y\[key\]"):
        plot_forecast(panel, {"s1": forecast["a"], "s2": forecast["b"]})
    long = pd.concat({"s1": y[["a"]], "s2": y[["a"]]}, names=["id", "Period"])
    long_forecast = pd.concat(
        {"s1": forecast[["a"]], "s2": forecast[["a"]]}, names=["id", "Period"]
    )
    with pytest.raises(ValueError, match=r"y is a long panel .*xs\(key, level=0\)"):
        plot_forecast(long, long_forecast)
    with pytest.raises(ValueError, match="forecast is a long panel"):
        plot_forecast(y["a"], long_forecast)


def test_plot_forecast_y_test_as_a_list():
    y, forecast, _ = _two_targets()
    ax = plot_forecast(y["a"], forecast["a"], y_test=list(forecast["a"]))
    actual = _line(ax, "actual")
    np.testing.assert_array_equal(actual.get_ydata(), forecast["a"])
    assert len(actual.get_xdata()) == len(FUTURE)
    with pytest.raises(ValueError, match="y_test has 5 values but the forecast has 6"):
        plot_forecast(y["a"], forecast["a"], y_test=[1.0] * 5)


def test_plot_forecast_interval_needs_bounds():
    y, forecast, _ = _two_targets()
    with pytest.raises(ValueError, match="interval must have columns 'lower'"):
        plot_forecast(y["a"], forecast["a"], pd.DataFrame({"lo": forecast["a"]}))


def test_plot_history_unfitted():
    with pytest.raises(NotFittedError):
        plot_history(RNNClassifier())


def test_plot_history_of_a_pipeline_and_of_a_search():
    # a Pipeline was refused ("got Pipeline"): its last step is the network
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from skseq.preprocessing import SequenceScaler

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 5, 1)), np.repeat([0, 1], 6)
    pipeline = make_pipeline(
        SequenceScaler(), RNNClassifier(hidden_size=2, max_epochs=3, random_state=0)
    ).fit(X, y)
    ax = plot_history(pipeline)
    np.testing.assert_array_equal(_line(ax, "train loss").get_xdata(), [1, 2, 3])
    search = GridSearchCV(pipeline, {"rnnclassifier__max_epochs": [2]}, cv=2)
    ax = plot_history(search.fit(X, y))
    np.testing.assert_array_equal(_line(ax, "train loss").get_xdata(), [1, 2])
