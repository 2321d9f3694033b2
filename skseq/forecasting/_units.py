"""Each series of a panel in its own unit: its targets over their typical step.

A global model reads every series of a panel through the same ridges and
network. Only ``normalize="standard"`` divides each window by its own
spread; the ridges relative to a window's last value or mean, or in the
series' own scale, read every series in one unit, so a series next to one
five times its size had 2.7 times the error it had next to a copy of itself
(airline passengers: MAE 28.5 against 10.5). So the targets of each series
of a panel are divided by their mean absolute change of one step (of the
training series; a series new at ``predict`` by its last window, one new at
``score`` by its first) before
anything else, and its forecasts multiplied back. A single series keeps
its values.

A series of a panel that never changes has no step to be its unit: it is
*still*. Its windows train nothing and calibrate no interval (in its level
as its unit, its errors dwarfed the other series' and widened their
intervals 3.5 times), and it is forecast at its value, with intervals and
quantiles of no width, for as long as the window it is forecast from holds
that value (:func:`hold_still`). So is a series new at ``predict`` whose
window never changes: it has no unit either.
"""

import numpy as np

__all__ = [
    "UnitSums",
    "divided",
    "flat",
    "hold_still",
    "times_units",
    "unit_of",
    "units_for",
]


def unit_of(values, n_targets):
    """Return a series' unit, ``(n_targets,)``, from its rows (role order).

    The mean absolute change of one step of each target; of a constant
    target its mean absolute value, else 1.
    """
    sums = UnitSums(n_targets)
    sums.add(np.asarray(values, dtype=np.float64)[:, :n_targets])
    return sums.unit()


class UnitSums:
    """Sums of a series' absolute steps and values, fed a block of rows at a time.

    Only finite values count: a series with missing values is refused later,
    with its own message. Rows of consecutive ``add`` calls are consecutive
    steps (the step between the last row of one and the first of the next
    counts).
    """

    def __init__(self, n_targets):
        self.last = None
        self.sums = np.zeros((2, n_targets))  # absolute steps, absolute values
        self.counts = np.zeros((2, n_targets))

    def add(self, targets):
        """Add rows ``(n, n_targets)`` that follow those added before."""
        rows = targets if self.last is None else np.vstack([self.last, targets])
        for i, values in enumerate((np.abs(np.diff(rows, axis=0)), np.abs(targets))):
            finite = np.isfinite(values)
            self.sums[i] += np.where(finite, values, 0.0).sum(axis=0)
            self.counts[i] += finite.sum(axis=0)
        if len(targets):
            self.last = targets[-1:]

    def unit(self):
        """Return the mean absolute step, else the mean absolute value, else 1."""
        step, level = self.sums / np.maximum(self.counts, 1)
        return np.where(step > 0, step, np.where(level > 0, level, 1.0))

    def still(self):
        """Return whether no target of the series ever changed."""
        return bool((self.sums[0] == 0).all())


def divided(values, unit):
    """Return rows (role order) with their targets divided by ``unit``.

    ``unit`` broadcasts to the targets: ``(n_targets,)`` for one series'
    rows, ``(n, 1, n_targets)`` for windows of ``n`` series.
    """
    out = np.array(values, dtype=np.float64)
    out[..., : np.shape(unit)[-1]] /= unit
    return out


def units_for(fitted, series, keys):
    """Return each series' unit ``(n, n_targets)`` and which are still, or Nones.

    A fitted series (by its key) has its training unit; another one, the
    unit of its last ``window_length`` steps (all that a stored history
    gives ``predict``). A series is still (``(n,)`` bool) where its last
    window never changes and it never changed in training, or is new. None
    where the model has no units (a single series, or a model saved
    before); no series is still in a model saved before still series were.
    """
    if fitted.units is None:
        return None, None
    still = np.zeros(len(fitted.keys), bool) if fitted.still is None else fitted.still
    known = dict(zip(fitted.keys, zip(fitted.units, still), strict=True))
    k, w = fitted.roles.n_targets, fitted.window_length
    windows = [fitted.roles.arrange(one.values[-w:]) for one in series]
    units, held = [], []
    for key, window in zip(keys, windows, strict=True):
        unit, was_still = known.get(key, (unit_of(window, k), True))
        units.append(unit)
        held.append(was_still and flat(window[None], k)[0])
    return np.stack(units), np.array(held)


def flat(windows, n_targets):
    """Return whether each window's targets never change, ``(n,)`` bool."""
    targets = np.asarray(windows)[..., :n_targets]
    return (targets == targets[:, -1:]).all(axis=(1, 2))


def hold_still(fitted, windows, still, transformed, unit, heads=None):
    """Return forecasts with still windows' at their last value, of unit 0.

    ``windows`` are the rows forecast from (role order, in units), ``still``
    which of them to hold (None: none); ``transformed``, ``unit`` and
    ``heads`` are :meth:`FittedForecaster.forecast`'s. A unit of 0 gives
    intervals and quantiles of no width around the value.
    """
    if still is None or not still.any():
        return transformed, unit, heads
    k = fitted.roles.n_targets
    last = fitted.values.transform(np.asarray(windows)[still, -1:])[..., :k]
    transformed, unit = transformed.copy(), unit.copy()
    transformed[still], unit[still] = last, 0.0
    if heads is not None:
        heads = heads.copy()
        heads[still] = last[..., None]
    return transformed, unit, heads


def times_units(values, units, n_targets):
    """Return forecasts times each series' units (None: as they are).

    The inverse of :func:`divided` for what ``predict`` returns.

    ``values`` is ``(n, horizon, n_targets * c)``, target-major: ``c``
    values per target (1, the two bounds of an interval, the quantiles).
    """
    if units is None:
        return values
    n, h = values.shape[:2]
    out = values.reshape(n, h, n_targets, -1) * units[:, None, :, None]
    return out.reshape(values.shape)
