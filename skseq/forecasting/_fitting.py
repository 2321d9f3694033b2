"""The steps of ``SequenceForecaster.fit``, in order.

Validate the series; assign the column roles; choose the season and the
window; scale the values; split the windows (the latest of each series held
out); choose the window normalisation; train with early stopping on the
held-out windows; calibrate the intervals on them; train again on every
window. Each step is an object or function of this package.
"""

from dataclasses import replace
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ..utils._stored import StoredSequences
from ._calendar import check_step
from ._calibrating import held_out_calibration, naive_calibration
from ._columns import (
    ColumnRoles,
    check_lengths,
    raw_values,
    roles_of,
    same_columns,
)
from ._extremes import warn_extreme_ends
from ._fitted import FittedForecaster
from ._geometry import (
    long_season,
    season_of,
    supported_window,
    warn_short_panel,
    window_of,
)
from ._judged import (
    EVEN,
    held_targets,
    judged_method,
    network_errors,
    refit_holds,
)
from ._lags import SeasonLag, first_row, lookback
from ._linear import fit_ridges
from ._methods import held_mean
from ._phases import SeasonPhases, a_day, repeats_season, season_in
from ._rows import SeriesRows, stored_check
from ._scaling import NORMALIZATIONS, WindowScaler
from ._smoothed import final_smoothing, smoothing_candidate, smoothing_tried
from ._static import StaticCovariates
from ._training import head_levels, linear_path_window, refit, train_windows
from ._units import left_out, some_still, still_of_windows
from ._windows import WindowsAt, WindowSplit

__all__ = ["fit_forecaster"]

# what normalize="auto" chooses from, and the normalisations of the ridges
# of the "linear" forecasts (None: the series' own mean and scale)
NORMALIZATIONS_TRIED = (*NORMALIZATIONS, None)
# a series whose last window (or season) lies beyond all but this share of
# its earlier values trends: its own scale is not tried (_ridges)
EDGE = 0.03
# "standard" divides a window's targets by their spread, not the user's
# covariates: from fewer steps it is too noisy to carry their effects (_ridges)
SPREAD_STEPS = 6


def season_setting(estimator, freq, panel=None, targets=()):
    """Return the season: the estimator's, or the one of the step ``freq``.

    Series indexed by integers (``freq`` an int) of an in-memory ``panel``
    get the season their ``targets`` columns show, if any (:func:`season_in`).
    A season too long for phase indicators that the step names and that is
    not a day (a year of weeks) is kept where the values a season back
    forecast an in-memory ``panel`` well (:func:`repeats_season`); a day of
    hours is read whatever its values (reading it whole was measured on
    series of hours and half-hours, benchmarks/README.md).
    """
    season = estimator.season
    if season == "auto" and isinstance(freq, Integral) and panel is not None:
        season = season_in(panel, targets)
    elif season == "auto":
        season = season_of(freq)
        if (
            long_season(season)
            and panel is not None
            and not a_day(panel, season)
            and not repeats_season(
                panel, season, targets, estimator.horizon, estimator.transform == "log"
            )
        ):
            season = None
    return None if season is None else int(season)


def window_setting(estimator, lengths, season, steps, still=None, lag=None):
    """Return the window length for series of ``lengths`` rows.

    ``steps`` is the horizon steps of one training target (1 when recursive).
    Series flagged ``still`` (:mod:`._units`) train nothing: the window is
    chosen for the others, cut (to no fewer than 2 steps) where a still
    series is too short for it.

    A whole season that leaves no training window whose targets end before
    the held-out ones (a horizon much longer than the season, a large
    ``validation_fraction``) gives way to the window without it; one that
    leaves a few trains the first fit on them. A panel's shortest series
    that halves the longest's window warns (:func:`warn_short_panel`).
    """
    window, h = estimator.window_length, estimator.horizon
    if window != "auto":
        return int(window)
    if some_still(still):
        lengths = np.asarray(lengths)
        window = window_setting(estimator, lengths[~still], season, steps, lag=lag)
        return int(max(2, min(window, min(lengths[still]) - h)))
    window = window_of(min(lengths), h, season)
    plain = window_of(min(lengths), h, season, whole=False)
    options = (estimator.validation_fraction, steps, estimator.window_step)
    first = first_row(lag, window)
    split = WindowSplit.make(lengths, window + h, *options, first=first)
    chosen = window if window == plain or len(split.train) else plain
    if min(lengths) < max(lengths):
        alone = window_setting(estimator, [max(lengths)], season, steps, lag=lag)
        warn_short_panel(lengths, chosen, alone)
    return chosen


def ridge_split(
    estimator, series, split, window, steps, season=None, still=None, lag=None
):
    """Return the ridges' window and the split of their windows.

    The ridges read no more steps than the shortest series supports
    (:func:`supported_window`: ten training windows per step, or a whole
    ``season`` too long for phase indicators where it fits and the window
    holds it): a longer window given by the user is the network's, while a
    ridge with more inputs than its few overlapping windows support
    extrapolates patterns that are not there. Shorter, their windows are
    normalised on the steps they read, and every window of their length
    trains them, the earliest too; the held-out ones have the same targets
    as the network's, and these ridges choose ``normalize="auto"`` for the
    network too. The shortest series of a panel sets the length for all of
    them (of those not ``still``), less the steps of a lag (``season_lag``):
    no forecast step comes before it. On short series with the window given
    (``benchmarks/short_series.py --given``) the default's error over damped
    Holt's fell from 1.47 to 1.13 at 40 non-seasonal steps, from 1.69 to
    1.08 at 60 (1.12 to 0.97 over eight groups of lengths). The window
    ``"auto"`` is never longer: ``split``.
    """
    h, lengths = estimator.horizon, series.lengths
    moving = lengths[~still] if some_still(still) else lengths
    shortest = min(moving) - first_row(lag, 0)  # less the lag's steps
    plain = supported_window(shortest, h)
    whole = supported_window(shortest, h, season)  # a whole season, if read
    read = whole if plain < whole <= window else min(window, plain)
    if read == window:
        return None, split
    held = split.held_counts(lengths)
    options = (estimator.validation_fraction, steps, estimator.window_step, held)
    own = WindowSplit.make(lengths, read + h, *options, first=first_row(lag, read))
    return int(read), own.without(lengths, still)


def fit_forecaster(estimator, panel, keys, form, target, static=None):
    """Fit on validated series; return the fitted state and the Trained result.

    ``panel`` is a list of TimeSeries, or a StoredSequences whose sequences
    are the series (read from their store); ``target`` is the estimator's,
    or the columns of ``y`` when ``X`` came too; ``static`` the series'
    :class:`StaticCovariates` (or None).
    """
    levels = head_levels(estimator)  # of the quantile heads (None without)
    units = still = all_still = None  # of the series of a panel (_units)
    phases, lag, daily = None, None, False
    h, log = int(estimator.horizon), estimator.transform == "log"
    stored = isinstance(panel, StoredSequences)
    if stored and isinstance(estimator.season_lag, Integral):
        raise ValueError(
            "season_lag fills columns of the series' lagged targets, which a "
            "stored y cannot hold: read it into memory, or set season_lag=None."
        )
    if stored:
        lengths, freq = panel.lengths, 1
        season = season_setting(estimator, freq)
        roles = ColumnRoles.from_columns(
            list(range(panel.n_features)),
            target,
            estimator.future_covariates,
            estimator.strategy,
        )
    else:
        panel = same_columns(panel, keys)
        if static is not None:
            static = StaticCovariates.fit(static, keys, panel[0].columns)
            panel = static.extend(panel, keys)
        lengths, freq = [len(one.values) for one in panel], panel[0].freq
        if keys:  # the series of a panel share one step
            check_step(panel, keys, freq, f"y[{keys[0]!r}] has")
        # the columns the series carry: known at the forecast steps too
        carried = () if static is None else tuple(static.columns)
        options = (target, estimator.future_covariates, estimator.strategy)
        roles = roles_of(panel, *options, carried)
        season = season_setting(estimator, freq, panel, roles.targets)
        daily = season is not None and a_day(panel, season)
        if estimator.season_inputs == "auto":
            phases = SeasonPhases.of(panel, season, roles.targets)
        lag = SeasonLag.of(
            estimator.season_lag,
            phases,
            lengths,
            h,
            roles.targets,
            panel,
            estimator.window_step,
        )
        if lag is not None:  # before the phases, which stay the last columns
            panel = lag.extend(panel, roles.targets)
            carried += lag.columns
        if phases is not None:
            panel = phases.extend(panel)
            carried += phases.columns
        roles = roles_of(panel, *options, carried)
        lag = None if lag is None else lag.placed(roles)
    if stored:
        series = SeriesRows.stored(panel, roles.order)
        check = stored_check(panel, keys, roles.n_targets, log)
    else:
        raw = raw_values(panel, keys, roles, log)
        series = SeriesRows.in_memory(raw)
        check = None
    if len(lengths) > 1:  # each series in its own unit, checked before
        series, units, still = series.in_units(roles.n_targets, check)
        all_still = still.all(axis=1)  # series that train nothing
        check = None
    series = series.with_lag(lag, panel)  # in the series' units
    steps = h if estimator.strategy == "direct" else 1
    w = window_setting(estimator, lengths, season, steps, all_still, lag)
    normalize = estimator.normalize
    if normalize == "standard" and w < 2:
        raise ValueError(
            "normalize='standard' scales each window by its own deviation, which "
            "needs window_length >= 2; use normalize='last' or a longer window."
        )
    given = len(roles.columns) - (0 if stored else len(carried))  # y's and X's
    check_lengths(lengths, keys, w, h, given)
    # raw: predict divides them by their units
    back = lookback(w, lag)  # the lag's steps too
    if not stored:
        warn_extreme_ends(panel, keys, raw, roles.targets, back, log)
    tails = series.tails(w) if stored else tuple(one.tail(back) for one in panel)
    lagged = () if lag is None else lag.positions
    series = series.scaled(roles.n_targets, log, check, lagged, still)
    split = (
        WindowSplit.make(
            series.lengths,
            w + h,
            estimator.validation_fraction,
            steps,
            estimator.window_step,
            first=first_row(lag, w),
        )
        .without(series.lengths, all_still)  # still series train nothing (_units)
        .trainable(estimator.validation_fraction)
    )
    held_out = WindowsAt(series.windows(w + h, transformed=False), split.held_out)
    fitted = FittedForecaster(
        window_length=w,
        horizon=h,
        strategy=estimator.strategy,
        roles=roles,
        values=series.scaler,
        # a placeholder until the normalisation is chosen
        windows=WindowScaler.fit(series, split.train, None, w, h),
        tails=tails,
        keys=None if keys is None else tuple(keys),
        form=form,
        calibration=None,
        quantiles=levels,
        static=static,
        phases=phases,
        lag=lag,
        week_naive=lag is not None and lag.lag % (season or lag.lag) == 0,
        each_ridge=True,
        models_first=daily,
        units=units,
        still=still,
        freq=estimator.freq,
    )
    fitted = replace(fitted, season=season)
    read, own = ridge_split(estimator, series, split, w, steps, season, all_still, lag)
    left = left_out(still, series.lengths, split.held_out)  # still targets
    actual = held_targets(fitted, held_out, left) if len(split.held_out) else None
    # fed back at their value by the recursive strategy, as predict does
    held = still_of_windows(still, series.lengths, split.held_out)
    ridges, normalize, linear_held = _ridges(
        estimator,
        fitted,
        series,
        (own, read),
        (held_out, held),
        actual,
        steps,
        normalize,
    )
    fitted = replace(
        fitted,
        ridges=ridges,
        windows=WindowScaler.fit(  # the refit trains on every window
            series,
            split.train,
            normalize,
            w,
            h,
            floor_starts=split.every if estimator.refit else None,
        ),
    )
    seed = check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max)
    tested = estimator.season_inputs == "auto" and not stored
    path = linear_path_window(fitted, read, tested)  # its steps, None: all
    first = train_windows(
        estimator,
        series,
        split,
        fitted,
        seed,
        linear=None if path is None else (path, own.train),
    )
    first_errors = None  # the first network's, on the held-out windows
    if actual is not None:
        first_errors = network_errors(
            estimator, fitted, first.net, held_out, actual, held
        )
    counts = split.held_counts(series.lengths)  # the windows of each series
    columns = _user_columns(fitted)
    models = smoothed = None  # the exponential smoothing part, its forecasts
    in_sample = False  # whether those forecasts are in sample (judge only)
    if smoothing_tried(estimator, fitted, lengths, stored, columns):
        models, smoothed, in_sample = smoothing_candidate(
            fitted, series.values, split.held_out
        )
    method, ridges, errors, weight, rule = judged_method(
        estimator,
        fitted,
        first.net,
        held_out,
        linear_held,
        actual,
        first_errors,
        counts,
        held,
        smoothed,
        in_sample,
    )
    ridges = ridges if "linear" in method else ()  # kept where they forecast
    if models is not None and actual is None:  # nothing judges it: kept
        method, weight = (*method, "smoothing"), EVEN
    smoothing = None  # the part's models at the end of the series
    if "smoothing" in method:
        again = estimator.refit and not in_sample  # in sample: fitted on every step
        smoothing = final_smoothing(models, fitted, series.values, again)
    fitted = replace(
        fitted,
        method=method,
        ridges=ridges,
        smoothing=smoothing,
        smoothing_weight=weight if smoothing is not None else None,
        rule_weight=rule,
    )
    # in-sample forecasts calibrate nothing (none forecasts alone: their
    # errors leave no network out, _judged)
    calibrated = None if in_sample else smoothed
    calibration = held_out_calibration(
        fitted, first.net, held_out, estimator.n_threads, held, calibrated
    )
    if calibration is not None and left is not None:
        calibration = calibration.without(left)
    every = WindowsAt(held_out.view, split.every)
    naive = naive_calibration(fitted, calibration, every, still, series.lengths)
    fitted = replace(fitted, calibration=calibration, naive_calibration=naive)
    final = first
    if estimator.refit and len(split.held_out) and not first.interrupted:
        if fitted.ridges:
            normalizations = [r.scaler.normalize for r in fitted.ridges]
            fitted = replace(
                fitted,
                ridges=fit_ridges(
                    normalizations, series, own.every, fitted, steps, read
                ),
            )
        if "network" in method:
            linear = None if path is None else (path, own.every)
            final = refit(estimator, series, split, fitted, seed, first, linear)
            if final.interrupted:  # keep the complete first model
                final = type(first)(first.net, True)
            elif final is not first:
                refit_errors = network_errors(
                    estimator, fitted, final.net, held_out, actual, held
                )
                if not refit_holds(estimator, first_errors, refit_errors):
                    final = first
    state = {
        "net_": final.net,
        "history_": final.net.history,
        "n_iter_": final.epochs,
        "n_features_in_": columns,
        "targets_": list(roles.targets),
        "freq_": freq,
        "normalize_": normalize,
        "window_length_": w,
        "method_": "+".join(method),
        "held_out_errors_": errors,
        "quantiles_": None if levels is None else list(levels),
        "_fitted": fitted,
    }
    return state, final


def _user_columns(fitted):
    """Return the number of columns of y, X and static (not those the model adds).

    The phase indicators and the week back are the model's own columns.
    """
    added = sum(len(part.columns) for part in (fitted.phases, fitted.lag) if part)
    return len(fitted.roles.columns) - added


def _ridges(
    estimator, fitted, series, ridge_windows, held_windows, actual, steps, normalize
):
    """Fit the ridges of the "linear" forecast; choose ``normalize="auto"``.

    ``ridge_windows`` is the split of the ridges' windows and their length
    (None: the network's), as :func:`ridge_split` returns them; ``actual``
    the held-out windows' targets (:func:`held_targets`).

    The series' own scale (None) is not tried where most series end beyond
    all but ``EDGE`` of their earlier values (the mean of their last window,
    or season if longer: :meth:`SeriesRows.share_at_edge`). A ridge or network
    in the series' own scale then forecasts from levels it never trained on,
    and a trend's few held-out windows do not show it. On the 319 short cuts
    of ``benchmarks/short_series.py`` the default's error over Holt-Winters'
    fell from 0.925 to 0.911, on twelve further public series (three origins,
    window given) from 0.968 to 0.959 (austres, a trend, 1.31 to 1.18), and
    the five origins of the panel's six short series were 0.925 and 0.926.

    Returns the ridges (one per normalisation, on the training windows; none
    when neither the method nor the normalisation needs them), the
    normalisation, and each ridge's held-out forecasts (None without
    held-out windows). ``held_windows`` is the held-out windows and their
    still targets (:meth:`FittedForecaster.rolled`'s ``held``).
    """
    w, method = fitted.window_length, estimator.method
    held_out, held = held_windows
    split, read = ridge_windows
    linear = "linear" in method or method in ("auto", "select")
    covariates = _user_columns(fitted) > fitted.roles.n_targets
    spread_from = SPREAD_STEPS if covariates else 2
    chosen = normalize  # if none judge: the network's spread where it may be read
    if normalize == "auto":
        chosen = "mean" if 2 <= w < spread_from else "standard"
    if not linear and (normalize != "auto" or not len(split.held_out)):
        return (), chosen, None  # no ridge needed
    steps_read = read or w
    tried = [
        c for c in NORMALIZATIONS_TRIED if steps_read >= spread_from or c != "standard"
    ]
    ends = max(w, fitted.season or 1)  # the steps whose mean is compared
    if series.share_at_edge(fitted.roles.n_targets, ends, EDGE, fitted.still) > 0.5:
        tried.remove(None)  # most series trend: their own scale extrapolates
    if not len(split.held_out):
        return fit_ridges(tried, series, split.every, fitted, steps, read), chosen, None
    ridges = fit_ridges(tried, series, split.train, fitted, steps, read)

    def forecast_of(ridge):
        return held_out.map(
            lambda windows, still: fitted.rolled(
                windows[:, :w],
                windows[:, w:],
                ridge.outputs,
                ridge.scaler,
                read,
                held=still,
            ),
            held,
        )

    each = [forecast_of(ridge) for ridge in ridges]
    if normalize == "auto":
        errors = [held_mean(np.abs(forecast - actual), actual) for forecast in each]
        errors = np.array(errors)
        errors[~np.isfinite(errors)] = np.inf  # a failed ridge is never chosen
        normalize = ridges[int(np.argmin(errors))].scaler.normalize
    return (ridges, normalize, each) if linear else ((), normalize, None)
