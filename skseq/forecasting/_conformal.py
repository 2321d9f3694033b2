"""Split-conformal prediction intervals from the errors of held-out windows.

Around the forecast, from its errors; and, for a network with quantile heads,
conformalised quantile regression (CQR, Romano, Patterson and Candes 2019):
an interval between two heads, widened or narrowed by how far the held-out
values fell outside it.

A coverage (or quantile level) beyond what the ranks of ``n`` held-out
windows reach (0.95 needs 19) takes a Student t bound on the errors'
spread instead, at least their most extreme value (:func:`_spread_bound`):
a short series still gets intervals around its forecast.
"""

import math
from dataclasses import dataclass
from itertools import product
from numbers import Real

import numpy as np
from scipy.stats import t as student_t

__all__ = ["ConformalCalibration", "check_coverage", "check_quantiles"]

# how fast rolling intervals adapt their level to the misses they see
ADAPTATION = 0.02
# the fewest held-out windows whose spread bounds an interval or quantile
# that their ranks cannot reach (:func:`_spread_bound`)
FEWEST = 2
# how many times fewer degrees of freedom the bound gives overlapping windows
OVERLAP = 2


def check_coverage(coverage):
    """Return ``coverage`` as a float; refuse one that is not a number in (0, 1).

    ``np.float32(0.8)`` is 0.8, as written (:func:`_as_written`): the quantile
    heads at 0.1 and 0.9 give its interval, as they give ``0.8``'s.
    """
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
    """Return the quantile levels sorted and unique; refuse any outside (0, 1)."""
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
    return np.unique([_as_written(q) for q in levels])


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
            return _rank(n, coverage) / n
        n, needed = self.counts.min(), _windows_needed(coverage)
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
            f"{n}{_fewer(self.residuals)}; raise validation_fraction or {advice}."
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
        return _rank(counts, coverage) <= counts

    def calibrates_level(self, quantile):
        """Return whether they are enough for a one-sided ``quantile`` (offsets)."""
        return _ranks(self.counts.min(), [quantile]) is not None

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
        ranked = self._reaches(coverage)
        if not ranked.all():
            self._check_fewest(f"coverage={coverage} needs", ~ranked)
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
        return _higher(self.cqr_scores(pair), self._level(coverage, quantile))

    def half_width(self, coverage):
        """Half-width of the intervals in units, ``(horizon, n_targets)``.

        With ``n`` held-out windows, the ``ceil((n + 1) * coverage) / n``
        quantile of the absolute residuals: at least ``coverage`` of new
        errors fall inside when they behave like the held-out ones. The
        quantile is numpy's "higher" one, one rank above the textbook
        conformal rank ``ceil((n + 1) * coverage)``: a little wider. Where
        that rank exceeds ``n`` (a target's windows), the Student t bound of
        :func:`_spread_bound` at ``(1 + coverage) / 2``.
        """
        errors, counts = np.abs(self.residuals), self.counts
        ranked = self._reaches(coverage)
        if ranked.all():
            return _higher(errors, self._level(coverage))
        self._check_fewest(f"coverage={coverage} needs", ~ranked)
        level = np.where(ranked, _rank(counts, coverage) / counts, 1.0)
        bound = _spread_bound(errors, (1 + coverage) / 2, counts)
        return np.where(ranked, _higher(errors, level), bound)

    def offsets(self, quantiles):
        """Signed residual quantiles in units, ``(n_quantiles, horizon, n_targets)``.

        With ``n`` held-out windows, level ``q`` takes the ``k``-th smallest
        residual, ``k = ceil((n + 1) q)`` from the median up and
        ``floor((n + 1) q)`` below it: each one-sided bound then holds with
        probability at least ``q`` (at most ``q`` below the median) when new
        errors behave like the held-out ones. A level whose rank falls
        outside ``1..n`` (a target's windows) takes the Student t bound of
        :func:`_spread_bound` there, beyond every held-out error. Higher
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
            [[_ranks(n, [q]) is not None for n in counts] for q in quantiles]
        )
        if reach.all():
            return _ranked(self.residuals, quantiles)
        beyond = [float(q) for q, row in zip(quantiles, reach) if not row.all()]
        self._check_fewest(f"quantiles {beyond} need", ~reach.all(axis=0))
        values = []
        for q, row in zip(quantiles, reach):
            value = _spread_bound(self.residuals, q, counts)
            if row.any():  # the targets whose ranks reach it
                value[:, row] = _ranked(self.residuals[..., row], [q])[0]
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
                f"{n}{_fewer(self.residuals)}; raise validation_fraction."
            )

    def head_offsets(self, head, quantile):
        """Offset in units ``(horizon, n_targets)`` of one quantile head.

        The rank of :meth:`offsets` among the errors of the head ``head``
        (index) instead of the forecast's: the head moved by it is a
        conformalised ``quantile`` on its own (one-sided CQR).
        """
        return _ranked(self.heads[..., head], [quantile])[0]


def _higher(values, level):
    """Return numpy's "higher" quantile over axis 0, NaNs left out.

    ``np.quantile(values, level, axis=0, method="higher")`` of each column's
    finite values (``(n, horizon, n_targets)``); ``level`` broadcasts to the
    targets (a level per target where their windows differ in number).
    """
    ordered = np.sort(values, axis=0)  # NaN last
    n = (~np.isnan(values)).sum(axis=0)
    index = np.ceil((n - 1) * np.asarray(level)).astype(int)
    return np.take_along_axis(ordered, index[None], axis=0)[0]


def _fewer(residuals):
    """Say why a target has fewer windows than the others, for messages."""
    n = len(residuals)
    if (~np.isnan(residuals[:, 0])).sum(axis=0).min() == n:
        return ""
    return (
        f" for a target that never changes in some series, whose windows "
        f"do not count for it (of {n})"
    )


def _rank(n, level, up=True):
    """Return ``ceil((n + 1) * level)`` (``floor`` with ``up=False``).

    Of the product to nine decimals: in floats, ``100 * 0.55`` is
    ``55.00000000000001``, whose ceiling, 56, is one rank too many.
    """
    product = np.round((n + 1) * np.asarray(level), 9)  # a level per target too
    return (np.ceil(product) if up else np.floor(product)).astype(int)


def _windows_needed(coverage):
    """Return the fewest held-out windows that calibrate ``coverage``.

    The smallest ``n`` with ``ceil((n + 1) * coverage) <= n``, that is
    ``ceil(coverage / (1 - coverage))`` (9 for 0.9, 19 for 0.95), found with
    the arithmetic of ``_level`` so that the two agree on rounding.
    """
    n = max(1, math.floor(coverage / (1 - coverage)) - 1)
    while _rank(n, coverage) > n:
        n += 1
    return n


def _ranks(n, quantiles):
    """Return the ranks (from 1) of ``offsets`` among ``n`` values, or None.

    None when a rank falls outside ``1..n``: too few values for a level.
    """
    ranks = [_rank(n, q, up=q >= 0.5) for q in quantiles]
    return ranks if 1 <= min(ranks) and max(ranks) <= n else None


def _ranked(residuals, quantiles):
    """Rank statistics of ``residuals`` per level (see ``offsets``).

    Of each target's finite values: its windows (NaN are left out, sorted
    last).
    """
    counts = (~np.isnan(residuals[:, 0])).sum(axis=0)
    n = counts.min()
    ranks = _ranks(n, quantiles)
    if ranks is None:
        # the fewest values that fit, found with the ranks' own rounding
        needed = max(1, math.floor(1 / min(min(quantiles), 1 - max(quantiles))) - 2)
        while _ranks(needed, quantiles) is None:
            needed += 1
        extreme = [float(q) for q in quantiles if _ranks(n, [q]) is None]
        raise ValueError(
            f"quantiles {extreme} need at least {needed} held-out windows, but "
            f"there are {n}{_fewer(residuals)}; raise validation_fraction or ask "
            "for levels that are not quantile heads."
        )
    ordered = np.sort(residuals, axis=0)
    ranks = [_rank(counts, q, up=q >= 0.5) for q in quantiles]  # per target
    h = residuals.shape[1]
    return np.stack(
        [np.take_along_axis(ordered, np.tile(r - 1, (1, h, 1)), 0)[0] for r in ranks]
    )


def _spread_bound(errors, level, counts, horizon=None):
    """Return a bound at ``level`` on new errors from few held-out ones ``(h, k)``.

    The ``level`` quantile of Student's t times the root mean square of each
    target's errors at each step: the errors taken as normal with mean zero
    (the forecast unbiased) and that spread. It is at least the largest error for
    a level above one half (at most the smallest below), where ranks would
    take one beyond them. ``errors`` are ``(n_windows, horizon, n_targets)``,
    absolute ones for an interval's half-width at ``(1 + coverage) / 2``.

    The degrees of freedom are the windows of each target (``counts``), a
    ``horizon`` of one step (None: ``errors.shape[1]``); ``OVERLAP`` times
    fewer otherwise, at least two (one's t quantile is three times two's).
    Consecutive windows then share all but one target step (a ``window_step``
    of the horizon or more shares none: wider than needed), and where errors
    persist (a level missed for several steps) theirs move together: their
    spread varies more than that of independent windows. On simulated
    persistent errors (an AR(1) of 0.9, a random walk; 6 to 20 windows,
    horizons 6 to 24) the bound covered 0.90-0.93 at 95% with every window
    counted, 0.91-0.97 with half; independent ones 0.95-0.96 and 0.97-0.98.
    ``benchmarks/README.md`` measures it at the end of short series.
    """
    spread = np.sqrt(np.nanmean(np.square(errors), axis=0))
    horizon = errors.shape[1] if horizon is None else horizon
    freedom = np.asarray(counts, dtype=float)
    if horizon > 1:
        freedom = np.maximum(freedom / OVERLAP, np.minimum(freedom, 2))
    bound = student_t.ppf(level, freedom) * spread
    if level >= 0.5:
        return np.maximum(bound, np.nanmax(errors, axis=0))
    return np.minimum(bound, np.nanmin(errors, axis=0))


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
    ``coverage`` give their Student t bound (:func:`_spread_bound`).
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
            if spread and _rank(m, coverage) > m:
                bound = _spread_bound(ordered[:, None], (1 + coverage) / 2, m, horizon)
                margins[t, step, target] = bound[0]
                continue
            level = np.clip(_rank(m, 1 - miss_rate) / m, 0, 1)
            # np.quantile(..., method="higher"): the value at ceil(level (m - 1))
            margins[t, step, target] = ordered[int(np.ceil(level * (m - 1)))]
    return margins
