"""Quantiles of held-out errors: their ranks, or a Student t bound beyond them.

The ranks of ``n`` held-out errors reach a coverage of at most ``n / (n +
1)`` (0.95 needs 19 windows): a coverage (or quantile level) beyond them
takes a Student t bound on the errors' spread instead, at least their most
extreme value (:func:`spread_bound`), so that a short series still gets
intervals around its forecast. :class:`~._conformal.ConformalCalibration`
reads both.
"""

import math

import numpy as np
from scipy.stats import t as student_t

__all__ = [
    "FEWEST",
    "OVERLAP",
    "fewer_note",
    "higher_quantile",
    "level_ranks",
    "quantile_rank",
    "ranked",
    "spread_bound",
    "windows_needed",
]

# the fewest held-out windows whose spread bounds an interval or quantile
# that their ranks cannot reach (:func:`spread_bound`)
FEWEST = 2
# how many times fewer degrees of freedom the bound gives overlapping windows
OVERLAP = 2


def higher_quantile(values, level):
    """Return numpy's "higher" quantile over axis 0, NaNs left out.

    ``np.quantile(values, level, axis=0, method="higher")`` of each column's
    finite values (``(n, horizon, n_targets)``); ``level`` broadcasts to the
    targets (a level per target where their windows differ in number).
    """
    ordered = np.sort(values, axis=0)  # NaN last
    n = (~np.isnan(values)).sum(axis=0)
    index = np.ceil((n - 1) * np.asarray(level)).astype(int)
    return np.take_along_axis(ordered, index[None], axis=0)[0]


def fewer_note(residuals):
    """Say why a target has fewer windows than the others, for messages."""
    n = len(residuals)
    if (~np.isnan(residuals[:, 0])).sum(axis=0).min() == n:
        return ""
    return (
        f" for a target that never changes in some series, whose windows "
        f"do not count for it (of {n})"
    )


def quantile_rank(n, level, up=True):
    """Return ``ceil((n + 1) * level)`` (``floor`` with ``up=False``).

    Of the product to nine decimals: in floats, ``100 * 0.55`` is
    ``55.00000000000001``, whose ceiling, 56, is one rank too many.
    """
    product = np.round((n + 1) * np.asarray(level), 9)  # a level per target too
    return (np.ceil(product) if up else np.floor(product)).astype(int)


def windows_needed(coverage):
    """Return the fewest held-out windows that calibrate ``coverage``.

    The smallest ``n`` with ``ceil((n + 1) * coverage) <= n``, that is
    ``ceil(coverage / (1 - coverage))`` (9 for 0.9, 19 for 0.95), found with
    the arithmetic of :meth:`~._conformal.ConformalCalibration._level`, so
    that the two agree on rounding.
    """
    n = max(1, math.floor(coverage / (1 - coverage)) - 1)
    while quantile_rank(n, coverage) > n:
        n += 1
    return n


def level_ranks(n, quantiles):
    """Return the ranks (from 1) of ``offsets`` among ``n`` values, or None.

    None when a rank falls outside ``1..n``: too few values for a level.
    """
    ranks = [quantile_rank(n, q, up=q >= 0.5) for q in quantiles]
    return ranks if 1 <= min(ranks) and max(ranks) <= n else None


def ranked(residuals, quantiles):
    """Rank statistics of ``residuals`` per level.

    As :meth:`~._conformal.ConformalCalibration.offsets` takes them: of each
    target's finite values, its windows (NaN are left out, sorted last).
    """
    counts = (~np.isnan(residuals[:, 0])).sum(axis=0)
    n = counts.min()
    ranks = level_ranks(n, quantiles)
    if ranks is None:
        # the fewest values that fit, found with the ranks' own rounding
        needed = max(1, math.floor(1 / min(min(quantiles), 1 - max(quantiles))) - 2)
        while level_ranks(needed, quantiles) is None:
            needed += 1
        extreme = [float(q) for q in quantiles if level_ranks(n, [q]) is None]
        raise ValueError(
            f"quantiles {extreme} need at least {needed} held-out windows, but "
            f"there are {n}{fewer_note(residuals)}; raise validation_fraction or ask "
            "for levels that are not quantile heads."
        )
    ordered = np.sort(residuals, axis=0)
    ranks = [quantile_rank(counts, q, up=q >= 0.5) for q in quantiles]  # per target
    h = residuals.shape[1]
    return np.stack(
        [np.take_along_axis(ordered, np.tile(r - 1, (1, h, 1)), 0)[0] for r in ranks]
    )


def spread_bound(errors, level, counts, horizon=None):
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
