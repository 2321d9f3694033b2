"""Later series read on the training series' calendar: its step and its clock.

A series given to ``predict``, ``score`` or the rolling forecasts must step
as the training series did (spellings of one step pass), and is read on the
training series' clock: its stamps are converted to the fitted time zone,
where the phase indicators and the week back read their hours.
"""

from dataclasses import replace

import pandas as pd

__all__ = [
    "ANY",
    "check_step",
    "check_zone",
    "fitted_zones",
    "on_fitted_clock",
    "shared_zone",
    "zone_first",
]

# no one fitted zone to read a series on: a panel that mixes them, a new id
ANY = object()


def check_step(panel, keys, step, of="the model was fitted on"):
    """Series with time stamps must have ``step``: the training series' (``of``).

    Steps are compared by the time between two of them, so that spellings of
    one step ('7D' and 'W-SUN', '24h' and 'D') and weeks or months anchored
    on other days pass.
    """
    for i, one in enumerate(panel):
        stamped = hasattr(one.freq, "freqstr") and hasattr(step, "freqstr")
        if stamped and _step_length(one.freq) != _step_length(step):
            name = "y" if keys is None else f"y[{keys[i]!r}]"
            raise ValueError(
                f"{name} has steps of {one.freq.freqstr!r}, but {of} steps of "
                f"{step.freqstr!r}; resample it first (e.g. with "
                f"pandas' resample({step.freqstr!r}).mean())."
            )


def _step_length(offset):
    """Return the times from one step of ``offset`` to the next, a tuple.

    From each day of a week of 2000 (a Monday first): a step of business
    days is three days from a Friday, where a calendar day's is one.
    """
    lengths = []
    for day in pd.date_range("2000-01-03", periods=7, freq="D"):
        start = day + offset
        lengths.append(start + offset - start)
    return tuple(lengths)


def shared_zone(tails):
    """Return the zone the fitted series share (None: naive), or ``ANY``."""
    zones = [getattr(one.index, "tz", None) for one in tails]
    return zones[0] if len({str(zone) for zone in zones}) == 1 else ANY


def fitted_zones(tails, fitted_keys, keys, n_series):
    """Return the zone of the fitted series of each later one, a list.

    ``tails``: the fitted series (ids ``fitted_keys``); ``keys``: the ids of
    the ``n_series`` later ones (None: one series). A panel may mix zones
    (each series is read on its own clock); a later series whose id was not
    fitted takes the zone the fitted series share, if they share one.
    """
    shared = shared_zone(tails)
    if keys is None or fitted_keys is None:
        return [shared] * n_series
    by_key = {
        key: getattr(one.index, "tz", None) for key, one in zip(fitted_keys, tails)
    }
    return [by_key.get(key, shared) for key in keys]


def on_fitted_clock(panel, zones, name="y"):
    """Return the series with their stamps in ``zones``, the fitted ones.

    Refuses tz-naive stamps for a series fitted on aware ones and the
    reverse. Aware stamps in another zone are the same instants: converted,
    the day-of-week phases and the week back read the hours they read at fit
    (read on the given zone's clock, a history in UTC of a model fitted in
    Berlin was forecast 105.7 where the same history in Berlin gave 94.1).
    The forecasts' stamps are then in the fitted zone too.
    """
    out = []
    for one, zone in zip(panel, zones, strict=True):
        tz = getattr(one.index, "tz", None)
        check_zone(tz, zone, name)
        if tz is not None and zone is not ANY:
            one = replace(one, index=one.index.tz_convert(zone))
        out.append(one)
    return out


def check_zone(tz, fitted_tz, name="y"):
    """Refuse tz-naive stamps (``tz`` None) for a model fitted on aware ones.

    And the reverse (``fitted_tz``: ``ANY`` takes either). Called on a pandas
    ``y`` before its step is inferred too: naive stamps of an aware series
    repeat or skip an hour where the clock changed, and were refused as a
    series with a missing step.
    """
    if fitted_tz is not ANY and (fitted_tz is None) != (tz is None):
        raise ValueError(
            f"{name}'s time stamps are {'tz-naive' if tz is None else f'in {tz}'}, "
            "but the model was fitted on "
            f"{'tz-naive' if fitted_tz is None else f'{fitted_tz}'} time "
            f"stamps; convert them first ({name}.tz_localize / {name}.tz_convert)."
        )


def zone_first(y, zones_of):
    """Check the zones of a pandas ``y`` (or a dict of them) before their steps.

    ``zones_of(keys, n_series)`` gives the fitted zones (:func:`fitted_zones`).
    """
    named = y if isinstance(y, dict) else {None: y}
    keys = None if not isinstance(y, dict) else list(y)
    for (key, one), zone in zip(named.items(), zones_of(keys, len(named)), strict=True):
        if isinstance(getattr(one, "index", None), pd.DatetimeIndex):
            check_zone(one.index.tz, zone, "y" if key is None else f"y[{key!r}]")
