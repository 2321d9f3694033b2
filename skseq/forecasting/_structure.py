"""The structure a fitted forecaster's state must have for ``predict`` to read it.

:class:`~._fitted.FittedForecaster` checks the geometry its own methods
assume when it is made; a file (``skseq.load``) can hold any tuple, array or
nested state, so what ``predict`` reads is checked here once, before it is
used: every series has its last rows and, in a panel, its id; the counts of
the tuples and the shapes of the arrays agree with the number of series, of
targets, of columns and the horizon; each element has its type. A state
that fails raises a ValueError naming the field; it would otherwise fail at
``predict`` with an index or broadcast error, or forecast the wrong series.
"""

from collections import Counter
from collections.abc import Hashable

import numpy as np

from ..utils._series import TimeSeries
from ._linear import RidgeForecast
from ._scaling import NORMALIZATIONS
from ._smoothing import Smoothing

__all__ = ["check_structure"]

_STRATEGIES = ("direct", "recursive")
_FORMS = ("single", "dict", "long")


def _fail(message):
    raise ValueError(message)


def _count(value, field, n, of):
    if len(value) != n:
        _fail(f"{field} holds {len(value)} elements, but {of}")


def _names(value, field):
    """Check that ``value`` holds distinct hashable names."""
    if not all(isinstance(name, Hashable) for name in value):
        _fail(f"{field} holds a value that is not a name")
    if len(set(value)) != len(value):
        _fail(f"{field} names an element more than once")


def _positions(value, field, low, high):
    """Check that ``value`` holds distinct integer positions in ``[low, high)``."""
    if not all(
        isinstance(i, int) and not isinstance(i, bool) and low <= i < high
        for i in value
    ) or len(set(value)) != len(value):
        _fail(f"{field} must hold distinct positions in [{low}, {high})")


def _array(value, field, shape, kinds="iuf"):
    """Check that ``value`` is an array of ``shape`` (None: any length) and kind."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in kinds:
        what = "booleans" if kinds == "b" else "numbers"
        _fail(f"{field} must be an array of {what}")
    if value.ndim != len(shape) or any(
        n is not None and m != n for m, n in zip(value.shape, shape, strict=True)
    ):
        expected = ", ".join("n" if n is None else str(n) for n in shape)
        expected += "," if len(shape) == 1 else ""
        _fail(f"{field} must have shape ({expected}), got {value.shape}")


def _roles(roles):
    _names(roles.columns, "roles.columns")
    for name in ("targets", "past", "future", "static"):
        part = getattr(roles, name)
        _names(part, f"roles.{name}")
        if set(part) - set(roles.columns):
            _fail(f"roles.{name} names columns that are not in roles.columns")
    if not roles.targets:
        _fail("roles.targets is empty")
    if Counter(roles.targets + roles.past + roles.future) != Counter(roles.columns):
        _fail("roles.targets, past and future must split roles.columns")
    if roles.static and roles.future[-len(roles.static) :] != roles.static:
        _fail("roles.static must be the last of roles.future")


def _window_scaler(scaler, field, horizon, k, n_columns):
    if scaler.normalize is not None and scaler.normalize not in NORMALIZATIONS:
        _fail(f"{field}.normalize must be one of {NORMALIZATIONS} or None")
    for name in ("target_mean", "input_scale", "floor"):
        _array(getattr(scaler, name), f"{field}.{name}", (k,))
    _array(scaler.target_scale, f"{field}.target_scale", (horizon, k))
    _positions(scaler.lagged, f"{field}.lagged", k, n_columns)


def _ridge(ridge, field, fitted, steps, n_columns):
    if not isinstance(ridge, RidgeForecast):
        _fail(f"{field} must be a RidgeForecast, got {type(ridge).__name__}")
    w = fitted.window_length if ridge.window_length is None else ridge.window_length
    if not 1 <= w <= fitted.window_length:
        _fail(f"{field}.window_length must be in [1, {fitted.window_length}]")
    k, n_future = fitted.roles.n_targets, fitted.roles.n_future
    # the inputs network_inputs makes: the window (and forecast steps), each
    # row's columns (and a flag), flattened
    n_inputs = (w + (steps if n_future else 0)) * (n_columns + (1 if n_future else 0))
    _array(ridge.coef, f"{field}.coef", (steps * k, n_inputs))
    _array(ridge.intercept, f"{field}.intercept", (steps * k,))
    _window_scaler(ridge.scaler, f"{field}.scaler", fitted.horizon, k, n_columns)


def _smoothing(model, field):
    if not isinstance(model, Smoothing):
        _fail(f"{field} must be a Smoothing, got {type(model).__name__}")
    if not np.isfinite([*model.params, model.level, model.trend]).all():
        _fail(f"{field} must have finite parameters and states")
    if model.season is None:
        if model.seasonal is not None:
            _fail(f"{field} has seasonal states but no season")
    elif model.season < 2:
        _fail(f"{field}.season must be >= 2")
    else:
        _array(model.seasonal, f"{field}.seasonal", (model.season,))


def _series(fitted):
    """Check the tails and ids; return the number of series."""
    tails, keys = fitted.tails, fitted.keys
    if not tails:
        _fail("tails holds no series")
    for i, tail in enumerate(tails):
        if not isinstance(tail, TimeSeries):
            _fail(f"tails[{i}] must be a TimeSeries, got {type(tail).__name__}")
        _array(tail.values, f"tails[{i}].values", (fitted.lookback, None))
        if len(tail.index) != len(tail.values):
            _fail(f"tails[{i}] has {len(tail.index)} time stamps for its rows")
    if fitted.form == "single":
        if keys is not None:
            _fail("keys must be None for a single series")
        _count(tails, "tails", 1, "a single series' model holds one")
    else:
        if keys is None:
            _fail(f"keys is None, but the series came as a {fitted.form}")
        _names(keys, "keys")
        _count(tails, "tails", len(keys), f"keys names {len(keys)} series")
    return len(tails)


def check_structure(fitted):
    """Raise a ValueError, naming the field, where ``fitted`` cannot be read.

    Parameters
    ----------
    fitted : FittedForecaster
        A fitted state (of a file, typically).
    """
    if fitted.window_length < 1 or fitted.horizon < 1:
        _fail("window_length and horizon must be >= 1")
    if fitted.strategy not in _STRATEGIES:
        _fail(f"strategy must be one of {_STRATEGIES}")
    if fitted.form not in _FORMS:
        _fail(f"form must be one of {_FORMS}")
    _roles(fitted.roles)
    k, n_columns = fitted.roles.n_targets, len(fitted.roles.columns)
    n = _series(fitted)
    if not all(isinstance(name, str) for name in fitted.method):
        _fail("method must hold the names of forecasts")
    values = fitted.values
    if values.n_targets != k:
        _fail(f"values.n_targets is {values.n_targets}, but there are {k} targets")
    for name in ("cov_mean", "cov_scale"):
        _array(getattr(values, name), f"values.{name}", (n_columns - k,))
    _positions(values.lagged, "values.lagged", k, n_columns)
    _window_scaler(fitted.windows, "windows", fitted.horizon, k, n_columns)
    steps = fitted.horizon if fitted.strategy == "direct" else 1
    for i, ridge in enumerate(fitted.ridges):
        _ridge(ridge, f"ridges[{i}]", fitted, steps, n_columns)
    for i, model in enumerate(fitted.smoothing or ()):
        _smoothing(model, f"smoothing[{i}]")
    for name in ("smoothing_weight", "rule_weight"):
        weight = getattr(fitted, name)
        if weight is not None and not 0 <= weight <= 1:
            _fail(f"{name} must lie in [0, 1]")
    for name in ("calibration", "naive_calibration"):
        calibration = getattr(fitted, name)
        if calibration is not None:
            residuals = calibration.residuals
            _array(residuals, f"{name}.residuals", (None, fitted.horizon, k))
    if fitted.units is not None:
        _array(fitted.units, "units", (n, k), kinds="f")
    still = fitted.still
    if still is not None:  # (n_series,) in models saved before
        _array(still, "still", (n, k) if np.ndim(still) == 2 else (n,), kinds="b")
    if fitted.lag is not None:
        lag = fitted.lag
        if lag.lag < 1:
            _fail("lag.lag must be >= 1")
        _count(lag.columns, "lag.columns", k, f"there are {k} targets")
        _count(lag.positions, "lag.positions", k, f"there are {k} targets")
        _positions(lag.positions, "lag.positions", k, n_columns)
    # the positions of the targets a season back, which every scaler reads
    lagged = () if fitted.lag is None else tuple(fitted.lag.positions)
    scalers = [("values", values), ("windows", fitted.windows)]
    scalers += [(f"ridges[{i}].scaler", r.scaler) for i, r in enumerate(fitted.ridges)]
    for field, scaler in scalers:
        if tuple(scaler.lagged) != lagged:
            _fail(f"{field}.lagged is {scaler.lagged}, but the lag is at {lagged}")
    static = fitted.static
    if static is not None:
        _names(static.ids, "static.ids")
        _names(static.columns, "static.columns")
        _array(static.values, "static.values", (len(static.ids), len(static.columns)))
