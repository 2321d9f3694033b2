"""The series ForecastAnomalyDetector reads, validated."""

from numbers import Integral

import numpy as np
import pandas as pd
from scipy.sparse import issparse
from sklearn.utils import check_array

from ..forecasting._calendar import check_step
from ..utils._long import is_long_frame
from ..utils._series import check_series

__all__ = ["check_long_enough", "check_series_of_detector"]


def _refuse_many_series(X):
    """Refuse a dict, a long frame or a list of series: one series is scored."""
    if issparse(X):  # a DOK array is a dict: check_array refuses it
        return
    if isinstance(X, dict):
        what = "a dict of series"
    elif is_long_frame(X):
        what = "a long frame of series (a MultiIndex)"
    elif isinstance(X, (list, tuple)) and _holds_series(X):
        # check_array would read each series as a row: a time step
        what = f"a {type(X).__name__} of series"
    else:
        return
    key, pairs = (
        ("i", "i, series in enumerate(X)")
        if isinstance(X, (list, tuple))
        else ("key", "key, series in X.items()")
    )
    raise ValueError(
        f"X is {what}, but ForecastAnomalyDetector scores the steps of one "
        "series (rows are time steps; several columns are forecast together). "
        f"Fit one detector per series, e.g. {{{key}: clone(detector).fit(series) "
        f"for {pairs}}}."
    )


def _holds_series(items):
    """Whether a list holds series rather than the rows of one.

    Pandas objects, 2-D arrays and arrays of different lengths are series;
    1-D arrays of one length are rows (time steps), as ``check_array`` reads
    them (``list(array)`` of a ``(n_timesteps, n_columns)`` array), unless
    each is longer than there are of them: then they are series (two of 200
    steps, not 200 columns of 2 time steps).
    """
    if any(isinstance(item, (pd.Series, pd.DataFrame)) for item in items):
        return True
    arrays = [item for item in items if isinstance(item, np.ndarray)]
    shapes = {item.shape for item in arrays}
    if len(shapes) > 1 or any(item.ndim > 1 for item in arrays):
        return True
    return bool(shapes) and next(iter(shapes))[0] > len(items)


def check_long_enough(series, forecaster):
    """Refuse a training series shorter than one window of ``forecaster``."""
    w = forecaster.window_length
    n = len(series.values)
    if isinstance(w, Integral) and n < w + 1:
        raise ValueError(
            f"X has {n} time steps, but the forecaster's window_length={w} needs "
            f"at least {w + 1} for one forecast (and more to hold out windows "
            "whose errors calibrate the scores). Give a longer series or a "
            "forecaster with a shorter window_length."
        )


def check_series_of_detector(X, default_freq=None, n_features=None):
    """Validate a series ``X`` (sklearn's messages for arrays).

    Returns the :class:`TimeSeries` and ``X`` (arrays as float arrays).
    ``default_freq`` is the fitted step, which a later pandas ``X`` must
    have (spellings of one step pass): its forecasts read windows of it.
    """
    least = 2 if n_features is None else 1
    _refuse_many_series(X)
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        X = check_array(  # NaN and inf: check_series names them, as for pandas
            X,
            ensure_2d=False,
            ensure_min_samples=least,
            ensure_all_finite=False,
            estimator="ForecastAnomalyDetector",
            input_name="X",
        )
        if X.ndim == 1 and n_features not in (None, 1):
            raise ValueError(
                f"X is 1-D, but the detector was fitted on {n_features} columns; "
                "Reshape your data to (n_timesteps, n_columns)."
            )
    series = check_series(X, name="X", min_length=least, default_freq=default_freq)
    if default_freq is not None and series.kind != "array":
        of = "ForecastAnomalyDetector was fitted on"
        check_step([series], None, default_freq, of=of, name="X")
        if _positions(series.freq, default_freq):  # integer steps: the same
            raise ValueError(
                f"X has steps of {series.freq}, but {of} steps of {default_freq}. "
                "Resample X first (e.g. with pandas' resample), or fit on its step."
            )
    found = series.values.shape[1]
    if n_features is not None and found != n_features:
        raise ValueError(
            f"X has {found} features, but ForecastAnomalyDetector is expecting "
            f"{n_features} features as input."
        )
    return series, X


def _positions(step, fitted):
    """Whether integer positions of ``step`` differ from the fitted ones."""
    integers = isinstance(step, Integral) and isinstance(fitted, Integral)
    return integers and step != fitted
