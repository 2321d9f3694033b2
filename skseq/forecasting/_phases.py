"""Season phase indicators: which step of its season each time step is.

A series indexed by time whose season is known (months, quarters, days of
the week) carries at every step one indicator per phase of
the season (January, February, ...), as covariates known in advance: at the
forecast steps too, from their time stamps. The ridges and the network then
learn a mean seasonal profile from every season of the series, not only from
the two seasons a window reads, as Holt-Winters' smoothed season does: on
short, noisy seasonal series this is where a window alone lost to it
(``benchmarks/forecast_accuracy.py``, rolling origins).

The phase of a step is its position since 1970 in steps of the series'
frequency, modulo the season: the same for a series and for a later part of
it, whatever its first time stamp. Series indexed by integers (arrays) have
no time stamps and get none.

A monthly index does not make a series seasonal (sunspots, or an economic
series published seasonally adjusted): there the indicators are inputs that
carry nothing, and the network trained with them forecast worse and moved
more with the seed (sunspots: MAE 21.8 against 19.8, seed spread 1.64
against 1.28). The indicators are added when the series' changes from one
step to the next differ by phase: a Kruskal-Wallis test at ``LEVEL`` (rank
based, so neither a growing amplitude nor a few outliers decide it). On the
public panel the seasonal series gave p-values below 1e-9, sunspots 0.2-0.3
and US GDP 0.6-0.7.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import kruskal

__all__ = ["LEVEL", "MAX_PHASES", "SeasonPhases", "shows_season"]

# longer seasons (the hours of a day, a year of weeks) would add as many
# inputs at every step of the window and of the horizon: on 4,000 hourly steps
# (a horizon of 24) the 24 indicators made a fit 7 times as long, for a gain
# not measured on hourly data; they get none
MAX_PHASES = 12
# the significance level of the test that the series' changes differ by phase
LEVEL = 0.01


def _ordinals(index, freq):
    """Return the steps since 1970 of the stamps of a DatetimeIndex or PeriodIndex.

    Aware stamps count in their wall-clock time, as the activity a daily or
    weekly profile follows does (a day that changes the clock repeats or
    skips a phase).
    """
    if isinstance(index, pd.PeriodIndex):
        return index.asi8 // index.freq.n
    naive = index.tz_localize(None) if index.tz is not None else index
    if isinstance(freq, pd.offsets.Tick):  # hours, minutes (days before pandas 3)
        since = naive - pd.Timestamp("1970-01-01")
        return np.asarray(since // pd.Timedelta(freq), dtype=np.int64)
    if type(freq) is pd.offsets.BusinessDay:  # not a custom one (holidays)
        days = naive.values.astype("datetime64[D]")
        return np.busday_count(np.datetime64("1970-01-01"), days) // freq.n
    unit = pd.date_range(naive[0], periods=1, freq=freq.base).to_period().freq
    return naive.to_period(unit).asi8 // freq.n


def shows_season(panel, season, targets):
    """Return whether the series' changes differ by phase of ``season``.

    A Kruskal-Wallis test at ``LEVEL`` on the first differences of the
    ``targets`` columns, each scaled by its own spread so that the series
    of a panel pool, grouped by the phase of their time stamps. Too few
    changes per phase to test, or all of them equal: no.
    """
    groups = [[] for _ in range(season)]
    for one in panel:
        columns = [list(one.columns).index(name) for name in targets]
        changes = np.diff(one.values[:, columns], axis=0)
        spread = np.std(changes, axis=0)
        changes = changes / np.where(spread > 0, spread, 1.0)
        phases = _ordinals(one.index, one.freq)[1:] % season
        for phase, group in enumerate(groups):
            group.append(changes[phases == phase].ravel())
    groups = [np.concatenate(group) for group in groups]
    groups = [group[np.isfinite(group)] for group in groups]
    if min(map(len, groups)) < 2:
        return False
    try:
        return bool(kruskal(*groups).pvalue < LEVEL)
    except ValueError:  # every change equal
        return False


def _timed(one):
    return isinstance(one.index, (pd.DatetimeIndex, pd.PeriodIndex)) and isinstance(
        one.freq, pd.offsets.BaseOffset
    )


@dataclass(frozen=True)
class SeasonPhases:
    """The phase indicators of a season, as columns the series carry.

    Attributes
    ----------
    season : int
        Steps of the season.
    columns : tuple of str
        Names of the indicator columns, ``"phase 1/12"`` to ``"phase 12/12"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.forecasting._phases import SeasonPhases
    >>> phases = SeasonPhases(4, ("q1", "q2", "q3", "q4"))
    >>> index = pd.period_range("2000Q3", periods=3, freq="Q")
    >>> phases.indicators(index, index.freq).argmax(axis=1).tolist()
    [2, 3, 0]
    """

    season: int
    columns: tuple

    @classmethod
    def of(cls, panel, season, targets):
        """Return the phases of ``season`` for the series of ``panel``, or None.

        None without a season, for a season longer than ``MAX_PHASES``
        steps, when a series is not indexed by time, or when the changes of
        the ``targets`` columns do not differ by phase (:func:`shows_season`).
        """
        if season is None or season > MAX_PHASES or not all(map(_timed, panel)):
            return None
        try:
            seasonal = shows_season(panel, season, targets)
        except (ValueError, TypeError, OverflowError):  # no phase for such stamps
            return None  # (an offset pandas has no period for, a given season)
        if not seasonal:
            return None
        columns = tuple(f"phase {p + 1}/{season}" for p in range(season))
        clash = sorted(set(columns) & set(panel[0].columns), key=str)
        if clash:
            raise ValueError(
                f"y has the columns {clash}, the names of the season's phase "
                "indicators; rename them or set season_inputs=None."
            )
        return cls(int(season), columns)

    def indicators(self, index, freq):
        """Return the indicators ``(len(index), season)`` of the time stamps."""
        return np.eye(self.season)[_ordinals(index, freq) % self.season]

    def extend(self, panel, name="y"):
        """Return the series with their phase indicators appended."""
        if not all(map(_timed, panel)):
            raise ValueError(
                f"{name} has no time stamps, from which this model reads the "
                "season's phases (season_inputs='auto' at fit): index it by time "
                "as at fit, or fit with season_inputs=None."
            )
        return [
            replace(
                one,
                values=np.hstack([one.values, self.indicators(one.index, one.freq)]),
                columns=list(one.columns) + list(self.columns),
            )
            for one in panel
        ]

    def ahead(self, one, steps):
        """Return the indicators of the ``steps`` time stamps after ``one``."""
        return self.indicators(one.future_index(steps), one.freq)
