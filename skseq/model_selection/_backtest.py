"""Rolling-origin evaluation of a forecaster."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import mean_pinball_loss
from sklearn.model_selection import TimeSeriesSplit, check_cv

from ..forecasting._conformal import check_coverage
from ..forecasting._exog import exog_frame
from ..forecasting._geometry import MIN_WINDOW
from ..forecasting._rolling import fewest_steps
from ..utils._series import is_panel
from ..utils._sklearn_compat import HasMethods, Interval, validate_params
from ..utils._warnings import warn
from ._panels import (
    PanelSplit,
    names_of,
    panel_keys,
    panel_rows,
    panel_series,
    panel_times,
    series_of,
)
from ._searches import check_rolling, rolling_forecaster

__all__ = ["backtest"]


def _rows(y, index):
    """Return rows of ``y`` (pandas, or an array) in its form.

    An array's folds are arrays: as pandas with positional stamps they were
    fitted as a series indexed by integers, which carries phase indicators
    that the array's model has none of (a noisy sine of period 12:
    backtest's MAE 0.87 against 0.99-1.09 for the model ``fit`` gives).
    """
    return y.iloc[index] if isinstance(y, (pd.Series, pd.DataFrame)) else y[index]


def _check_consecutive(fold, train_index, test_index):
    """Refuse folds of an array whose rows skip some: nothing marks the gap.

    A pandas series' index shows it (and is refused as not regularly
    spaced); an array's fold would be read as one series, its pieces joined.
    """
    for name, rows in (("training", train_index), ("test", test_index)):
        steps = np.diff(rows)
        if len(steps) and not (steps == 1).all():
            skip = int(np.flatnonzero(steps != 1)[0])
            raise ValueError(
                f"backtest's fold {fold} has {name} rows that are not "
                f"consecutive (row {rows[skip]} then {rows[skip + 1]}): an "
                "array's fold is fitted as one series. Use a cv of consecutive "
                "folds (TimeSeriesSplit), or give y as a pandas series."
            )


def _seasonal_naive_mae(y, sp):
    """Mean absolute error of the seasonal naive forecast in-sample, per column.

    NaN where it is zero (a training part that repeats itself exactly): MASE
    is then undefined; NaN too for a training part of ``sp`` steps or fewer,
    which has no such forecast (a series of a panel: its MASE is left out;
    one series' folds are refused before they train, :func:`_check_sp`).
    """
    values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    if len(values) <= sp:
        return np.full(values.shape[1], np.nan)
    scale = np.abs(values[sp:] - values[:-sp]).mean(axis=0)
    return np.where(scale > 0, scale, np.nan)


def _check_sp(fold, n_train, sp):
    """Refuse a fold of one series too short for MASE's seasonal naive forecast."""
    if n_train <= sp:
        raise ValueError(
            f"MASE needs more than sp={sp} training observations, but "
            f"backtest's fold {fold} trains on {n_train}; pass a smaller sp, "
            "or a cv whose folds train on more steps."
        )


@validate_params(
    {
        "forecaster": [HasMethods(["fit"])],  # the rest: check_rolling
        "y": "no_validation",
        "X": "no_validation",
        "cv": ["cv_object"],
        "sp": [Interval(Integral, 1, None, closed="left")],
        "coverage": "no_validation",
        "static": "no_validation",
    },
    prefer_skip_nested_validation=False,
)
def backtest(forecaster, y, X=None, *, cv=None, sp=1, coverage=None, static=None):
    """Rolling-origin errors of a forecaster, per horizon step.

    For each split of ``cv`` the forecaster is cloned and fitted on the
    training part; it then forecasts from every step of the test part (the
    first forecast starts at the end of the training part), as in
    :meth:`SequenceForecaster.score`. The errors of all those forecasts are
    gathered per horizon step. With future covariates an origin forecasts
    only where the test part holds the covariates of its whole horizon: the
    last ``horizon - 1`` origins of each part are left out (``n_forecasts``
    counts what was scored).

    Parameters
    ----------
    forecaster : SequenceForecaster or a search over one
        The (unfitted) forecaster to evaluate. A search (``GridSearchCV``
        over a forecaster, with ``refit=True``) is tuned on each training
        part and forecasts with its ``best_estimator_``: nested
        cross-validation.
    y : pandas.Series, pandas.DataFrame, array-like, dict or long DataFrame
        One series (covariates as columns, as for ``fit``), or many (a dict
        of pandas series, or a long DataFrame indexed by (series id, time)).
        An array's folds are arrays, fitted as ``fit`` takes the array, and
        must be consecutive rows; a test fold after a gap starts from its
        own first window. A search whose own cv leaves gaps scores its inner
        test folds of an array as continuing their training folds
        (``score`` cannot see the gap): give y as a pandas series there.
        Many series are cut at common time stamps (``cv`` splits their
        sorted union): each fold fits one global model on every series'
        steps before a time and forecasts each series through its steps
        after it; a series with fewer steps before it than a window and the
        horizon (4 steps and the horizon with ``window_length="auto"``)
        does not train there and is forecast as a new series, where it has
        more steps after it than a window. A series with too few steps after
        it to forecast through (more than a window where they do not follow
        its training steps: a new series, or after a gap; with future
        covariates, a horizon more) is left out of that fold, with a warning
        that names it. A search over a forecaster takes them where its own cv
        is a :class:`PanelSplit`.
    X : pandas.DataFrame, array-like, dict or None, default=None
        Exogenous series with a row for every time stamp of ``y``, split with
        it (as ``fit(y, X)`` takes them), in ``y``'s form.
    cv : int, cross-validation splitter or iterable, default=None
        Splits of ``y`` in time order (of its time stamps, for many series);
        an int ``n`` is ``TimeSeriesSplit(n_splits=n)``; None is
        ``TimeSeriesSplit(3)``; an iterable yields ``(train, test)`` index
        arrays.
    sp : int, default=1
        Seasonal period of the naive forecast that scales MASE (1: the
        previous value; 12 for monthly data with a yearly season).
    coverage : float, sequence of float or None, default=None
        Nominal coverage(s) of prediction intervals (``predict_interval``) to
        evaluate too, e.g. ``(0.8, 0.95)``: distinct levels, as the columns
        name them (6 significant digits).
    static : pandas.DataFrame or None, default=None
        Static covariates of many series (one row per series id), passed to
        each fold's ``fit``.

    Returns
    -------
    pandas.DataFrame
        One row per horizon step (``1 .. horizon``) with columns ``MAE``,
        ``RMSE``, ``sMAPE`` (in %, 0 to 200; 0 where the actual value and the
        forecast are both 0), ``MASE`` (NaN where a training part repeats
        itself exactly, whose seasonal naive error is zero) and
        ``n_forecasts``, averaged over the target columns (and the series;
        MASE over those with a training part of more than ``sp`` steps;
        one series' folds must train on more); NaN at the steps
        that no test fold reaches (``n_forecasts`` 0: folds shorter than the
        horizon). With ``coverage``, for each level ``c`` also ``coverage@c``
        (share of actual values inside the interval), ``width@c`` (mean
        width), ``Winkler@c`` (mean width plus ``2 / (1 - c)`` times the
        distance of each value outside the interval; lower is better) and
        ``pinball@c`` (mean pinball loss of the two bounds as quantiles
        ``(1 - c) / 2`` and ``(1 + c) / 2``).

    Examples
    --------
    >>> from skseq import SequenceForecaster
    >>> from skseq.datasets import load_airline
    >>> from skseq.model_selection import backtest
    >>> model = SequenceForecaster(window_length=12, horizon=2, transform="log",
    ...                            max_epochs=3, random_state=0)
    >>> errors = backtest(model, load_airline(), cv=2, sp=12)
    >>> errors.columns.tolist()
    ['MAE', 'RMSE', 'sMAPE', 'MASE', 'n_forecasts']
    >>> errors.index.tolist()
    [1, 2]
    """
    inner = check_rolling(forecaster, "backtest")  # before a fold trains
    if cv is None:
        cv = 3
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        cv = TimeSeriesSplit(n_splits=int(cv))
    else:
        cv = check_cv(cv)  # a splitter, or an iterable of (train, test)
    coverages = _coverages(coverage)
    if is_panel(y):
        tests = _panel_tests(forecaster, inner, y, X, cv, static)
    elif static is not None:
        raise ValueError(
            "static holds attributes of the series of a panel; y is one series."
        )
    else:
        tests = _series_tests(forecaster, y, X, cv, sp)
    errors, scaled, relative, actuals = [], [], [], []
    bounds = [[] for _ in coverages]
    for fold, n_train, model, train, test, test_X, follows in tests:
        model = rolling_forecaster(model, "backtest")
        try:
            actual, forecast, _, intervals = model._rolling(
                test, test_X, coverages, bool(follows)
            )
        except ValueError as exc:
            held = model.validation_fraction
            if not (coverages and held) or "held-out windows" not in str(exc):
                raise
            raise ValueError(
                f"backtest's fold {fold} trains on {n_train} steps, too "
                f"few for its intervals: {exc} Pass a cv whose folds train on "
                "more steps (fewer splits, or a smaller test_size), or no "
                "coverage."
            ) from exc
        actuals.append(actual)
        for each, interval in zip(bounds, intervals, strict=True):
            each.append(interval)
        roles = model._fitted.roles
        targets = roles.order[: roles.n_targets]
        scale = (
            np.full(len(targets), np.nan)
            if train is None  # a series new in the fold: no MASE
            else _seasonal_naive_mae(
                np.asarray(train).reshape(len(train), -1)[:, targets], sp
            )
        )
        error = actual - forecast
        errors.append(error)
        scaled.append(np.abs(error) / scale)
        both = np.abs(actual) + np.abs(forecast)  # sMAPE: 0 where both are 0
        relative.append(200 * np.abs(error) / np.where(both > 0, both, np.inf))
    if not errors:  # a panel whose every series each fold left out (warned)
        raise ValueError(
            "backtest made no forecast: each fold left out every series, too "
            "short in its test part; use fewer splits."
        )
    error = np.concatenate(errors)
    count = (~np.isnan(error[..., 0])).sum(axis=0)
    table = pd.DataFrame(
        {
            "MAE": _step_mean(np.abs(error)),
            "RMSE": np.sqrt(_step_mean(error**2)),
            "sMAPE": _step_mean(np.concatenate(relative)),
            "MASE": _step_mean(np.concatenate(scaled)),
            "n_forecasts": count,
        },
        index=pd.RangeIndex(1, error.shape[1] + 1, name="horizon"),
    )
    actual = np.concatenate(actuals)
    for level, each in zip(coverages, bounds, strict=True):
        for name, values in _interval_scores(actual, np.concatenate(each), level):
            table[f"{name}@{_label(level)}"] = values
    return table


def _series_tests(forecaster, y, X, cv, sp=1):
    """Yield each fold of one series: its fitted model and test part.

    ``(fold, training steps, model, training part, test part, its X,
    whether the test part continues the training one)``.
    """
    array = not isinstance(y, (pd.Series, pd.DataFrame))
    y = np.asarray(y) if array else y  # once, not per fold
    if X is not None:
        X = exog_frame(X)  # arrays: columns x0, x1... read by position
        if array:
            X = X.reset_index(drop=True)  # by position, as _rows indexes y's folds
        elif len(X) == len(y) and X.index.is_unique and X.index.isin(y.index).all():
            X = X.loc[y.index]  # y's time stamps in another order: as fit reads X
        if len(X) != len(y):
            raise ValueError(
                f"X must have one row per step of y ({len(y)} rows), split with "
                f"it; it has {len(X)}."
            )
    for fold, (train_index, test_index) in enumerate(cv.split(np.arange(len(y)))):
        if array:
            _check_consecutive(fold, train_index, test_index)
        _check_sp(fold, len(train_index), sp)  # before it trains
        train, test = _rows(y, train_index), _rows(y, test_index)
        if X is None:
            model, test_X = clone(forecaster).fit(train), None
        else:
            model = clone(forecaster).fit(train, _rows(X, train_index))
            test_X = _rows(X, test_index)
        # an array's test fold continues its training fold unless a gap parts them
        follows = len(train_index) and test_index[0] == train_index[-1] + 1
        yield fold, len(train_index), model, train, test, test_X, follows


def _panel_tests(forecaster, inner, y, X, cv, static=None):
    """Yield each series of each fold of a panel cut at common time stamps.

    As :func:`_series_tests`; one global model per fold (``inner``: the
    forecaster of a search), trained on every series' steps before the
    fold's time, tests each series that has steps after it. A series whose
    steps before it are fewer than a window and the horizon (a window of
    ``MIN_WINDOW`` steps where it is "auto") does not train, and is
    forecast as a new series where its steps after it are more than the
    window; one with too few steps after it to forecast through
    (:func:`~skseq.forecasting._rolling.fewest_steps`) is left out of that
    fold, with a warning. One that has none before gets no MASE.
    A search reads many series as a long frame (its PanelSplit splits one).
    """
    if forecaster is not inner and not isinstance(
        getattr(forecaster, "cv", None), PanelSplit
    ):
        raise ValueError(
            "backtest of many series (a dict or a long DataFrame) takes a "
            "SequenceForecaster, or a search whose cv is a PanelSplit: "
            "scikit-learn's splitters split a long frame's rows, series by "
            "series, not in time."
        )
    if isinstance(y, dict) and forecaster is not inner:
        y = pd.concat(y)
        X = pd.concat(X) if isinstance(X, dict) else X
    times = panel_times(y)
    window = inner.window_length
    fewest = (window if window != "auto" else MIN_WINDOW) + inner.horizon
    for fold, (train_index, test_index) in enumerate(cv.split(np.arange(len(times)))):
        train_times, test_times = times[train_index], times[test_index]
        train, test = panel_rows(y, train_times), panel_rows(y, test_times)
        if train is None or test is None:
            raise ValueError(
                f"backtest's fold {fold} has no steps of y to "
                f"{'train on' if train is None else 'test'}."
            )
        fitted = panel_rows(train, train_times, fewest)  # long enough to train
        if fitted is None:
            raise ValueError(
                f"backtest's fold {fold} has no series of at least {fewest} steps "
                "to train on; use fewer splits."
            )
        fitted_keys = panel_keys(fitted)
        fitted_X = panel_rows(X, train_times, keys=fitted_keys)
        extra = {} if static is None else {"static": static}
        model = clone(forecaster).fit(fitted, fitted_X, **extra)
        trained, test_X = panel_series(train), panel_series(panel_rows(X, test_times))
        fitted_state = rolling_forecaster(model, "backtest")._fitted
        kept, left_out = [], []
        for key, one in panel_series(test).items():
            # whether its test steps continue its training steps: no time
            # stamp of the panel between them (not where it is new, or after
            # a gap)
            continues = (
                key in fitted_keys
                and times.get_loc(_time_stamps(one)[0])
                == times.get_loc(_time_stamps(trained[key])[-1]) + 1
            )
            enough = len(series_of(one)) >= fewest_steps(fitted_state, continues)
            (kept if enough else left_out).append((key, one))
        if left_out:  # no forecast of theirs inside the fold
            warn(
                f"backtest's fold {fold} leaves out series "
                f"{names_of([key for key, _ in left_out])}: too few steps in its "
                "test part to forecast through (one that continues its "
                f"training steps needs {fewest_steps(fitted_state, True)}, one "
                "that does not, new or after a gap, "
                f"{fewest_steps(fitted_state, False)})."
            )
        for key, one in kept:
            own = series_of(trained[key]) if key in trained else None  # MASE's
            yield fold, len(train_index), model, own, one, test_X.get(key), True


def _time_stamps(part):
    """Return the time stamps of a panel of one series (:func:`panel_series`)."""
    one = series_of(part)
    return one.index if isinstance(part, dict) else one.index.get_level_values(1)


def _step_mean(values):
    """Mean per horizon step of ``(n, horizon, k)`` values, NaN ones left out.

    NaN (without numpy's warning) for a step with no value: MASE of a
    training part that repeats itself exactly.
    """
    known = ~np.isnan(values)
    count = known.sum(axis=(0, 2))
    total = np.where(known, values, 0.0).sum(axis=(0, 2))
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _label(level):
    """Return how the columns of ``level`` name it: ``coverage@<label>``."""
    return f"{level:g}"


def _coverages(coverage):
    """Return the nominal coverages asked for as a tuple of floats in (0, 1).

    Refuse two that the column labels (6 significant digits) cannot tell
    apart: one's scores would overwrite the other's.
    """
    if coverage is None:
        return ()
    if hasattr(coverage, "dtype") or hasattr(coverage, "dtypes"):  # numpy, pandas
        coverage = list(np.asarray(coverage).ravel())  # scalars keep float32's 0.8
    levels = np.atleast_1d(np.asarray(coverage, dtype=object))
    levels = tuple(check_coverage(level) for level in levels.ravel())
    labels = [_label(level) for level in levels]
    for i, label in enumerate(labels):
        first = labels.index(label)
        if first < i:
            raise ValueError(
                f"coverage holds {levels[first]!r} and {levels[i]!r}, which the "
                f"columns both label {label} (coverage@{label}, ...): give each "
                "level once, distinct to 6 significant digits."
            )
    return levels


def _interval_scores(actual, bounds, coverage):
    """Coverage, width, Winkler score and pinball loss per horizon step.

    Over the (origin, target) pairs of each step whose actual value is known;
    the pinball loss is the mean of the two bounds' as quantiles
    ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``.
    """
    alpha = 1 - coverage
    scores = {name: [] for name in ("coverage", "width", "Winkler", "pinball")}
    for step in range(actual.shape[1]):
        known = ~np.isnan(actual[:, step])
        if not known.any():  # test folds shorter than the horizon: no score
            for values in scores.values():
                values.append(np.nan)
            continue
        y = actual[:, step][known]
        lower, upper = bounds[:, step, :, 0][known], bounds[:, step, :, 1][known]
        outside = np.clip(lower - y, 0, None) + np.clip(y - upper, 0, None)
        scores["coverage"].append(np.mean(outside == 0))
        scores["width"].append(np.mean(upper - lower))
        scores["Winkler"].append(np.mean(upper - lower + 2 / alpha * outside))
        scores["pinball"].append(
            (
                mean_pinball_loss(y, lower, alpha=alpha / 2)
                + mean_pinball_loss(y, upper, alpha=1 - alpha / 2)
            )
            / 2
        )
    return [(name, np.array(values)) for name, values in scores.items()]
