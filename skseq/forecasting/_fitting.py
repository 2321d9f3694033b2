"""The steps of ``SequenceForecaster.fit``, in order.

Validate the series; assign the column roles; choose the season and the
window; scale the values; split the windows (the latest of each series held
out); choose the window normalisation; train with early stopping on the
held-out windows; calibrate the intervals on them; train again on every
window. Each step is an object or function of this package.
"""

from dataclasses import replace

import numpy as np
from sklearn.utils import check_random_state

from ..utils._windows import cut_windows
from ._columns import raw_values, roles_of
from ._fitted import FittedForecaster
from ._geometry import season_of, window_of
from ._linear import choose_normalization
from ._scaling import NORMALIZATIONS, ValueScaler, WindowScaler
from ._training import refit, train_windows
from ._windows import WindowSplit

__all__ = ["fit_forecaster"]

# what normalize="auto" chooses from (None: the series' own mean and scale)
CANDIDATES = (*NORMALIZATIONS, None)


def geometry(estimator, panel):
    """Return the season and the window length of the forecaster for ``panel``."""
    season = estimator.season
    if season == "auto":
        season = season_of(panel[0].freq)
    window = estimator.window_length
    if window == "auto":
        shortest = min(len(one.values) for one in panel)
        window = window_of(shortest, estimator.horizon, season)
    return season, window


def fit_forecaster(estimator, panel, keys, form, target):
    """Fit on validated series; return the fitted state and the Trained result.

    ``target`` is the estimator's, or the columns of ``y`` when ``X`` came too.
    """
    roles = roles_of(panel, target, estimator.future_covariates, estimator.strategy)
    _, w = geometry(estimator, panel)
    h = estimator.horizon
    normalize = estimator.normalize
    if normalize == "standard" and w < 2:
        raise ValueError(
            "normalize='standard' scales each window by its own deviation, which "
            "needs window_length >= 2; use normalize='last' or a longer window."
        )
    steps = h if estimator.strategy == "direct" else 1
    log = estimator.transform == "log"
    raw = raw_values(panel, keys, roles, w, h, log)
    values = ValueScaler.fit(raw, roles.n_targets, log)
    series = np.concatenate([values.transform(v) for v in raw])
    split = WindowSplit.make(
        [len(v) for v in raw], w + h, estimator.validation_fraction, steps
    )
    split.check(estimator.validation_fraction)
    held_out = cut_windows(np.concatenate(raw), w + h)[split.held_out]
    fitted = FittedForecaster(
        window_length=w,
        horizon=h,
        strategy=estimator.strategy,
        roles=roles,
        values=values,
        # a placeholder until the normalisation is chosen
        windows=WindowScaler.fit(series, split.train, None, w, h, roles.n_targets),
        tails=tuple(one.tail(w) for one in panel),
        keys=None if keys is None else tuple(keys),
        form=form,
        calibration=None,
    )
    if normalize == "auto":
        candidates = [c for c in CANDIDATES if w >= 2 or c != "standard"]
        normalize = (
            choose_normalization(candidates, series, split, held_out, fitted, steps)
            if len(split.held_out)
            else "standard"
        )
    fitted = replace(
        fitted,
        windows=WindowScaler.fit(series, split.train, normalize, w, h, roles.n_targets),
    )
    seed = check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max)
    first = train_windows(estimator, series, split, fitted, seed)
    fitted = replace(
        fitted, calibration=fitted.calibrate(first.net, held_out, estimator.n_threads)
    )
    final = first
    if estimator.refit and len(split.held_out) and not first.interrupted:
        final = refit(estimator, series, split, fitted, seed, first)
        if final.interrupted:  # keep the complete first model
            final = type(first)(first.net, True)
    state = {
        "net_": final.net,
        "history_": final.net.history,
        "n_iter_": final.epochs,
        "n_features_in_": len(roles.columns),
        "targets_": list(roles.targets),
        "freq_": panel[0].freq,
        "normalize_": normalize,
        "window_length_": w,
        "_fitted": fitted,
    }
    return state, final
