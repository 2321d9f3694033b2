"""How long a season is, and how many steps the network reads, when not given.

The season comes from the time index (12 for months, 4 for quarters, 24 for
hours...; a series indexed by integers shows it in its changes or has none:
``_phases.season_in``); the window spans two seasons when the series allows,
so that the network sees the seasonal pattern twice, else three horizons. A window is
capped at ``MAX_WINDOW`` steps (an epoch costs linearly more with every step
read) and leaves at least ``WINDOWS_PER_STEP`` training windows for each of
its steps, down to ``MIN_WINDOW`` steps.

Short series need short windows: a window of three horizons or two seasons
on 34 steps leaves some ten overlapping windows to fit a dozen inputs of a
ridge, and the forecast follows patterns that are not there. On 13 short
non-seasonal series (statsmodels' macrodata, yearly sunspots and Nile
flow, five origins each) windows cut to leave ten training windows per step
lowered the default's error over the naive forecast's from 1.00 to 0.72 for
40 steps, from 1.13 to 0.65 for 60 and from 0.71 to 0.60 for 80; on 60 and
80 steps of the seasonal panel series from 1.04 to 0.86 and from 0.84 to
0.69 times Holt-Winters' (``benchmarks/short_series.py``).

A season too long for phase indicators but not for a window (13 to 96
steps: the 24 hours or 48 half-hours of a day, the 52 weeks of a year) is the
exception: its profile is only in the values one season back, so the window
reads at least one season wherever that leaves ``SEASON_WINDOWS_PER_STEP``
training windows per step: on 230 cuts of 120 to 400 hourly and half-hourly
steps (seven series with a daily cycle) the default's error over
Holt-Winters' fell from 1.12 to 0.96 (``benchmarks/short_series.py
--daily``). One window per step rather than two, now that the seasonal
naive forecast joins the candidates where the window holds the season: on
cuts of 100 and 110 hours from 1.37 and 1.39 to 0.97 and 0.94, of 160 and
180 half-hours from 1.37 and 1.34 to 0.92 and 0.88. For weeks it is mixed
(``--weekly``: better than no season on weekly CO2 of 120 to 160 weeks and
longer, worse on simulated weekly series without a yearly cycle).
"""

import pandas as pd

from ..utils._steps import offset_base
from ..utils._warnings import warn
from ._phases import MAX_PHASES

__all__ = [
    "MAX_WINDOW",
    "MIN_WINDOW",
    "long_season",
    "WINDOWS_PER_STEP",
    "season_of",
    "supported_window",
    "window_of",
]

MAX_WINDOW = 96
# training windows left for each step of the window, where the series allows
WINDOWS_PER_STEP = 10
# a shorter window would be standardised on too few values to be stable
MIN_WINDOW = 4
# a season that no phase indicators carry (more than MAX_PHASES steps: the
# hours of a day) is read whole where this many training windows per step
# remain, held-out ones included (wherever any window trains, weekly CO2 of
# 70 and 80 weeks, whose year then leaves 3 and 13 windows, rose from 1.28
# and 1.17 times Holt-Winters' error to 2.57 and 1.94)
SEASON_WINDOWS_PER_STEP = 1
# steps per season, by the base of the index's frequency
_SEASONS = {
    "MS": 12,
    "ME": 12,
    "BMS": 12,
    "BME": 12,
    "CBMS": 12,
    "CBME": 12,
    "SMS": 24,
    "SME": 24,
    "QS": 4,
    "QE": 4,
    "BQS": 4,
    "BQE": 4,
    "W": 52,
    "D": 7,
    "B": 5,
    "h": 24,
    "min": 24 * 60,
    "s": 24 * 60 * 60,
}


def season_of(freq):
    """Return the steps of a season for a time step ``freq``, or None.

    Months (of any anchor, business ones too): 12, half-months: 24,
    quarters: 4, weeks: 52, days: 7, business days: 5, hours: 24, minutes
    and seconds: a day's worth (48 for half-hours). A step of several units
    has the season its count divides into at least two steps (2 hours: 12,
    2 months: 6), else none (2 days, 5 business days). A ``DateOffset`` of
    one keyword is read as its unit (``months=3``: a quarter). Years and
    integer steps have no season.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.forecasting._geometry import season_of
    >>> season_of(pd.period_range("2000-01", periods=2, freq="M").freq), season_of(1)
    (12, None)
    >>> season_of("2h"), season_of("BME"), season_of("2D")
    (12, 12, None)
    """
    if freq is None or isinstance(freq, int):
        return None
    offset = (
        freq
        if isinstance(freq, pd.offsets.BaseOffset)
        else pd.tseries.frequencies.to_offset(freq)
    )
    base, n = offset_base(offset)
    season = _SEASONS.get(base)
    if season is None or n < 1 or season % n or season // n < 2:
        return None
    return season // n


def supported_window(shortest, horizon, season=None):
    """Return the most steps a window of series of ``shortest`` steps supports.

    As many as leave ``WINDOWS_PER_STEP`` training windows per step, but at
    least ``MIN_WINDOW`` where the series has room for two windows of them,
    and at least 2; at least a ``season`` that no phase indicators carry
    where it leaves ``SEASON_WINDOWS_PER_STEP`` (:func:`_whole_season`).

    Examples
    --------
    >>> from skseq.forecasting._geometry import supported_window
    >>> supported_window(40, 6), supported_window(1000, 1)
    (4, 90)
    >>> supported_window(150, 24), supported_window(150, 24, season=24)
    (11, 24)
    """
    longest = (shortest - horizon + 1) // (WINDOWS_PER_STEP + 1)
    steps = max(2, longest, min(MIN_WINDOW, shortest - horizon - 1))
    return max(steps, _whole_season(shortest, horizon, season))


def long_season(season):
    """Return whether ``season`` is too long for phase indicators, not a window.

    The profile of a season of at most ``MAX_PHASES`` steps comes from its
    phase indicators; a longer one (the hours of a day) only from the
    values one season back. Seasons longer than ``MAX_WINDOW`` (the 288
    five-minute steps of a day) are read by no window.

    Examples
    --------
    >>> from skseq.forecasting._geometry import long_season
    >>> long_season(12), long_season(24), long_season(288), long_season(None)
    (False, True, False, False)
    """
    return season is not None and MAX_PHASES < season <= MAX_WINDOW


def _whole_season(shortest, horizon, season):
    """Return a :func:`long_season` where a window can read it whole, else 0."""
    if not long_season(season):
        return 0
    room = (shortest - horizon + 1) // (SEASON_WINDOWS_PER_STEP + 1)
    return season if season <= room else 0


def window_of(shortest, horizon, season, whole=True):
    """Return the window length for series of ``shortest`` steps at least.

    Two seasons when they fit, else three horizons; at most ``MAX_WINDOW``
    and short enough to leave ``WINDOWS_PER_STEP`` training windows per step
    of the window, but at least ``MIN_WINDOW`` steps where the series has
    room for two windows of them (and at least 2), and (``whole``) at least
    a season without phase indicators where :func:`supported_window` reads
    it whole.

    Examples
    --------
    >>> from skseq.forecasting._geometry import window_of
    >>> window_of(144, 12, 12), window_of(40, 6, None), window_of(4000, 48, 48)
    (12, 4, 96)
    >>> window_of(150, 24, 24), window_of(150, 24, None)  # a day of hours
    (24, 11)
    """
    longest = min(MAX_WINDOW, supported_window(shortest, horizon))
    if season and 2 <= 2 * season <= longest:
        return 2 * season
    window = max(2, min(3 * horizon, longest))
    return max(window, _whole_season(shortest, horizon, season)) if whole else window


def warn_short_panel(lengths, window, longest):
    """Warn where a panel's shortest series cuts the window to half or less.

    ``window`` is the length chosen for series of ``lengths`` steps (the
    shortest sets it: every series is read through windows of one length),
    ``longest`` the one the longest series alone would get. One short series
    (a product launched last week) so shortens the window of every other.
    """
    if 2 * window <= longest:
        warn(
            f"window_length='auto' chose {window} steps, the most the shortest "
            f"series ({min(lengths)} steps) supports, for every series of the "
            f"panel; the longest would read {longest}. Set window_length, or fit "
            "the shortest series apart."
        )
