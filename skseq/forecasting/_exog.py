"""Exogenous series ``X`` next to the target series ``y`` (sktime's convention).

``fit(y, X)`` reads the columns of ``X`` as covariates of ``y``: known only up
to the forecast time, unless listed in ``future_covariates``. The forecaster
works on one frame holding both; this module joins them, and at prediction
splits an ``X`` that runs past the history into the history's covariates and
the future ones.
"""

from dataclasses import replace

import numpy as np
import pandas as pd

__all__ = ["as_series", "join_exog", "split_exog", "with_exog"]


def _frame(values, name):
    if isinstance(values, pd.DataFrame):
        return values
    if isinstance(values, pd.Series):
        return values.to_frame()
    array = np.asarray(values)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {array.shape}.")
    return pd.DataFrame(array)


def _join_one(y, X):
    """One series ``y`` and its covariates ``X``, as one frame."""
    y_frame = _frame(y, "y")
    X_frame = _frame(X, "X")
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        y_frame.columns = [f"y{i}" for i in range(y_frame.shape[1])]
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        X_frame.columns = [f"x{i}" for i in range(X_frame.shape[1])]
        X_frame.index = y_frame.index[: len(X_frame)]
    if len(X_frame) != len(y_frame) or not X_frame.index.equals(y_frame.index):
        raise ValueError(
            f"X must have a row for every time stamp of y ({len(y_frame)} rows, "
            f"{y_frame.index[0]} to {y_frame.index[-1]}); it has {len(X_frame)}."
        )
    both = set(y_frame.columns) & set(X_frame.columns)
    if both:
        raise ValueError(f"y and X share the column names {sorted(both)}.")
    return pd.concat([y_frame, X_frame], axis=1), list(y_frame.columns)


def as_series(panel, y):
    """Give the validated series of a joined ``y`` the form of ``y``.

    The joined frame reads as a DataFrame; a Series ``y`` gives Series
    forecasts and an array ``y`` array forecasts.
    """
    if isinstance(y, pd.Series) and not isinstance(y.index, pd.MultiIndex):
        return [replace(one, kind="series", name=y.name) for one in panel]
    if isinstance(y, dict):
        return [
            replace(one, kind="series", name=value.name)
            if isinstance(value, pd.Series)
            else one
            for one, value in zip(panel, y.values(), strict=True)
        ]
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        return [replace(one, kind="array", name=None) for one in panel]
    return panel


def join_exog(y, X):
    """Return ``y`` with the columns of ``X``, in the form of ``y``, and targets.

    A dict ``y`` takes a dict ``X`` (the same keys); a long frame takes a long
    frame (the same ids and times).
    """
    if isinstance(y, dict):
        if not isinstance(X, dict) or set(X) != set(y):
            raise ValueError("With a dict y, X is a dict with the same keys.")
        joined = {key: _join_one(y[key], X[key]) for key in y}
        targets = next(iter(joined.values()))[1]
        return {key: frame for key, (frame, _) in joined.items()}, targets
    if isinstance(y, (pd.Series, pd.DataFrame)) and isinstance(y.index, pd.MultiIndex):
        joined, targets = _join_one(y, X)
        return joined, targets
    return _join_one(y, X)


def split_exog(X, history_length):
    """Split ``X`` into rows over a history of ``history_length`` and after it."""
    frame = X if isinstance(X, pd.DataFrame) else _frame(X, "X")
    return frame.iloc[:history_length], frame.iloc[history_length:]


def with_exog(y, X, future):
    """Join ``X`` to ``y`` (a history) and take its later rows as the future."""
    if X is None:
        return y, future
    if future is not None:
        raise ValueError("Give the future covariates as X or as future, not both.")
    if y is None:
        if isinstance(X, (dict, pd.Series, pd.DataFrame)):
            return None, X
        frame = _frame(X, "X")
        frame.columns = [f"x{i}" for i in range(frame.shape[1])]
        return None, frame
    length = len(next(iter(y.values()))) if isinstance(y, dict) else len(y)
    if isinstance(y, dict):
        history = {key: X[key].iloc[:length] for key in y}
        future = {key: X[key].iloc[length:] for key in y}
        return join_exog(y, history)[0], future
    history, future = split_exog(X, length)
    return join_exog(y, history)[0], future
