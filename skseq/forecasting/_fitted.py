"""What a fitted forecaster knows, and the one rule by which it forecasts."""

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import torch

from .._engine import SequenceDataset, predict_outputs
from ..utils._series import check_panel
from ._columns import ColumnRoles, check_like_fit, check_log
from ._conformal import ConformalCalibration
from ._methods import METHOD_PARTS, naive, seasonal_naive
from ._scaling import ValueScaler, WindowScaler
from ._windows import network_inputs

__all__ = ["FittedForecaster"]

# windows per forward pass of prediction
_PREDICT_BATCH = 256


@dataclass(frozen=True)
class FittedForecaster:
    """The fitted state of a SequenceForecaster, apart from its network.

    Attributes
    ----------
    window_length, horizon : int
        The geometry the network was trained with.
    strategy : {"direct", "recursive"}
        One network output per horizon step, or one step fed back.
    roles : ColumnRoles
        The columns of the training series and their roles.
    values : ValueScaler
        Per-column transform (log targets, standardised covariates).
    windows : WindowScaler
        Per-window normalisation.
    tails : tuple of TimeSeries
        The last ``window_length`` rows of each training series, from which
        ``predict()`` forecasts.
    keys : tuple or None
        The series ids of a global model.
    form : {"single", "dict", "long"}
        The form of the training ``y``, which forecasts take again.
    calibration : ConformalCalibration or None
        Errors of held-out windows, for intervals.
    method : tuple of str, default=("network",)
        The forecasts averaged (:mod:`skseq.forecasting._methods`).
    season : int or None, default=None
        Steps of a season, for the seasonal naive forecast.
    ridges : tuple of RidgeForecast, default=()
        The ridges whose mean is the "linear" forecast.
    """

    window_length: int
    horizon: int
    strategy: str
    roles: ColumnRoles
    values: ValueScaler
    windows: WindowScaler
    tails: tuple
    keys: tuple | None
    form: str
    calibration: ConformalCalibration | None
    method: tuple = ("network",)
    season: int | None = None
    ridges: tuple = ()

    def __post_init__(self):
        unknown = set(self.method) - set(METHOD_PARTS)
        if not self.method or unknown:
            raise ValueError(
                f"method must name forecasts among {METHOD_PARTS}, got {self.method}."
            )
        if "linear" in self.method and not self.ridges:
            raise ValueError('method "linear" needs the ridges, and there are none.')
        if "seasonal" in self.method and not (
            isinstance(self.season, int) and 2 <= self.season <= self.window_length
        ):
            raise ValueError(
                "The seasonal naive forecast needs a season of 2 to window_length "
                f"steps, got {self.season!r}."
            )
        for tail in self.tails:
            if tail.values.shape != (self.window_length, len(self.roles.columns)):
                raise ValueError(
                    f"Each series' last rows must be ({self.window_length}, "
                    f"{len(self.roles.columns)}), got {tail.values.shape}."
                )
        k = self.roles.n_targets
        if np.shape(self.windows.target_scale) != (self.horizon, k):
            raise ValueError(
                f"The window scaler needs a scale per horizon step and target, "
                f"({self.horizon}, {k}); got {np.shape(self.windows.target_scale)}."
            )

    def forecast(self, net, histories, futures, n_threads=None, method=None):
        """Forecasts in the transformed space and their unit, ``(n, horizon, k)``.

        Parameters
        ----------
        net : skorch.NeuralNet
            The trained network.
        histories : ndarray of shape (n, window_length, n_columns)
            The last raw rows before each forecast (role order).
        futures : ndarray of shape (n, horizon, n_columns)
            Raw rows of the forecast steps; only their future covariates are
            read.
        n_threads : int or None, default=None
            torch threads.
        method : tuple of str or None, default=None
            The forecasts to average; by default the fitted ``method``.

        Returns
        -------
        transformed : ndarray of shape (n, horizon, n_targets)
            The forecasts, before the inverse of :class:`ValueScaler`.
        unit : ndarray of shape (n, horizon, n_targets)
            What one normalised step of the network's output is worth in the
            transformed space at each forecast origin: errors divided by it
            are comparable between windows (for conformal intervals).
        """
        w, h, k = self.window_length, self.horizon, self.roles.n_targets
        histories = np.asarray(histories, dtype=np.float64)
        encoded = self.values.transform(histories[:, -w:])
        # the scale at the forecast origin, for every step
        unit = self.windows.unit(self.windows.statistics(encoded[..., :k])[1])
        parts = []
        for name in self.method if method is None else method:
            if name == "naive":
                parts.append(naive(encoded, h, k))
            elif name == "seasonal":
                parts.append(seasonal_naive(encoded, h, k, self.season))
            elif name == "linear":
                parts.append(self.linear(histories, futures))
            else:  # "network"
                outputs = partial(_outputs, net, n_threads=n_threads)
                parts.append(self.rolled(histories, futures, outputs, self.windows))
        return np.mean(parts, axis=0), unit

    def linear(self, histories, futures, ridges=None):
        """Return the mean forecast of the ridges (by default the fitted ones)."""
        each = [
            self.rolled(histories, futures, ridge.outputs, ridge.scaler)
            for ridge in (self.ridges if ridges is None else ridges)
        ]
        return np.mean(each, axis=0)

    def rolled(self, histories, futures, outputs, scaler):
        """Forecasts of a model of normalised windows, over the whole horizon.

        ``outputs`` maps inputs ``X`` (as :func:`network_inputs` makes them
        with ``scaler``) to outputs ``(n, steps * n_targets)``; the recursive
        strategy feeds each step back.
        """
        w, h, k = self.window_length, self.horizon, self.roles.n_targets
        n, n_columns = len(histories), histories.shape[2]
        n_future = self.roles.n_future
        steps = h if self.strategy == "direct" else 1
        buffer = histories
        forecasts = []
        for step in range(0, h, steps):
            block = buffer[:, -w:]
            if n_future:
                extra = np.zeros((n, steps, n_columns))
                # targets there are unknown (the network sees zeros); the last
                # known ones stand in so that transforms stay finite
                extra[:, :, :k] = block[:, -1:, :k]
                extra[:, :, n_columns - n_future :] = futures[
                    :, step : step + steps, n_columns - n_future :
                ]
                block = np.concatenate([block, extra], axis=1)
            encoded = self.values.transform(block)
            X, reference, scale = network_inputs(encoded, w, n_future, scaler, k)
            out = outputs(X)
            transformed = scaler.inverse_transform(
                out.reshape(n, steps, k), reference, scale
            )
            forecasts.append(transformed)
            if self.strategy == "recursive" and step + 1 < h:
                new_rows = np.zeros((n, 1, n_columns))
                new_rows[:, 0, :k] = self.values.inverse_transform(transformed[:, 0])
                if n_future:
                    new_rows[:, 0, k:] = futures[:, step, k:]
                buffer = np.concatenate([buffer, new_rows], axis=1)
        return np.concatenate(forecasts, axis=1)

    def calibrate(self, net, windows, n_threads=None):
        """Calibration from raw held-out windows ``(n, window_length + horizon, c)``."""
        if len(windows) == 0:
            return None
        w, k = self.window_length, self.roles.n_targets
        predicted, unit = self.forecast(net, windows[:, :w], windows[:, w:], n_threads)
        actual = self.values.transform(windows[:, w:])[..., :k]
        return ConformalCalibration(((actual - predicted) / unit).astype(np.float32))

    def series_to_forecast(self, y, freq=None, default_freq=None):
        """Return the series to forecast from (``y``, or the training ones), ids.

        ``freq`` is the forecaster's option, ``default_freq`` the training
        series' step (for histories too short to infer one).
        """
        if y is None:
            return list(self.tails), self.keys
        panel, keys, form = check_panel(
            y,
            freq=freq,
            name="y",
            min_length=self.window_length,
            default_freq=default_freq,
        )
        check_like_fit(panel, form, self.form, self.roles, self.tz)
        for one in panel:
            values = self.roles.arrange(one.values)
            check_log(values, self.roles.n_targets, "y", self.values.log)
        return panel, keys

    def interval_bounds(self, transformed, unit, coverage, half_width=None):
        """Lower and upper bounds ``(n, horizon, n_targets * 2)`` and their names.

        ``half_width`` (in units, broadcast to ``transformed``) replaces the
        held-out windows' one.
        """
        if half_width is None:
            half_width = self.calibration.half_width(coverage)
        half = half_width * unit
        decode = self.values.inverse_transform
        bounds = np.stack([decode(transformed - half), decode(transformed + half)], 3)
        targets = list(self.roles.targets)
        if len(targets) == 1:
            columns = pd.Index(["lower", "upper"])
        else:
            columns = pd.MultiIndex.from_product([targets, ["lower", "upper"]])
        return bounds.reshape(len(bounds), self.horizon, -1), columns

    def quantile_values(self, transformed, unit, quantiles):
        """Quantile forecasts ``(n, horizon, n_targets * n_quantiles)``, names."""
        offsets = self.calibration.offsets(quantiles)  # (q, horizon, k)
        decode = self.values.inverse_transform
        values = np.stack([decode(transformed + o * unit) for o in offsets], 3)
        targets = list(self.roles.targets)
        if len(targets) == 1:
            columns = pd.Index(list(quantiles), name="quantile")
        else:
            columns = pd.MultiIndex.from_product(
                [targets, list(quantiles)], names=[None, "quantile"]
            )
        return values.reshape(len(values), self.horizon, -1), columns

    @property
    def tz(self):
        """Time zone of the training series' time stamps (None if naive)."""
        return getattr(self.tails[0].index, "tz", None)


def _outputs(net, X, n_threads=None):
    """Return the network's outputs ``(n, steps * n_targets)`` for ``X``."""
    lengths = torch.full((len(X),), X.shape[1])
    return predict_outputs(
        net,
        SequenceDataset(X.reshape(-1, X.shape[2]), lengths),
        batch_size=_PREDICT_BATCH,
        n_threads=n_threads,
    ).numpy()
