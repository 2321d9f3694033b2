"""A series whose last steps change as none of its earlier steps did.

The forecast reads the series' last window. Where that window holds a change
several times larger than any before it (a value entered wrongly, a sensor's
spike, a break), the forecast starts from a window unlike every one the
models trained on: the ridges, linear in the window, extrapolate from it,
and the held-out windows that calibrate the intervals held nothing like it.
48 months of 200 to 320 ending in 2000 were forecast up to 5,434 (up to
8,654 by ``method="linear"``), inside 90% intervals of +-25 at five of the
six steps. Fitting a series in memory warns, naming the step, so that a
wrong value can be corrected, and so does a forecast from a history given
to ``predict`` that holds ``FEWEST + 1`` steps before those it reads (a
history of the window alone has nothing to compare with); a level that did
shift is forecast as the models extrapolate it. The steps read are the
window, or with ``season_lag`` the lookback.
"""

import numpy as np

from ..exceptions import ExtrapolationWarning
from ..utils._warnings import warn

__all__ = ["end_change", "warn_extreme_ends"]

# times the largest earlier change that a change in the last window must
# exceed. Over every end of the forecasting panel and of NAB's series
# (benchmarks/extreme_ends.py; 7,888 and 96,892 ends), a window of 4 steps:
# 3 and 114 ends at 2 times, 1 and 83 at 3, 0 and 81 at 5 (NAB's: its
# spikes, jumps and square waves' first switches); 12 steps: 0 and 241 at 5
TIMES = 5
# the fewest earlier changes the end is compared with
FEWEST = 8
# series named in one warning (of a panel)
NAMED = 3


def end_change(values, n_targets, window_length, log=False):
    """Return how far a series' last window changes beyond its earlier steps.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_columns)
        The series in role order (the targets first).
    n_targets : int
    window_length : int
        Steps of the window a forecast reads: the changes into each of its
        steps are compared with every change before them.
    log : bool, default=False
        Whether the targets are modelled in logarithms: their changes are
        compared there.

    Returns
    -------
    times : ndarray of shape (n_targets,) or None
        The window's largest absolute change over the largest before it
        (inf where none before it changed, 0 where the window did not
        change); None where fewer than ``FEWEST`` changes come before it.
    steps : ndarray of shape (n_targets,) or None
        The row each target's largest change in the window leads to.
    """
    targets = values[:, :n_targets]
    changes = np.abs(np.diff(np.log(targets) if log else targets, axis=0))
    before, end = changes[:-window_length], changes[-window_length:]
    if len(before) < FEWEST:
        return None, None
    largest = np.nanmax(before, axis=0, initial=0.0)
    latest = np.nanmax(end, axis=0, initial=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        times = np.where(latest > 0, latest / largest, 0.0)
    steps = len(before) + 1 + np.argmax(np.nan_to_num(end, nan=-1.0), axis=0)
    return times, steps


def warn_extreme_ends(panel, keys, raw, targets, window_length, log=False):
    """Warn where a series' last window changes far more than its earlier steps.

    ``raw`` holds each series of ``panel`` (TimeSeries, for their time
    stamps; ``keys``: a panel's keys or None) in role order, ``targets``
    names its target columns; ``window_length`` is the steps a forecast
    reads (with a lag, its lookback); ``log`` as in :func:`end_change`.
    """
    n_targets, found = len(targets), []
    for position, values in enumerate(raw):
        times, steps = end_change(values, n_targets, window_length, log)
        if times is not None and times.max() > TIMES:
            target = int(np.argmax(times))
            found.append((position, target, steps[target], times[target]))
    if not found:
        return
    described = []
    for position, target, step, times in found[:NAMED]:
        where = "y" if keys is None else f"y[{keys[position]!r}]"
        column = "" if n_targets == 1 else f" (column {targets[target]!r})"
        before, after = raw[position][step - 1 : step + 1, target]
        how = (
            "after steps that never changed"
            if np.isinf(times)
            else f"{times:.3g} times the largest change before its last steps"
        )
        described.append(
            f"{where}{column} moves from {before:.4g} to {after:.4g} at "
            f"{panel[position].index[step]}, {how}"
        )
    more = len(found) - NAMED
    warn(
        "; ".join(described)
        + (f"; and {more} more series" if more > 0 else "")
        + f". The forecasts read a series' last {window_length} steps, here a "
        "window unlike any the models trained on, and extrapolate from it "
        "(their intervals too); if a value there is wrong, correct it"
        + (" (changes compared in logarithms)." if log else "."),
        ExtrapolationWarning,
    )
