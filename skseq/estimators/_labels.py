"""Missing values in ``y`` as users give them, found by one test.

Class labels: missing ones are refused up front, by one check for every
estimator that takes class labels (:class:`RNNClassifier` per sequence,
:class:`RNNTagger` per step), in ``fit`` and in ``score``. Regression targets
of an object dtype: their ``pd.NA`` (and None) become NaN, which scikit-learn's
finite check then refuses naming ``y``, as it does any other NaN.
"""

import numpy as np
import pandas as pd

__all__ = ["nan_for_missing", "refuse_missing_labels"]

# numpy kinds that can hold a missing value: object, float, complex, datetime
_NULLABLE_KINDS = "OfcMm"


def _missing(y):
    """Positions (along the first axis) of ``y`` that hold a missing label."""
    if isinstance(y, (pd.Series, pd.DataFrame, pd.Index)):
        # pandas' own test: pd.NA of the nullable and 'string' dtypes, NaN of
        # a 'category' (numpy's conversions may turn these into NaN floats or
        # keep pd.NA, which sklearn's finite check cannot compare)
        missing = np.asarray(y.isna())
    else:
        try:
            values = np.asarray(y)
        except (ValueError, TypeError):  # ragged: check_array says so
            return np.array([], dtype=int)
        if values.ndim == 0 or values.dtype.kind not in _NULLABLE_KINDS:
            return np.array([], dtype=int)
        missing = pd.isna(values)
    if missing.ndim == 0 or missing.size == 0:
        return np.array([], dtype=int)
    return np.flatnonzero(missing.reshape(len(missing), -1).any(axis=1))


def refuse_missing_labels(
    y,
    unit="positions",
    remedy="drop those samples or give them a label",
    locate=str,
):
    """Raise a ValueError when ``y`` holds missing labels.

    None, NaN, ``pd.NA`` (pandas' nullable ``Int64``/``boolean`` and
    ``'string'`` dtypes) and the NaN of a ``'category'`` are all missing. The
    check runs before scikit-learn's: its finite check stumbles over
    ``pd.NA`` ("boolean value of NA is ambiguous") and says "Input y
    contains NaN" of nullable integers, neither pointing at the labels.

    Parameters
    ----------
    y : array-like or pandas object
        The labels, one per ``unit`` along the first axis.
    unit : str, default="positions"
        What a label belongs to, in the message.
    remedy : str, default="drop those samples or give them a label"
        What to do, in the message.
    locate : callable, default=str
        Names the first missing position in the message.
    """
    missing = _missing(y)
    if len(missing):
        raise ValueError(
            f"y holds missing labels (None, NaN or pd.NA) at {len(missing)} "
            f"{unit}, the first {locate(int(missing[0]))}; {remedy}."
        )


def nan_for_missing(y):
    """Return ``y`` with the missing values of an object dtype as NaN.

    ``check_array(y, dtype=np.float64)`` converts an object array value by
    value, and ``float(pd.NA)`` raises a TypeError naming no argument; with
    NaN in their place the check says "Input y contains NaN." as for a float
    ``y``. Anything else (numeric and pandas nullable dtypes, ragged lists)
    is returned as given, for the check to judge.

    Parameters
    ----------
    y : array-like or pandas object
        Regression targets.

    Returns
    -------
    y : array-like
        ``y``, or a float-convertible object array in its place.
    """
    if isinstance(y, (pd.Series, pd.DataFrame, pd.Index)):
        dtypes = y.dtypes if isinstance(y, pd.DataFrame) else [y.dtype]
        if not any(dtype.kind == "O" for dtype in dtypes):
            return y
    elif not isinstance(y, (list, tuple, np.ndarray)):
        return y
    try:
        values = np.asarray(y)
    except (ValueError, TypeError):  # ragged: check_array says so
        return y
    if values.dtype != object:
        return y
    missing = pd.isna(values)
    if not missing.any():
        return y
    values = values.copy()
    values[missing] = np.nan
    return values
