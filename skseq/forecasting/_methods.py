"""What forecasts: the network, the ridges, a naive rule, or a mean of two.

A network trained on a short, noisy series can lose to a linear model, to the
last value or to the last season's values, the forecasts users compare it
with. ``method="select"`` compares them on the held-out windows, which
already calibrate the intervals and stop the training, and keeps whichever
forecasts them best; a method is one forecast or the mean of two.

Every method forecasts from the same window, in the transformed space (after
the log and the value scaling), so that it fits into
:meth:`~skseq.forecasting._fitted.FittedForecaster.forecast` and the
conformal calibration as the network does.
"""

from itertools import combinations

import numpy as np

__all__ = [
    "METHOD_PARTS",
    "choose_method",
    "methods_to_compare",
    "naive",
    "seasonal_naive",
]

# the forecasts a method averages: the network, the mean of the ridges (one
# per window normalisation), the last value, the last season's values
METHOD_PARTS = ("network", "linear", "naive", "seasonal")


def naive(encoded, horizon, n_targets):
    """Repeat the last value of each window, ``(n, horizon, n_targets)``."""
    return np.repeat(encoded[:, -1:, :n_targets], horizon, axis=1)


def seasonal_naive(encoded, horizon, n_targets, season):
    """Repeat the values of the last season, ``(n, horizon, n_targets)``.

    Step ``h`` (from 1) repeats the window's value ``season - (h - 1) % season``
    steps before its end, so the last season repeats over longer horizons.
    """
    w = encoded.shape[1]
    return encoded[:, w - season + np.arange(horizon) % season, :n_targets]


def methods_to_compare(season, window_length):
    """Return the methods ``method="select"`` compares (forecasts to average).

    The network; the mean of the ridges (one per window normalisation); the
    naive forecast; the seasonal naive one when a season fits in the window;
    and the mean of each pair of those.
    """
    single = ["network", "linear", "naive"]
    if season is not None and season <= window_length:
        single.append("seasonal")
    return [(name,) for name in single] + list(combinations(single, 2))


def choose_method(methods, forecasts, actual):
    """Return the method with the lowest held-out MAE, and every method's MAE.

    Parameters
    ----------
    methods : list of tuple
        The candidates, in order of preference on ties.
    forecasts : dict
        Single forecast name -> held-out forecasts ``(n, horizon, k)``
        (transformed space).
    actual : ndarray of shape (n, horizon, k)
        What happened.

    Returns
    -------
    method : tuple of str
        The forecasts to average; a tie keeps the earlier candidate (the
        network first).
    errors : dict
        ``"+".join(method)`` -> mean absolute error over the held-out windows.
    """
    errors = {}
    for method in methods:
        predicted = np.mean([forecasts[name] for name in method], axis=0)
        errors["+".join(method)] = float(np.abs(predicted - actual).mean())
    best = min(errors, key=errors.get)
    return tuple(best.split("+")), errors
