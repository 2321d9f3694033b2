"""Validation of time series for the forecaster: values, index, frequency.

A series is given as a pandas Series or DataFrame indexed by time
(DatetimeIndex, PeriodIndex, RangeIndex or evenly spaced integers), or as a
1-D/2-D array (steps 0, 1, 2, ...). Many series come as a dict of those or as
a long DataFrame indexed by ``(series id, time)``.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from ._long import is_long_frame
from ._periods import business_periods_quiet
from ._steps import infer_frequency, raise_irregular, raise_off_freq

__all__ = [
    "TimeSeries",
    "check_panel",
    "check_series",
    "check_stamps",
    "is_panel",
    "non_numeric_columns",
    "refuse_complex_columns",
    "refuse_duplicate_columns",
    "refuse_empty",
    "unsorted",
]


@dataclass(frozen=True, eq=False)
class TimeSeries:
    """One validated series.

    Attributes
    ----------
    values : ndarray of shape (n_timesteps, n_columns)
        float64 values, one row per time step.
    index : pandas.Index
        Time of each row (a RangeIndex for arrays).
    freq : pandas offset or int
        Step between rows (an int for integer indexes).
    columns : list
        Column names (``[name]`` for a Series, ``[0, 1, ...]`` for arrays).
    kind : {"series", "frame", "array"}
        The input form, which the forecasts take again.
    name : hashable
        Name of a pandas Series.
    """

    values: np.ndarray
    index: pd.Index
    freq: object
    columns: list
    kind: str
    name: object = None

    def tail(self, length):
        """Return the series of the last ``length`` rows."""
        return TimeSeries(
            self.values[-length:],
            self.index[-length:],
            self.freq,
            self.columns,
            self.kind,
            self.name,
        )

    def future_index(self, steps, start=1):
        """Index of the ``steps`` rows after the last one (``start`` = 1)."""
        return shifted_index(
            self.index[-1],
            self.freq,
            range(start, start + steps),
            name=self.index.name,
            like=self.index,
        )


@business_periods_quiet
def shifted_index(last, freq, offsets, name=None, like=None):
    """Return the times ``last + k * freq`` for ``k`` in ``offsets`` as an Index.

    Time stamps one step apart carry ``freq``, as the series' index would.
    """
    times = [last + k * freq for k in offsets]
    if isinstance(like, pd.PeriodIndex):
        return pd.PeriodIndex(times, freq=like.freq, name=name)
    if isinstance(like, pd.DatetimeIndex):
        steps = np.diff(list(offsets))
        regular = len(times) and (steps == 1).all() and freq.is_on_offset(times[0])
        index = pd.DatetimeIndex(times, name=name, freq=freq if regular else None)
        return index.as_unit(like.unit)  # pandas 2.2 made them ns
    if len(times) > 1:
        return pd.RangeIndex(times[0], times[-1] + freq, freq, name=name)
    return pd.Index(times, name=name)


# the largest magnitude a series may hold: the squares of its deviations stay
# below float64's maximum (1.8e308)
_LARGEST = 1e150


def refuse_huge(values, name):
    """Raise a ValueError naming ``name`` if its values' squares would overflow."""
    largest = np.abs(values).max(initial=0.0)
    if largest > _LARGEST:
        raise ValueError(
            f"{name} holds values up to {largest:.3g}, whose squares overflow "
            f"float64 (spreads, losses); divide {name} by a power of ten first."
        )


def refuse_missing(values, index, name, how=None, columns=None):
    """Raise a ValueError naming ``name`` and the first row of a missing value.

    ``values`` is 2-D (rows, columns), float; ``index`` labels its rows;
    ``how`` says how to fill them (by default ``name.interpolate()``);
    ``columns`` names the columns, and the message the first one missing
    where there are several.
    """
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad.any(axis=1))[0])
        what = "NaN" if np.isnan(values[bad]).any() else "infinite values"
        column = ""
        if columns is not None and len(columns) > 1:
            column = f" in column {columns[int(np.flatnonzero(bad[row])[0])]!r}"
        raise ValueError(
            f"{name} contains {what}: {int(bad.sum())} values, the first at "
            f"{index[row]}{column}. Fill them first (e.g. "
            f"{how or name + '.interpolate()'})."
        )


def non_numeric_columns(frame):
    """Return the columns of ``frame`` that are not numbers (booleans are not)."""
    return [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        or pd.api.types.is_bool_dtype(frame[c])
    ]


def refuse_complex_columns(frame, name):
    """Raise a ValueError naming ``name`` and its complex columns, if any."""
    columns = [c for c in frame.columns if pd.api.types.is_complex_dtype(frame[c])]
    if columns:
        raise ValueError(
            f"{name} has complex columns {columns}; complex data is not supported "
            "(give the real and imaginary parts as two columns)."
        )


def _offset(freq):
    """Return ``freq`` (the user's ``freq``, or one inferred) as a pandas offset."""
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"freq must be a pandas frequency of time stamps such as 'D', 'MS' or "
            f"'30min'; got {freq!r} (pandas: {error})"
        ) from None


def refuse_empty(length, name):
    """Raise a ValueError naming ``name`` if the series has no time step."""
    if length == 0:
        raise ValueError(f"{name} is empty; a series needs at least 1 time step.")


def check_stamps(index, name, whole=None):
    """Refuse an index (of ``name``) empty, not of times, repeated or unsorted.

    The checks of a series' time stamps that need no step (the index of
    more than one): ``X`` is read by the stamps of ``y``, so they are made
    before ``X`` is. ``whole``: the name of the long frame the series is one
    of, which the remedies act on (``name`` locates the problem).
    """
    refuse_empty(len(index), name)
    if not (
        isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex, pd.RangeIndex))
        or pd.api.types.is_integer_dtype(index)
    ):
        raise ValueError(
            f"{name}.index holds {index.dtype} values; a series is indexed by time "
            "(a DatetimeIndex, PeriodIndex or evenly spaced integers). Convert it, "
            f"e.g. {name}.index = pd.to_datetime({name}.index)."
        )
    if index.hasnans:  # NaT: no order, no step
        first = int(np.flatnonzero(index.isna())[0])
        raise ValueError(
            f"{name}.index has {int(index.isna().sum())} missing time stamps (NaT), "
            f"the first at row {first}; drop or fill them."
        )
    if len(index) == 1:
        return  # a step of time stamps is checked from two
    if index.has_duplicates:
        duplicated = index[index.duplicated()].unique()
        remedy = (
            f"{name}.groupby(level=0).mean()"
            if whole is None
            else f"{whole}.groupby(level=[0, 1]).mean()"
        )
        raise ValueError(
            f"{name}.index has {len(duplicated)} duplicated time stamps, the first "
            f"is {duplicated[0]}; aggregate them first, e.g. with {remedy}."
        )
    if not index.is_monotonic_increasing:
        raise ValueError(
            f"{name}.index is not sorted in increasing order ({unsorted(index)}); "
            f"sort it with {whole or name}.sort_index()."
        )


def unsorted(index):
    """Name the first step back in time of an index not in increasing order."""
    values = index.to_numpy()
    after = int(np.flatnonzero(values[1:] < values[:-1])[0]) + 1
    return f"first violation: {index[after - 1]} then {index[after]}"


def refuse_duplicate_columns(frame, name):
    """Raise a ValueError naming ``name`` and its repeated column names."""
    if frame.columns.has_duplicates:
        duplicated = list(frame.columns[frame.columns.duplicated()].unique())
        raise ValueError(
            f"{name} has duplicate column names {duplicated}; give each column "
            "its own name."
        )


@business_periods_quiet
def _check_index(index, name, freq, default_freq=None, whole=None):
    """Check that a time index is sorted, unique and regular; return its step.

    ``freq`` (the user's) applies to a DatetimeIndex, else ``default_freq`` (the
    training step) where the index keeps it (business days would be inferred
    as days) or is too short to infer one; ``whole``: :func:`check_stamps`'s.
    """
    check_stamps(index, name, whole)
    if isinstance(index, pd.DatetimeIndex):
        step = freq
        if step is None and hasattr(default_freq, "freqstr"):  # an offset
            kept = pd.date_range(
                index[0], periods=len(index), freq=default_freq, unit=index.unit
            )
            if kept.equals(index):
                return default_freq
            step = default_freq if len(index) < 3 else None
        step = infer_frequency(index) if step is None else step
        if step is not None:
            step = _offset(step)
            # in the index's resolution: pandas 2.2 tells ms from ns stamps apart
            expected = pd.date_range(
                index[0], periods=len(index), freq=step, unit=index.unit
            )
            if not expected.equals(index):
                raise_off_freq(index, step, name)
            return step
        raise_irregular(index, name, default_freq)
    if isinstance(index, pd.PeriodIndex):
        if freq is not None and default_freq is None:  # at fit: later series
            _check_period_freq(index, name, freq)  # keep what fit took (older)
        expected = pd.period_range(index[0], periods=len(index), freq=index.freq)
        if not expected.equals(index):
            missing = pd.period_range(index[0], index[-1], freq=index.freq).difference(
                index
            )
            raise ValueError(
                f"{name}.index has {len(missing)} missing periods, the first "
                f"{missing[0]}. Reindex with {name}.reindex(pd.period_range(...)) and "
                "fill the gaps."
            )
        return index.freq
    step = infer_frequency(index)
    if step is None:
        raise ValueError(
            f"{name}.index is not regularly spaced; pass a series with a "
            "DatetimeIndex, PeriodIndex or evenly spaced integer index."
        )
    return step


def _check_period_freq(index, name, freq):
    """Refuse a ``freq`` whose steps leave the periods of ``index`` (ignored before)."""
    first = index[: min(len(index), 8)]  # a week of days: 'B' is no 'D'
    try:  # a period's frequency ("M"), or a time stamp's ("MS")
        same = pd.period_range(first[0], periods=len(first), freq=freq).equals(first)
    except (TypeError, ValueError):
        same = False
    try:
        with warnings.catch_warnings():  # pandas 2.2: "M" for "ME"
            warnings.simplefilter("ignore", FutureWarning)
            stamps = pd.date_range(first[0].start_time, periods=len(first), freq=freq)
        same = same or stamps.to_period(index.freq).equals(first)
    except (TypeError, ValueError):
        pass
    if not same:
        raise ValueError(
            f"freq={freq!r} is not the step of {name}.index, a PeriodIndex of "
            f"frequency {index.freqstr!r}; freq is for a DatetimeIndex whose "
            "step pandas cannot infer: leave it None for periods."
        )


def check_series(
    y, *, freq=None, name="y", min_length=1, default_freq=None, whole=None
):
    """Validate one time series.

    Parameters
    ----------
    y : pandas.Series, pandas.DataFrame or array-like
        The series; rows are time steps.
    freq : str, pandas offset or None, default=None
        Frequency of a DatetimeIndex when it cannot be inferred.
    name : str, default="y"
        Name of the argument in error messages.
    min_length : int, default=1
        Fewest time steps accepted.
    default_freq : pandas offset, int or None, default=None
        The step to assume when the index is too short to infer one (the
        training series' step, for recent history given to ``predict``).
    whole : str or None, default=None
        The name of the long frame ``y`` is one series of (the remedies of
        messages act on it).

    Returns
    -------
    TimeSeries
    """
    if isinstance(y, pd.Series):
        kind, columns, series_name = "series", [y.name], y.name
        frame = y.to_frame()
    elif isinstance(y, pd.DataFrame):
        kind, columns, series_name = "frame", list(y.columns), None
        frame = y
    else:
        kind, series_name = "array", None
        frame = None
    if frame is not None:
        if isinstance(frame.index, pd.MultiIndex):
            raise ValueError(
                f"{name} has a MultiIndex; many series go as a dict of series or a "
                "long DataFrame indexed by (series id, time) to a global model."
            )
        refuse_duplicate_columns(frame, name)
        refuse_complex_columns(frame, name)
        non_numeric = non_numeric_columns(frame)
        if non_numeric and kind == "series":
            raise TypeError(
                f"{name} has dtype {y.dtype}, not numbers; convert it "
                f"({name}.astype(float) for flags), or encode categories as "
                "numeric covariate columns."
            )
        if non_numeric:
            raise TypeError(
                f"{name} has non-numeric columns {non_numeric}; forecast numbers, "
                "and encode categories as numeric covariate columns first. Time "
                f"stamps go in the index ({name}.set_index(time_column)), and a "
                "long DataFrame of many series is indexed by its series id and "
                f"time: {name}.set_index([id_column, time_column])."
            )
        index = frame.index
        values = frame.to_numpy(dtype=np.float64)
    else:
        values = np.asarray(y)
        if values.dtype.kind == "c":
            raise ValueError(
                f"{name} is complex; complex data is not supported (forecast the "
                "real and imaginary parts as two columns)."
            )
        if values.dtype.kind in "OUSVmM":  # not numbers, or times
            raise TypeError(f"{name} holds non-numeric values ({values.dtype}).")
        if values.ndim not in (1, 2):
            raise ValueError(
                f"{name} must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_columns), "
                f"got an array of shape {values.shape}."
            )
        values = values.astype(np.float64)
        # an empty array, whatever its shape, is refused below
        values = values.reshape(len(values), -1) if values.size else np.empty((0, 1))
        columns = list(range(values.shape[1]))
        index = pd.RangeIndex(len(values))
    refuse_empty(len(values), name)
    refuse_missing(values, index, name, columns=columns)
    values = check_array(values, dtype=np.float64, input_name=name)
    refuse_huge(values, name)
    if len(values) < min_length:
        raise ValueError(
            f"{name} has {len(values)} observations; at least {min_length} are needed."
        )
    if len(index) == 1:
        check_stamps(index, name, whole)  # its type (a step needs two)
    if len(index) > 1:
        step = _check_index(index, name, freq, default_freq, whole)
    elif isinstance(index, pd.PeriodIndex):
        step = index.freq
    elif isinstance(index, pd.DatetimeIndex):
        step = freq if freq is not None else (index.freq or default_freq)
        if step is None:
            raise_irregular(index, name)
        step = _offset(step)
    else:
        step = default_freq if default_freq is not None else 1
    return TimeSeries(values, index, step, columns, kind, series_name)


def is_panel(y):
    """Return whether ``y`` holds many series: a dict, or a long frame."""
    return isinstance(y, dict) or is_long_frame(y)


def check_panel(y, *, freq=None, name="y", min_length=1, default_freq=None):
    """Validate one series or many (a dict, or a long DataFrame by (id, time)).

    Returns
    -------
    series : list of TimeSeries
    keys : list or None
        The series ids, None for a single series.
    form : {"single", "dict", "long"}
        The input form, which the forecasts take again.
    """
    options = {"freq": freq, "min_length": min_length, "default_freq": default_freq}
    if isinstance(y, dict):
        if not y:
            raise ValueError(f"{name} is an empty dict; give at least one series.")
        keys = list(y)
        series = [check_series(y[k], name=f"{name}[{k!r}]", **options) for k in keys]
        return series, keys, "dict"
    if is_long_frame(y):
        _check_levels(y.index, name)
        keys = list(pd.unique(y.index.get_level_values(0)))
        series = [
            check_series(y.xs(k, level=0), name=f"{name}[{k!r}]", whole=name, **options)
            for k in keys
        ]
        return series, keys, "long"
    if isinstance(y, (list, tuple)) and any(
        isinstance(item, (pd.Series, pd.DataFrame, np.ndarray)) for item in y
    ):  # np.asarray would read the series as the columns of one
        raise ValueError(
            f"{name} is a {type(y).__name__} of series; give many series as a dict "
            f"{{id: series}} (e.g. dict(enumerate({name}))) or a long DataFrame "
            "indexed by (series id, time), and one series with several columns "
            "as a 2-D array or DataFrame."
        )
    return [check_series(y, name=name, **options)], None, "single"


def _times(level):
    """Return whether an index level holds time stamps (dates or periods)."""
    return isinstance(level, (pd.DatetimeIndex, pd.PeriodIndex))


def _check_levels(index, name):
    """Refuse a long frame's MultiIndex that is not (series id, time).

    Time stamps first (``set_index(["date", "store"])``) would read each date
    as a series and the ids as its steps, silently where the ids are integers.
    """
    if index.nlevels != 2:
        raise ValueError(
            f"{name} has a MultiIndex of {index.nlevels} levels; a long frame of "
            "many series is indexed by (series id, time)."
        )
    if _times(index.levels[0]) and not _times(index.levels[1]):
        raise ValueError(
            f"{name}'s MultiIndex has the time stamps first; a long frame is "
            f"indexed by (series id, time): use {name}.swaplevel().sort_index()."
        )
