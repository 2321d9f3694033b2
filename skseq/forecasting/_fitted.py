"""What a fitted forecaster knows, and the one rule by which it forecasts."""

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import torch

from .._engine import SequenceDataset, predict_outputs
from ..utils._series import check_panel
from ._calendar import check_step, fitted_steps, fitted_zones, zone_first
from ._columns import ColumnRoles, check_like_fit, check_log, future_rows
from ._conformal import LEVEL_TOLERANCE, ConformalCalibration
from ._exog import as_series
from ._extremes import warn_extreme_ends
from ._lags import SeasonLag, lookback
from ._methods import average, check_parts, naive, seasonal_naive
from ._phases import SeasonPhases
from ._scaling import ValueScaler, WindowScaler
from ._static import StaticCovariates
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
        The last :attr:`lookback` rows of each training series, from which
        ``predict()`` forecasts.
    keys : tuple or None
        The series ids of a global model.
    form : {"single", "dict", "long"}
        The form of the training ``y``, which forecasts take again.
    calibration : ConformalCalibration or None
        Errors of held-out windows, for intervals (:mod:`._calibrating`).
    method : tuple of str, default=("network",)
        The forecasts averaged (:mod:`skseq.forecasting._methods`).
    season : int or None, default=None
        Steps of a season, for the seasonal naive forecast.
    ridges : tuple of RidgeForecast, default=()
        The ridges of the "linear" forecasts.
    quantiles : tuple of float or None, default=None
        Levels of the network's quantile heads, sorted, the median among
        them (it is the network's forecast); None for a network with one
        output per horizon step and target.
    static : StaticCovariates or None, default=None
        The static covariates of the panel's series (:mod:`._static`).
    phases : SeasonPhases or None, default=None
        The season's phase indicators the series carry (:mod:`._phases`).
    each_ridge : bool, default=False
        Whether each ridge counts as one forecast in the mean of ``method``
        (fits since the ridges are judged on the held-out windows), or their
        mean as one (what a model saved before computes).
    models_first : bool, default=False
        Whether the mean of the window models (network, ridges) weighs as
        much as each rule (naive, seasonal naive), or ``1 - rule_weight``, in
        the mean of ``method``
        (fits of a series whose season is a day: ``average``), or every part
        counts once (other fits, and every model saved before).
    units : ndarray of shape (n_series, n_targets) or None, default=None
        What each series' targets were divided by (:mod:`._units`); None
        for a single series and models saved before.
    still : ndarray of shape (n_series, n_targets) or None, default=None
        Which targets never changed in training, forecast at their value
        (:mod:`._units`; ``(n_series,)`` saved before); None as ``units``.
    lag : SeasonLag or None, default=None
        The targets a week (or ``season_lag`` steps) back (:mod:`._lags`).
    week_naive : bool, default=False
        Whether the seasonal naive forecast repeats the targets ``lag`` back
        (fits that read a lag of whole seasons: :meth:`SeasonLag.repeated`),
        not the window's last season (others, and models saved before).
    key_name : object, default=None
        The name of a long training ``y``'s id level, which forecasts take.
    smoothing : tuple of Smoothing or None, default=None
        The exponential smoothing part at the end of the training series,
        one model per target (:mod:`._smoothed`), where ``method`` holds it.
    freq : str, pandas offset or None, default=None
        The ``freq`` parameter at fit, with which ``predict`` and ``score``
        check the series they are given (``freq_`` is the step found; a
        model saved before takes the parameter it holds: :meth:`upgraded`).
    naive_calibration : ConformalCalibration or None, default=None
        Errors of the naive forecast, for the intervals of a fit that held
        out fewer than two windows (:mod:`._calibrating`); None otherwise.
    smoothing_weight : float or None, default=None
        The smoothing part's share of the window models' mean
        (:func:`~._judged.error_share`); None: one part among them
        (models saved before).
    rule_weight : float or None, default=None
        The seasonal naive forecast's share of the forecast where the
        window models' mean comes first (``models_first``), set by the
        held-out windows (:func:`~._judged.error_share`); None: half
        (models saved before, fits without held-out windows).
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
    quantiles: tuple | None = None
    static: StaticCovariates | None = None
    each_ridge: bool = False
    phases: SeasonPhases | None = None
    models_first: bool = False
    units: np.ndarray | None = None
    still: np.ndarray | None = None
    lag: SeasonLag | None = None
    week_naive: bool = False
    key_name: object = None
    freq: object = None
    smoothing: tuple | None = None
    naive_calibration: ConformalCalibration | None = None
    smoothing_weight: float | None = None
    rule_weight: float | None = None

    def __post_init__(self):
        self._check_heads()
        phases = self.phases
        if phases is not None and (
            len(phases.columns) != phases.season
            or self.roles.future[-phases.season :] != phases.columns
        ):
            raise ValueError(f"{phases} are not the last future covariates.")
        check_parts(self)
        for tail in self.tails:
            if tail.values.shape != (self.lookback, len(self.roles.columns)):
                raise ValueError(
                    f"Each series' last rows must be ({self.lookback}, "
                    f"{len(self.roles.columns)}), got {tail.values.shape}."
                )
        k = self.roles.n_targets
        if np.shape(self.windows.target_scale) != (self.horizon, k):
            raise ValueError(
                f"The window scaler needs a scale per horizon step and target, "
                f"({self.horizon}, {k}); got {np.shape(self.windows.target_scale)}."
            )

    def upgraded(self, freq):
        """Return this state, given ``freq`` if it was pickled without one.

        A model pickled before the fitted state held it checked later series
        with its ``freq`` parameter (as files up to format 3 do: skseq.load).
        """
        return self if "freq" in vars(self) else replace(self, freq=freq)

    @property
    def lookback(self):
        """Steps of history a forecast reads: the window, or the ``lag``."""
        return lookback(self.window_length, self.lag)

    def _check_heads(self):
        """Refuse quantile heads that the network could not have."""
        levels = self.quantiles
        if levels is not None and not (
            self.strategy == "direct"
            and len(levels)
            and all(isinstance(q, float) and 0 < q < 1 for q in levels)
            and list(levels) == sorted(set(levels))
            and 0.5 in levels
        ):
            raise ValueError(
                "Quantile heads need strategy 'direct' and sorted, distinct levels "
                f"in (0, 1) among them 0.5; got {levels!r} ({self.strategy!r})."
            )
        heads = None if self.calibration is None else self.calibration.heads
        if (heads is None) != (levels is None or self.calibration is None) or (
            heads is not None and heads.shape[-1] != len(levels)
        ):
            raise ValueError(
                "The calibration needs the errors of each quantile head, and "
                "none without heads."
            )

    def head_index(self, level):
        """Return the index of the quantile head at ``level``, or None.

        Levels match up to rounding (``1 - 0.9`` is the head at 0.1).
        """
        if self.quantiles is None:
            return None
        close = np.isclose(self.quantiles, level, rtol=0, atol=LEVEL_TOLERANCE)
        found = np.flatnonzero(close)
        return int(found[0]) if len(found) else None

    def head_pair(self, coverage):
        """Return the indices of the heads at ``(1 -/+ coverage) / 2``, or None."""
        lower = self.head_index((1 - coverage) / 2)
        upper = self.head_index((1 + coverage) / 2)
        return None if lower is None or upper is None else (lower, upper)

    def forecast(
        self,
        net,
        histories,
        futures,
        n_threads=None,
        method=None,
        heads=False,
        held=None,
        smoothed=None,
    ):
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
        heads : bool, default=False
            Also return the quantile heads.
        held : ndarray of shape (n, n_targets) or None, default=None
            Targets held at their value (:func:`~._units.held`): the recursive
            strategy feeds that value back, not their forecast.
        smoothed : ndarray of shape (n, horizon, n_targets) or None
            The exponential smoothing part's forecasts (:mod:`._smoothed`),
            where the method holds it; None leaves the part out.

        Returns
        -------
        transformed : ndarray of shape (n, horizon, n_targets)
            The forecasts, before the inverse of :class:`ValueScaler`.
        unit : ndarray of shape (n, horizon, n_targets)
            What one normalised step of the network's output is worth in the
            transformed space at each forecast origin: errors divided by it
            are comparable between windows (for conformal intervals).
        heads : ndarray of shape (n, horizon, n_targets, n_levels) or None
            With ``heads=True``: the quantile heads (:meth:`network`), moved
            by the difference between the forecast and the median head, so
            that they are centred on the forecast; None without heads.
        """
        w, h, k = self.window_length, self.horizon, self.roles.n_targets
        histories = np.asarray(histories, dtype=np.float64)
        encoded = self.values.transform(histories[:, -w:])
        # the scale at the forecast origin, for every step
        unit = self.windows.unit(self.windows.statistics(encoded[..., :k])[1])
        parts, network = [], None
        for name in self.method if method is None else method:
            if name == "naive":
                parts.append((name, naive(encoded, h, k)))
            elif name == "seasonal" and self.week_naive:  # the lag's steps back
                parts.append((name, self.lag.repeated(futures, self.values)))
            elif name == "seasonal":
                parts.append((name, seasonal_naive(encoded, h, k, self.season)))
            elif name == "linear" and self.each_ridge:  # one forecast per ridge
                ridges = self.linear(histories, futures, each=True, held=held)
                parts.extend((name, forecast) for forecast in ridges)
            elif name == "linear":  # a model saved before each_ridge: one mean
                parts.append((name, self.linear(histories, futures, held=held)))
            elif name == "smoothing":
                if smoothed is not None:
                    parts.append((name, smoothed))
            else:  # "network"
                network = self.network(net, histories, futures, n_threads, held)
                parts.append((name, network[0]))
        transformed = average(
            parts, self.models_first, self.smoothing_weight, self.rule_weight
        )
        if not heads:
            return transformed, unit
        if self.quantiles is None:
            return transformed, unit, None
        if network is None:  # a method without the network
            network = self.network(net, histories, futures, n_threads, held)
        median, levels = network
        return transformed, unit, levels + (transformed - median)[..., None]

    def network(self, net, histories, futures, n_threads=None, held=None):
        """Return the network's forecasts ``(n, horizon, k)`` and quantile heads.

        The heads ``(n, horizon, k, n_levels)`` are sorted along the levels
        (the rearrangement of Chernozhukov, Fernandez-Val and Galichon 2010:
        quantiles that do not cross, and no farther from the true ones), and
        the forecast is the median head; None without heads.
        """
        rolled = partial(self.rolled, histories, futures, held=held)
        outputs = partial(_outputs, net, n_threads=n_threads)
        if self.quantiles is None:
            return rolled(outputs, self.windows), None
        levels = rolled(outputs, self.windows, levels=True)
        levels = np.sort(levels, axis=-1)
        return levels[..., self.quantiles.index(0.5)], levels

    def linear(self, histories, futures, ridges=None, each=False, held=None):
        """Return the mean forecast of the ridges (by default the fitted ones).

        With ``each``, the list of every ridge's forecast instead.
        """
        forecasts = [
            self.rolled(
                histories,
                futures,
                ridge.outputs,
                ridge.scaler,
                ridge.window_length,
                held=held,
            )
            for ridge in (self.ridges if ridges is None else ridges)
        ]
        return forecasts if each else np.mean(forecasts, axis=0)

    def rolled(
        self, histories, futures, outputs, scaler, window=None, levels=False, held=None
    ):
        """Forecasts of a model of normalised windows, over the whole horizon.

        ``outputs`` maps inputs ``X`` (as :func:`network_inputs` makes them
        with ``scaler``, from the last ``window`` steps of the history, by
        default ``window_length``) to outputs ``(n, steps * n_targets)``; the
        recursive strategy feeds each step back, but the targets ``held``
        ``(n, n_targets)`` keep their value (as in the windows it trained on,
        and as :func:`~._units.hold_still` forecasts them). With ``levels``,
        the outputs hold one value per quantile level for each (levels last)
        and the forecasts are ``(n, horizon, n_targets, n_levels)``.
        """
        w = self.window_length if window is None else window
        h, k = self.horizon, self.roles.n_targets
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
            out = outputs(X).reshape(n, steps, k, -1)  # one level without
            transformed = np.stack(
                [
                    scaler.inverse_transform(out[..., level], reference, scale)
                    for level in range(out.shape[-1])
                ],
                axis=-1,
            )
            forecasts.append(transformed)
            if self.strategy == "recursive" and step + 1 < h:  # one level
                new_rows = np.zeros((n, 1, n_columns))
                new_rows[:, 0, :k] = self.values.inverse_transform(
                    transformed[:, 0, :, 0]
                )
                if held is not None:
                    new_rows[:, 0, :k] = np.where(
                        held, buffer[:, -1, :k], new_rows[:, 0, :k]
                    )
                if n_future:
                    new_rows[:, 0, k:] = futures[:, step, k:]
                buffer = np.concatenate([buffer, new_rows], axis=1)
        forecasts = np.concatenate(forecasts, axis=1)
        return forecasts if levels else forecasts[..., 0]

    def series_to_forecast(self, y, freq=None, default_freq=None, form_of=None):
        """Return the series to forecast from (``y``, or the training ones), ids.

        ``freq`` is the forecaster's option, ``default_freq`` the training
        series' step, ``form_of`` the user's ``y`` of a ``y`` joined with ``X``.
        """
        if y is None:
            return list(self.tails), self.keys
        lagged = self.lookback > self.window_length  # the lag's message, below
        shortest = 1 if lagged else self.window_length
        options = dict(freq=freq, default_freq=default_freq, min_length=shortest)
        y = zone_first(y, self.zones)
        panel, keys, form = check_panel(y, name="y", **options)
        if lagged:
            self.lag.check_lengths(panel, keys, self.lookback)
        check_step(panel, keys, default_freq)
        if form_of is not None:
            panel = as_series(panel, form_of)
        panel = self.carried(panel, keys, form, "y" if form_of is None else "y with X")
        arranged = [self.roles.arrange(one.values) for one in panel]
        for one in arranged:
            check_log(one, self.roles.n_targets, "y", self.values.log)
        targets, log = self.roles.targets, self.values.log
        warn_extreme_ends(panel, keys, arranged, targets, self.lookback, log)
        return panel, keys

    def carried(self, panel, keys, form, name="y"):
        """Check later series like the training ones; add the columns they carry.

        Static covariates, the lagged targets (filled later, in the
        series' units: :meth:`futures`), then the phases, which need
        the time stamps (``form``: the series' input form; ``name``: their
        argument).
        """
        if self.static is not None:
            panel = self.static.extend(panel, keys)
        added = 0 if self.phases is None else self.phases.season  # added after
        added += 0 if self.lag is None else len(self.lag.columns)
        columns = self.roles.columns[: len(self.roles.columns) - added]
        panel = check_like_fit(
            panel,
            form,
            self.form,
            self.roles,
            self.zones(keys, len(panel)),
            name,
            columns,
        )
        if self.lag is not None:
            panel = self.lag.extend(panel, self.roles.targets)
        if self.phases is not None:
            panel = self.phases.extend(panel, name, self.steps(keys, len(panel)))
        return panel

    def carried_ahead(self, rows, series, keys=None):
        """Put the carried columns of the forecast steps into ``rows``.

        ``rows`` (role order) has shape ``(len(series), steps, n_columns)``,
        the steps after the end of each series (ids ``keys``); returned,
        filled in place: static covariates repeat the series' last row,
        phases follow the time stamps.
        """
        n = len(self.roles.static)  # the phases among them, last
        if n:
            last = np.stack([self.roles.arrange(one.values[-1]) for one in series])
            rows[:, :, -n:] = last[:, None, -n:]
        if self.phases is not None:
            steps = self.steps(keys, len(series))
            for row, one, step in zip(rows, series, steps, strict=True):
                row[:, -self.phases.season :] = self.phases.ahead(one, len(row), step)
        return rows

    def futures(self, future, series, keys, histories):
        """Return the rows of the forecast steps after ``series`` (role order).

        The user's ``future`` covariates (``future_rows``), the columns the
        series carry, the lagged targets: of ``histories`` ``(n, lookback,
        n_columns)``, in the units the rows are read in.
        """
        rows = future_rows(future, series, keys, self.roles, self.horizon)
        rows = self.carried_ahead(rows, series, keys)
        if self.lag is not None:
            at, h = list(self.lag.positions), self.horizon
            backs = np.full((len(series), h), self.lag.lag)  # where no clock moves
            for i, one in enumerate(series if self.lag.clock else ()):
                back = self.lag.backs(one.future_index(h))
                backs[i] = self.lag.lag if back is None else back
            rows[:, :, at] = self.lag.ahead(histories, h, backs)
        return rows

    def zones(self, keys, n_series):
        """Return the fitted zone of each later series (:func:`fitted_zones`)."""
        return fitted_zones(self.tails, self.keys, keys, n_series)

    def steps(self, keys, n_series):
        """Return the fitted step of each later series (:func:`fitted_steps`)."""
        return fitted_steps(self.tails, self.keys, keys, n_series)


def _outputs(net, X, n_threads=None):
    """Return the outputs ``(n, steps * n_targets * n_levels)``, levels last."""
    lengths = torch.full((len(X),), X.shape[1])
    return predict_outputs(
        net,
        SequenceDataset(X.reshape(-1, X.shape[2]), lengths),
        batch_size=_PREDICT_BATCH,
        n_threads=n_threads,
    ).numpy()
