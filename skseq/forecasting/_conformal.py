"""Split-conformal prediction intervals from the errors of held-out windows.

Around the forecast, from its errors; and, for a network with quantile heads,
conformalised quantile regression (CQR, Romano, Patterson and Candes 2019):
an interval between two heads, widened or narrowed by how far the held-out
values fell outside it.

A coverage (or quantile level) beyond what the ranks of ``n`` held-out
windows reach (0.95 needs 19) takes a Student t bound on the errors'
spread instead (:mod:`._ranks`): a short series still gets intervals
around its forecast.
"""

from dataclasses import dataclass
from itertools import product
from numbers import Real

import numpy as np

from ._ranks import (
    FEWEST,
    fewer_note,
    higher_quantile,
    level_ranks,
    quantile_rank,
    ranked,
    spread_bound,
    windows_needed,
)

__all__ = [
    "LEVEL_TOLERANCE",
    "ConformalCalibration",
    "check_coverage",
    "check_quantiles",
]

# how fast rolling intervals adapt their level to the misses they see
ADAPTATION = 0.02
# levels closer than this are one (``1 - 0.9`` is the head at 0.1)
LEVEL_TOLERANCE = 1e-9


def check_coverage(coverage):
    """Return ``coverage`` as a float; refuse one that is not a number in (0, 1).

    ``np.float32(0.8)`` is 0.8, as written (:func:`_as_written`): the quantile
    heads at 0.1 and 0.9 give its interval, as they give ``0.8``'s. A 0-d
    array is its number, as ``backtest``'s ``coverage`` takes it.
    """
    if isinstance(coverage, np.ndarray) and coverage.ndim == 0:
        coverage = coverage[()]  # a numpy scalar
    if (
        not isinstance(coverage, Real)
        or isinstance(coverage, bool)
        or not 0 < coverage < 1
    ):
        raise ValueError(
            f"coverage must be a float in (0, 1), e.g. 0.9; got {coverage!r}."
        )
    return _as_written(coverage)


def _as_written(level):
    """Return a level as a float; a numpy float as its repr reads (float32's 0.1)."""
    return float(str(level)) if isinstance(level, np.floating) else float(level)


def check_quantiles(quantiles):
    """Return the quantile levels sorted; refuse any outside (0, 1), or twice.

    Two levels closer than ``LEVEL_TOLERANCE`` are one (``1 - 0.9`` is 0.1),
    given twice.
    """
    if hasattr(quantiles, "dtype") and np.ndim(quantiles) <= 1:  # numpy, pandas
        # as numpy scalars: through dtype=object a float32 array's 0.1 would
        # become 0.10000000149011612 (2-D input is left to the check below)
        quantiles = list(np.atleast_1d(np.asarray(quantiles)))
    levels = np.atleast_1d(np.asarray(quantiles, dtype=object))
    if (
        levels.ndim != 1
        or not len(levels)
        or not all(
            isinstance(q, Real) and not isinstance(q, bool) and 0 < q < 1
            for q in levels
        )
    ):
        raise ValueError(
            "quantiles must be floats in (0, 1), e.g. [0.1, 0.5, 0.9]; got "
            f"{quantiles!r}."
        )
    # 0.1 given as float32 stays 0.1, a usable column label
    levels = np.sort([_as_written(q) for q in levels])
    close = np.flatnonzero(np.diff(levels) <= LEVEL_TOLERANCE)
    if len(close):  # one level twice, as columns or heads (backtest's too)
        low, high = float(levels[close[0]]), float(levels[close[0] + 1])
        raise ValueError(
            f"quantiles holds {low!r} and {high!r}, one level (up to rounding): "
            "give each level once."
        )
    return levels


@dataclass(frozen=True)
class ConformalCalibration:
    """Normalised forecast errors of held-out windows, one set per horizon step.

    Attributes
    ----------
    residuals : ndarray of shape (n_windows, horizon, n_targets)
        ``(actual - forecast) / unit`` in the transformed space, where the
        unit is what one step of the network's output was worth in that
        window: errors of calm and of volatile windows become comparable.
    heads : ndarray of shape (n_windows, horizon, n_targets, n_levels) or None
        ``(actual - head) / unit`` of each quantile head of the network, in
        the same units; None for a network without heads.
    naive : bool
        The errors are the naive forecast's on the training windows, not the
        forecast's on held-out ones (:mod:`._calibrating`).

    A target's errors are NaN in the windows where another rule forecasts
    it (a still target of a panel's series, :mod:`._units`): they count in
    none of its quantiles, which are taken over that target's windows.
    """

    residuals: np.ndarray
    heads: np.ndarray | None = None
    naive: bool = False

    def __post_init__(self):
        if np.ndim(self.residuals) != 3 or len(self.residuals) == 0:
            raise ValueError(
                "Calibration needs residuals of shape (n_windows, horizon, "
                f"n_targets) with at least one window, got {np.shape(self.residuals)}."
            )
        if self.heads is not None and (
            np.ndim(self.heads) != 4
            or np.shape(self.heads)[:3] != np.shape(self.residuals)
        ):
            raise ValueError(
                "The errors of the quantile heads must be (n_windows, horizon, "
                f"n_targets, n_levels) with n_windows, horizon, n_targets those of "
                f"the residuals {np.shape(self.residuals)}; got {np.shape(self.heads)}."
            )

    def _level(self, coverage, quantile=None):
        """Return the quantile level of ``coverage`` for ``n`` held-out windows.

        ``quantile``: the level of :meth:`predict_quantiles` that is a bound
        of this interval, named instead of ``coverage`` when there are too
        few windows.
        """
        if self.calibrates(coverage):
            n = self.counts
            return quantile_rank(n, coverage) / n
        n, needed = self.counts.min(), windows_needed(coverage)
        # only the heads' intervals come here: a coverage whose bounds are not
        # heads takes the bound on the residuals' spread (half_width)
        if quantile is None:
            asked = f"coverage={coverage}"
            advice = "ask for a coverage whose bounds are not quantile heads"
        else:
            low, high = sorted((quantile, 1 - quantile))
            asked = (
                f"quantiles: {quantile:g} is a bound of the CQR interval of "
                f"coverage {coverage:g} between the heads at {low:g} and {high:g}, "
                "which"
            )
            advice = "ask for levels that are not quantile heads"
        raise ValueError(
            f"{asked} needs at least {needed} held-out windows, but there are "
            f"{n}{fewer_note(self.residuals)}; raise validation_fraction or {advice}."
        )

    @property
    def counts(self):
        """The held-out windows of each target, ``(n_targets,)`` (see NaN above)."""
        return (~np.isnan(self.residuals[:, 0])).sum(axis=0)

    def without(self, left_out):
        """Return the calibration with the errors of ``left_out`` as NaN.

        ``left_out`` is ``(n_windows, n_targets)``: the targets of windows
        forecast by another rule (:func:`~skseq.forecasting._units.left_out`).
        """
        residuals = np.where(left_out[:, None, :], np.nan, self.residuals)
        heads = self.heads
        if heads is not None:
            heads = np.where(left_out[:, None, :, None], np.nan, heads)
        residuals = residuals.astype(self.residuals.dtype)
        return ConformalCalibration(residuals, heads, self.naive)

    def calibrates(self, coverage):
        """Return whether the held-out windows are enough for ``coverage``."""
        return bool(self._reaches(coverage).all())

    def _reaches(self, coverage):
        """Return whether each target's windows rank ``coverage``, ``(n_targets,)``."""
        counts = self.counts
        return quantile_rank(counts, coverage) <= counts

    def calibrates_level(self, quantile):
        """Return whether they are enough for a one-sided ``quantile`` (offsets)."""
        return level_ranks(self.counts.min(), [quantile]) is not None

    def rolling_half_widths(self, errors, coverage, step_size=ADAPTATION):
        """Half-widths ``(n_origins, horizon, n_targets)`` that follow new errors.

        ``errors`` are the normalised errors of consecutive forecast origins
        ``(n_origins, horizon, n_targets)``. At origin ``t``, step ``j`` (from
        0) takes a quantile of the errors of that step known there: the
        held-out ones and those of origins ``o`` with ``o + j < t``. Its level
        adapts as outcomes arrive (adaptive conformal inference, Gibbs and
        Candes 2021): each miss lowers the miss rate aimed at by ``step_size *
        coverage``, each hit raises it by ``step_size * (1 - coverage)``, so
        that the share of misses tends to ``1 - coverage`` even when the
        errors drift. Where it aims below zero the largest error is taken,
        at or above one the smallest. As :meth:`half_width`, the quantile is
        numpy's "higher" one, one rank above the textbook conformal rank: a
        little wider. An origin whose errors are NaN (forecast by another
        rule: a still series, ``_units``) counts neither as a hit nor as a
        miss, and its errors join none of the quantiles. While the errors
        known are too few for the ranks to reach ``coverage``, the margin is
        their Student t bound (:meth:`half_width`).
        """
        reached = self._reaches(coverage)
        if not reached.all():
            self._check_fewest(f"coverage={coverage} needs", ~reached)
        return _adaptive_margins(
            np.abs(self.residuals), np.abs(errors), coverage, step_size, spread=True
        )

    def rolling_cqr_margins(self, pair, errors, coverage, step_size=ADAPTATION):
        """Margins ``(n_origins, horizon, n_targets)`` of CQR that follow new errors.

        As :meth:`rolling_half_widths`, for the interval between the quantile
        heads ``pair`` (their indices, lower first) widened by the margin:
        ``errors`` are the normalised errors of each head at consecutive
        origins ``(n_origins, horizon, n_targets, n_levels)``, and a value is
        missed when its conformity score (:meth:`cqr_scores`) exceeds the
        margin.
        """
        self._level(coverage)
        new = _cqr_scores(errors, pair)
        return _adaptive_margins(self.cqr_scores(pair), new, coverage, step_size)

    def cqr_scores(self, pair):
        """Conformity scores ``(n_windows, horizon, n_targets)`` of two heads.

        ``max(lower - actual, actual - upper) / unit`` for the heads ``pair``
        (indices, lower first): how far outside the interval between them
        each held-out value fell, negative inside it.
        """
        return _cqr_scores(self.heads, pair)

    def cqr_margin(self, pair, coverage, quantile=None):
        """Margin in units ``(horizon, n_targets)`` of the CQR interval.

        With ``n`` held-out windows, the ``ceil((n + 1) * coverage) / n``
        quantile of the conformity scores of the heads ``pair``: the interval
        between them, each bound moved out by it (in by a negative one),
        holds at least ``coverage`` of new values that behave like the
        held-out ones, whether the heads were too narrow or too wide. The
        guarantee is for the pair: the misses above and below together, not
        each bound's one-sided miss rate. As :meth:`half_width`, the
        quantile is numpy's "higher" one, one rank above the textbook
        conformal rank ``ceil((n + 1) * coverage)`` (the largest score when
        that rank is ``n``): a little wider.

        ``quantile`` is the level of :meth:`predict_quantiles` that asks for
        this margin as one of its bounds, named in the error when there are
        too few held-out windows; None for an interval.
        """
        return higher_quantile(self.cqr_scores(pair), self._level(coverage, quantile))

    def half_width(self, coverage):
        """Half-width of the intervals in units, ``(horizon, n_targets)``.

        With ``n`` held-out windows, the ``ceil((n + 1) * coverage) / n``
        quantile of the absolute residuals: at least ``coverage`` of new
        errors fall inside when they behave like the held-out ones. The
        quantile is numpy's "higher" one, one rank above the textbook
        conformal rank ``ceil((n + 1) * coverage)``: a little wider. Where
        that rank exceeds ``n`` (a target's windows), the Student t bound of
        :func:`spread_bound` at ``(1 + coverage) / 2``.
        """
        errors, counts = np.abs(self.residuals), self.counts
        reached = self._reaches(coverage)
        if reached.all():
            return higher_quantile(errors, self._level(coverage))
        self._check_fewest(f"coverage={coverage} needs", ~reached)
        level = np.where(reached, quantile_rank(counts, coverage) / counts, 1.0)
        bound = spread_bound(errors, (1 + coverage) / 2, counts)
        return np.where(reached, higher_quantile(errors, level), bound)

    def offsets(self, quantiles):
        """Signed residual quantiles in units, ``(n_quantiles, horizon, n_targets)``.

        With ``n`` held-out windows, level ``q`` takes the ``k``-th smallest
        residual, ``k = ceil((n + 1) q)`` from the median up and
        ``floor((n + 1) q)`` below it: each one-sided bound then holds with
        probability at least ``q`` (at most ``q`` below the median) when new
        errors behave like the held-out ones. A level whose rank falls
        outside ``1..n`` (a target's windows) takes the Student t bound of
        :func:`spread_bound` there, beyond every held-out error. Higher
        levels never give lower values, so the quantiles do not cross.

        The naive forecast's errors (:attr:`naive`) are not the forecast's:
        on a trend they all lie on one side of it, and their signed ranks
        counted the trend twice (every quantile above a forecast that
        follows it). Level ``q`` is then the bound of the interval of
        coverage ``|2q - 1|`` on its side (:meth:`half_width`), the median
        the forecast.
        """
        if self.naive:
            return np.stack([self._symmetric(q) for q in quantiles])
        counts = self.counts
        reach = np.array(
            [[level_ranks(n, [q]) is not None for n in counts] for q in quantiles]
        )
        if reach.all():
            return ranked(self.residuals, quantiles)
        beyond = [float(q) for q, row in zip(quantiles, reach) if not row.all()]
        self._check_fewest(f"quantiles {beyond} need", ~reach.all(axis=0))
        values = []
        for q, row in zip(quantiles, reach):
            value = spread_bound(self.residuals, q, counts)
            if row.any():  # the targets whose ranks reach it
                value[:, row] = ranked(self.residuals[..., row], [q])[0]
            values.append(value)
        return np.stack(values)

    def _symmetric(self, quantile):
        """Level ``quantile`` of the naive errors, ``(horizon, n_targets)``.

        The bound on its side of the interval of coverage ``|2q - 1|``.
        """
        if quantile == 0.5:
            return np.zeros(self.residuals.shape[1:])
        width = self.half_width(abs(2 * quantile - 1))
        return width if quantile > 0.5 else -width

    def _check_fewest(self, asked, among=None):
        """Refuse ``asked`` ("coverage=0.9 needs") with under ``FEWEST`` windows.

        ``among``: the targets (a mask) whose windows count; None: all.
        """
        n = self.counts[slice(None) if among is None else among].min()
        if n < FEWEST:
            raise ValueError(
                f"{asked} at least {FEWEST} held-out windows, but there are "
                f"{n}{fewer_note(self.residuals)}; raise validation_fraction."
            )

    def head_offsets(self, head, quantile):
        """Offset in units ``(horizon, n_targets)`` of one quantile head.

        The rank of :meth:`offsets` among the errors of the head ``head``
        (index) instead of the forecast's: the head moved by it is a
        conformalised ``quantile`` on its own (one-sided CQR).
        """
        return ranked(self.heads[..., head], [quantile])[0]


def _cqr_scores(errors, pair):
    """``max(lower - actual, actual - upper) / unit`` from the heads' errors."""
    lower, upper = pair
    return np.maximum(-errors[..., lower], errors[..., upper])


def _adaptive_margins(held, new, coverage, step_size, spread=False):
    """Margins ``(n_origins, horizon, n_targets)`` from scores as they arrive.

    ``held`` are the held-out windows' scores ``(n_windows, horizon,
    n_targets)``, ``new`` those of consecutive origins; a value is missed
    when its score exceeds the margin (see ``rolling_half_widths``). A NaN
    score (a target forecast by another rule at that origin: a still one,
    ``_units``) is neither a hit nor a miss and joins no quantile. With
    ``spread`` (absolute errors), too few scores for the ranks to reach
    ``coverage`` give their Student t bound (:func:`spread_bound`).
    """
    n_origins, horizon, k = new.shape
    # measured on the panel of benchmarks/forecast_intervals.py: every
    # score known so far (not the latest n alone) and this step size came
    # closest to nominal
    margins = np.empty(new.shape)
    known = ~np.isnan(new)
    for step, target in product(range(horizon), range(k)):
        # the scores known so far, sorted; each origin inserts the score
        # that became known there (no re-sorting)
        column = held[:, step, target]
        ordered = np.sort(column[~np.isnan(column)])
        miss_rate = 1 - coverage  # aimed at
        for t in range(n_origins):
            seen = t - step - 1  # the latest origin whose outcome is known
            if seen >= 0 and known[seen, step, target]:
                score = new[seen, step, target]
                missed = score > margins[seen, step, target]
                miss_rate += step_size * ((1 - coverage) - missed)
                ordered = np.insert(ordered, np.searchsorted(ordered, score), score)
            m = len(ordered)
            if spread and quantile_rank(m, coverage) > m:
                bound = spread_bound(ordered[:, None], (1 + coverage) / 2, m, horizon)
                margins[t, step, target] = bound[0]
                continue
            level = np.clip(quantile_rank(m, 1 - miss_rate) / m, 0, 1)
            # np.quantile(..., method="higher"): the value at ceil(level (m - 1))
            margins[t, step, target] = ordered[int(np.ceil(level * (m - 1)))]
    return margins
