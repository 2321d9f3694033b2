"""How long a season is, and how many steps the network reads, when not given.

The season comes from the time index (12 for months, 4 for quarters, 24 for
hours...; a series indexed by integers shows it in its changes or has none:
``_phases.season_in``); the window spans two seasons when the series allows, so that the
network sees the seasonal pattern twice, else three horizons. A window never
leaves fewer than ``MIN_WINDOWS`` training windows, and is capped at
``MAX_WINDOW`` steps (an epoch costs linearly more with every step read).
"""

import pandas as pd

__all__ = ["MAX_WINDOW", "MIN_WINDOWS", "season_of", "window_of"]

MAX_WINDOW = 96
MIN_WINDOWS = 50
# steps per season, by the base of the index's frequency
_SEASONS = {
    "M": 12,
    "MS": 12,
    "ME": 12,
    "Q": 4,
    "QS": 4,
    "QE": 4,
    "W": 52,
    "D": 7,
    "B": 5,
    "h": 24,
    "H": 24,
}


def season_of(freq):
    """Return the steps of a season for a time step ``freq``, or None.

    Months: 12, quarters: 4, weeks: 52, days: 7, business days: 5, hours: 24,
    minutes: a day's worth (48 for half-hours). Years and integer steps have
    no season.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.forecasting._geometry import season_of
    >>> season_of(pd.period_range("2000-01", periods=2, freq="M").freq), season_of(1)
    (12, None)
    """
    if freq is None or isinstance(freq, int):
        return None
    offset = (
        freq
        if isinstance(freq, pd.offsets.BaseOffset)
        else pd.tseries.frequencies.to_offset(freq)
    )
    name = offset.rule_code.split("-")[0]
    if name in ("min", "T"):
        steps_per_day = 24 * 60 / offset.n
        return int(steps_per_day) if steps_per_day == int(steps_per_day) else None
    season = _SEASONS.get(name)
    if season is None or offset.n != 1:
        return None
    return season


def window_of(shortest, horizon, season):
    """Return the window length for series of ``shortest`` steps at least.

    Two seasons when they fit, else three horizons; at most ``MAX_WINDOW``
    and short enough to leave ``MIN_WINDOWS`` training windows (or a fifth
    of the series); at least 2 steps.
    """
    windows_left = min(MIN_WINDOWS, shortest // 5)
    longest = max(2, min(MAX_WINDOW, shortest - horizon - windows_left + 1))
    if season and 2 <= 2 * season <= longest:
        return 2 * season
    return max(2, min(3 * horizon, longest))
