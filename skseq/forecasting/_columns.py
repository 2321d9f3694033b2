"""Column roles of a forecast (targets, past and future covariates) and frames.

A DataFrame ``y`` holds the targets and covariates side by side, so that
cross-validation splitters slice them together. :class:`ColumnRoles` says
which column plays which part and puts the columns in role order (targets,
past covariates, future covariates) for the network; the functions below
check later input against the fitted columns, read the future covariates of
``predict`` and put forecasts back into the form of the input.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from ..utils._long import is_long_frame
from ..utils._series import (
    non_numeric_columns,
    refuse_complex_columns,
    refuse_duplicate_columns,
    refuse_huge,
    refuse_missing,
)
from ._calendar import on_fitted_clock

__all__ = [
    "ColumnRoles",
    "check_lengths",
    "check_like_fit",
    "check_log",
    "format_forecasts",
    "future_rows",
    "id_level",
    "raw_values",
    "roles_of",
    "same_columns",
]


@dataclass(frozen=True)
class ColumnRoles:
    """Which column of the series is a target, a past or a future covariate.

    Attributes
    ----------
    columns : tuple
        The columns of ``y`` at fit, in their order.
    targets, past, future : tuple
        Column names of each role.
    static : tuple
        The static covariates among the future ones (the last), which the
        series carry themselves (:mod:`._static`).
    """

    columns: tuple
    targets: tuple
    past: tuple
    future: tuple
    static: tuple = ()

    @classmethod
    def from_columns(cls, columns, target, future_covariates, strategy, static=()):
        """Assign the roles; the forecaster's ``target`` and covariate options."""
        named = [
            c for c in [*(future_covariates or []), *_listed(target)] if c in static
        ]
        if named:
            raise ValueError(
                f"{named} are static covariates (fit's static): they are read at "
                "every step already; leave them out of target and future_covariates."
            )
        columns = list(columns)
        future = list(future_covariates or [])
        lists = (("target", _listed(target)), ("future_covariates", future))
        for name, listed in lists:
            repeated = sorted({c for c in listed if listed.count(c) > 1}, key=str)
            if repeated:
                raise ValueError(f"{name} lists the columns {repeated} more than once.")
        missing = [c for c in future if c not in columns]
        if missing:
            raise ValueError(
                f"future_covariates {missing} name no column of X (fit(y, X)) or "
                f"of y; their columns are {columns}."
            )
        future += list(static)  # the series carry them: known in advance
        if target is None:
            targets = [c for c in columns if c not in future]
        else:
            targets = _listed(target)
            unknown = [c for c in targets if c not in columns]
            if unknown:
                raise ValueError(
                    f"target {unknown} is not a column of y; its columns are {columns}."
                )
        if not targets:
            raise ValueError("y has no column left to forecast: set target=...")
        both = [c for c in targets if c in future]
        if both:
            raise ValueError(f"Columns {both} are both targets and future_covariates.")
        past = [c for c in columns if c not in targets and c not in future]
        if past and strategy == "recursive":
            raise ValueError(
                f"strategy='recursive' feeds its forecasts back as input, but the "
                f"past covariates {past} cannot be forecast; use strategy='direct', "
                "or list them in future_covariates if they are known in advance."
            )
        roles = (tuple(targets), tuple(past), tuple(future), tuple(static))
        return cls(tuple(columns), *roles)

    @property
    def order(self):
        """Positions of the columns in role order."""
        position = {c: i for i, c in enumerate(self.columns)}
        return [position[c] for c in self.targets + self.past + self.future]

    @property
    def n_targets(self):
        """Number of forecast columns."""
        return len(self.targets)

    @property
    def n_future(self):
        """Number of future covariates (the last columns in role order)."""
        return len(self.future)

    @property
    def n_given(self):
        """Number of future covariates that ``predict`` is given (not static)."""
        return len(self.future) - len(self.static)

    def arrange(self, values):
        """Columns of ``values`` (original order, last axis) in role order.

        ``values`` itself when they are in role order already (not a copy:
        callers only read it).
        """
        order = self.order
        if order == list(range(len(order))):
            return values
        return values[..., order]


def _listed(target):
    """Return the target column names: one name (any hashable) or several."""
    if target is None:
        return []
    if isinstance(target, (list, np.ndarray, pd.Index)) and np.ndim(target):
        return list(target)
    return [target]


def check_like_fit(panel, form, fitted_form, roles, zones, name="y", columns=None):
    """Return later series in the fitted columns' order; check form and zone.

    Each must have the fitted columns (in any order: the same names in
    another order are put in the fitted one), form and time zone; a pandas
    Series of a model of one target is that target, whatever its name.
    ``zones``: each series' fitted time zone (:func:`._calendar.fitted_zones`),
    to which its stamps are converted; ``name`` is the argument the series
    came as, for the messages; ``columns`` the columns expected (by default
    the fitted ones).
    """
    columns = roles.columns if columns is None else tuple(columns)
    if roles.n_targets == 1 and columns[0] == roles.targets[0]:
        panel = [_named(one, columns) for one in panel]
    panel = [_in_order(one, columns) for one in panel]
    if form != fitted_form:  # before the columns: a dict's are not a long frame's
        raise ValueError(
            f"{name} is a {form} input, but the model was fitted on a "
            f"{fitted_form} input."
        )
    for one in panel:
        if tuple(one.columns) != columns:
            # an array's columns are positions: none is a target's name unless
            # the model was fitted on an array too (then the names tell more);
            # nor is a frame's that of an unnamed Series (None)
            unnamed = columns == (None,) and one.kind == "frame"
            if (one.kind == "array" or unnamed) and not any(
                c in roles.targets for c in one.columns
            ):
                fitted_on = (
                    "an unnamed pandas Series"
                    if columns == (None,)
                    else f"a pandas Series or DataFrame (columns {list(columns)})"
                )
                raise ValueError(
                    f"{name} is {'a DataFrame' if unnamed else 'an array'}, but the "
                    f"model was fitted on {fitted_on}: give {name} as one, as at fit."
                )
            missing = [c for c in columns if c not in one.columns]
            extra = [c for c in one.columns if c not in columns]
            hints = [f"missing {missing}"] if missing else []
            hints += [f"not seen at fit {extra}"] if extra else []
            again = any(c not in roles.targets for c in missing)
            raise ValueError(
                f"{name} has columns {one.columns}, but the model was fitted on "
                f"{list(columns)} ({'; '.join(hints)})"
                + (
                    "; covariates come again as they came at fit (columns of y, or X)."
                    if again
                    else "."
                )
            )
    return on_fitted_clock(panel, zones, name)


def _named(one, columns):
    """Return ``one`` with a Series' column named as the target, ``columns[0]``.

    The name of a Series is no column: its values are the target (its first
    column, before those of ``X`` or static covariates), whatever its name.
    """
    if one.kind != "series":
        return one
    return replace(one, columns=[columns[0], *one.columns[1:]])


def _in_order(one, columns):
    """Return a series with the same column names as ``columns`` in their order."""
    given = list(one.columns)
    if len(given) != len(columns) or set(given) != set(columns):
        return one
    order = [given.index(column) for column in columns]
    return replace(one, values=one.values[:, order], columns=list(columns))


def same_columns(panel, keys):
    """Return the series of a panel with the same columns, in the same order.

    Those of its first frame (of the first series if all are Series), in
    its order: frames with the same columns in another order are put in
    it. A pandas Series' name is no column (:func:`_named`): a panel of
    Series (a dict of a wide frame's columns, each named by its id) has one
    target, named as the first, and a Series beside frames is their target.
    """
    if len(panel) == 1:
        return panel
    at = next((i for i, one in enumerate(panel) if one.kind != "series"), 0)
    columns = panel[at].columns
    aligned = []
    for key, one in zip(keys, panel, strict=True):
        same = _in_order(_named(one, columns), columns)
        if same.columns != columns:
            raise ValueError(
                "The series of a panel share their columns (y's, with X's "
                f"appended), but those of {keys[at]!r} are {list(columns)} and "
                f"those of {key!r} {list(one.columns)} (a Series y's column is "
                "its name, or 0)."
            )
        aligned.append(same)
    return aligned


def future_rows(future, series, keys, roles, horizon):
    """Raw horizon rows (role order) holding the future covariates of ``predict``.

    Parameters
    ----------
    future : DataFrame, dict, long DataFrame or None
        The user's future covariates.
    series : list of TimeSeries
        The series the forecasts continue (for their future time stamps).
    keys : list or None
        Their ids.
    roles : ColumnRoles
    horizon : int

    Returns
    -------
    ndarray of shape (n_series, horizon, n_columns)
        Zeros except in the given future-covariate columns (the columns the
        series carry: ``FittedForecaster.carried_ahead``).
    """
    h, n_columns = horizon, len(roles.columns)
    rows = np.zeros((len(series), h, n_columns))
    if not roles.n_given:
        if future is not None:
            raise ValueError(
                "future was given, but the forecaster has no future covariates "
                "(future_covariates=None at fit); leave it out."
            )
        return rows
    names = list(roles.future[: roles.n_given])
    if future is None:
        raise ValueError(
            f"The future covariates {names} are needed over the {h} forecast "
            f"steps: pass predict(X=...) (or future=...) with those columns for "
            f"the next {h} time stamps."
        )
    for i, (frame, one) in enumerate(
        zip(_future_frames(future, keys, names), series, strict=True)
    ):
        missing = [c for c in names if c not in getattr(frame, "columns", [])]
        if missing and frame.attrs.get("positional", False):
            raise ValueError(
                f"X is an array, but the forecaster was fitted with the future "
                f"covariates {names} by name: give a DataFrame with those columns."
            )
        if missing:
            raise ValueError(f"X (or future) lacks the future covariates {missing}.")
        # rows of an array X, or any X of an array series (its stamps are
        # made up): by position, as fit reads them
        positional = frame.attrs.get("positional", False) or one.kind == "array"
        expected = one.future_index(h)
        frame = frame if positional else _at_stamps(frame, expected)
        if positional and len(frame) != h:
            raise ValueError(
                f"X (or future) is read by position here: it needs the {h} rows "
                f"of the forecast steps, got {len(frame)}."
            )
        given = frame.loc[:, frame.columns.isin(names)]  # others are not read
        refuse_duplicate_columns(given, "X (or future)")
        given = given[names]
        refuse_complex_columns(given, "X (or future)")
        non_numeric = non_numeric_columns(given)
        if non_numeric:
            raise TypeError(
                f"X (or future) has non-numeric columns {non_numeric}; give the "
                "future covariates as numbers, as at fit."
            )
        values = check_array(
            given,
            dtype=np.float64,
            input_name="future",
            ensure_all_finite=False,
        )
        refuse_missing(
            values, expected, "X (or future)", "X.interpolate()", columns=names
        )
        refuse_huge(values, "X (or future)")
        start = n_columns - roles.n_future
        rows[i, :, start : start + roles.n_given] = values
    return rows


def _at_stamps(frame, expected):
    """Return the rows of ``frame`` at the time stamps ``expected``, in order.

    Rows are read by label, as fit reads ``X``: ``X`` over the history and
    the forecast steps, as sktime takes it, in any order; the other rows are
    not read.
    """
    stamps = frame.index
    if getattr(stamps, "tz", None) and getattr(expected, "tz", None):
        frame = frame.set_axis(stamps.tz_convert(expected.tz))  # same instants
    if frame.index.has_duplicates:
        repeated = frame.index[frame.index.duplicated()].unique()
        raise ValueError(
            f"X (or future) has {len(repeated)} repeated time stamps, the first "
            f"{repeated[0]}; give one row per time stamp."
        )
    missing = expected[~expected.isin(frame.index)]
    if len(missing):
        zone = getattr(stamps, "tz", None)
        zone = f" in {zone}" if zone else " tz-naive" * (stamps.dtype.kind == "M")
        has = f"its index: {type(stamps).__name__}{zone}" + (
            f" from {stamps.min()}" if len(stamps) else " and no rows"
        )
        raise ValueError(
            f"X (or future) must have a row at each of the {len(expected)} time "
            f"stamps after the series, {expected[0]} to {expected[-1]}; it lacks "
            f"{len(missing)}, the first {missing[0]} ({has})."
        )
    return frame.loc[expected]


def _future_frames(future, keys, names):
    """One future-covariate frame per series, in the order of ``keys``.

    A named Series is the frame of its one column (as ``X`` takes it).
    """
    if isinstance(future, dict):
        future = {key: _framed(one) for key, one in future.items()}
    future = _framed(future)
    long = isinstance(future, pd.DataFrame) and is_long_frame(future)
    if keys is None:
        if not isinstance(future, pd.DataFrame) or long:
            raise ValueError(
                f"future must be a DataFrame with the columns {names}, indexed by "
                f"the forecast time stamps; got a {type(future).__name__}."
            )
        return [future]
    if isinstance(future, dict):
        available = set(future)
    elif long:
        available = set(future.index.get_level_values(0))
    else:
        raise ValueError(
            "With many series, future is a dict of DataFrames by series id or a "
            "long DataFrame indexed by (series id, time); got a "
            f"{type(future).__name__}."
        )
    missing = [key for key in keys if key not in available]
    if missing:
        raise ValueError(
            f"X (or future) lacks the future covariates of series {missing}."
        )
    if isinstance(future, dict):
        return [future[key] for key in keys]
    return [future.xs(key, level=0) for key in keys]


def _framed(one):
    """Return a named Series as its one-column frame, anything else as it is."""
    named = isinstance(one, pd.Series) and one.name is not None
    return one.to_frame() if named else one


def format_forecasts(forecasts, series, keys, fitted, y, columns=None):
    """Forecast arrays ``(n_series, h, k)`` -> the form of the input.

    Of the :class:`FittedForecaster` ``fitted``, from the history ``y`` (None:
    the training series', whose id level's name a long frame takes again).
    ``columns`` names the last axis (intervals); by default the targets.
    """
    h, targets = forecasts.shape[1], fitted.roles.targets
    outputs = []
    for values, one in zip(forecasts, series, strict=True):
        index = one.future_index(h)
        if columns is not None:
            outputs.append(pd.DataFrame(values, index=index, columns=columns))
        elif one.kind == "series":
            outputs.append(pd.Series(values[:, 0], index=index, name=one.name))
        elif one.kind == "frame":
            outputs.append(pd.DataFrame(values, index=index, columns=list(targets)))
        else:
            # arrays: (horizon,) for one target, (horizon, k) for several
            outputs.append(values[:, 0] if values.shape[1] == 1 else values)
    if fitted.form == "single":
        return outputs[0]
    if fitted.form == "dict":
        return dict(zip(keys, outputs, strict=True))
    name = fitted.key_name if y is None else id_level(y)
    return pd.concat(outputs, keys=keys, names=[name])


def id_level(y):
    """Return the name of the id level of a long frame ``y`` (None: another form)."""
    index = getattr(y, "index", None)
    return index.names[0] if isinstance(index, pd.MultiIndex) else None


def roles_of(panel, target, future_covariates, strategy, static=()):
    """Return the column roles of validated series (:func:`same_columns`)."""
    return ColumnRoles.from_columns(
        panel[0].columns, target, future_covariates, strategy, static
    )


def raw_values(panel, keys, roles, log):
    """Each series' values in role order, checked for the log."""
    raw = []
    for one, key in zip(panel, keys or [None], strict=True):
        where = "y" if key is None else f"y[{key!r}]"
        values = roles.arrange(one.values)
        check_log(values, roles.n_targets, where, log)
        raw.append(values)
    return raw


def check_lengths(lengths, keys, window_length, horizon, n_columns=1):
    """Refuse series shorter than a window and its horizon.

    A series of one row and several columns (``n_columns``: of y and X) is
    likely a row vector, ``(1, n)``: the message says a step is a row.
    """
    span = window_length + horizon
    for position, n in enumerate(lengths):
        if n < span:
            where = "y" if keys is None else f"y[{keys[position]!r}]"
            row = ""
            if n == 1 and n_columns > 1:
                row = (
                    f" It has {n_columns} columns: each row is a time step, so "
                    "a series is a column (y.ravel(), or y.T for several)."
                )
            raise ValueError(
                f"{where} has {n} observations; window_length={window_length} "
                f"and horizon={horizon} need at least {span}.{row}"
            )


def check_log(values, n_targets, name, log):
    """Refuse targets that a log transform cannot take (zero or negative)."""
    if log and (values[:, :n_targets] <= 0).any():
        raise ValueError(
            f"transform='log' needs positive targets, but {name} holds values "
            f"down to {values[:, :n_targets].min()}; use transform=None."
        )
