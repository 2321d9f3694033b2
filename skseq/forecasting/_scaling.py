"""How the forecaster scales values: per column, then per window.

Two steps, each an object that fits once and transforms both ways:

- :class:`ValueScaler`: the targets' optional logarithm, and the covariates'
  standardisation over all training rows;
- :class:`WindowScaler`: each window's target values made relative to a
  reference (its mean or last value) and divided by its own spread
  (``normalize="standard"``), then by a global scale, so that the network
  sees shapes, not levels. Its inverse turns the network's outputs back.
"""

from dataclasses import dataclass

import numpy as np

from .._input import safe_scale
from ._windows import WindowsAt

__all__ = ["NORMALIZATIONS", "ValueScaler", "WindowScaler"]

NORMALIZATIONS = ("standard", "last", "mean")
# windows used to measure the global scale of the relative inputs and targets
_SCALE_SAMPLE = 20_000
# the smallest window spread "standard" divides by, in deviations of one
# step's change: windows of a series that stays flat between spikes
# (intermittent demand, a price that moves in steps) had spreads near zero,
# their targets came out ten thousand times their size, and the default
# forecast 1,760 on a series of zeros and spikes of 1 to 9. A tenth leaves
# the 319 short cuts (benchmarks/short_series.py) at 0.925 of Holt-Winters'
# error, as before, and changes the twelve further series only where they
# are flat (PBS scripts, solar generation at night) by under 4%.
FLOOR_OF_CHANGES = 0.1
# the smallest window spread of an interval's unit, in medians of the
# training windows' spreads ("standard"; :meth:`WindowScaler.unit`)
UNIT_FLOOR = 0.5


@dataclass(frozen=True)
class ValueScaler:
    """The targets' logarithm (optional) and the covariates' standardisation.

    Attributes
    ----------
    n_targets : int
        The first ``n_targets`` columns (role order) are targets.
    log : bool
        Model the logarithm of the targets.
    cov_mean, cov_scale : ndarray of shape (n_covariates,)
        Standardisation of the other columns.
    lagged : tuple of int, default=()
        Positions (role order) of the targets a season back
        (:mod:`._lags`): transformed as the targets, not standardised.
    """

    n_targets: int
    log: bool
    cov_mean: np.ndarray
    cov_scale: np.ndarray
    lagged: tuple = ()

    @classmethod
    def from_moments(cls, n_targets, log, mean, std, lagged=()):
        """Return the scaling of covariates of raw ``mean`` and deviation ``std``."""
        mean, scale = np.array(mean), safe_scale(std, mean)
        at = [i - n_targets for i in lagged]
        mean[at], scale[at] = 0.0, 1.0
        return cls(n_targets, log, mean, scale, tuple(lagged))

    def transform(self, values):
        """Raw values (role order, last axis) -> the transformed space (float64)."""
        out = np.array(values, dtype=np.float64, order="C")
        k, at = self.n_targets, list(self.lagged)
        if self.log:
            out[..., :k] = np.log(out[..., :k])
            if at:
                out[..., at] = np.log(out[..., at])
        out[..., k:] = (out[..., k:] - self.cov_mean) / self.cov_scale
        return out

    def inverse_transform(self, targets):
        """Targets in the transformed space -> original units."""
        return np.exp(targets) if self.log else targets


@dataclass(frozen=True)
class WindowScaler:
    """Each window's targets relative to its own reference and spread.

    Attributes
    ----------
    normalize : {"standard", "last", "mean"} or None
        Reference of each window's target columns: its mean ("standard" also
        divides by the window's standard deviation), its last value, or its
        mean; None uses the global ``target_mean``.
    target_mean : ndarray of shape (n_targets,)
        Reference with ``normalize=None``.
    input_scale : ndarray of shape (n_targets,)
        Global scale of the relative target values the network reads.
    target_scale : ndarray of shape (horizon, n_targets)
        Global scale of the relative targets, per horizon step.
    floor : ndarray of shape (n_targets,)
        Smallest window spread with "standard", so that flat windows are not
        blown up: ``FLOOR_OF_CHANGES`` times the deviation of one step's
        change in every window the network trains on, held-out ones too (of
        a panel's series in their own units: ``_units``), at least a
        ten-thousandth of the series' spread.
    lagged : tuple of int, default=()
        Positions (role order) of the targets a season back, read at the
        forecast steps relative to the window, as its targets
        (:func:`~skseq.forecasting._windows.network_inputs`).
    unit_floor : ndarray of shape (n_targets,) or None, default=None
        Smallest window spread of an interval's unit with "standard"
        (:meth:`unit`): ``UNIT_FLOOR`` times the training windows' median
        spread; None (other normalisations, models saved before it): ``floor``.
    """

    normalize: str | None
    target_mean: np.ndarray
    input_scale: np.ndarray
    target_scale: np.ndarray
    floor: np.ndarray
    lagged: tuple = ()
    unit_floor: np.ndarray | None = None

    @classmethod
    def fit(cls, rows, starts, normalize, window_length, horizon, floor_starts=None):
        """Learn the global scales from training windows.

        Parameters
        ----------
        rows : SeriesRows
            The series, scaled (their target moments known).
        starts : ndarray of int
            Rows where the training windows start.
        normalize : {"standard", "last", "mean"} or None
        window_length, horizon : int
        floor_starts : ndarray of int or None, default=None
            Rows where the windows whose changes set the floor start (None:
            ``starts``). The refit trains on the held-out windows too, with
            this scaler: a series flat in its training windows that moved
            only in its latest ones had a floor of a ten-thousandth of its
            spread there, their targets came out 78,000 window spreads, and
            59 zeros and a 1 were forecast 198.6.
        """
        k = len(rows.target_mean)

        def sample(starts):
            if len(starts) > _SCALE_SAMPLE:
                rng = np.random.default_rng(0)
                starts = rng.choice(starts, _SCALE_SAMPLE, replace=False)
            starts = np.sort(starts)
            windows = WindowsAt(rows.windows(window_length + horizon), starts)
            return windows.map(lambda windows: windows[..., :k])

        block = sample(starts)
        both = block if floor_starts is None else sample(floor_starts)
        changes = np.diff(both, axis=1).reshape(-1, k)
        floor = np.maximum(
            FLOOR_OF_CHANGES * (changes.std(axis=0) if len(changes) else 0.0),
            1e-4 * safe_scale(rows.target_std, 0.0),
        )
        unit = cls(
            normalize, rows.target_mean, np.ones(k), np.ones((horizon, k)), floor
        )
        reference, scale = unit.statistics(block[:, :window_length])
        inputs = unit.inputs(block[:, :window_length], reference, scale)
        relative = unit.targets(block[:, window_length:], reference, scale)
        unit_floor = None
        if normalize == "standard" and len(scale):
            unit_floor = np.maximum(UNIT_FLOOR * np.median(scale, axis=0), floor)
        return cls(
            normalize,
            unit.target_mean,
            safe_scale(inputs.reshape(-1, k).std(axis=0)),
            safe_scale(relative.std(axis=0)),
            unit.floor,
            rows.scaler.lagged,
            unit_floor,
        )

    @property
    def tail_alone(self):
        """Whether a window's last steps scale as they would on their own.

        Relative to the window's last value, or to the series' mean: the
        inputs of its last steps and its targets do not depend on the steps
        before them (unlike a reference or spread over the whole window).
        """
        return self.normalize in ("last", None)

    def statistics(self, target_windows):
        """Return each window's reference and spread, ``(n, n_targets)`` each.

        ``target_windows`` is ``(n, window_length, n_targets)`` (float64); the
        spread is 1 except with ``normalize="standard"``. Each window's
        statistics depend on its own values only.
        """
        windows = np.ascontiguousarray(target_windows, dtype=np.float64)
        n, _, k = windows.shape
        if self.normalize == "last":
            reference = windows[:, -1].copy()
        elif self.normalize in ("mean", "standard"):
            reference = windows.mean(axis=1)
        else:
            reference = np.broadcast_to(self.target_mean, (n, k)).astype(np.float64)
        if self.normalize != "standard":
            return reference, np.ones((n, k))
        spread = windows.std(axis=1, ddof=1)
        return reference, np.maximum(spread, self.floor)

    def inputs(self, target_windows, reference, scale):
        """Return the window's target columns as the network reads them."""
        return (target_windows - reference[:, None]) / (
            scale[:, None] * self.input_scale
        )

    def targets(self, future, reference, scale):
        """Return future target values relative to their window, ``(n, steps, k)``."""
        target_scale = self.target_scale[: future.shape[1]]
        return (future - reference[:, None]) / (scale[:, None] * target_scale)

    def inverse_transform(self, outputs, reference, scale):
        """Network outputs ``(n, steps, k)`` -> the transformed space (float64).

        Parameters
        ----------
        outputs : ndarray of shape (n, steps, n_targets)
            What the network predicted.
        reference, scale : ndarray of shape (n, n_targets)
            The statistics of the windows the forecasts start from.
        """
        steps = outputs.shape[1]
        out = outputs.astype(np.float64) * scale[:, None] * self.target_scale[:steps]
        return out + reference[:, None]

    def unit(self, scale):
        """Return what one unit of output is worth, ``(n, horizon, k)``.

        The errors of the held-out windows are divided by it, and the
        intervals multiply their quantile by it. With ``normalize="standard"``
        a window's spread counts at least ``unit_floor``, half the training
        windows' median spread: a flat window (a sensor stuck for a day) is
        no evidence that the next steps will be as calm, and with the
        network's floor alone (a tenth of one step's change) its held-out
        errors widened the 95% intervals of a week of hours to 28 times the
        series' range (0.48 without the flat stretch).
        """
        if self.unit_floor is not None:
            scale = np.maximum(scale, self.unit_floor)
        return scale[:, None] * self.target_scale
