"""Later series read on the training series' calendar: its step and its clock.

A series given to ``predict``, ``score`` or the rolling forecasts must step
as the training series did (spellings of one step pass), and is read on the
training series' clock: its stamps are converted to the fitted time zone,
where the phase indicators and the week back read their hours.
"""

from dataclasses import replace
from functools import cache

import pandas as pd

from ..utils._periods import business_periods_quiet
from ..utils._steps import infer_frequency

__all__ = [
    "ANY",
    "check_step",
    "check_zone",
    "fitted_steps",
    "fitted_zones",
    "on_fitted_clock",
    "same_stamp",
    "stamp_position",
    "zone_first",
]

# no one fitted zone to read a series on: a panel that mixes them, a new id
ANY = object()


def check_step(panel, keys, step, of="the model was fitted on", name="y"):
    """Series with time stamps must have ``step``: the training series' (``of``).

    Steps are compared by the time between two of them, so that spellings of
    one step ('7D' and 'W-SUN', '24h' and 'D') and weeks or months anchored
    on other days pass. ``name`` is the argument's, in the message.
    """
    for i, one in enumerate(panel):
        stamped = hasattr(one.freq, "freqstr") and hasattr(step, "freqstr")
        if stamped and _step_length(one.freq) != _step_length(step):
            name = name if keys is None else f"{name}[{keys[i]!r}]"
            raise ValueError(
                f"{name} has steps of {one.freq.freqstr!r}, but {of} steps of "
                f"{step.freqstr!r}; resample it first (e.g. with "
                f"pandas' resample({step.freqstr!r}).mean())."
            )


@cache
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


def _shared(zones):
    """Return the zone the fitted series share (None: naive), or ``ANY``."""
    return zones[0] if len({str(zone) for zone in zones}) == 1 else ANY


def fitted_zones(tails, fitted_keys, keys, n_series):
    """Return the zone of the fitted series of each later one, a list.

    ``tails``: the fitted series (ids ``fitted_keys``); ``keys``: the ids of
    the ``n_series`` later ones (None: one series). A panel may mix zones
    (each series is read on its own clock); a later series whose id was not
    fitted takes the zone the fitted series share, if they share one.
    """
    zones = [getattr(one.index, "tz", None) for one in tails]
    return _by_key(zones, fitted_keys, keys, n_series, _shared(zones))


def fitted_steps(tails, fitted_keys, keys, n_series):
    """Return the step each later series' phases count in: its id's at fit.

    Spellings of one step count phases alike only in their own series: a
    panel of quarters anchored in January beside ones anchored in October
    counts each as it was fitted; a new id in the first fitted series' step.
    """
    steps = [one.freq for one in tails]
    return _by_key(steps, fitted_keys, keys, n_series, steps[0])


def _by_key(values, fitted_keys, keys, n_series, default):
    """Each later series' value of the fitted series of its id, else ``default``."""
    if keys is None or fitted_keys is None:
        return [default] * n_series
    by_key = dict(zip(fitted_keys, values, strict=True))
    return [by_key.get(key, default) for key in keys]


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
        if _converts(tz, zone):
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
    """Return a pandas ``y`` (a dict of them, a long frame) on the fitted clocks.

    Checked and converted before its step is inferred: naive stamps of an
    aware series repeat or skip an hour where the clock changes, and a day
    of another zone does too (22:00 in Berlin is 21:00 or 20:00 UTC); both
    were refused as series with a missing step. ``zones_of(keys, n_series)``
    gives the fitted zones (:func:`fitted_zones`). A long frame is converted
    where its ids share one fitted zone.
    """
    if isinstance(y, dict):
        zones = zones_of(list(y), len(y))
        return {
            key: _on_zone(one, zone, f"y[{key!r}]")
            for (key, one), zone in zip(y.items(), zones, strict=True)
        }
    index = getattr(y, "index", None)
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2:
        ids, times = index.levels
        if not isinstance(times, pd.DatetimeIndex):
            return y
        zones = zones_of(list(ids), len(ids))
        for zone in zones:
            check_zone(times.tz, zone, "y")
        if len({str(z) for z in zones}) != 1 or not _converts(times.tz, zones[0]):
            return y
        return y.set_axis(index.set_levels(times.tz_convert(zones[0]), level=1))
    return _on_zone(y, zones_of(None, 1)[0], "y")


def _on_zone(one, zone, name):
    """Return one pandas series in ``zone`` (checked; others as they are)."""
    if not isinstance(getattr(one, "index", None), pd.DatetimeIndex):
        return one
    check_zone(one.index.tz, zone, name)
    return one.tz_convert(zone) if _converts(one.index.tz, zone) else one


def _converts(tz, zone):
    """Return whether aware stamps in ``tz`` are to be converted to ``zone``."""
    return tz is not None and zone is not ANY and str(tz) != str(zone)


# months, quarters and years stamped at their start or their end: the period
# a stamp of either is its own (``MS`` and ``ME`` both step a month)
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
_BEGINS = {"MonthBegin": "M", "BusinessMonthBegin": "M", "QuarterBegin": "Q"}
_BEGINS |= {"BQuarterBegin": "Q", "YearBegin": "Y", "BYearBegin": "Y"}
_ENDS = {"MonthEnd": "M", "BusinessMonthEnd": "M", "QuarterEnd": "Q"}
_ENDS |= {"BQuarterEnd": "Q", "YearEnd": "Y", "BYearEnd": "Y"}


def _period_of(step):
    """Return the period (a pandas frequency) one ``step`` spans, or None.

    For steps of one month, quarter or year anchored at its start or its end
    (``MS``/``ME``, ``QS-JAN``/``QE-DEC``, ``YS``/``YE``, business ones):
    a series of month ends continues one of month starts by its months.
    """
    kind = type(step).__name__
    letter = _BEGINS.get(kind, _ENDS.get(kind))
    if getattr(step, "n", None) != 1 or letter is None:
        return None
    if letter == "M":
        return "M"
    month = getattr(step, "startingMonth", None) or step.month
    last = month - 2 if kind in _BEGINS else month - 1  # the period's last month
    return f"{letter}-{_MONTHS[last % 12]}"


@business_periods_quiet
def same_stamp(stamp, expected, step=None):
    """Return whether ``stamp`` is the time stamp ``expected``, either a Period.

    A series fitted with a PeriodIndex may come again with a DatetimeIndex
    (``to_timestamp()``) and the reverse, as ``predict`` takes them: a
    time stamp is its period's where it falls inside it (month starts and
    month ends are both the month's). Compared as they are, a test fold
    that continued the training series was read as one that did not: its
    first window went to context and ``score`` changed (0.964 against
    0.976), or ``predict_rolling`` refused a short fold.

    ``step``: that of the series of ``stamp``. Where it is a month, quarter
    or year, time stamps of its start and of its end are its period's too
    (:func:`_period_of`): a series of month ends after a training series of
    month starts continues it.
    """
    return stamp_position(pd.Index([expected]), stamp, step) == 0


@business_periods_quiet  # the indexes built here repeated pandas' warning
def stamp_position(index, stamp, step=None):
    """Return the position of ``stamp`` in ``index``, -1 where absent.

    A Period and a time stamp match as in :func:`same_stamp`, and so do
    time stamps of a month's (quarter's, year's) start and end where
    ``step`` (default: that of ``index``, inferred where unset) is such a step.
    """
    if isinstance(index, pd.PeriodIndex) != isinstance(stamp, pd.Period):
        zone = getattr(stamp, "tz", None) or getattr(index, "tz", None)
        if zone is not None:  # periods have no zone: as same_stamp, no match
            return -1
        try:
            if isinstance(index, pd.PeriodIndex):
                stamp = stamp.to_period(index.freq)
            else:
                index = index.to_period(stamp.freq)
        except (AttributeError, TypeError, ValueError):
            return -1
    try:
        position = int(index.get_indexer([stamp])[0])
    except pd.errors.InvalidIndexError:  # stamps that repeat as periods
        return -1
    if position >= 0 or not isinstance(index, pd.DatetimeIndex):
        return position
    if step is None:  # the index's step, inferred where it was not set
        step = infer_frequency(index)
    return _period_position(index, stamp, step)


def _period_position(index, stamp, step):
    """Position of the time stamp ``stamp`` in ``index`` by periods of ``step``."""
    period = _period_of(step)
    if period is None or not isinstance(stamp, pd.Timestamp):
        return -1
    if str(index.tz) != str(stamp.tz):  # converted to the fitted zone before
        return -1
    if index.tz is not None:  # the months of the zone's clock
        index, stamp = index.tz_localize(None), stamp.tz_localize(None)
    try:
        return int(index.to_period(period).get_indexer([stamp.to_period(period)])[0])
    except pd.errors.InvalidIndexError:
        return -1
