"""Numeric checks of sequence values: floats, or int64 token ids.

What :func:`skseq.utils.check_sequences` runs on the values of any input form,
through scikit-learn's ``check_array``.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

__all__ = ["check_values", "holds_integers"]


def holds_integers(values):
    """Whether a numeric array holds whole numbers alone (as token ids do).

    Integers and booleans do; floats where every value is a finite whole
    number; no other dtype.
    """
    if values.dtype.kind in "iub":
        return True
    if values.dtype.kind != "f":
        return False
    return bool(np.isfinite(values).all() and np.array_equal(values, np.round(values)))


def _name(estimator):
    return "" if estimator is None else type(estimator).__name__


def _token_reading(estimator):
    """Return how ``estimator`` is told to read token ids, from its parameters.

    "embedding_dim" (skseq's estimators), "dtype" (SequencePadder's integer
    dtype) or None, so that messages name what the caller has.
    """
    params = getattr(estimator, "get_params", dict)()
    return next((name for name in ("embedding_dim", "dtype") if name in params), None)


def _expects_ids(estimator):
    """Return who expects integer token ids and why, for an error message."""
    if estimator is None:
        return "token ids must be integers"
    reading = _token_reading(estimator)
    if reading == "embedding_dim":
        why = "with embedding_dim set, "
    elif reading == "dtype":
        why = f"with dtype='{np.dtype(estimator.get_params()['dtype']).name}', "
    else:
        why = ""
    return f"{why}{_name(estimator)} expects integer token ids"


def _first_string(values):
    """Return a string held by an array-like of numbers, or None."""
    if isinstance(values, pd.DataFrame):  # a long frame: its text columns
        for _, column in values.items():
            # objects: pandas tells numbers apart in C, not a loop over values
            numbers = column.dtype.kind in "biufcmM" or pd.api.types.infer_dtype(
                column, skipna=True
            ) in ("integer", "floating", "mixed-integer-float", "decimal", "empty")
            string = None if numbers else _first_string(column)
            if string is not None:
                return string
        return None
    kind = getattr(getattr(values, "dtype", None), "kind", None)
    if kind in ("U", "S"):
        values = np.asarray(values)
        return values.flat[0] if values.size else None
    if kind == "O" or kind is None and isinstance(values, (list, tuple)):
        try:
            flat = np.asarray(values, dtype=object).ravel()
        except ValueError:
            return None
        for value in flat:
            if isinstance(value, (str, bytes)):
                return value
    return None


def _refuse_strings(values, estimator, input_name):
    string = _first_string(values)
    if string is not None:
        read_ids = {
            "embedding_dim": " (and set embedding_dim)",
            "dtype": " (and set an integer dtype, e.g. dtype='int64')",
        }.get(_token_reading(estimator), "")
        raise ValueError(
            f"{input_name} holds strings (e.g. {str(string)!r}), but "
            f"{_name(estimator) or 'skseq'} needs numbers. Map tokens to integer ids "
            f"with skseq.preprocessing.SequenceOrdinalEncoder{read_ids}, or one-hot "
            "encode them with SequenceOneHotEncoder."
        )


def _refuse_times(values, estimator, input_name):
    """Refuse time stamps or durations as values (numpy reads them as ns counts)."""
    if isinstance(values, pd.DataFrame):
        dtypes = values.dtypes.items()
    else:
        dtypes = [(None, getattr(values, "dtype", np.dtype(object)))]
    for name, dtype in dtypes:
        times = isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype))
        if times or getattr(dtype, "kind", None) in ("m", "M"):
            where = "" if name is None else f"'s column {name!r}"
            raise ValueError(
                f"{input_name}{where} holds {dtype} values, but "
                f"{_name(estimator) or 'skseq'} needs numbers: time stamps belong "
                "in the index (a long frame's time level), durations as numbers "
                "(e.g. column / pd.Timedelta('1h'))."
            )


def check_values(values, *, tokens, estimator, input_name, allow_nd):
    """check_array with skseq's dtype rule: floats, or int64 token ids.

    float32 input stays float32 and anything else becomes float64, so that
    centring happens before values lose precision.
    """
    if not tokens:
        _refuse_strings(values, estimator, input_name)
        _refuse_times(values, estimator, input_name)
        try:
            return _floats(values, estimator, input_name, allow_nd)
        except TypeError:
            filled = _missing_as_nan(values)
            if filled is None:
                raise
            return _floats(filled, estimator, input_name, allow_nd)
    values = check_array(
        values,
        dtype=None,
        allow_nd=allow_nd,
        estimator=estimator,
        input_name=input_name,
    )
    if values.dtype.kind in "OUSV":
        raise TypeError(
            f"{input_name} holds {values.dtype} values; {_expects_ids(estimator)}. "
            "Map tokens to ids with skseq.preprocessing.SequenceOrdinalEncoder."
        )
    if not holds_integers(values):
        raise ValueError(
            f"{input_name} holds non-integer values; {_expects_ids(estimator)}."
        )
    if values.size and values.dtype.kind != "b" and values.max() >= 2**31:
        raise ValueError(
            f"{input_name} holds token ids up to {values.max():.4g}; ids must be "
            "below 2**31 (number the tokens from 2 with SequenceOrdinalEncoder)."
        )
    values = values.astype(np.int64, copy=False)
    if values.size and values.min() < 0:
        raise ValueError(
            f"{input_name} holds negative token ids (minimum {values.min()}); token "
            "ids are integers >= 0, with 0 meaning padding."
        )
    return values


def _missing_as_nan(values):
    """Return ``values`` with pd.NA and None as NaN, or None if it holds none.

    numpy reads None in an object array as NaN but fails on pd.NA; both are
    then reported as NaN (the message says how to fill missing steps).
    """
    try:
        values = np.array(values, dtype=object)
    except ValueError:
        return None
    missing = pd.isna(values)
    if not missing.any():
        return None
    values[missing] = np.nan
    return values


def _floats(values, estimator, input_name, allow_nd):
    """check_array to floats, with skseq's advice for NaN."""
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            return check_array(
                values,
                dtype=[np.float64, np.float32],
                allow_nd=allow_nd,
                estimator=estimator,
                input_name=input_name,
            )
        except ValueError as error:
            if "contains NaN" not in str(error):
                raise
    # scikit-learn's advice is for tables (HistGradientBoosting)
    masks = "mask_value" in getattr(estimator, "get_params", dict)()
    mask = ", or pad with a number and set mask_value to it" * masks
    raise ValueError(
        f"Input {input_name} contains NaN. If it pads shorter sequences to one "
        f"length, give {input_name} as a list of arrays of their own lengths{mask}; "
        "fill missing steps first (e.g. with pandas' interpolate or ffill)."
    )
