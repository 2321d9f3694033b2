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
it, whatever its first time stamp. A pandas series indexed by integers
counts its steps by them, as pandas does (a later part sliced from it keeps
its positions); an array has no index to count by and gets none.

A monthly index does not make a series seasonal (sunspots, or an economic
series published seasonally adjusted): there the indicators are inputs that
carry nothing, and the network trained with them forecast worse and moved
more with the seed (sunspots: MAE 21.8 against 19.8, seed spread 1.64
against 1.28). The indicators are added when the series' changes from one
step to the next differ by phase: a Kruskal-Wallis test at ``NAMED_LEVEL``
(rank based, so neither a growing amplitude nor a few outliers decide it). On
the public panel the seasonal series gave p-values below 1e-9, sunspots
0.2-0.3 and US GDP 0.6-0.7. The time stamps (or the user) name the season, so
the test only guards against a season that is not there, at 5%: on 32
months of wine sales (two or three changes per month to rank) it gave p
between 1% and 5%, and without the indicators the forecast had two to five
times Holt-Winters' error (``benchmarks/short_series.py --calendar``).
"""

import warnings
from collections import Counter
from dataclasses import dataclass, replace
from numbers import Integral

import numpy as np
import pandas as pd
from scipy.stats import chi2, kruskal

from ..utils._steps import offset_base
from ..utils._warnings import warn

__all__ = [
    "CANDIDATE_SEASONS",
    "LEVEL",
    "MAX_PHASES",
    "NAMED_LEVEL",
    "SeasonPhases",
    "WEEK",
    "REPEATS",
    "a_day",
    "repeats_season",
    "season_in",
    "shows_season",
]

# longer seasons (the hours of a day, a year of weeks) would add as many
# inputs at every step of the window and of the horizon: on 4,000 hourly steps
# (a horizon of 24) the 24 indicators made a fit 7 times as long, for a gain
# not measured on hourly data; they get none
MAX_PHASES = 12
# the significance level of the test that the series' changes differ by phase
# of a season found in them (integer indexes: a search, so a strict level)
LEVEL = 0.01
# ... and of the season the time stamps or the user name (months, quarters):
# on a short series a season missed costs more than one found in noise
NAMED_LEVEL = 0.05
# a series of hours (or shorter steps) carries the days of the week instead,
# where its daily means' changes differ by weekday: a 48-step window cannot
# tell a Sunday from a Saturday (half-hourly demand: seed spread 4.77 without
# them, 1.01 with them as future covariates)
WEEK = 7
# the seasons searched for in a series indexed by integers: quarters, days of
# the week, months, hours, half-hours (fewer candidates, fewer false finds)
CANDIDATE_SEASONS = (4, 7, 12, 24, 48)
# a year of weeks (a season the time stamps name, too long for indicators,
# not a day) is read where the values a season back forecast the series in
# sample clearly better than the last value: at most this share of its
# error (weekly CO2: 0.30-0.78 over 30 cuts of 110-400 weeks; random walks,
# AR(1) and integrated MA series of 120-400 steps: above it in all of 800)
REPEATS = 0.9


def _ordinals(index, freq):
    """Return the steps since 1970 of the stamps of a DatetimeIndex or PeriodIndex.

    Aware stamps count in their wall-clock time, as the activity a daily or
    weekly profile follows does (a day that changes the clock repeats or
    skips a phase). An integer index counts its own steps.
    """
    if isinstance(freq, Integral):
        return np.asarray(index, dtype=np.int64) // freq
    if isinstance(index, pd.PeriodIndex):
        if freq is None or freq == index.freq:
            return index.asi8 // index.freq.n
        index = index.to_timestamp(how="start")  # periods of another calendar
    naive = index.tz_localize(None) if index.tz is not None else index
    if isinstance(freq, pd.offsets.Tick):  # hours, minutes (days before pandas 3)
        since = naive - pd.Timestamp("1970-01-01")
        return np.asarray(since // pd.Timedelta(freq), dtype=np.int64)
    if type(freq) is pd.offsets.BusinessDay:  # not a custom one (holidays)
        days = naive.values.astype("datetime64[D]")
        return np.busday_count(np.datetime64("1970-01-01"), days) // freq.n
    base, n = freq.base, freq.n
    if type(freq) is pd.DateOffset:  # of keywords (months=1): no period of its own
        base, n = offset_base(freq)
    unit = pd.date_range(naive[0], periods=1, freq=base).to_period().freq
    return naive.to_period(unit).asi8 // n


def shows_season(panel, season, targets, span=1):
    """Return whether the series' changes differ by phase of ``season``.

    A Kruskal-Wallis test at ``NAMED_LEVEL`` on the first differences of
    the ``targets`` columns (one per column, summed: :func:`_kruskal`), each
    scaled by its own spread so that the series of a panel pool, grouped by
    the phase of their time stamps. Too
    few changes per phase to test, or all of them equal: no. With ``span``
    steps per phase (a day's for the days of the week), the changes are
    those of the means of whole phases, tested at ``LEVEL`` (the week is not
    what the stamps of hours name; not measured at 5%).
    """
    statistic, dof = _kruskal(*_changes(panel, targets, span), season)
    level = NAMED_LEVEL if span == 1 else LEVEL
    return chi2.logsf(statistic, dof) < np.log(level)


def repeats_season(panel, season, targets, horizon, log=False):
    """Return whether the values a season back forecast the series well.

    In sample, each step with a season and a horizon before it is forecast
    by the value a season before it, and by each of the ``horizon`` values
    before it, all moved by the series' mean change (per season, and per
    step: a season's over its steps, so that where the series starts in its
    season does not bias it). The season is read where the mean absolute
    error of the first is at most ``REPEATS`` of the second's, their ratio's
    median over the series and ``targets`` columns that hold enough steps
    and change (beyond rounding: a straight line's drift-moved errors are
    rounding alone); the median, as one series of a panel whose level
    shifts once (a ratio of 11) outweighed nine that repeat their year
    (0.5) in a mean. A horizon longer than the season compares the steps
    from the horizon on. With ``log`` (``transform="log"``) the logarithms
    of positive series are compared, as the model reads them: a yearly
    series growing 0.5% a week gave 0.94 in its values, 0.47 in their logs.
    A weekly series with no yearly cycle (a random
    walk, demand driven by promotions) otherwise read a window of 52 weeks
    and forecast with two to three times the error of a window without the
    year. None long enough to tell: yes.
    """
    ratios = []
    for one in panel:
        columns = [list(one.columns).index(name) for name in targets]
        values = one.values[:, columns]
        n = len(values)
        if n < season + horizon + 1:
            continue
        if log and (values > 0).all():  # others are refused with the log
            values = np.log(values)
        start = max(season, horizon)  # the steps both forecasts reach
        drift = (values[season:] - values[:-season]).mean(axis=0) / season
        ahead = values[start:]
        back = np.abs(ahead - values[start - season : n - season] - season * drift)
        last = np.mean(
            [
                np.abs(ahead - values[start - h : n - h] - h * drift)
                for h in range(1, horizon + 1)
            ],
            axis=0,
        ).mean(axis=0)
        rounding = 1e-12 * np.abs(values).max(axis=0)
        moving = last > rounding
        ratios.extend(back.mean(axis=0)[moving] / last[moving])
    return not ratios or float(np.median(ratios)) <= REPEATS


# the series of a panel tested one by one where their pooled changes show
# no season (season_in)
SEASON_SAMPLE = 30


def season_in(panel, targets):
    """Return the season the changes of series indexed by integers show, or None.

    Such a series says nothing of its calendar, but the changes of a
    seasonal one differ by phase. The seasons of ``CANDIDATE_SEASONS`` that
    the longest series' changes span three times are tested in turn, shortest
    first, as :func:`shows_season` does (phases counted from the series'
    positions), at ``LEVEL`` over all the candidates (Bonferroni). A season
    found replaces a shorter one it is a multiple of only when its phases
    differ within the shorter one's (the rank statistics are nested: their
    difference is tested at ``LEVEL``, so the months of wine sales beat the
    quarters they contain, and two years do not beat one); otherwise the
    smaller p-value wins. On the
    public panel with integer indexes this finds 12 in airline and co2 from
    48 steps on and in wine sales from 100 (4 before), 4 in the quarterly
    seasonal series, 48 in the
    half-hourly one and 24 when it is averaged to hours, and none in the
    yearly, the non-seasonal quarterly and the sunspot series; and in 65 of
    7,000 simulated series without a season (noise, random walks, AR(1) and
    integrated AR(1) series, smooth cycles of 31 and 131 steps; 36 to 1,000
    steps). The series of a panel pool: where they find none but more than
    half of them (of ``SEASON_SAMPLE`` spread over the panel, at most) find
    one alone, their positions start at different phases
    of it (months of different years, each counted from 0), and a warning
    says so.

    Parameters
    ----------
    panel : list of TimeSeries
        The series, indexed by integers (an array's positions count).
    targets : list
        The columns whose changes are tested.

    Returns
    -------
    int or None

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils._series import check_series
    >>> from skseq.forecasting._phases import season_in
    >>> rng = np.random.default_rng(0)
    >>> months = np.tile(np.sin(np.arange(12)), 8) + 0.1 * rng.normal(size=96)
    >>> walk = rng.normal(size=96).cumsum()
    >>> season_in([check_series(months)], [0]), season_in([check_series(walk)], [0])
    (12, None)
    """
    pooled = _season_of_changes(panel, targets)
    if pooled is not None or len(panel) == 1:
        return pooled
    # at most SEASON_SAMPLE series, spread over the panel: thousands of
    # series without a season would each be tested (14.5 s for 5,000)
    tested = panel[:: -(-len(panel) // SEASON_SAMPLE)]
    each = Counter(_season_of_changes([one], targets) for one in tested)
    season, count = each.most_common(1)[0]
    if season is not None and 2 * count > len(tested):
        warn(
            f"{count} of {len(tested)} series show a season of {season} steps "
            "alone, but not together: their integer positions start at "
            "different phases of it, and phases are counted from positions. The "
            "model reads no season; give the series time stamps, or positions "
            "that line up their seasons."
        )
    return None


def _season_of_changes(panel, targets):
    """Return the season the pooled changes of ``panel`` show (:func:`season_in`)."""
    longest = max(len(one.values) for one in panel) - 1
    level = np.log(LEVEL / len(CANDIDATE_SEASONS))
    found = None  # (season, statistic, log p-value, degrees of freedom)
    changes = _changes(panel, targets)
    for season in CANDIDATE_SEASONS:
        if 3 * season > longest:
            break
        statistic, dof = _kruskal(*changes, season)
        log_p = chi2.logsf(statistic, dof)
        if log_p >= level:
            continue
        if found is None:
            found = (season, statistic, log_p, dof)
        elif season % found[0] == 0:  # do its phases differ within found's?
            more = chi2.logsf(statistic - found[1], max(dof - found[3], 1))
            found = (season, statistic, log_p, dof) if more < np.log(LEVEL) else found
        elif log_p < found[2]:
            found = (season, statistic, log_p, dof)
    return None if found is None else found[0]


def _means(values, ordinals, span):
    """Return the means of the whole spans of ``span`` steps, and their ordinals."""
    blocks = ordinals // span
    first = np.flatnonzero(np.diff(blocks, prepend=blocks[0] - 1))
    whole = np.diff(np.append(first, len(blocks))) == span
    means = np.add.reduceat(values, first, axis=0)[whole] / span
    return means, blocks[first][whole]


def _changes(panel, targets, span=1):
    """Return the changes of the ``targets`` columns and the ordinal of each.

    Each series' changes between consecutive steps (or whole spans of
    ``span`` steps, by their means) are scaled by their own spread, so that
    the series of a panel pool: ``(n_changes, n_targets)`` and
    ``(n_changes,)``. Those of a target that never changes (a still series
    of a panel, :mod:`._units`) are NaN, left out of the test: their ties
    in every phase would hide the others' phases.
    """
    pooled, stamps = [np.empty((0, len(targets)))], [np.empty(0, dtype=np.int64)]
    for one in panel:
        columns = [list(one.columns).index(name) for name in targets]
        values, ordinals = one.values[:, columns], _ordinals(one.index, one.freq)
        if span > 1:
            values, ordinals = _means(values, ordinals, span)
        consecutive = np.diff(ordinals) == 1  # not across a change of the clock
        changes = np.diff(values, axis=0)[consecutive]
        if len(changes):
            spread = np.std(changes, axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                pooled.append(np.where(spread > 0, changes / spread, np.nan))
            stamps.append(ordinals[1:][consecutive])
    return np.concatenate(pooled), np.concatenate(stamps)


def _kruskal(changes, ordinals, season):
    """Return the Kruskal-Wallis statistic of changes by phase (0: no test), its dof.

    Each target column is tested on its own and the statistics add up, as
    do their degrees of freedom: targets whose
    profiles differ, opposite ones even, pooled in one test hid each
    other's season. A column with too few changes per phase, or all of
    them equal, adds nothing.
    """
    phases, total, tested = ordinals % season, 0.0, 0
    for column in changes.T:  # (n_changes, n_targets)
        groups = [column[(phases == p) & np.isfinite(column)] for p in range(season)]
        if min(map(len, groups)) < 2:
            continue
        try:
            with warnings.catch_warnings():  # ties everywhere: a NaN, no test
                warnings.simplefilter("ignore", RuntimeWarning)
                statistic = kruskal(*groups).statistic
        except ValueError:  # every change equal
            continue
        if np.isfinite(statistic):
            total, tested = total + float(statistic), tested + 1
    return total, max(tested, 1) * (season - 1)


def a_day(panel, season):
    """Return whether ``season`` steps of the panel's time stamps make a day.

    Only seasons longer than ``MAX_PHASES`` steps (hours or shorter steps);
    a series indexed by integers has no day.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.utils._series import check_series
    >>> from skseq.forecasting._phases import a_day
    >>> hours = pd.Series(0.0, pd.date_range("2024-01-01", periods=3, freq="h"))
    >>> a_day([check_series(hours)], 24), a_day([check_series(hours)], 168)
    (True, False)
    """
    freq = panel[0].freq
    if not isinstance(freq, pd.offsets.Tick) or season <= MAX_PHASES:
        return False
    return pd.Timedelta(freq) * season == pd.Timedelta(days=1)


def _last(one):
    """Return the last integer position of ``one``."""
    return int(one.index[-1])


def _counted(one):
    """Return how the steps of ``one`` are counted: "time", "position" or None.

    Time stamps (a DatetimeIndex or PeriodIndex with a frequency), the
    positions of a pandas integer index, or nothing to count by (an array).
    """
    if isinstance(one.freq, Integral):
        return None if one.kind == "array" else "position"
    timed = isinstance(one.index, (pd.DatetimeIndex, pd.PeriodIndex))
    return "time" if timed and isinstance(one.freq, pd.offsets.BaseOffset) else None


@dataclass(frozen=True)
class SeasonPhases:
    """The phase indicators of a season, as columns the series carry.

    Attributes
    ----------
    season : int
        Steps of the season.
    columns : tuple of str
        Names of the indicator columns, ``"phase 1/12"`` to ``"phase 12/12"``
        (``"day 1/7"`` to ``"day 7/7"`` for the days of the week).
    counted : {"time", "position"}, default="time"
        What the phases count: time stamps, or the positions of an integer
        index; later series must be indexed the same way.
    span : int, default=1
        Steps per phase: a day's worth for the days of the week of a series
        whose steps divide a day into more than ``MAX_PHASES`` (hours,
        minutes: the frequencies that give a day's season).
    last : int or None, default=None
        With positions: the last position of the fitted series (the earliest
        of a panel's). A later history must not end before it: one that does
        is a part of the fitted series (whose positions it should keep) or a
        new series restarted at 0, whose phases would be shifted silently.

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
    counted: str = "time"
    last: int | None = None
    span: int = 1

    @classmethod
    def of(cls, panel, season, targets):
        """Return the phases of ``season`` for the series of ``panel``, or None.

        None without a season, for a season longer than ``MAX_PHASES``
        steps, for an array (no time stamps or positions), or when the changes of
        the ``targets`` columns do not differ by phase (:func:`shows_season`).
        """
        counted = {_counted(one) for one in panel}
        span = 1
        if season is not None and counted == {"time"} and a_day(panel, season):
            season, span = WEEK, season  # the days of the week
        if (
            season is None
            or season > MAX_PHASES
            or counted not in ({"time"}, {"position"})
        ):
            return None
        try:
            seasonal = shows_season(panel, season, targets, span)
        except (ValueError, TypeError, OverflowError):  # no phase for such stamps
            return None  # (an offset pandas has no period for, a given season)
        if not seasonal:
            return None
        name = "phase" if span == 1 else "day"
        columns = tuple(f"{name} {p + 1}/{season}" for p in range(season))
        clash = sorted(set(columns) & set(panel[0].columns), key=str)
        if clash:
            raise ValueError(
                f"y has the columns {clash}, the names of the season's phase "
                "indicators; rename them or set season_inputs=None."
            )
        counted = counted.pop()
        if counted == "time":
            return cls(int(season), columns, span=int(span))
        return cls(int(season), columns, counted, min(_last(one) for one in panel))

    def indicators(self, index, freq):
        """Return the indicators ``(len(index), season)`` of the time stamps."""
        phases = (_ordinals(index, freq) // self.span) % self.season
        return np.eye(self.season)[phases]

    def extend(self, panel, name="y", steps=None):
        """Return the series with their phase indicators appended.

        ``steps``: the step each series' phases are counted in, that of its
        id at fit for later series (default: each series' own). Stamps of
        one step spelled otherwise (quarters anchored in October, periods of
        a fiscal year ending in September) name other phases in their own
        count: on quarters of the same dates, a forecast read a season
        turned by one quarter (126 where 134 was due).
        """
        steps = [one.freq for one in panel] if steps is None else steps
        if any(_counted(one) != self.counted for one in panel):
            what = "time stamps" if self.counted == "time" else "integer positions"
            raise ValueError(
                f"{name} is not indexed by {what}, from which this model reads "
                "the season's phases (season_inputs='auto' at fit): index it as "
                "the series it was fitted on (a pandas index), or fit with "
                "season_inputs=None."
            )
        early = [_last(one) for one in panel if self.last is not None]
        if early and min(early) < self.last:
            raise ValueError(
                f"{name} ends at position {min(early)}, before the fitted "
                f"series' last position {self.last}. This model reads the "
                "season's phases from the integer index, so a series restarted "
                "at 0 would get shifted phases: give the history the positions "
                "it has in the fitted series' count (pandas index=range(...)); "
                "a part before the fitted series (a KFold fold) cannot be told "
                "from one restarted: index it by time, or fit with "
                "season_inputs=None."
            )
        return [
            replace(
                one,
                values=np.hstack([one.values, self.indicators(one.index, step)]),
                columns=list(one.columns) + list(self.columns),
            )
            for one, step in zip(panel, steps, strict=True)
        ]

    def ahead(self, one, steps, freq=None):
        """Return the indicators of the ``steps`` time stamps after ``one``."""
        return self.indicators(
            one.future_index(steps), one.freq if freq is None else freq
        )
