"""The step of a time index, and the stamps that break it.

:func:`infer_frequency` finds a regular index's step. An index that has none
is refused with the stamps that break it: those missing from the step's
grid (:func:`raise_off_freq` for a step the user names,
:func:`raise_irregular` for one found from the stamps themselves, or from
the training series at ``predict``).
"""

import warnings
from collections import Counter

import numpy as np
import pandas as pd

__all__ = ["infer_frequency", "offset_base", "raise_irregular", "raise_off_freq"]

# the base of a step that a plain DateOffset gives by keyword (months=3)
_KEYWORD_BASES = {
    "months": "MS",
    "weeks": "W",
    "days": "D",
    "hours": "h",
    "minutes": "min",
    "seconds": "s",
}
# the runs of three stamps whose step is inferred (evenly spread) where an
# irregular index's step is looked for: one run outside its gaps is enough
RUNS = 25


def offset_base(offset):
    """Return the base of ``offset``'s rule and how many of it make a step.

    ``("h", 2)`` for two hours. A ``DateOffset`` of one keyword reads as its
    unit (``DateOffset(months=3)``: ``("MS", 3)``); one of several keywords,
    or of years, gives ``(None, 0)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.utils._steps import offset_base
    >>> offset_base(pd.offsets.Hour(2)), offset_base(pd.DateOffset(months=3))
    (('h', 2), ('MS', 3))
    """
    try:
        return offset.rule_code.split("-")[0], offset.n
    except NotImplementedError:  # a DateOffset of keywords: no rule code
        if len(offset.kwds) != 1:  # months=1, days=15 is no unit
            return None, 0
        ((unit, count),) = offset.kwds.items()
        base = _KEYWORD_BASES.get(unit)
        return (base, count * offset.n) if base else (None, 0)


def infer_frequency(index):
    """Return the step of a regular time index, or None.

    Uses ``index.freq`` when set, else ``pandas.infer_freq`` (asking pandas
    for its future offset return type, so pandas 3.1's Pandas4Warning about
    strings is neither raised nor relied on).
    """
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if isinstance(index, pd.DatetimeIndex):
        if index.freq is not None:
            return index.freq
        if len(index) < 3:
            return None
        try:
            with pd.option_context("future.infer_freq_returns_offset", True):
                freq = pd.infer_freq(index)
        except (pd.errors.OptionError, KeyError):  # pandas without the option
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                freq = pd.infer_freq(index)
        return None if freq is None else pd.tseries.frequencies.to_offset(freq)
    if isinstance(index, pd.RangeIndex):
        return index.step
    if pd.api.types.is_integer_dtype(index):
        steps = np.unique(np.diff(index.to_numpy()))
        return int(steps[0]) if len(steps) == 1 else None
    return None


def _missing(index, freq):
    """Return how many stamps of ``freq``'s grid ``index`` misses, and the first."""
    expected = pd.date_range(index[0], index[-1], freq=freq, unit=index.unit)
    missing = expected.difference(index)
    return len(missing), (missing[0] if len(missing) else None)


def _stamps(count, one, many):
    """``count`` time stamps and a verb that agrees: "1 time stamp is"."""
    return f"{count} time stamp {one}" if count == 1 else f"{count} time stamps {many}"


def raise_off_freq(index, freq, name):
    """Say which stamps of ``index`` break ``freq``: missing ones, or extra."""
    count, first = _missing(index, freq)
    if count:
        raise ValueError(
            f"{name}.index does not follow freq={freq.freqstr!r}: "
            f"{_stamps(count, 'is', 'are')} missing, the first {first}. Reindex with "
            f"{name}.asfreq({freq.freqstr!r}) and fill the gaps."
        )
    grid = pd.date_range(index[0], index[-1], freq=freq, unit=index.unit)
    extra = index.difference(grid)
    raise ValueError(
        f"{name}.index does not follow freq={freq.freqstr!r}: "
        f"{_stamps(len(extra), 'falls', 'fall')} between its steps, the first "
        f"{extra[0]}. Aggregate them "
        f"(e.g. {name}.resample({freq.freqstr!r}).mean()) or give the index's "
        "own freq."
    )


def _grid_step(index, known=None):
    """Return the step whose grid holds every stamp of ``index``, or None.

    ``known`` (the training series' step at ``predict``) where its grid does;
    else, of the steps of runs of three stamps (the most common first) and
    the smallest difference between stamps, the first whose grid misses
    fewest: a month with a gap is a month, not the 28 days of the shortest
    one, and business days are not days.
    """

    def holds(step):  # every stamp on the grid
        return index.isin(pd.date_range(index[0], index[-1], freq=step)).all()

    if isinstance(known, pd.offsets.BaseOffset) and holds(known):
        return known
    runs = np.unique(np.linspace(0, len(index) - 3, RUNS).astype(int))
    found = Counter(infer_frequency(index[i : i + 3]) for i in runs)
    steps = [step for step, _ in found.most_common() if step is not None]
    try:
        steps.append(pd.tseries.frequencies.to_offset((index[1:] - index[:-1]).min()))
    except (ValueError, TypeError):  # no positive difference
        pass
    steps = [step for step in dict.fromkeys(steps) if holds(step)]
    return min(steps, key=lambda step: _missing(index, step)[0], default=None)


def raise_irregular(index, name, known=None):
    """Refuse a DatetimeIndex whose step cannot be inferred, naming its gaps.

    The gaps are those of the step whose grid holds every stamp
    (:func:`_grid_step`; ``known``: the training series' step), if any.
    """
    step = _grid_step(index, known) if len(index) >= 3 else None
    hint = ""
    if step is not None:
        count, first = _missing(index, step)
        hint = f" At its step ({step.freqstr}) {_stamps(count, 'is', 'are')} missing, "
        hint += f"the first {first}."
    # freq= names the step pandas cannot infer; it does not fill missing stamps
    raise ValueError(
        f"Cannot infer a regular frequency from {name}.index.{hint} Reindex "
        f"with {name}.asfreq(freq) at the series' step (e.g. 'D', 'h', 'MS') and "
        "fill the gaps, or, if no stamp is missing, pass freq=... naming it."
    )
