"""The bounds of a forecast's prediction intervals (split conformal, CQR).

Of a :class:`~skseq.forecasting._fitted.FittedForecaster`'s forecasts in
the transformed space: the forecast plus and minus the held-out errors'
half-width, or the interval of a pair of quantile heads moved out by their
conformity scores; the intervals of several coverages nest.
"""

import numpy as np
import pandas as pd

from ._conformal import LEVEL_TOLERANCE

__all__ = ["interval_bounds"]


def interval_bounds(fitted, transformed, unit, coverage, margin_of=None, heads=None):
    """Lower and upper bounds ``(n, horizon, n_targets * 2)`` and their names.

    Of ``fitted``'s forecasts (:meth:`FittedForecaster.forecast`). Given the
    quantile ``heads`` and heads at ``(1 -/+ coverage) / 2`` among them, the
    CQR interval: those heads, moved out by the margin of
    :meth:`ConformalCalibration.cqr_margin`. Otherwise the forecast plus and
    minus the half-width of the held-out errors. Either holds the CQR
    intervals of lower coverages; without heads of its own, it lies inside
    those of higher ones (so intervals nest). ``margin_of(coverage)`` (in
    units, broadcast to ``transformed``) replaces the held-out windows'
    margins (rolling origins: the errors known at each origin).
    """
    margin_of = margin_of or (lambda level: None)
    lower, upper = _bounds(
        fitted, transformed, unit, coverage, margin_of(coverage), heads
    )
    # the errors' half-widths at 0.95 could lie inside the heads' at 0.9;
    # heads too extreme for the held-out windows bound nothing
    for level in 1 - 2 * np.asarray(fitted.quantiles if heads is not None else []):
        bounds = fitted.head_pair(level) and fitted.calibration.calibrates(level)
        if 0 < level and abs(level - coverage) > LEVEL_TOLERANCE and bounds:
            low, high = _bounds(
                fitted, transformed, unit, level, margin_of(level), heads
            )
            if level < coverage:
                lower, upper = np.minimum(lower, low), np.maximum(upper, high)
            elif fitted.head_pair(coverage) is None:  # no heads of its own
                lower, upper = np.clip(lower, low, high), np.clip(upper, low, high)
    decode = fitted.values.inverse_transform
    bounds = np.stack([decode(lower), decode(upper)], 3)
    targets = list(fitted.roles.targets)
    if len(targets) == 1:
        columns = pd.Index(["lower", "upper"])
    else:
        columns = pd.MultiIndex.from_product([targets, ["lower", "upper"]])
    return bounds.reshape(len(bounds), fitted.horizon, -1), columns


def _bounds(fitted, transformed, unit, coverage, margin, heads):
    """One interval's bounds in the transformed space (interval_bounds)."""
    pair = None if heads is None else fitted.head_pair(coverage)
    if pair is None:
        lower = upper = transformed
        if margin is None:
            margin = fitted.calibration.half_width(coverage)
    else:
        lower, upper = heads[..., pair[0]], heads[..., pair[1]]
        if margin is None:
            margin = fitted.calibration.cqr_margin(pair, coverage)
    lower, upper = lower - margin * unit, upper + margin * unit
    # a negative margin narrows; bounds that would cross are swapped
    return np.minimum(lower, upper), np.maximum(lower, upper)
