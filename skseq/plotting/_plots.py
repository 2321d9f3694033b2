"""Plots of forecasts and of training curves (matplotlib, imported lazily)."""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..utils._long import is_long_frame

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


def _refuse_panel(values, name):
    """One axes shows one series: a panel must be cut to one series first."""
    if isinstance(values, dict):
        raise ValueError(
            f"plot_forecast draws one series but {name} is a panel (a dict of "
            "series): plot one at a time, e.g. plot_forecast(y[key], "
            "forecast[key], interval[key])."
        )
    if is_long_frame(values):
        raise ValueError(
            f"plot_forecast draws one series but {name} is a long panel (rows "
            f"indexed by {list(values.index.names)}): plot one at a time, e.g. "
            "plot_forecast(y.xs(key, level=0), forecast.xs(key, level=0), "
            "interval.xs(key, level=0))."
        )


def _frame(values, name):
    """Return ``values`` as a DataFrame, and whether it had no index."""
    _refuse_panel(values, name)
    if isinstance(values, pd.Series):
        return values.to_frame(), False
    if isinstance(values, pd.DataFrame):
        return values, False
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a pandas Series or DataFrame or an array of the "
            f"numbers of one series; got {type(values).__name__}."
        ) from exc
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be one series, 1-D (n_timesteps,) or 2-D (n_timesteps, "
            f"n_targets); got an array of shape {array.shape}."
        )
    return pd.DataFrame(array.reshape(len(array), -1)), True


def _pick(frame, target, name):
    """Return the column of ``frame`` to draw: ``target``, or its only one."""
    columns = list(frame.columns)
    if target is not None and target in columns:
        return frame[target]
    if len(columns) == 1:
        return frame.iloc[:, 0]
    if target is None:
        kind = "columns" if name.startswith("y") else "targets"
        raise ValueError(
            f"{name} has {len(columns)} {kind} {columns}: pass target= the one to plot."
        )
    raise ValueError(f"target={target!r} is not a column of {name}: {columns}.")


def _future_index(history, length):
    """Where an array forecast goes: the steps after a positional history."""
    index = history.index
    if not isinstance(index, pd.RangeIndex):
        raise ValueError(
            "forecast is an array without time stamps but y is indexed by a "
            f"{type(index).__name__}: pass forecast as predict() returns it "
            "(on the time stamps after y's)."
        )
    return pd.RangeIndex(index.stop, index.stop + length * index.step, index.step)


def _bounds(interval, target):
    """Return the bounds of ``target`` from a ``predict_interval()`` frame."""
    _refuse_panel(interval, "interval")
    if not isinstance(interval, pd.DataFrame):
        raise ValueError(
            "interval must be a DataFrame with columns 'lower' and 'upper', as "
            f"predict_interval() returns; got {type(interval).__name__}."
        )
    if isinstance(interval.columns, pd.MultiIndex):
        # several targets: the columns are (target, bound) pairs
        targets = list(dict.fromkeys(interval.columns.get_level_values(0)))
        if target is None and len(targets) == 1:
            target = targets[0]
        if target is None:
            raise ValueError(
                f"interval has {len(targets)} targets {targets}: pass target= "
                "the one to plot."
            )
        if target not in targets:
            raise ValueError(
                f"target={target!r} is not a target of interval: {targets}."
            )
        interval = interval[target]
    missing = {"lower", "upper"} - set(interval.columns)
    if missing:
        raise ValueError(
            "interval must have columns 'lower' and 'upper', as "
            f"predict_interval() returns; got {list(interval.columns)}."
        )
    return interval


def _actual(y_test, forecast, target):
    """Return the actual values over the forecast period, on its steps."""
    frame, positional = _frame(y_test, "y_test")
    if positional:
        if len(frame) != len(forecast):
            raise ValueError(
                f"y_test has {len(frame)} values but the forecast has "
                f"{len(forecast)} steps: pass as many values as forecast steps, "
                "or a pandas Series on their time stamps."
            )
        frame.index = forecast.index
    return _pick(frame, target, "y_test")


def plot_forecast(
    y, forecast, interval=None, *, target=None, y_test=None, ax=None, title=None
):
    """Plot a series, its forecast and a prediction interval band.

    One target of one series is drawn: cut a panel to one series first (see
    Raises) and name the target of a forecaster of several with ``target``.

    Parameters
    ----------
    y : pandas.Series, pandas.DataFrame or array-like
        The history (e.g. the training series). An array (``(n_timesteps,)``
        or ``(n_timesteps, n_columns)``) is placed at steps 0, 1, 2, ...
    forecast : pandas.Series, pandas.DataFrame or array-like
        The forecast (``predict()``), indexed by future time stamps. An array,
        as ``predict()`` returns for a forecaster fitted on one, continues the
        steps of an array ``y`` (or of ``y`` on a RangeIndex).
    interval : pandas.DataFrame or None, default=None
        The prediction interval (``predict_interval()``), drawn as a band:
        columns ``lower`` and ``upper``, or ``(target, bound)`` pairs for a
        forecaster of several targets.
    target : str, int or None, default=None
        The target (column of ``forecast``, ``y`` and ``y_test``, first level
        of the interval's columns) to draw. None: the only one; with several,
        it must be given. A DataFrame ``y`` whose other columns are
        covariates is read at the column the forecast is named after.
    y_test : pandas.Series, pandas.DataFrame, array-like or None, default=None
        The actual values over the forecast period, if known: pandas on their
        time stamps, or as many values as forecast steps.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure by default.
    title : str or None, default=None
        Title of the axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If an input is a panel (a dict of series or a long DataFrame with
        ``(id, time)`` rows): plot ``plot_forecast(y[key], forecast[key],
        interval[key])`` for a dict, or each input's ``.xs(key, level=0)``
        for a long frame. If several targets are found and ``target`` is None
        or not one of them, or the interval lacks ``lower`` and ``upper``.

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
    history, _ = _frame(y, "y")
    predicted, positional = _frame(forecast, "forecast")
    if positional:
        predicted.index = _future_index(history, len(predicted))
    elif target is None and predicted.shape[1] == 1:
        named = isinstance(forecast, pd.DataFrame) or forecast.name is not None
        if named and predicted.columns[0] in history.columns:
            target = predicted.columns[0]  # y may hold covariates beside it
    predicted = _pick(predicted, target, "forecast")
    history = _pick(history, target, "y")
    bounds = None if interval is None else _bounds(interval, target)
    actual = None if y_test is None else _actual(y_test, predicted, target)
    ax = _axes(ax)
    ax.plot(_x(history.index), history.to_numpy(), color="0.2", label="history")
    if actual is not None:
        ax.plot(
            _x(actual.index),
            actual.to_numpy(),
            color="0.2",
            linestyle=":",
            label="actual",
        )
    ax.plot(_x(predicted.index), predicted.to_numpy(), color="C1", label="forecast")
    if bounds is not None:
        ax.fill_between(
            _x(bounds.index),
            bounds["lower"].to_numpy(),
            bounds["upper"].to_numpy(),
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
        Its ``history_`` is plotted; of a Pipeline, its last step's, and of
        a fitted search, its ``best_estimator_``'s.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure by default.
    log : bool, default=False
        Logarithmic loss axis.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    TypeError
        If a fitted ``estimator`` has no ``history_`` (no network).

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
    check_is_fitted(estimator)
    estimator = getattr(estimator, "best_estimator_", estimator)  # a search's
    if isinstance(estimator, Pipeline):
        estimator = estimator[-1]
    history = getattr(estimator, "history_", None)
    if history is None:
        raise TypeError(
            "plot_history needs an estimator trained by epochs (with a "
            f"history_), got {type(estimator).__name__}."
        )
    ax = _axes(ax)
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
