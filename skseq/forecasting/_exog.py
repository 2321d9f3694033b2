"""Exogenous series ``X`` next to the target series ``y`` (sktime's convention).

``fit(y, X)`` reads the columns of ``X`` as covariates of ``y``: known only up
to the forecast time, unless listed in ``future_covariates``. The forecaster
works on one frame holding both; this module joins them, and at prediction
splits an ``X`` that runs past the history into the history's covariates and
the future ones.
"""

from dataclasses import replace

import numpy as np
import pandas as pd

from ..utils._long import is_long_frame
from ..utils._periods import business_periods_quiet
from ..utils._series import (
    check_stamps,
    non_numeric_columns,
    refuse_complex_columns,
    refuse_duplicate_columns,
    refuse_empty,
    refuse_huge,
    refuse_missing,
)

__all__ = [
    "as_series",
    "exog_frame",
    "join_exog",
    "refuse_covariates_as_y",
    "split_exog",
    "with_exog",
]


def _frame(values, name):
    if isinstance(values, pd.DataFrame):
        return values
    if isinstance(values, pd.Series):
        return values.to_frame()
    array = np.asarray(values)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {array.shape}.")
    return pd.DataFrame(array)


def _join_one(y, X, name="X", at_fit=False):
    """One series ``y`` and its covariates ``X`` (named ``name``), as one frame.

    ``X`` is the frame :func:`split_exog` gives over ``y``: its rows at the
    time stamps of ``y`` (fewer where ``X`` lacks some), in their order.
    ``at_fit``: refuse an ``X`` that repeats ``y`` (:func:`_repeats`).
    """
    y_frame = _frame(y, "y")
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        y_frame.columns = [f"y{i}" for i in range(y_frame.shape[1])]
    elif isinstance(y, pd.Series) and y.name is None and 0 in X.columns:
        y_frame.columns = ["y0"]  # both would be column 0 (X a frame of an array)
    refuse_duplicate_columns(X, name)
    refuse_complex_columns(X, name)
    non_numeric = non_numeric_columns(X)
    if non_numeric:
        raise TypeError(
            f"{name} has non-numeric columns {non_numeric}; encode categories "
            "and booleans as numeric columns first."
        )
    values = X.to_numpy(np.float64)
    refuse_missing(values, X.index, name, columns=list(X.columns))
    refuse_huge(values, name)
    if at_fit and _repeats(y_frame.to_numpy(), values):  # before the names
        raise _repeated(name)
    both = set(y_frame.columns) & set(X.columns)
    if both:
        raise ValueError(f"y and X share the column names {sorted(both)}.")
    return pd.concat([y_frame, X], axis=1), list(y_frame.columns)


def _repeats(targets, values):
    """Return whether every column of ``values`` repeats a target, one moving.

    scikit-learn's ``cross_val_score(forecaster, y, y)`` and
    ``GridSearchCV(...).fit(y, y)`` pass the series as ``y`` and ``X`` (to
    score with a scoring string), and failed at ``predict`` with a message
    about columns; :func:`join_exog` refuses it at fit. A real covariate may
    equal a target over a stretch, or one series of a panel (the orders of a
    shop where no stock ran out), so only an ``X`` that is ``y`` counts.
    """
    numeric = all(np.issubdtype(a.dtype, np.number) for a in (targets, values))
    if len(targets) < 2 or not numeric or len(values) != len(targets):
        return False
    targets = targets.astype(np.float64)
    equal = (values[:, :, None] == targets[:, None, :]).all(axis=0)  # (X, y)
    moving = np.ptp(targets, axis=0) > 0
    return bool(equal.any(axis=1).all() and equal[:, moving].any())


def _repeated(name):
    return ValueError(
        f"{name} holds the values of y: a target is no covariate of itself. To "
        "cross-validate or search a forecaster, give the series once "
        "(cross_val_score(forecaster, y, cv=...)) and score with "
        "scoring=skseq.model_selection.forecast_scorer()."
    )


def _form_of(one, value):
    """One validated series in the form of the user's ``value``."""
    if isinstance(value, pd.Series):
        return replace(one, kind="series", name=value.name)
    if isinstance(value, pd.DataFrame):
        return one
    return replace(one, kind="array", name=None)


def as_series(panel, y):
    """Give the validated series of a joined ``y`` the form of ``y``.

    The joined frame reads as a DataFrame; a Series ``y`` (one, in a dict, or
    long) gives Series forecasts and an array ``y`` array forecasts.
    """
    if isinstance(y, dict):
        return [_form_of(one, v) for one, v in zip(panel, y.values(), strict=True)]
    return [_form_of(one, y) for one in panel]


def join_exog(y, X, at_fit=False):
    """Return ``y`` with the columns of ``X``, in the form of ``y``, and targets.

    A dict ``y`` takes a dict ``X`` (the same keys); a long frame takes a long
    frame (the same ids and times). ``at_fit``: as :func:`_join_one`.
    """
    if isinstance(y, dict):
        if not isinstance(X, dict) or set(X) != set(y):
            raise ValueError("With a dict y, X is a dict with the same keys.")
        pairs = [(_frame(y[key], "y"), _frame(X[key], "X")) for key in y]
        if at_fit and all(_repeats(a.to_numpy(), b.to_numpy()) for a, b in pairs):
            raise _repeated("X")  # a panel: every series' X its y
        joined = {key: _join_one(y[key], X[key], f"X[{key!r}]") for key in y}
        targets = next(iter(joined.values()))[1]
        return {key: frame for key, (frame, _) in joined.items()}, targets
    return _join_one(y, X, at_fit=at_fit)


def exog_frame(X):
    """``X`` as a DataFrame: arrays get columns x0, x1... and read by position."""
    if isinstance(X, (pd.Series, pd.DataFrame)):
        return _frame(X, "X")
    frame = _frame(X, "X")
    frame.columns = [f"x{i}" for i in range(frame.shape[1])]
    frame.attrs["positional"] = True  # future rows: the next steps, in order
    return frame


@business_periods_quiet
def _split_one(y, X, extra, name="X", y_name="y"):
    """One series' exogenous rows: those over ``y`` and those after it.

    Arrays (or any ``X`` of an array ``y``) are read by position and must hold
    ``len(y) + e`` rows for an ``e`` in ``extra``; pandas ``X`` of a pandas
    ``y`` is read by time stamp, and must have a row at each. ``name`` and
    ``y_name`` are the arguments, for the messages.
    """
    if isinstance(y, (pd.Series, pd.DataFrame)):
        check_stamps(y.index, y_name)  # before X is read by them
    frame = exog_frame(X)
    if frame.attrs.get("positional") or not isinstance(y, (pd.Series, pd.DataFrame)):
        allowed = [len(y) + e for e in extra]
        if len(frame) not in allowed:
            needs = " or ".join(map(str, allowed))
            raise ValueError(
                f"{name} is read by position here: it needs {needs} rows (the "
                f"{len(y)} of {y_name}, then the forecast steps), got {len(frame)}."
            )
        history, after = frame.iloc[: len(y)].copy(), frame.iloc[len(y) :].copy()
        pandas = isinstance(y, (pd.Series, pd.DataFrame))
        history = history.set_axis(y.index if pandas else pd.RangeIndex(len(y)))
        after.attrs["positional"] = True
    else:  # by time stamp: X may start earlier than y, and runs on after it
        zone = getattr(y.index, "tz", None)
        if zone is not None and getattr(frame.index, "tz", None) is not None:
            frame = frame.set_axis(frame.index.tz_convert(zone))  # same instants
        if frame.index.has_duplicates:
            raise ValueError(
                f"{name} holds repeated time stamps; give one row per time."
            )
        try:
            history = frame.loc[frame.index.isin(y.index)]
            after = frame.loc[frame.index > y.index[-1]]
        except TypeError as exc:
            like, got = (type(i).__name__ for i in (y.index, frame.index))
            if isinstance(y.index, pd.DatetimeIndex) and got == "DatetimeIndex":
                # one is tz-aware, the other tz-naive
                like, got = (
                    f"DatetimeIndex {f'in {i.tz}' if i.tz else 'tz-naive'}"
                    for i in (y.index, frame.index)
                )
            raise ValueError(
                f"{name} must be indexed by time stamps like {y_name} ({like}), got "
                f"a {got}."
            ) from exc
        if len(history) != len(y):
            missing = y.index[~y.index.isin(history.index)]
            raise ValueError(
                f"{name} must have a row for every time stamp of {y_name}; it lacks "
                f"{len(missing)}, the first {missing[0]}."
            )
    history.attrs.pop("positional", None)
    return history, (after if len(after) else None)


def _split_long(y, X, extra):
    refuse_empty(len(y), "y")
    if not (isinstance(X, pd.DataFrame) and is_long_frame(X)):
        raise ValueError(
            "With a long y (series id, time), X is a long DataFrame with the same "
            "ids and times."
        )
    ids = y.index.get_level_values(0).unique()
    missing = list(ids.difference(X.index.get_level_values(0).unique()))
    if missing:
        raise ValueError(
            f"X has no rows for the series {missing[:5]} of y: a long X holds "
            "the ids and times of y."
        )
    parts = {
        key: _split_one(
            y.xs(key, level=0), X.xs(key, level=0), extra, f"X[{key!r}]", f"y[{key!r}]"
        )
        for key in ids
    }
    history = pd.concat({key: h for key, (h, _) in parts.items()}, names=y.index.names)
    history = history.reindex(y.index)  # in y's order (sorted by id or by time)
    after = {key: f for key, (_, f) in parts.items() if f is not None}
    future = pd.concat(after, names=y.index.names) if len(after) == len(ids) else None
    return history, future


def split_exog(y, X, extra=(0,)):
    """Rows of ``X`` over ``y`` (in the form of ``y``) and the rows after them.

    Pandas ``X`` is split by time stamp (it may start earlier than ``y``),
    arrays by position (``len(y) + e`` rows for an ``e`` in ``extra``). The
    rows after are None where some series has none.
    """
    if isinstance(y, dict):
        if not isinstance(X, dict) or set(X) != set(y):
            raise ValueError("With a dict y, X is a dict with the same keys.")
        parts = {
            key: _split_one(y[key], X[key], extra, f"X[{key!r}]", f"y[{key!r}]")
            for key in y
        }
        history = {key: h for key, (h, _) in parts.items()}
        after = {key: f for key, (_, f) in parts.items() if f is not None}
        return history, (after if len(after) == len(y) else None)
    if is_long_frame(y):
        return _split_long(y, X, extra)
    return _split_one(y, X, extra)


def with_exog(y, X, future, n_future, horizon):
    """Join ``X`` to ``y`` (a history) and take its later rows as the future.

    The later rows are None when the forecaster has no future covariates
    (``n_future=0``): they are not read. An array ``X`` holds the rows of
    ``y`` and then the ``horizon`` forecast steps (optional without future
    covariates).
    """
    if X is None:
        return y, future
    if future is not None:
        raise ValueError("Give the future covariates as X or as future, not both.")
    if y is None:
        if not n_future:
            raise ValueError(
                "X without y gives the future covariates, but this forecaster has "
                "none (future_covariates=None at fit): predict() without X, or "
                "predict(y=recent_history, X=its_exogenous_rows)."
            )
        if isinstance(X, dict):
            return None, {key: exog_frame(value) for key, value in X.items()}
        return None, exog_frame(X)
    history, future = split_exog(y, X, (horizon,) if n_future else (0, horizon))
    if n_future and future is None:
        raise ValueError(
            f"X must run {horizon} steps past the end of y: the future covariates "
            "are read over the forecast steps."
        )
    return join_exog(y, history)[0], future if n_future else None


def refuse_covariates_as_y(y, roles):
    """Refuse a ``y`` given to ``predict`` that holds covariates and no target.

    Such a frame is ``X`` passed by position (``predict(future_X)``, or a
    search's ``predict(X)``, which passes it as the first argument); it would
    otherwise fail on its length or its columns, without saying so.
    """
    if not isinstance(y, pd.DataFrame) or not len(y.columns):
        return
    covariates = [c for c in roles.columns if c not in roles.targets]
    if all(c in covariates for c in y.columns):
        if roles.n_given:
            remedy = (
                "give covariates as predict(X=...) (or future=...). A search's "
                "predict(X) passes X as y: call search.best_estimator_.predict(X=...)."
            )
        else:  # predict(X=...) alone would be refused: no future covariates
            remedy = (
                "y is the targets' recent history; this forecaster has no future "
                "covariates, so covariates come beside it, as at fit "
                "(predict(y=history, X=its_covariate_rows), or columns of y)."
            )
        raise ValueError(
            f"y holds the covariates {list(y.columns)} and none of the targets "
            f"{list(roles.targets)}: {remedy}"
        )
