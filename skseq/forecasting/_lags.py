"""The targets one long season back, over the forecast steps, as inputs.

A window of two days of half-hours cannot tell a Sunday's profile from a
Saturday's, and a window of a week (336 steps) costs the network seven times
the time of two days, on thousands of windows. Series of hours and shorter
steps whose days differ (the days of the week among their phases,
:mod:`._phases`) read, beside their window, the target's values one week
before each forecast step: the last week's forecast steps, what the seasonal
naive forecast of the week repeats. The models read them relative to the
window (its reference and spread, as the window's own targets), so that a
ridge can forecast "last week's profile, at this week's level".

The values are columns the series carry, known in advance (future
covariates), filled from the series' own targets in the unit and scale the
models read them in; a window reads them at its forecast steps only (the
week back of the window's own steps as well was worse in 4 of 5 origins of
a ridge outside the library). On the panel's half-hourly electricity demand
(4,032 steps, horizon 48, a window of 96; five origins a horizon apart,
seed 0) the default's error fell from 0.712 to 0.613 of Holt-Winters' and
from 0.912 to 0.785 of the weekly seasonal naive forecast's
(``benchmarks/forecast_accuracy.py --origins 5 --series taylor``). Shorter
series, which leave fewer than ``WINDOWS_PER_STEP`` windows per forecast
step beyond a week, do not read it (no series of
``benchmarks/short_series.py`` does). A user's ``season_lag`` (an int) is
read by any series in memory, as the week is.

In a time zone whose clock changes the week is the wall clock's, as the
phases are: the week before Monday 12:00 is last Monday 12:00, a week of
steps less an hour where the clocks went forward between them, more an hour
where they went back (``SeasonLag.clock``; each series of a panel by its
own clock). Histories then hold that hour more, and a horizon of a week
less an hour at most reads it. A lag given counts steps.
"""

from dataclasses import dataclass, replace
from numbers import Integral

import numpy as np
import pandas as pd

from ..utils._sklearn_compat import Interval, StrOptions
from ._geometry import WINDOWS_PER_STEP

__all__ = ["SEASON_LAG_CONSTRAINT", "SeasonLag", "first_row", "lookback"]

# SequenceForecaster's season_lag: "auto" (a week where it helps), the steps
# back, or None
SEASON_LAG_CONSTRAINT = [
    StrOptions({"auto"}),
    Interval(Integral, 1, None, closed="left"),
    None,
]


@dataclass(frozen=True)
class SeasonLag:
    """The targets ``lag`` steps back, as columns the series carry.

    Attributes
    ----------
    lag : int
        Steps back: a week of the series' steps, or ``season_lag``.
    columns : tuple of str
        One column per target, ``"<target> a week back"`` (``"<target> 7
        steps back"`` for a lag given).
    positions : tuple of int
        The columns' positions in role order (set once the roles are known).
    clock : int, default=0
        Steps of an hour where the week follows the wall clock of a
        time-zone-aware index (:meth:`backs`), else 0: the lag's steps.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.forecasting._lags import SeasonLag
    >>> lag = SeasonLag(3, ("y a week back",), (1,))
    >>> rows = np.column_stack([np.arange(8.0), np.zeros(8)])
    >>> lag.fill(rows, [8])[:, 1].tolist()
    [0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    >>> lag.ahead(rows[None], 2)[0, :, 0].tolist()
    [5.0, 6.0]
    """

    lag: int
    columns: tuple
    positions: tuple = ()
    clock: int = 0

    @classmethod
    def of(cls, setting, phases, lengths, horizon, targets, panel, step=1):
        """Return the lag of series of ``lengths`` rows, or None.

        With ``setting="auto"``: a week, where the series carry the days of
        the week as phases (steps of a day or shorter whose days differ),
        each series holds ``WINDOWS_PER_STEP`` windows (one every ``step``
        rows) per forecast step whose forecast steps have a week before
        them, and the week is at least the horizon (its values are known at
        every forecast step, less the hour a clock moves); on the wall
        clock where a series of ``panel`` is in a zone whose clock changes.
        An int ``setting`` is the lag, refused where it is shorter than the
        horizon or leaves a series no window.
        """
        clock = 0
        if setting == "auto":
            if phases is None or phases.span == 1:
                return None
            lag = int(phases.season * phases.span)
            clock = max(_hour_steps(one) for one in panel)
            windows = (min(lengths) - lag - clock - horizon) // step + 1
            if lag - clock < horizon or windows < WINDOWS_PER_STEP * horizon:
                return None
            back = "a week back"
        elif setting is None:
            return None
        elif isinstance(setting, bool):
            raise ValueError(
                f"season_lag must be 'auto', an int or None, got {setting}."
            )
        else:
            lag, back = int(setting), f"{int(setting)} steps back"
            if lag < horizon:
                raise ValueError(
                    f"season_lag={lag} must be at least horizon={horizon}: the "
                    "targets it reads before each forecast step must be known."
                )
            if min(lengths) <= lag + horizon - 1:
                raise ValueError(
                    f"season_lag={lag} leaves no training window: the shortest "
                    f"series has {min(lengths)} steps, and a window needs "
                    f"{lag + horizon} (season_lag + horizon)."
                )
        names = tuple(back if t is None else f"{t} {back}" for t in targets)
        clash = sorted(set(names) & set(panel[0].columns), key=str)
        if clash:
            raise ValueError(
                f"y has the columns {clash}, the names of the lagged targets' "
                "columns; rename them or set season_lag=None."
            )
        return cls(lag, names, clock=clock)

    def check_lengths(self, panel, keys, lookback):
        """Refuse histories shorter than ``lookback`` steps, naming the lag.

        ``lookback`` is the steps a forecast reads: at least the lag.
        """
        for one, key in zip(panel, keys or [None], strict=True):
            if len(one.values) < lookback:
                name = "y" if key is None else f"y[{key!r}]"
                raise ValueError(
                    f"{name} has {len(one.values)} steps, but this model reads "
                    f"{lookback}: the targets {self.steps} before each "
                    "forecast step too (season_lag). Give a longer history, or "
                    "fit with season_lag=None."
                )

    def placed(self, roles):
        """Return the lag with its columns' positions in ``roles``' order."""
        order = [roles.columns[i] for i in roles.order]
        return replace(self, positions=tuple(order.index(c) for c in self.columns))

    def extend(self, panel, targets):
        """Return the series with the lag's columns appended.

        They hold the ``targets`` themselves until :meth:`fill` (finite where
        a log reads them); only the forecast steps' are read.
        """
        out = []
        for one in panel:
            at = [list(one.columns).index(target) for target in targets]
            values = np.hstack([one.values, one.values[:, at]])
            columns = [*one.columns, *self.columns]
            out.append(replace(one, values=values, columns=columns))
        return out

    @property
    def longest(self):
        """Return the most steps back a row reads: the lag, and the clock's hour."""
        return self.lag + self.clock

    @property
    def steps(self):
        """Name the steps back, for messages."""
        late = f" ({self.longest} after the clocks go back)" if self.clock else ""
        return f"{self.lag} steps{late}"

    def backs(self, index):
        """Return the steps back of each time stamp of ``index``, or None: the lag.

        On the wall clock (``clock`` steps an hour) of a time-zone-aware
        ``index``: the lag less the change of the clock's offset from UTC
        since the time a lag of steps before.
        """
        if not self.clock or getattr(index, "tz", None) is None:
            return None
        step = pd.Timedelta(hours=1) / self.clock
        change = _utc_offset(index) - _utc_offset(index - self.lag * step)
        moved = np.round(np.asarray(change / step, dtype=np.float64)).astype(int)
        return self.lag - np.clip(moved, -self.clock, self.clock)

    def fill(self, rows, lengths, backs=None):
        """Return stacked ``rows`` (role order) with the lag's columns filled.

        A series' row ``t`` gets its targets of row ``t - lag`` (``t -
        backs[i][t]`` for series ``i``, from :meth:`backs`, where given);
        its first rows, which no window reads at its forecast steps, their
        own.
        """
        out = np.array(rows, dtype=np.float64)
        k, at = len(self.columns), list(self.positions)
        start = 0
        for i, n in enumerate(lengths):
            part = out[start : start + n]
            part[:, at] = part[:, :k]
            back = self.lag if backs is None or backs[i] is None else backs[i]
            read = np.arange(n) - back
            known = np.flatnonzero(read >= 0)
            part[np.ix_(known, at)] = part[read[known], :k]
            start += n
        return out

    def repeated(self, futures, values):
        """Return the seasonal naive forecast of the lag, transformed.

        Each forecast step repeats its targets ``lag`` steps back, from the
        forecast steps' rows ``futures`` ``(n, steps, n_columns)`` (role order,
        the lag's columns filled: :meth:`ahead`), through ``values`` (the
        :class:`ValueScaler`); ``(n, steps, n_targets)``. Where the days of
        the week differ, the last day, repeated, carries a Sunday into a
        Monday: on six weeks of hours whose weekends are 8 higher (noise of
        1), a Monday's MAE was 4.8 with it as half the forecast, 1.2 with
        the week back (``benchmarks/weekend_hours.py``).
        """
        rows = np.array(futures, dtype=np.float64)
        k = len(self.columns)
        rows[..., :k] = rows[..., list(self.positions)]
        return values.transform(rows)[..., :k]

    def ahead(self, histories, steps, backs=None):
        """Return the targets ``lag`` steps before each of ``steps`` forecast steps.

        ``histories`` ``(n, at least longest, n_columns)`` (role order) end
        at the forecast origin; ``backs`` ``(n, steps)`` (:meth:`backs` of
        the forecast steps' time stamps) replace the lag where given. The
        result is ``(n, steps, n_targets)``.
        """
        k, n = len(self.columns), histories.shape[1]
        if backs is None:
            return histories[:, n - self.lag : n - self.lag + steps, :k]
        read = n + np.arange(steps) - np.asarray(backs)
        return np.take_along_axis(histories[..., :k], read[..., None], axis=1)


def _hour_steps(one):
    """Return the steps of an hour of a series whose clock changes, or 0.

    A series on a time-zone-aware index whose zone's offset from UTC changes
    within a year either side of its end (not UTC, nor Asia/Tokyo); 0 also
    where an hour is not a whole number of steps (the clock's change would
    move the week by part of a step).
    """
    index = one.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        return 0
    days = index[-1] + pd.to_timedelta(np.arange(-366, 367), unit="D")
    if len(set(_utc_offset(days))) == 1:
        return 0
    try:
        steps = pd.Timedelta(hours=1) / pd.Timedelta(one.freq)
    except (TypeError, ValueError):  # a calendar step (a month), not a time
        return 0
    return int(steps) if steps >= 1 and steps == int(steps) else 0


def _utc_offset(index):
    """Return each time stamp's offset from UTC (wall clock less UTC)."""
    return index.tz_localize(None) - index.tz_convert(None)


def lookback(window, lag):
    """Return the steps of history a forecast reads: the window, or the lag.

    ``lag`` is a :class:`SeasonLag` or None.
    """
    return window if lag is None else max(window, lag.longest)


def first_row(lag, window):
    """Return the first row a window of ``window`` steps may start at.

    Its forecast steps need the targets ``lag`` steps before them
    (:class:`SeasonLag`, or None: every row).
    """
    return 0 if lag is None else max(0, lag.longest - window)
