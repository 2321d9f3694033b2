"""Probabilistic forecasts: prediction intervals and quantiles (split conformal).

Both come from the normalised errors of the held-out windows
(:class:`~skseq.forecasting._conformal.ConformalCalibration`), one set per
horizon step, scaled by what one step of the network's output is worth at
each forecast origin: errors of the forecast, or, for the levels of a
network's quantile heads (``quantiles``), errors of those heads
(conformalised quantile regression).
"""

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from ..utils._warnings import warn
from ._bounds import interval_bounds
from ._columns import format_forecasts
from ._conformal import check_coverage, check_quantiles
from ._ranks import FEWEST
from ._units import still_series, times_units

__all__ = ["ProbabilisticForecasts", "calibrated"]


class ProbabilisticForecasts:
    """``predict_interval`` and ``predict_quantiles`` of SequenceForecaster."""

    def _calibrated(self, y, X, future, levels=None, static=None):
        fitted = calibrated(self._state()[0])  # refuses, or warns
        if levels is not None:
            _check_not_levels(y, fitted, levels)
        # the fit _forecast_end read (once: a refit meanwhile does not mix)
        fitted, *forecasts = self._forecast_end(y, X, future, static)
        return interval_fit(fitted), *forecasts

    def predict_interval(self, y=None, X=None, future=None, coverage=0.9, static=None):
        """Prediction intervals over the forecast horizon (split conformal).

        The errors of the held-out windows (``validation_fraction``), one set
        per horizon step, give the interval half-widths: with ``n`` held-out
        windows, the ``ceil((n + 1) * coverage) / n`` quantile of their
        absolute normalised errors. Where that rank exceeds ``n`` (a short
        series: 0.95 needs 19 windows), a Student t bound on their spread
        (``n`` degrees of freedom, half as many where the windows overlap,
        at least their largest error); it needs
        2 windows. With fewer, the naive forecast's errors over the training
        windows take their place, with a warning (a fit without quantile
        heads; :mod:`~skseq.forecasting._calibrating`).

        A model with quantile heads at ``(1 - coverage) / 2`` and ``(1 +
        coverage) / 2`` (``quantiles``) gives the interval between those
        heads, conformalised (CQR, Romano et al. 2019): each bound moves out
        by the same quantile of the held-out windows' conformity scores
        ``max(lower - y, y - upper)`` (normalised), or in when the heads
        were too wide. Its width follows what the heads learnt of each
        window, not only the scale of the window; it is widened where needed
        to hold the interval of a pair of heads of lower coverage. Other
        coverages take the half-widths above, widened where needed to hold
        the heads' intervals of lower coverage and narrowed to lie inside
        those of higher coverage: the intervals of two coverages nest.

        A series of a panel that never changed in training, forecast from
        its training value, gets an interval of no width around it (as do
        its quantiles): its windows calibrated nothing.

        Parameters
        ----------
        y : series, dict or long DataFrame, default=None
            Recent history to forecast from, as in :meth:`predict`.
        X : DataFrame, array-like or dict, default=None
            Exogenous series, as in :meth:`predict`.
        future : DataFrame, dict or long DataFrame, default=None
            Future covariates, as in :meth:`predict`.
        coverage : float, default=0.9
            Nominal share of future values inside the interval, in (0, 1).
        static : pandas.DataFrame, default=None
            Static covariates, as in :meth:`predict`.

        Returns
        -------
        intervals : pandas.DataFrame or dict
            Columns ``lower`` and ``upper`` (for several targets, a
            ``(target, bound)`` column MultiIndex), indexed by the forecast
            time stamps.
        """
        coverage = check_coverage(coverage)
        fitted, series, keys, transformed, unit, heads, units = self._calibrated(
            y, X, future, "coverage", static
        )
        bounds, columns = interval_bounds(
            fitted, transformed, unit, coverage, heads=heads
        )
        bounds = times_units(bounds, units, fitted.roles.n_targets)
        return format_forecasts(bounds, series, keys, fitted, y, columns=columns)

    def predict_quantiles(
        self, y=None, X=None, future=None, quantiles=(0.1, 0.5, 0.9), static=None
    ):
        """Quantile forecasts over the forecast horizon (split conformal).

        The forecast plus, per horizon step, quantiles of the signed
        normalised errors of the held-out windows (``validation_fraction``):
        with ``n`` of them, level ``q`` takes the ``ceil((n + 1) q)``-th
        smallest error from the median up and the ``floor((n + 1) q)``-th
        below it (a level beyond those ranks: the Student t bound of
        :meth:`predict_interval`, one-sided). Higher levels never give lower
        values (no crossing), and a skewed error distribution gives skewed
        quantiles. The 0.5 quantile is
        the forecast corrected by the median held-out error, so it can differ
        from :meth:`predict`. A fit that held out fewer than two windows
        takes the naive forecast's errors instead (as
        :meth:`predict_interval`, with a warning), symmetric: level ``q`` is
        the bound of ``predict_interval(coverage=|2q - 1|)`` on its side, 0.5
        the forecast.

        With quantile heads (``quantiles`` at fit), a level that is a head
        (up to rounding: ``1 - 0.9`` is the head at 0.1) comes from it,
        conformalised on the held-out windows. When its mirror ``1 - q`` is
        a head too, the value is a bound of their CQR interval of coverage
        ``|1 - 2q|`` (:meth:`predict_interval`): the guarantee is for the
        pair, the share of values between the two bounds, not each bound's
        one-sided miss rate (with heads at 0.05 and 0.95, at least 90% fall
        between them, but more or fewer than 5% may fall above the 0.95
        value). Its margin is numpy's "higher" quantile at level ``ceil((n +
        1) c) / n``, one rank above the textbook conformal rank, as for the
        half-widths: a little wider. A head without its mirror is
        conformalised on its own errors, at the ranks above (one-sided
        conformalisation). Other levels come from the forecast's errors, as
        above, moved to lie between the values of the heads on either side;
        heads are moved out to hold those nearer the median. So a level's
        value does not depend on the other levels asked for, and the values
        never cross. Without a pair of heads, the levels ``(1 -/+ c) /
        2`` are not the bounds of ``predict_interval(coverage=c)``: those are
        symmetric about the forecast (quantiles of the absolute errors),
        except where widened to hold the heads' intervals of lower coverage
        or narrowed to lie inside those of higher coverage.
        Each construction is calibrated on the same held-out errors.

        Parameters
        ----------
        y : series, dict or long DataFrame, default=None
            Recent history to forecast from, as in :meth:`predict`.
        X : DataFrame, array-like or dict, default=None
            Exogenous series, as in :meth:`predict`.
        future : DataFrame, dict or long DataFrame, default=None
            Future covariates, as in :meth:`predict`.
        quantiles : sequence of float, default=(0.1, 0.5, 0.9)
            Levels in (0, 1); returned sorted, each once.
        static : pandas.DataFrame, default=None
            Static covariates, as in :meth:`predict`.

        Returns
        -------
        quantiles : pandas.DataFrame or dict
            One column per level (for several targets, a ``(target, level)``
            column MultiIndex), indexed by the forecast time stamps.
        """
        levels = check_quantiles(quantiles)
        fitted, series, keys, transformed, unit, heads, units = self._calibrated(
            y, X, future, "quantiles", static
        )
        values, columns = quantile_values(fitted, transformed, unit, levels, heads)
        values = times_units(values, units, fitted.roles.n_targets)
        return format_forecasts(values, series, keys, fitted, y, columns=columns)


def _check_not_levels(y, fitted, levels):
    """Refuse a ``y`` that holds levels given by position (``levels`` names them).

    ``y`` comes first, as in ``predict``: ``predict_interval(0.9)`` or
    ``predict_quantiles([0.1, 0.9])`` meant the levels, and a list of values
    between 0 and 1 was read as a history (a series fitted on an array
    forecast from it, silently). Refused: a number; values strictly between
    0 and 1, fewer than a history holds or all multiples of 0.005 (as
    levels are), where the series fitted left that range.
    """
    if y is None or isinstance(y, (pd.Series, pd.DataFrame, dict)):
        return
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        return  # not numbers: the checks of y say what is wrong
    if values.ndim == 1 and len(values) and ((values > 0) & (values < 1)).all():
        k = fitted.roles.n_targets
        tails = [fitted.roles.arrange(t.values)[:, :k] for t in fitted.tails]
        fitted_within = all(((t >= 0) & (t <= 1)).all() for t in tails)
        rounded = np.allclose(values * 200, np.round(values * 200), atol=1e-6)
        short = len(values) < fitted.lookback
        if fitted_within or not (rounded or short):
            return
    elif values.ndim != 0:
        return
    got = (
        f"the number {values:g}"
        if values.ndim == 0
        else f"{len(values)} values from {values.min():g} to {values.max():g}"
    )
    raise ValueError(
        f"y is the history to forecast from (as in predict), got {got}, "
        f"which look like {levels}: pass {levels}=... by keyword."
    )


def calibrated(fitted):
    """Return ``fitted`` with the errors that calibrate its intervals.

    Its held-out windows', or the naive forecast's where it held out fewer
    than two (:mod:`._calibrating`), with a warning; refuse a fit with
    neither.
    """
    if fitted.naive_calibration is not None:
        warn(
            "Too few held-out windows to calibrate intervals (fewer than "
            f"{FEWEST}): their spread is the naive forecast's errors over "
            "the training windows; a longer series or a larger "
            "validation_fraction calibrates them on the forecast's own."
        )
        return interval_fit(fitted)
    if fitted.calibration is not None:
        return fitted
    still = fitted.still is not None
    series = range(len(fitted.keys or ()))
    still = still and any(map(partial(still_series, fitted), series))
    still = " (series that never change hold none out)" if still else ""
    raise ValueError(
        "No held-out windows to calibrate intervals: fit with "
        "validation_fraction > 0 and a series long enough to hold some "
        f"out{still}."
    )


def interval_fit(fitted):
    """Return ``fitted`` with its naive errors as its calibration, if it has them."""
    if fitted.naive_calibration is None:
        return fitted
    return replace(fitted, calibration=fitted.naive_calibration)


def quantile_values(fitted, transformed, unit, quantiles, heads=None):
    """Quantile forecasts ``(n, horizon, n_targets * n_quantiles)``, names.

    Of a :class:`FittedForecaster`; ``quantiles`` are sorted. A level
    that is one of the quantile ``heads`` takes its value from
    :func:`_head_values`. Other levels are the forecast plus the held-out
    errors' offsets, moved to lie between the values of the heads on
    either side (as :func:`~skseq.forecasting._bounds.interval_bounds`
    nests its intervals). A level's value does not depend on the other levels asked
    for, and higher levels never give lower values.
    """
    calibration = fitted.calibration
    index = {}  # the levels that are heads: their index
    known = {}  # every head's value that the held-out windows calibrate
    if heads is not None:
        found = {q: fitted.head_index(q) for q in quantiles}
        index = {q: i for q, i in found.items() if i is not None}
        known = _head_values(fitted, heads, unit)
    others = [q for q in quantiles if q not in index]
    offsets = dict(zip(others, calibration.offsets(others))) if others else {}
    values = []
    for q in quantiles:
        if q in index:
            level = fitted.quantiles[index[q]]  # the head's own, unrounded
            if level not in known:  # too extreme: its error names it
                _head_value(fitted, heads, unit, index[q], q)
            values.append(known[level])
            continue
        value = transformed + offsets[q] * unit
        below = [level for level in known if level < q]
        above = [level for level in known if level > q]
        if below:
            value = np.maximum(value, known[max(below)])
        if above:
            value = np.minimum(value, known[min(above)])
        values.append(value)
    values = fitted.values.inverse_transform(np.stack(values, 3))
    targets = list(fitted.roles.targets)
    if len(targets) == 1:
        columns = pd.Index(list(quantiles), name="quantile")
    else:
        columns = pd.MultiIndex.from_product(
            [targets, list(quantiles)], names=[None, "quantile"]
        )
    return values.reshape(len(values), fitted.horizon, -1), columns


def _head_values(fitted, heads, unit):
    """Return ``{level: value}`` of every head the held-out windows calibrate.

    A head whose mirror level ``1 - q`` is a head too is that bound of
    their CQR interval (:meth:`ConformalCalibration.cqr_margin`), else
    conformalised on its own errors (one-sided,
    :meth:`ConformalCalibration.head_offsets`); a pair whose bounds cross (a
    margin inward by more than half the heads' gap) is swapped, as the
    interval's bounds are. Outward from the median,
    each value is moved to hold those nearer the median (the CQR margins of
    two pairs differ): the values never cross.
    """
    calibration, values = fitted.calibration, {}
    for i, level in enumerate(fitted.quantiles):
        pair = fitted.head_pair(abs(1 - 2 * level))
        if pair is None or pair[0] == pair[1]:
            usable = calibration.calibrates_level(level)
        else:
            usable = calibration.calibrates(abs(1 - 2 * level))
        if usable:
            values[level] = _head_value(fitted, heads, unit, i, level)
    for level in [q for q in values if q < 0.5]:  # crossed pairs swap, as in _bounds
        pair = fitted.head_pair(1 - 2 * level)
        low, high = (fitted.quantiles[i] for i in pair) if pair else (None, None)
        if high in values:  # a margin inward beyond half the heads' gap
            crossed = values[low], values[high]
            values[low], values[high] = np.minimum(*crossed), np.maximum(*crossed)
    levels = sorted(values)
    upward = [q for q in levels if q >= 0.5]
    for inner, outer in zip(upward, upward[1:]):
        values[outer] = np.maximum(values[outer], values[inner])
    downward = [q for q in reversed(levels) if q <= 0.5]
    for inner, outer in zip(downward, downward[1:]):
        values[outer] = np.minimum(values[outer], values[inner])
    return values


def _head_value(fitted, heads, unit, head, quantile):
    """Return the conformalised value of the quantile head ``head`` (index).

    ``quantile`` is the level asked for, named in the error when there are
    too few held-out windows for it.
    """
    level = fitted.quantiles[head]
    pair = fitted.head_pair(abs(1 - 2 * level))
    calibration = fitted.calibration
    if pair is None or pair[0] == pair[1]:  # no mirror, or the median
        offset = calibration.head_offsets(head, level)
    else:
        margin = calibration.cqr_margin(pair, abs(1 - 2 * level), quantile)
        offset = margin if level > 0.5 else -margin
    return heads[..., head] + offset * unit
