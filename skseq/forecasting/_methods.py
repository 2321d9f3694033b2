"""What forecasts: the network, the ridges, smoothing, a naive rule, or a mean.

A network trained on a short, noisy series can lose to a linear model, to the
last value or to the last season's values, the forecasts users compare it
with, and its forecast moves with the seed. A method is a mean of forecasts
(:func:`average`): of the window models, the network and each ridge (one per
window normalisation, those not clearly worse than the best on the held-out
windows: :func:`confidence_set`), with them the exponential smoothing of the
whole series (:mod:`._smoothed`, which the forecaster gives), and of the
rules, the naive or the seasonal naive forecast. The default, the network
and the ridges, counts the network as one forecast among up to six, an
ensemble in which the seed weighs little. ``method="select"``
compares candidates on the held-out windows, which already calibrate the
intervals and stop the training, and keeps whichever forecasts them best.

Every method forecasts from the same window (the smoothing part from the
series), in the transformed space (after
the log and the value scaling), so that it fits into
:meth:`~skseq.forecasting._fitted.FittedForecaster.forecast` and the
conformal calibration as the network does.
"""

from itertools import combinations

import numpy as np
from scipy.stats import t as student_t

__all__ = [
    "METHOD_PARTS",
    "NETWORK_OPTIMISM",
    "RULES",
    "average",
    "check_parts",
    "choose_method",
    "confidence_set",
    "held_mean",
    "methods_to_compare",
    "naive",
    "seasonal_naive",
]

# the forecasts a method averages: the network, the ridges (one forecast per
# window normalisation kept), the last value, the last season's values, the
# exponential smoothing of the whole series (_smoothed)
METHOD_PARTS = ("network", "linear", "naive", "seasonal", "smoothing")
# how much lower the network's error on the held-out windows is than on the
# next steps, against the ridges': the windows that stopped its training
# also judge it (_judged.judged_method; benchmarks/README.md measures it)
NETWORK_OPTIMISM = 1.2
# the forecasts that repeat values of the window instead of fitting a map
RULES = ("naive", "seasonal")


def average(named, models_first=True, smoothing_weight=None, rule_weight=None):
    """Return the mean forecast of a method's parts.

    ``named`` is a list of ``(name, forecast)`` pairs (a name of
    ``METHOD_PARTS``, one pair per ridge). With ``models_first``, the window
    models (the network, the ridges and the smoothing part, one forecast
    each) are averaged first, and their mean weighs as much as each rule
    (otherwise every part counts once), or takes ``1 - rule_weight`` of the
    forecast: where the season is a day, the seasonal naive forecast of
    ``method="auto"`` is half of the forecast or its share by the held-out
    errors, not one part in six. The two read the window under different
    assumptions (a map fitted on the training windows, the last season
    repeated); on 230 short hourly and half-hourly cuts
    (``benchmarks/short_series.py --daily``) half of it took the default's
    error over Holt-Winters' from 0.926 to 0.880. A year of weeks
    repeats less exactly (52.18 of them): on weekly CO2 (``--weekly``) the
    half weight raised the error from 0.815 to 1.281 of Holt-Winters' at
    260 weeks, so other seasons keep one part each.

    ``smoothing_weight`` (:func:`~._judged.error_share`), where the
    smoothing part is among the window models: its share of their mean,
    the other window models sharing the rest equally (None: one part each,
    as models saved before). ``rule_weight`` (the same function), with
    ``models_first``: the rules' share of the forecast, set by the held-out
    windows (None: each rule weighs as much as the models' mean).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.forecasting._methods import average
    >>> parts = [("network", 1.0), ("linear", 2.0), ("linear", 3.0)]
    >>> float(average(parts)), float(average(parts + [("seasonal", 4.0)]))
    (2.0, 3.0)
    """
    models = [forecast for name, forecast in named if name not in RULES]
    rules = [forecast for name, forecast in named if name in RULES]
    others = [forecast for name, forecast in named if name not in (*RULES, "smoothing")]
    shared = smoothing_weight is not None and 0 < len(others) < len(models)
    if not shared and not models_first:  # every part counts once
        return np.mean([forecast for _, forecast in named], axis=0)
    if not models:
        return np.mean(rules, axis=0)
    if shared:  # the smoothing part's share, the other window models the rest
        smoothed = next(forecast for name, forecast in named if name == "smoothing")
        mean = (1 - smoothing_weight) * np.mean(others, axis=0)
        mean = mean + smoothing_weight * smoothed
    else:
        mean = np.mean(models, axis=0)
    if models_first and rule_weight is not None and rules:
        return (1 - rule_weight) * mean + rule_weight * np.mean(rules, axis=0)
    if models_first:
        return np.mean([mean, *rules], axis=0)
    return (len(models) * mean + np.sum(rules, axis=0)) / (len(models) + len(rules))


def check_parts(fitted):
    """Refuse a fitted forecaster's ``method`` without what its parts need."""
    method = fitted.method
    unknown = set(method) - set(METHOD_PARTS)
    if not method or unknown:
        raise ValueError(
            f"method must name forecasts among {METHOD_PARTS}, got {method}."
        )
    if "linear" in method and not fitted.ridges:
        raise ValueError('method "linear" needs the ridges, and there are none.')
    season = fitted.season
    if "seasonal" in method and not (
        isinstance(season, int) and 2 <= season <= fitted.window_length
    ):
        raise ValueError(
            "The seasonal naive forecast needs a season of 2 to window_length "
            f"steps, got {season!r}."
        )
    models, k = fitted.smoothing, fitted.roles.n_targets
    if "smoothing" in method and (models is None or len(models) != k):
        raise ValueError(
            f'method "smoothing" needs an exponential smoothing model per target '
            f"({k}), got {models!r}."
        )


def held_mean(errors, actual, axis=None):
    """Return the mean of held-out ``errors`` where the ``actual`` value counts.

    ``actual`` is NaN where a still target of a panel's series is forecast
    by another rule (:mod:`._units`): its errors judge nothing. Errors of a
    forecast that is NaN itself stay NaN.
    """
    counted = ~np.isnan(actual)
    return np.where(counted, errors, 0.0).sum(axis=axis) / counted.sum(axis=axis)


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


def confidence_set(errors, horizon, level=0.975, counts=None):
    """Return the indices of the models not clearly worse than the best.

    A model is dropped when its held-out error exceeds the best model's by
    more than a one-sided Student t bound at ``level`` on the mean
    difference: a model confidence set (Hansen, Lunde and Nason 2011) of one
    step. The windows are averaged in blocks of ``horizon`` consecutive ones,
    the latest block last, and every other block is compared: adjacent
    blocks share ``horizon - 1`` target steps, and their errors are
    correlated (with every block the test dropped equal models twice as
    often as ``level`` says), blocks two apart share none. Fewer than two
    such blocks are no evidence: every model is kept. So the models of a
    short series, whose few held-out windows rank them poorly, are all kept,
    and a long series keeps those that forecast about as well as the best
    (sunspots: one ridge of four, whose mean had almost three times its
    error). A model with a non-finite error is dropped.

    The windows of a panel (``counts``) are blocked by their place from the
    end of their series: a block is the mean of every series' windows at
    the same places (the latest ``horizon`` of each, and so on), so that the
    order of the series changes nothing (blocks of the windows in a row,
    across series, kept 3 ridges of 4 in one order and 4 in another), and
    windows of the same time in several series, whose errors move together,
    count as one block, not as independent evidence.

    Parameters
    ----------
    errors : array-like of shape (n_models, n_windows)
        Each model's error on each held-out window (comparable between
        windows), in the order of the windows.
    horizon : int
        Steps forecast from each window.
    level : float, default=0.975
        Confidence of the bound that a kept model may lose by.
    counts : array-like of int or None, default=None
        The windows of each series of a panel, in the order of the windows
        (None: one series).

    Returns
    -------
    list of int
        The indices of the kept models, in their order (all of them when no
        model's errors are finite).
    """
    errors = np.asarray(errors, dtype=np.float64)
    n_models = len(errors)
    finite = np.isfinite(errors).all(axis=1)
    if not finite.any():
        return list(range(n_models))
    # rows that are not finite are dropped; zeros keep the arithmetic quiet
    errors = np.where(finite[:, None], errors, 0.0)
    blocks = _blocks(errors, horizon, counts)
    # the latest block, and every other one before it (every one for a
    # horizon of one step: those windows share no target step)
    blocks = blocks[:, :: 2 if horizon > 1 else 1]
    n = blocks.shape[1]
    if n < 2:
        return [int(i) for i in np.flatnonzero(finite)]
    best = int(np.argmin(np.where(finite, blocks.mean(axis=1), np.inf)))
    difference = blocks - blocks[best]
    spread = difference.std(axis=1, ddof=1)
    bound = student_t.ppf(level, n - 1) * spread / np.sqrt(n)
    return [
        i for i in range(n_models) if finite[i] and difference[i].mean() <= bound[i]
    ]


def _blocks(errors, horizon, counts=None):
    """Return the means of blocks of ``horizon`` windows, the latest first.

    ``errors`` is ``(n_models, n_windows)``; ``counts`` the windows of each
    series of a panel (None: one series), whose blocks join by place from
    the end. Earlier windows that fill no block of ``horizon`` are left out
    (of a panel, those beyond the longest series' blocks; one block where
    no series fills one).
    """
    n_models, n_windows = errors.shape
    if counts is None or len(counts) == 1:
        n_blocks = n_windows // horizon
        blocks = errors[:, n_windows - n_blocks * horizon :]
        blocks = blocks.reshape(n_models, n_blocks, horizon).mean(axis=2)
        return blocks[:, ::-1]
    place = np.concatenate([np.arange(n)[::-1] for n in counts]) // horizon
    n_blocks = max(max(n // horizon for n in counts), 1)
    kept = place < n_blocks
    sums = np.zeros((n_blocks, n_models))
    np.add.at(sums, place[kept], errors[:, kept].T)
    return (sums / np.bincount(place[kept], minlength=n_blocks)[:, None]).T


def methods_to_compare(season, window_length):
    """Return the methods ``method="select"`` compares (forecasts to average).

    The network; the ridges (those kept, one forecast each); the naive
    forecast; the seasonal naive one when a season fits in the window; and
    each pair of those (their :func:`average`, as the fit's ``models_first``
    says).
    """
    single = ["network", "linear", "naive"]
    if season is not None and season <= window_length:
        single.append("seasonal")
    return [(name,) for name in single] + list(combinations(single, 2))


def choose_method(methods, forecasts, actual, models_first=True):
    """Return the method with the lowest held-out MAE, and every method's MAE.

    Parameters
    ----------
    methods : list of tuple
        The candidates, in order of preference on ties.
    forecasts : dict
        Single forecast name -> list of its held-out forecasts ``(n, horizon,
        k)`` (transformed space): one, or one per ridge for "linear".
    actual : ndarray of shape (n, horizon, k)
        What happened (NaN: not counted, :func:`held_mean`).
    models_first : bool, default=True
        How the parts of a method are averaged (:func:`average`).

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
        named = [(name, f) for name in method for f in forecasts[name]]
        predicted = average(named, models_first)
        errors["+".join(method)] = float(held_mean(np.abs(predicted - actual), actual))
    best = min(errors, key=errors.get)
    return tuple(best.split("+")), errors
