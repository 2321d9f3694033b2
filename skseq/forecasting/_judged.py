"""What the held-out windows judge: the forecasts averaged, the refit.

The latest windows of each series, held out of the first training, stop
it, and then judge the ridges (those clearly worse than the best are
dropped), the seasonal naive forecast where it is a candidate, the method
of ``method="select"``, the shares of the smoothing part and of a daily
season's seasonal naive forecast (:func:`error_share`), and whether the
network trained again on every window is kept (:func:`refit_holds`).
"""

import math

import numpy as np

from ..utils._warnings import warn
from ._geometry import long_season
from ._methods import (
    NETWORK_OPTIMISM,
    choose_method,
    confidence_set,
    held_mean,
    methods_to_compare,
)

__all__ = [
    "DIVERGED",
    "EVEN",
    "error_share",
    "held_targets",
    "judged_method",
    "reads_long_season",
    "network_errors",
    "refit_holds",
    "window_errors",
]


# the network's held-out error (times its optimism) over the best other
# forecast's beyond which (and beyond one unit) it is left out of "auto": a
# network whose training diverged (lr=3 on a clean series of 120 days: 50
# times the ridges' error, MAE 4.3 against 0.2). Over the 472 fits of
# benchmarks/short_series.py (--lengths 40 80 120, seeds 0-1) the ratio was
# at most 2.4
DIVERGED = 4.0
# a share (:func:`error_share`) where nothing judges it
EVEN = 0.5


def held_targets(fitted, held_out, left_out=None):
    """Return the targets of the held-out windows, in the transformed space.

    NaN where ``left_out`` (``(n_windows, n_targets)``, or None) flags a
    target forecast by another rule (a still one, :mod:`._units`).
    """
    w, k = fitted.window_length, fitted.roles.n_targets
    actual = held_out.map(
        lambda windows: fitted.values.transform(windows[:, w:])[..., :k]
    )
    if left_out is None:
        return actual
    return np.where(left_out[:, None, :], np.nan, actual)


def window_errors(forecast, actual, unit):
    """Return each window's mean absolute error in its unit, ``(n_windows,)``.

    ``unit`` (:meth:`FittedForecaster.forecast`) makes the errors of windows
    of different scales, or series of a panel, comparable.
    """
    return held_mean(np.abs(forecast - actual) / unit, actual, axis=(1, 2))


def network_errors(estimator, fitted, net, held_out, actual, held=None):
    """Return the network's error on each held-out window (:func:`window_errors`).

    ``held``: the windows' still targets, as :meth:`FittedForecaster.forecast`'s.
    """
    w = fitted.window_length
    forecast, unit = held_out.map(
        lambda windows, still: fitted.forecast(
            net,
            windows[:, :w],
            windows[:, w:],
            estimator.n_threads,
            ("network",),
            held=still,
        ),
        held,
    )
    return window_errors(forecast, actual, unit)


def refit_holds(estimator, first_errors, refit_errors):
    """Return whether the refit network is kept, from both networks' errors.

    The refit trains on the held-out windows too, for the epochs that were
    best on them, with nothing to stop it at a spike of its loss (Adam's,
    late in training). It is kept where it forecasts those windows no worse
    than the first network did without them, whose error there is raised by
    ``NETWORK_OPTIMISM`` where they stopped it (as in :func:`judged_method`); a
    refit forecasting NaN is not. On taylor's third origin
    (``benchmarks/forecast_accuracy.py --origins 5``) seed 2's refit loss
    jumped from 0.0037 to 0.25 in its last two epochs: the network's MAE 990
    on the test, the first network's 141. Without the margin 127 of 708
    refits of ``benchmarks/short_series.py`` would give way, by a few
    percent; with it 17, and none of twelve further series' 210.
    """
    optimism = NETWORK_OPTIMISM if estimator.early_stopping else 1.0
    return bool(refit_errors.mean() <= optimism * first_errors.mean())


def reads_long_season(fitted):
    """Return whether the window holds a season too long for phase indicators.

    A season of 13 to ``MAX_WINDOW`` steps (the day of hours or half-hours,
    the year of weeks): the seasonal naive forecast is then the only one that
    repeats its whole profile, and joins the candidates. On 230 cuts of 120
    to 400 hourly and half-hourly steps of seven series with a daily cycle
    (``benchmarks/short_series.py --daily``) the default's error over
    Holt-Winters' fell from 0.964 to 0.926 (to 0.880 with its weight of one
    half where the season is a day: ``_methods.average``; weeks: one part).
    """
    season = fitted.season
    return long_season(season) and season <= fitted.window_length


def judged_method(
    estimator,
    fitted,
    net,
    held_out,
    linear_held,
    actual,
    network_errors,
    counts,
    held=None,
    smoothed=None,
    in_sample=False,
):
    """Return the forecasts to average, the ridges kept, the errors, two shares.

    The errors are every candidate's with ``method="select"`` (else None);
    the shares are the smoothing part's of the window models' mean and the
    seasonal naive forecast's of the whole where the season is a day
    (:func:`error_share`), each None where it is not judged.

    ``actual`` and ``network_errors`` are the held-out windows' targets and
    the network's errors there (:func:`network_errors`), or None; ``counts``
    the held-out windows of each series (:func:`confidence_set`); ``held``
    their still targets (:meth:`FittedForecaster.forecast`); ``smoothed``
    the exponential smoothing part's forecasts of those windows where it is
    a candidate (:mod:`._smoothed`), else None; ``in_sample``: whether
    those forecasts are in sample (an optimistic judge, which drops no other
    forecast and leaves no network out; the part is kept where it is not
    clearly worse than the others, and weighed by its squared errors there).

    "auto" is the network and the ridges, and the seasonal naive forecast
    where the window holds a season too long for phase indicators
    (:func:`reads_long_season`) and ``predict`` is given no future covariates
    (that forecast would not read them: on 200 hours of a daily sine plus
    three times a covariate known in advance, half of the forecast gave MAE
    1.18, the window models 0.05). With held-out windows, the ridges (and that
    forecast) kept are those not clearly worse than the best forecast among
    them and the network, when the method holds it (:func:`confidence_set`);
    no ridge kept leaves the network ("network+linear" becomes "network"). The
    network itself is kept (it is what trains) unless its error there is
    ``DIVERGED`` times the best other forecast's. Where those windows
    also stopped its training (``early_stopping``), its error there is
    optimistic, and is multiplied by ``NETWORK_OPTIMISM`` before the ridges
    and the seasonal naive forecast are judged against it (measured in
    benchmarks/README.md, "The network's held-out error is optimistic").
    "select" compares the candidates on the held-out windows as they are
    (the network alone without them).
    """
    method = "network+linear" if estimator.method == "auto" else estimator.method
    seasonal = estimator.method == "auto" and reads_long_season(fitted)
    seasonal &= not fitted.roles.n_given  # it would not read future covariates
    w = fitted.window_length

    def forecast_of(name, part=0):
        def forecast(windows, still):
            return fitted.forecast(
                net,
                windows[:, :w],
                windows[:, w:],
                estimator.n_threads,
                (name,),
                held=still,
            )[part]

        return held_out.map(forecast, held)

    if linear_held is None:  # no ridges to judge by (or no held-out windows)
        if method == "select":
            warn(
                "method='select' chooses on the held-out windows, and this fit "
                f"holds none (validation_fraction={estimator.validation_fraction}"
                "); it forecasts with the network alone. Give a "
                "validation_fraction above 0 (and a series long enough to hold "
                "windows out) for a choice."
            )
        if method == "network" and actual is not None:  # warned if it diverged
            unit = forecast_of("naive", part=1)
            naive = window_errors(forecast_of("naive"), actual, unit)
            _diverged(fitted, [network_errors, naive], False, method)
        method = "network" if method == "select" else method
        method += "+seasonal" if seasonal else ""
        return tuple(method.split("+")), fitted.ridges, None, None, None
    method = tuple(method.split("+"))
    unit = forecast_of("naive", part=1)  # what one step of a window is worth
    errors = [window_errors(forecast, actual, unit) for forecast in linear_held]
    network = "network" in method  # the network is judged with the ridges
    if network:
        optimism = NETWORK_OPTIMISM if estimator.early_stopping else 1.0
        errors.insert(0, optimism * network_errors)
    if seasonal:  # judged with the ridges, kept if not clearly worse
        errors.append(window_errors(forecast_of("seasonal"), actual, unit))
    smoothing = smoothed is not None
    if smoothing:  # the same
        errors.append(window_errors(smoothed, actual, unit))
    judges = errors[:-1] if in_sample else errors  # out of sample
    kept = confidence_set(judges, fitted.horizon, counts=counts)
    if in_sample and len(judges) in confidence_set(
        errors, fitted.horizon, counts=counts
    ):
        kept = [*kept, len(judges)]
    kept = [i - network for i in kept]
    ridges = tuple(fitted.ridges[i] for i in kept if 0 <= i < len(linear_held))
    if method != ("select",):
        if not ridges:
            method = tuple(name for name in method if name != "linear")
        if seasonal and len(linear_held) in kept:
            method = (*method, "seasonal")
        if smoothing and len(errors) - 1 - network in kept:
            method = (*method, "smoothing")
        others = tuple(name for name in method if name != "network")
        drop = estimator.method == "auto" and bool(others)  # else warned, kept
        if network and _diverged(fitted, judges, drop, estimator.method):
            method = others
        models = [errors[i + network] for i in kept if 0 <= i < len(linear_held)]
        models = [errors[0], *models] if "network" in method else models
        weight = rule = None
        if "smoothing" in method:  # against the window models it is averaged with
            weight = error_share(models, errors[-1])
            models = [*models, errors[-1]]  # one of them against a rule
        if "seasonal" in method and fitted.models_first:  # against their mean
            rule = error_share(models, errors[len(linear_held) + network])
        return method, ridges, None, weight, rule
    candidates = methods_to_compare(fitted.season, fitted.window_length)
    forecasts = {"linear": [linear_held[i] for i in kept if i >= 0]}
    for name in ("network", "naive", "seasonal"):
        if any(name in m for m in candidates):
            forecasts[name] = [forecast_of(name)]
    chosen, errors = choose_method(candidates, forecasts, actual, fitted.models_first)
    return chosen, ridges, errors, None, None


def error_share(models, part):
    """Return a part's share of its mean with the window models.

    ``models``: the held-out errors (:func:`window_errors`) of the window
    models the forecast averages with it (the network's times its
    optimism), ``part`` the part's. Each weighs by the inverse of its
    squared error (Bates and Granger's weights of a combination, the mean
    absolute error standing for the spread): the part's share is the
    models' mean error squared over the sum of both squares, so that a part
    with three times their error weighs a tenth, and each half where they
    are equal; ``EVEN`` where nothing judges.

    The smoothing part's share of the window models' mean: as one part
    among up to six window models, the part that reads every step of the
    series weighed a sixth where four ridges were kept, its weight set by
    how many ridges forecast alike. Over damped Holt-Winters' error (seeds
    0-2; README.md in benchmarks/, "The smoothing part's share"), fifteen
    classical series (``further_series.py``, 42 origins) went from 0.952 to
    0.891, the panel's five origins from 0.917 to 0.909 and the six rows of
    short cuts (``short_series.py``, geometric mean of the rows) from 0.917
    to 0.908, their seasonal cuts of 80 steps from 0.734 to 0.818; half the
    mean, or a third, did less.

    The seasonal naive forecast's share of the forecast where the season is
    a day (the window models' mean, the smoothing part among them, takes the
    rest): it was half. Over 230 short hourly and half-hourly cuts
    (``short_series.py --daily``, seeds 0-2; "A share of the seasonal naive
    forecast") the error over Holt-Winters' fell 1.4%, with the window given
    (189 cuts) 1.3%; a fixed two thirds was worse. The smoothing part's
    errors count among the models' there even where they are in sample
    (optimistic: a lower share for the rule), as they set its own share.

    Both shares were the other side's error over their sum (a part with
    three times the models' error weighed a quarter). Squared, over
    Holt-Winters' error (seeds 0-2; "Shares by squared errors"): 321 short
    cuts with the window given 0.913 -> 0.903, the fifteen classical series
    0.884 -> 0.878, the panel's five origins 0.884 -> 0.882, and 230 hourly
    and half-hourly cuts 0.800 -> 0.801.
    """
    error = float(np.nanmean(part))
    others = float(np.mean([np.nanmean(e) for e in models])) if models else error
    norm = math.hypot(error, others)  # no overflow where the squares would
    return (others / norm) ** 2 if math.isfinite(norm) and norm > 0 else EVEN


def _diverged(fitted, errors, drop=True, asked="auto"):
    """Return whether the network's held-out error (``errors[0]``) is left out.

    Where it exceeds ``DIVERGED`` times the best other forecast's and one
    unit (:func:`window_errors`: the training targets' spread about their
    window's reference, near the naive forecast's error), so that a network
    of a few epochs beside exact ridges stays (a warning says so), or where
    its error is not finite; not where the network's quantile heads give the
    intervals, nor where no other forecast's error is finite. Without
    ``drop`` (a method the user ``asked`` for, or the network alone) the
    same test only warns, and the network stays.
    """
    error = float(np.mean(errors[0]))
    others = [float(np.mean(e)) for e in errors[1:]]
    best = min((e for e in others if np.isfinite(e)), default=np.nan)
    if fitted.quantiles is not None or not np.isfinite(best):
        return False
    if np.isfinite(error) and not error > max(DIVERGED * best, 1.0):
        return False
    if not np.isfinite(error):
        how = "no finite error"
    elif best > 0:
        how = f"{error / best:.3g} times the error of the best other forecast"
    else:
        how = f"an error of {error:.3g} units where another forecast had none"
    fate = "is left out of method_" if drop else f"stays (method={asked!r})"
    warn(
        f"The network forecast the held-out windows with {how}, and {fate}: it "
        "may have trained too few epochs, or diverged (too high an lr)."
    )
    return drop
