"""Split-conformal prediction intervals from the errors of held-out windows."""

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = ["ConformalCalibration", "check_coverage", "check_quantiles"]

# how fast rolling intervals adapt their level to the misses they see
ADAPTATION = 0.02


def check_coverage(coverage):
    """Refuse a coverage that is not a number in (0, 1)."""
    if (
        not isinstance(coverage, Real)
        or isinstance(coverage, bool)
        or not 0 < coverage < 1
    ):
        raise ValueError(
            f"coverage must be a float in (0, 1), e.g. 0.9; got {coverage!r}."
        )


def check_quantiles(quantiles):
    """Return the quantile levels sorted and unique; refuse any outside (0, 1)."""
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
    # float(str(q)): 0.1 given as float32 stays 0.1, a usable column label
    return np.unique([float(str(q)) for q in levels])


@dataclass(frozen=True)
class ConformalCalibration:
    """Normalised forecast errors of held-out windows, one set per horizon step.

    Attributes
    ----------
    residuals : ndarray of shape (n_windows, horizon, n_targets)
        ``(actual - forecast) / unit`` in the transformed space, where the
        unit is what one step of the network's output was worth in that
        window: errors of calm and of volatile windows become comparable.
    """

    residuals: np.ndarray

    def __post_init__(self):
        if np.ndim(self.residuals) != 3 or len(self.residuals) == 0:
            raise ValueError(
                "Calibration needs residuals of shape (n_windows, horizon, "
                f"n_targets) with at least one window, got {np.shape(self.residuals)}."
            )

    def _level(self, coverage):
        """Return the quantile level of ``coverage`` for ``n`` held-out windows."""
        n = len(self.residuals)
        level = math.ceil((n + 1) * coverage) / n
        if level > 1:
            raise ValueError(
                f"coverage={coverage} needs at least {math.ceil(1 / (1 - coverage))}"
                f" held-out windows, but there are {n}; raise validation_fraction "
                "or lower coverage."
            )
        return level

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
        little wider.
        """
        self._level(coverage)  # enough held-out windows
        n_origins, horizon, k = errors.shape
        # measured on the panel of benchmarks/forecast_intervals.py: every
        # error known so far (not the latest n alone) and this step size came
        # closest to nominal
        widths = np.empty(errors.shape)
        targets = np.arange(k)
        for step in range(horizon):
            # the errors known so far, sorted per target; each origin inserts
            # the error that became known there (no re-sorting)
            ordered = np.sort(np.abs(self.residuals[:, step]), axis=0)
            miss_rate = np.full(k, 1 - coverage)  # aimed at, per target
            for t in range(n_origins):
                seen = t - step - 1  # the latest origin whose outcome is known
                if seen >= 0:
                    error = np.abs(errors[seen, step])
                    miss_rate += step_size * (
                        (1 - coverage) - (error > widths[seen, step])
                    )
                    ordered = _insert_sorted(ordered, error)
                m = len(ordered)
                level = np.clip(np.ceil((m + 1) * (1 - miss_rate)) / m, 0, 1)
                # np.quantile(..., method="higher"): the value at ceil(level (m - 1))
                widths[t, step] = ordered[np.ceil(level * (m - 1)).astype(int), targets]
        return widths

    def half_width(self, coverage):
        """Half-width of the intervals in units, ``(horizon, n_targets)``.

        With ``n`` held-out windows, the ``ceil((n + 1) * coverage) / n``
        quantile of the absolute residuals: at least ``coverage`` of new
        errors fall inside when they behave like the held-out ones.
        """
        level = self._level(coverage)
        return np.quantile(np.abs(self.residuals), level, axis=0, method="higher")

    def offsets(self, quantiles):
        """Signed residual quantiles in units, ``(n_quantiles, horizon, n_targets)``.

        With ``n`` held-out windows, level ``q`` takes the ``k``-th smallest
        residual, ``k = ceil((n + 1) q)`` from the median up and
        ``floor((n + 1) q)`` below it: each one-sided bound then holds with
        probability at least ``q`` (at most ``q`` below the median) when new
        errors behave like the held-out ones. Higher levels never give lower
        values, so the quantiles do not cross.
        """
        n = len(self.residuals)
        ranks = [
            math.ceil((n + 1) * q) if q >= 0.5 else math.floor((n + 1) * q)
            for q in quantiles
        ]
        if min(ranks) < 1 or max(ranks) > n:
            needed = math.ceil(1 / min(min(quantiles), 1 - max(quantiles))) - 1
            raise ValueError(
                f"quantiles {[float(q) for q in quantiles]} need at least {needed} "
                "held-out "
                f"windows, but there are {n}; raise validation_fraction or ask "
                "for less extreme quantiles."
            )
        ordered = np.sort(self.residuals, axis=0)
        return np.stack([ordered[rank - 1] for rank in ranks])


def _insert_sorted(ordered, values):
    """Insert one value per column into the sorted columns of ``ordered``."""
    return np.stack(
        [
            np.insert(column, np.searchsorted(column, value), value)
            for column, value in zip(ordered.T, values, strict=True)
        ],
        axis=1,
    )
