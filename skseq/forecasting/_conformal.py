"""Split-conformal prediction intervals from the errors of held-out windows."""

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = ["ConformalCalibration", "check_coverage", "check_quantiles"]


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

    def half_width(self, coverage):
        """Half-width of the intervals in units, ``(horizon, n_targets)``.

        With ``n`` held-out windows, the ``ceil((n + 1) * coverage) / n``
        quantile of the absolute residuals: at least ``coverage`` of new
        errors fall inside when they behave like the held-out ones.
        """
        n = len(self.residuals)
        level = math.ceil((n + 1) * coverage) / n
        if level > 1:
            raise ValueError(
                f"coverage={coverage} needs at least {math.ceil(1 / (1 - coverage))}"
                f" held-out windows, but there are {n}; raise validation_fraction "
                "or lower coverage."
            )
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
