"""Forecasts from every step of a series, without refitting (score, backtests)."""

from functools import partial

import numpy as np
import pandas as pd

from ..utils._series import check_panel
from ..utils._windows import cut_windows
from ._bounds import interval_bounds
from ._calendar import check_step, same_stamp, zone_first
from ._columns import check_log
from ._exog import as_series
from ._rows import in_memory
from ._smoothed import smoothed_along
from ._units import divided, held, hold_still, still_targets, window_units
from ._windows import WindowsAt

__all__ = ["fewest_steps", "rolling_forecasts", "rolling_frame"]


def _match(keys, fitted_keys, position):
    """Position of a test series among the fitted ones, None: not fitted.

    By id when there are ids, else by position.
    """
    if keys is None:
        return position
    key = keys[position]
    return list(fitted_keys).index(key) if key in fitted_keys else None


def fewest_steps(fitted, continues):
    """Return the fewest steps of a series that :func:`rolling_forecasts` reads.

    Of ``fitted`` (a :class:`FittedForecaster`), where the steps continue
    its training steps or not (a new series, or one after a gap, reads its
    first window from them); future covariates need a whole horizon after an
    origin. Fewer raise there (one rule for both), and leave a panel's
    series out of a backtest fold.
    """
    if fitted.roles.n_given:
        return fitted.horizon if continues else fitted.lookback + fitted.horizon
    return 1 if continues else fitted.lookback + 1


def rolling_forecasts(
    fitted,
    net,
    y,
    freq=None,
    n_threads=None,
    default_freq=None,
    coverages=(),
    form_of=None,
    array_follows=True,
):
    """Forecasts from every step of ``y``: actual and forecast values.

    A series that continues the training one (by its index; arrays do
    unless ``array_follows`` is False) takes its first windows from the end
    of the training series; otherwise (a series of a panel not seen at fit
    too) its first ``window_length`` steps are its own context, and in a
    panel its unit (``_units``) is theirs, as ``predict`` takes a new
    series' unit from its last window.

    Parameters
    ----------
    fitted : FittedForecaster
    net : skorch.NeuralNet
    y : series, dict or long DataFrame
        In the form given to ``fit``.
    freq : str or None, default=None
        The forecaster's ``freq``.
    n_threads : int or None, default=None
    default_freq : pandas offset or int, default=None
        The training series' step, for folds too short to infer one.
    form_of : series, dict or long DataFrame, default=None
        The user's ``y`` where ``y`` is it joined with the columns of ``X``:
        the forecasts take its form (an array ``y`` continues the training
        series as an array does).
    coverages : sequence of float, default=()
        Nominal coverages of prediction intervals to return too. They follow
        the errors: the interval of an origin is calibrated on the errors
        known there (the held-out windows' and those of the earlier forecasts
        of ``y`` whose outcome is known), at a level that adapts to the misses
        seen (:meth:`ConformalCalibration.rolling_half_widths`). With
        quantile heads at ``(1 -/+ coverage) / 2``, the CQR interval of those
        heads, its margin calibrated the same way
        (:meth:`ConformalCalibration.rolling_cqr_margins`). As with
        ``predict_interval``, an interval holds the heads' intervals of lower
        coverages.
    array_follows : bool, default=True
        Whether an array ``y`` continues the training series (a test fold
        of :func:`~skseq.model_selection.backtest` after a gap does not).

    Returns
    -------
    actual, forecast : ndarray of shape (n_origins, horizon, n_targets)
        In original units; actual values beyond the end of ``y`` are NaN.
    first_times : pandas.Index
        For a single series, the time stamp of the first forecast step of
        each origin.
    bounds : list of ndarray of shape (n_origins, horizon, n_targets, 2)
        Lower and upper bounds of the interval of each coverage, in original
        units.
    """
    w, h, k = fitted.window_length, fitted.horizon, fitted.roles.n_targets
    back = fitted.lookback  # the window, or the lag (season_lag)
    y = zone_first(in_memory(y), fitted.zones)  # a store is read whole
    panel, keys, form = check_panel(y, freq=freq, name="y", default_freq=default_freq)
    check_step(panel, keys, default_freq)
    if form_of is not None:
        panel = as_series(panel, form_of)
    panel = fitted.carried(panel, keys, form, "y" if form_of is None else "y with X")
    actual_all, forecast_all, first_times = [], [], None
    bounds = [[] for _ in coverages]
    for position, one in enumerate(panel):
        values = fitted.roles.arrange(one.values)
        check_log(values, k, "y", fitted.values.log)
        index = _match(keys, fitted.keys, position)
        train = None if index is None else fitted.tails[index]
        if train is None:
            continues = False
        elif one.kind == "array":
            continues = array_follows
        else:
            continues = same_stamp(one.index[0], train.future_index(1)[0], one.freq)
        if len(values) < fewest_steps(fitted, continues):
            if continues or len(values) > back:  # a window, no horizon after it
                raise ValueError(
                    f"y is too short to forecast {h} steps with its future "
                    "covariates; give a longer test fold."
                )
            if train is None:
                where = f"series {keys[position]!r} was not seen at fit"
            elif one.kind == "array":
                where = "it does not continue the training series (a gap)"
            else:
                where = (
                    "it does not continue the training series (it starts "
                    f"at {one.index[0]}, not {train.future_index(1)[0]})"
                )
            raise ValueError(
                f"y has {len(values)} observations and {where}; forecasting "
                f"through it needs more than {_read(fitted)}."
            )
        if continues:
            tail = fitted.roles.arrange(train.values)
            combined, first = np.concatenate([tail, values]), len(tail)
        else:
            combined, first = values, back
        own = np.ones(k)  # its own unit in a panel (_units)
        was_still = still_targets(fitted, index).any()  # windows in their units
        if fitted.units is not None and not was_still:
            # a new series: the unit of the window before its first origin
            own = (
                window_units(fitted, values[None, back - w : back])[0]
                if index is None
                else fitted.units[index]
            )
            combined = divided(combined, own)
        origins = np.arange(first, len(combined))
        if fitted.roles.n_given:  # forecasts need the covariates of h steps
            origins = origins[origins + h <= len(combined)]
        padded = np.concatenate([combined, np.full((h, combined.shape[1]), np.nan)])
        key = None if keys is None else [keys[position]]
        fitted.carried_ahead(padded[None, -h:], [one], key)  # known past the end
        if fitted.lag is not None:  # the lagged targets, in their unit
            backs = None
            if fitted.lag.clock:  # the padded rows' time stamps set the steps back
                before = len(combined) - len(values)  # the training tail's rows
                steps = np.arange(-before, len(padded) - before)
                step = pd.Timedelta(one.freq)  # a time: the lag has a clock
                backs = [fitted.lag.backs(one.index[0] + pd.to_timedelta(steps * step))]
            padded = fitted.lag.fill(padded, [len(padded)], backs)
        view, starts, still = cut_windows(padded, w + h), origins - w, None
        if was_still:  # held, or in its window's unit
            view, own, still = _still_windows(fitted, index, view[starts])
            starts = np.arange(len(view))
        smoothed = None  # a single series' exponential smoothing part
        if "smoothing" in fitted.method:
            read = len(combined) - len(values)  # the training tail's rows
            smoothed = smoothed_along(fitted, values, origins - read, continues)
        transformed, unit, heads = WindowsAt(view, starts).map(
            lambda windows, held, smoothed: fitted.forecast(
                net,
                windows[:, :w],
                windows[:, w:],
                n_threads,
                heads=True,
                held=held,
                smoothed=smoothed,
            ),
            still,
            smoothed,
        )
        futures = view[starts, w:]  # the horizon rows alone
        transformed, unit_held, heads = hold_still(
            fitted, view[starts, w - 1], still, transformed, unit, heads
        )
        actual_all.append(futures[..., :k] * own)  # not the covariates too
        forecast_all.append(fitted.values.inverse_transform(transformed) * own)
        for coverage, each in zip(coverages, bounds, strict=True):
            both, _ = interval_bounds(
                fitted,
                transformed,
                unit_held,
                coverage,
                partial(
                    _rolling_margin, fitted, futures, transformed, unit, heads, still
                ),
                heads,
            )
            each.append(both.reshape(len(both), h, k, 2) * own[..., None])
        at = origins - (len(combined) - len(values))
        consecutive = len(at) and (np.diff(at) == 1).all()  # a slice keeps freq
        first_times = one.index[at[0] : at[-1] + 1] if consecutive else one.index[at]
    return (
        np.concatenate(actual_all),
        np.concatenate(forecast_all),
        first_times,
        [np.concatenate(each) for each in bounds],
    )


def _still_windows(fitted, index, windows):
    """Windows of a series with still targets, each in its own units.

    ``windows`` are the raw rows of each origin's window and horizon.
    Returns them with their targets divided by their training units, but a
    still target that moved in the window by its window's unit
    (:func:`window_units`), those units ``(n, 1, k)``, and which targets of
    which windows are held at their value (:func:`held`, ``(n, k)``). A
    still target's training unit, its level, would turn a move into steps
    as large as the level.
    """
    w = fitted.window_length
    still = held(fitted, index, windows[:, :w])
    moved = still_targets(fitted, index) & ~still
    units = np.broadcast_to(fitted.units[index], still.shape).copy()
    if moved.any():  # exactly its value back where held
        units[moved] = window_units(fitted, windows[:, :w])[moved]
    out = divided(windows, units[:, None])
    if fitted.lag is not None:  # the lagged targets too
        out[..., list(fitted.lag.positions)] /= units[:, None]
    return out, units[:, None], still


def _read(fitted):
    """Name the steps a forecast reads, for messages."""
    w = fitted.window_length
    if fitted.lookback == w:
        return f"window_length={w} observations"
    return (
        f"{fitted.lookback}, since the model reads the targets "
        f"{fitted.lag.steps} back too (season_lag; fit with "
        "season_lag=None to read the window alone)"
    )


def _rolling_margin(fitted, futures, transformed, unit, heads, still, coverage):
    """Margins of the intervals of consecutive origins, as errors become known.

    Around the forecast, or between the quantile heads at ``(1 -/+ coverage)
    / 2`` when there are such heads (:func:`interval_bounds` makes the same
    choice). The errors of ``still`` origins (held at their value, or None)
    are not counted: they are forecast by another rule.
    """
    known = fitted.values.transform(futures)[..., : fitted.roles.n_targets]
    pair = None if heads is None else fitted.head_pair(coverage)
    if pair is None:
        errors = (known - transformed) / unit
    else:
        errors = (known[..., None] - heads) / unit[..., None]
    if still is not None:  # (n, k) of errors (n, h, k) or (n, h, k, levels)
        mask = still[:, None, :, None] if errors.ndim == 4 else still[:, None, :]
        errors = np.where(mask, np.nan, errors)
    if pair is None:
        return fitted.calibration.rolling_half_widths(errors, coverage)
    return fitted.calibration.rolling_cqr_margins(pair, errors, coverage)


def rolling_frame(forecast, first_times, targets):
    """Return rolling forecasts ``(n_origins, horizon, k)`` as a DataFrame.

    One row per forecast, indexed by the time stamp of its first step;
    columns are the horizon steps (for several targets, ``(target, step)``).
    """
    steps = range(1, forecast.shape[1] + 1)
    if len(targets) == 1:
        columns = pd.Index(steps, name="horizon")
    else:
        columns = pd.MultiIndex.from_product(
            [list(targets), steps], names=[None, "horizon"]
        )
        forecast = forecast.transpose(0, 2, 1)
    return pd.DataFrame(
        forecast.reshape(len(forecast), -1), index=first_times, columns=columns
    )
