"""Split-conformal prediction intervals from the errors of held-out windows."""

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = ["ConformalCalibration", "check_coverage"]


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
