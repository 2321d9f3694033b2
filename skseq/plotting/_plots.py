"""Plots of forecasts and of training curves (matplotlib, imported lazily)."""

import numpy as np
import pandas as pd

__all__ = ["plot_forecast", "plot_history"]


def _axes(ax):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Plotting needs matplotlib: pip install matplotlib (or skseq[plot])."
        ) from exc
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    return ax


def _x(index):
    """Values matplotlib can place on an axis (periods become timestamps)."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return index


def plot_forecast(y, forecast, interval=None, *, y_test=None, ax=None, title=None):
    """Plot a series, its forecast and a prediction interval band.

    Parameters
    ----------
    y : pandas.Series or 1-column DataFrame
        The history (e.g. the training series).
    forecast : pandas.Series or 1-column DataFrame
        The forecast, indexed by future time stamps (``predict()``).
    interval : pandas.DataFrame or None, default=None
        Columns ``lower`` and ``upper`` on the forecast index
        (``predict_interval()``), drawn as a band.
    y_test : pandas.Series or None, default=None
        The actual values over the forecast period, if known.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure by default.
    title : str or None, default=None
        Title of the axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> from skseq import SequenceForecaster
    >>> from skseq.datasets import load_airline
    >>> from skseq.plotting import plot_forecast
    >>> y = load_airline()
    >>> model = SequenceForecaster(window_length=12, horizon=6, max_epochs=2,
    ...                            validation_fraction=0.2, random_state=0).fit(y)
    >>> ax = plot_forecast(y, model.predict(), model.predict_interval())
    """
    ax = _axes(ax)
    history = y.iloc[:, 0] if isinstance(y, pd.DataFrame) else y
    predicted = forecast.iloc[:, 0] if isinstance(forecast, pd.DataFrame) else forecast
    ax.plot(_x(history.index), history.to_numpy(), color="0.2", label="history")
    if y_test is not None:
        ax.plot(
            _x(y_test.index),
            np.asarray(y_test),
            color="0.2",
            linestyle=":",
            label="actual",
        )
    ax.plot(_x(predicted.index), predicted.to_numpy(), color="C1", label="forecast")
    if interval is not None:
        ax.fill_between(
            _x(interval.index),
            interval["lower"].to_numpy(),
            interval["upper"].to_numpy(),
            color="C1",
            alpha=0.25,
            label="interval",
        )
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def plot_history(estimator, *, ax=None, log=False):
    """Plot the training (and validation) loss of each epoch of a fitted model.

    Parameters
    ----------
    estimator : fitted RNNClassifier, RNNRegressor or SequenceForecaster
        Its ``history_`` is plotted.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure by default.
    log : bool, default=False
        Logarithmic loss axis.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> from skseq import RNNClassifier
    >>> from skseq.datasets import load_gunpoint
    >>> from skseq.plotting import plot_history
    >>> X, y = load_gunpoint()
    >>> ax = plot_history(RNNClassifier(max_epochs=3, random_state=0).fit(X, y))
    >>> ax.get_xlabel()
    'epoch'
    """
    ax = _axes(ax)
    history = estimator.history_
    epochs = history[:, "epoch"]
    ax.plot(epochs, history[:, "train_loss"], label="train loss")
    if "valid_loss" in history[-1]:
        ax.plot(epochs, history[:, "valid_loss"], label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.legend()
    return ax
