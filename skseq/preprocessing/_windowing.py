"""Sliding windows over a time series, as strided views (no copies).

:func:`make_windows` turns one series into ``(X, y)`` training pairs: many
rows from one series, so it is a function, not a transformer.
:class:`SequenceWindower` keeps one row per time step (the window that ends
there), so it can sit in a Pipeline with ``y`` untouched.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..utils._long import is_long_frame
from ..utils._ragged import _looks_ragged
from ..utils._series import unsorted
from ..utils._sklearn_compat import (
    Interval,
    _check_feature_names_in,
    _fit_context,
    validate_params,
)
from ..utils._warnings import warn
from ..utils._windows import cut_windows
from ..utils.validation import MASK_VALUE
from ._output import SequenceOutputMixin

__all__ = ["SequenceWindower", "make_windows"]


@validate_params(
    {
        "series": ["array-like"],
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_windows(series, window_length, horizon=1, step=1):
    """Cut a series into ``(window, following values)`` training pairs.

    Window ``i`` holds ``series[i * step : i * step + window_length]`` and its
    target the next ``horizon`` values. ``X`` is a read-only strided view of
    the series: a long series costs no memory per window.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
        The series: array, pandas Series or DataFrame (rows are time steps).
    window_length : int
        Steps per input window.
    horizon : int, default=1
        Steps to predict after each window.
    step : int, default=1
        Steps between the starts of successive windows.

    Returns
    -------
    X : ndarray
        ``(n_windows, window_length)`` for a 1-D series, else
        ``(n_windows, window_length, n_features)``; a view of ``series``.
    y : ndarray, pandas Series or DataFrame
        The values after each window: ``(n_windows,)`` for a 1-D series and
        ``horizon=1``, ``(n_windows, horizon)`` for a 1-D series, and
        ``(n_windows, [horizon,] n_features)`` for a 2-D one. A pandas input
        gives pandas output indexed by the time of the first target step
        (several horizons or features in columns).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.preprocessing import make_windows
    >>> X, y = make_windows(np.arange(6.0), window_length=3)
    >>> X
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y
    array([3., 4., 5.])
    """
    _check_time_order(series, "series")
    values = check_array(
        series, ensure_2d=False, dtype="numeric", input_name="series", copy=False
    )
    if values.ndim > 2:
        raise ValueError(
            f"series must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_features), "
            f"got an array of shape {values.shape}."
        )
    needed = window_length + horizon
    if len(values) < needed:
        raise ValueError(
            f"series has {len(values)} observations; window_length={window_length} "
            f"and horizon={horizon} need at least {needed}."
        )
    windows = cut_windows(values, needed)[::step]
    X, y = windows[:, :window_length], windows[:, window_length:]
    if horizon == 1:
        y = y[:, 0]
    if not isinstance(series, (pd.Series, pd.DataFrame)):
        return X, y
    index = series.index[window_length::step][: len(y)]
    if isinstance(series, pd.Series):
        if horizon == 1:
            return X, pd.Series(y, index=index, name=series.name)
        columns = pd.RangeIndex(1, horizon + 1, name="horizon")
        return X, pd.DataFrame(y, index=index, columns=columns)
    if horizon == 1:
        return X, pd.DataFrame(y, index=index, columns=series.columns)
    columns = pd.MultiIndex.from_product(
        [range(1, horizon + 1), series.columns], names=["horizon", None]
    )
    return X, pd.DataFrame(y.reshape(len(y), -1), index=index, columns=columns)


def _check_time_order(X, name):
    """Warn where a pandas ``X``'s time index goes back in time.

    Its rows are windowed in their order, which makes windows of steps that
    do not follow each other if that is not the time order. Not refused:
    stamps of a local clock without a zone go back an hour when the clocks
    do (and sorting them would interleave the two hours). Other indexes are
    labels; missing stamps (NaT) are not read.
    """
    index = getattr(X, "index", None)
    times = (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex)
    if not isinstance(index, times):
        return
    index = index.dropna()
    if index.is_monotonic_increasing:
        return
    warn(
        f"{name}.index goes back in time ({unsorted(index)}); its rows are "
        "windowed in their order. Sort it with "
        f"{name}.sort_index(){' (and its y with it)' if name == 'X' else ''}, "
        "unless that is the time order (local clock times repeating an hour "
        "when the clocks go back: tz_localize(zone, ambiguous='infer') says so)."
    )


def _one_series(X):
    """Refuse separate sequences (a list, a long frame): the windower takes one."""
    _check_time_order(X, "X")
    if _looks_ragged(X):
        raise ValueError(
            "SequenceWindower takes one series, a 2-D X of shape (n_timesteps, "
            "n_features), but X is a list of sequences of different lengths. "
            "Window each series separately, or use make_windows."
        )
    if is_long_frame(X):
        ids = X.index.get_level_values(0).unique()
        if len(ids) > 1:  # its rows would be windowed across the sequences
            raise ValueError(
                "SequenceWindower takes one series, a 2-D X of shape (n_timesteps, "
                f"n_features), but X is a long DataFrame of {len(ids)} sequences "
                f"(ids {list(ids[:3])}{', ...' if len(ids) > 3 else ''}); a window "
                "would mix them. Window each series separately (X.xs(id)). If X "
                "is one series indexed by a MultiIndex (e.g. (day, hour)), flatten "
                "its index first: X.droplevel(0) or X.reset_index(level=0, "
                "drop=True)."
            )
        times = X.index.get_level_values(-1)
        if not times.is_monotonic_increasing:  # rows stay rows: y is theirs
            raise ValueError(
                "X is a long DataFrame whose times are not increasing; its rows "
                "are windowed in their order, which must be the time order. Sort "
                "it (X.sort_index()) and its y with it."
            )
    return X


class SequenceWindower(SequenceOutputMixin, TransformerMixin, BaseEstimator):
    """Replace each time step by the window of values that ends there.

    Row ``t`` of the output holds steps ``t - window_length + 1`` to ``t`` of
    ``X``. Rows keep their order and number, so the windower sits in a
    Pipeline in front of RNNRegressor/RNNClassifier with ``y`` untouched. The
    series is padded at the front once with the padding value the estimators
    mask, so the first ``window_length - 1`` rows are shorter sequences; the
    output is a read-only strided view of that padded copy (memory of one
    series, not of ``window_length`` series).

    Parameters
    ----------
    window_length : int, default=10
        Steps per window.
    value : float or None, default=None
        Padding value of the first rows; None is :data:`skseq.MASK_VALUE`,
        which skseq's estimators mask by default. NaN marks the first rows'
        missing lags for models that take missing values
        (HistGradientBoosting) or for ``dropna``; skseq's own estimators do
        not mask NaN (they refuse it): they need a finite value, their
        ``mask_value``. Infinite values are refused.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns of ``X``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame.

    See Also
    --------
    make_windows : Windows with their targets, for training on one series.

    Notes
    -----
    :meth:`get_feature_names_out` names the output's columns: with pandas
    output (a long frame, a row per step of a window) the input features;
    otherwise, for one input feature (a 2-D output),
    ``["<name>_lag<k>", ...]`` from the oldest step to lag 0, and for
    several (a 3-D output, whose last axis they are) the input features.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.preprocessing import SequenceWindower
    >>> X = np.arange(4.0).reshape(-1, 1)  # 4 time steps, 1 feature
    >>> SequenceWindower(window_length=2, value=0.0).fit_transform(X)
    array([[0., 0.],
           [0., 1.],
           [1., 2.],
           [2., 3.]])
    """

    _parameter_constraints: dict = {
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "value": [Interval(Real, None, None, closed="neither"), "nan", None],
    }

    def __init__(self, window_length=10, *, value=None):
        self.window_length = window_length
        self.value = value

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and remember its number of features.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            The series, one row per time step.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceWindower
            The fitted transformer.
        """
        validate_data(self, _one_series(X), dtype="numeric")
        return self

    def transform(self, X):
        """Return the window ending at each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features)
            The series, one row per time step.

        Returns
        -------
        ndarray
            ``(n_timesteps, window_length)`` for one feature, else
            ``(n_timesteps, window_length, n_features)``; a read-only view.
        """
        check_is_fitted(self)
        X = validate_data(self, _one_series(X), dtype="numeric", reset=False)
        value = MASK_VALUE if self.value is None else self.value
        dtype = np.result_type(X.dtype, np.float32)
        with np.errstate(over="ignore"):
            if np.isinf(np.asarray(value, dtype=dtype)):  # NaN stays NaN
                raise ValueError(
                    f"The padding value={value!r} does not fit the dtype of X, "
                    f"{dtype.name} (it would become infinite); give X as float64, "
                    "or another padding value."
                )
        padded = np.empty((len(X) + self.window_length - 1, X.shape[1]), dtype=dtype)
        padded[: self.window_length - 1] = value
        padded[self.window_length - 1 :] = X
        windows = cut_windows(padded, self.window_length)
        return self._sequence_output(windows[:, :, 0] if X.shape[1] == 1 else windows)

    def inverse_transform(self, X):
        """Return the series: the last step of each window.

        Parameters
        ----------
        X : ndarray
            Windows, as :meth:`transform` returns them.

        Returns
        -------
        ndarray of shape (n_timesteps, n_features)
            The series.
        """
        check_is_fitted(self)
        X = np.asarray(self._from_sequence_output(X, stack=True))
        width = self.n_features_in_
        if not ((X.ndim == 2 and width == 1) or (X.ndim == 3 and X.shape[2] == width)):
            expected = (
                "2-D (n_timesteps, window_length)"
                if width == 1
                else f"3-D (n_timesteps, window_length, {width})"
            )
            raise ValueError(
                f"X must be windows of {width} features, {expected} as transform "
                f"returns them; got an array of shape {X.shape}."
            )
        last = X[:, -1]
        return last.reshape(len(X), -1)

    def _array_names(self, input_features=None):
        """Name the columns of a 2-D output (one feature): ``<name>_lag<k>``.

        A 3-D output's last axis holds the features (as the pandas output's
        columns, and as the next sequence transformer reads them): their names.
        """
        names = _check_feature_names_in(self, input_features)
        if self.n_features_in_ != 1:
            return names
        lags = range(self.window_length - 1, -1, -1)
        return np.array([f"{names[0]}_lag{lag}" for lag in lags], dtype=object)
