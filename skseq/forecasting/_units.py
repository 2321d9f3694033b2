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

A target of a panel's series that never changes has no step to be its
unit: it is *still*. A series whose targets are all still trains nothing and
calibrates no interval (in its level as its unit, its errors dwarfed the
other series' and widened their intervals 3.5 times). A still target, of
such a series or beside targets that move, is forecast at its value, with
intervals and quantiles of no width, for as long as the window it is
forecast from keeps that value (:func:`hold_still`; the recursive strategy
feeds that value back: :meth:`FittedForecaster.rolled`); once it moves, in its
window's unit. Its values count in none of the transform's moments. (Beside
a moving target, the model read a constant 1000 and forecast 769 to 1201.)
A series new at ``predict`` is forecast by the model, whatever its window.
"""

import numpy as np

__all__ = [
    "UnitSums",
    "divided",
    "held",
    "histories_in_units",
    "hold_still",
    "left_out",
    "some_still",
    "still_of_windows",
    "still_series",
    "still_targets",
    "times_units",
    "units_for",
    "window_units",
]


class UnitSums:
    """Sums of a series' absolute steps, fed a block of rows at a time.

    Only finite steps count: a series with missing values is refused later,
    with its own message. Rows of consecutive ``add`` calls are consecutive
    steps (the step between the last row of one and the first of the next
    counts).
    """

    def __init__(self, n_targets):
        self.last = None
        self.sums = np.zeros(n_targets)
        self.counts = np.zeros(n_targets)

    def add(self, targets):
        """Add rows ``(n, n_targets)`` that follow those added before."""
        rows = targets if self.last is None else np.vstack([self.last, targets])
        steps = np.abs(np.diff(rows, axis=0))
        finite = np.isfinite(steps)
        self.sums += np.where(finite, steps, 0.0).sum(axis=0)
        self.counts += finite.sum(axis=0)
        if len(targets):
            self.last = targets[-1:]

    def unit(self):
        """Return the mean absolute step, else the absolute value, else 1.

        A target without steps has one value: divided by its absolute value,
        it is exactly 1 (or -1), and multiplied back, itself.
        """
        last = 0.0 if self.last is None else self.last[0]
        return _unit(self.sums / np.maximum(self.counts, 1), last)

    def still(self):
        """Return which targets of the series never changed, ``(n_targets,)``."""
        return self.sums == 0


def _unit(step, last, ratio=1.0):
    """Return the mean absolute step, else ``|last| * ratio``, else 1."""
    level = np.abs(last)
    return np.where(step > 0, step, np.where(level > 0, level * ratio, 1.0))


def some_still(still):
    """Return whether some series of a panel are still, but not all of them.

    ``still`` is ``(n_series,)``: whether all targets of each series are.
    """
    return still is not None and bool(still.any()) and not still.all()


def window_units(fitted, windows):
    """Return the units ``(n, n_targets)`` of windows the model did not fit on.

    ``windows`` are raw rows ``(n, length, n_columns)`` (role order, finite:
    ``predict`` and ``score`` refuse missing values). Each target's unit is
    its mean absolute step; a target that does not change in its window has
    no step, and takes its absolute value times the median ratio of unit to
    level of the fitted series that move and are not at 0 (its value alone,
    the model's small moves became moves of the size of the value: a new
    window flat at 100 was forecast 105, 82 and 66 beside series of level
    10 and 50).
    """
    k = fitted.roles.n_targets
    targets = np.asarray(windows, dtype=np.float64)[..., :k]
    step = np.abs(np.diff(targets, axis=1)).mean(axis=1)
    if not ((step == 0) & (targets[:, -1] != 0)).any():
        return _unit(step, targets[:, -1])
    moving = [i for i in range(len(fitted.keys)) if not still_series(fitted, i)]
    ratio = np.ones(k)
    if moving:
        w = fitted.window_length
        tails = [fitted.roles.arrange(fitted.tails[i].values[-w:]) for i in moving]
        levels = np.stack([np.abs(tail[:, :k]).mean(axis=0) for tail in tails])
        # nor has a still target (its unit is its level), nor a series at 0
        # (an intermittent one between sales)
        still = np.stack([still_targets(fitted, i) for i in moving])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = fitted.units[moving] / levels
        ratios = np.where((levels > 0) & ~still, ratios, np.nan)
        known = ~np.isnan(ratios).all(axis=0)
        ratio[known] = np.nanmedian(ratios[:, known], axis=0)
    return _unit(step, targets[:, -1], ratio)


def divided(values, unit):
    """Return rows (role order) with their targets divided by ``unit``.

    ``unit`` broadcasts to the targets: ``(n_targets,)`` for one series'
    rows, ``(n, 1, n_targets)`` for windows of ``n`` series.
    """
    out = np.array(values, dtype=np.float64)
    out[..., : np.shape(unit)[-1]] /= unit
    return out


def histories_in_units(fitted, series, keys):
    """Return the histories to forecast from in their units, units, held ones.

    The last :attr:`~FittedForecaster.lookback` rows (role order) of each of
    ``series`` (ids ``keys``), divided by their units (:func:`units_for`,
    read from their last ``window_length`` rows).
    """
    back, w = fitted.lookback, fitted.window_length
    histories = np.stack([fitted.roles.arrange(one.values[-back:]) for one in series])
    units, still = units_for(fitted, histories[:, -w:], keys)
    if units is not None:
        histories = divided(histories, units[:, None, :])
    return histories, units, still


def units_for(fitted, windows, keys):
    """Return the units ``(n, n_targets)`` of the series to forecast, held ones.

    ``windows`` are their last ``window_length`` raw rows (role order),
    ``keys`` their ids. A fitted series (by its key) has its training units,
    but a still target that has moved its window's (:func:`window_units`);
    another series its window's. A target is held at its value (``(n,
    n_targets)`` bool) where it never changed in training and its window
    keeps that value (:func:`held`). Nones where the model has no units (a
    single series, or a model saved before).
    """
    if fitted.units is None:
        return None, None
    known = {key: i for i, key in enumerate(fitted.keys)}
    index = [known.get(key) for key in keys]
    still = np.concatenate([held(fitted, i, [one]) for i, one in zip(index, windows)])
    # a still target's training unit is its level: once moved, its window's
    moved = np.stack(
        [
            np.ones(fitted.roles.n_targets, bool)
            if i is None
            else still_targets(fitted, i)
            for i in index
        ]
    )
    moved &= ~still
    units = np.empty((len(windows), fitted.roles.n_targets))
    own = moved.any(axis=1)
    if own.any():
        units[own] = window_units(fitted, np.asarray(windows)[own])
    for j, i in enumerate(index):
        if i is not None:
            units[j] = np.where(moved[j], units[j], fitted.units[i])
    return units, still


def held(fitted, index, windows):
    """Return which targets of windows of the fitted series ``index`` are held.

    ``(n, n_targets)``: the targets that never changed in training
    (:func:`still_targets`) and keep their training value throughout the
    window (raw, ``(n, length, n_columns)``). None of a series new at
    ``predict`` (``index`` None: a window's few steps are no evidence that
    it never moves; an intermittent series' windows are often flat), nor of
    a model saved before still series were.
    """
    k = fitted.roles.n_targets
    still = still_targets(fitted, index)
    if not still.any():
        return np.zeros((len(windows), k), bool)
    value = fitted.roles.arrange(fitted.tails[index].values[-1:])[:, :k]
    # to float32's precision: a float32 store's 0.1 is 0.1 given in float64
    targets = np.asarray(windows)[..., :k].astype(np.float32)
    return (targets == value.astype(np.float32)).all(axis=1) & still


def left_out(still, lengths, starts):
    """Return which targets of held-out windows judge and calibrate nothing.

    ``(n_windows, n_targets)``: the still targets (``still``, ``(n_series,
    n_targets)``, or None) of the series of ``lengths`` rows (stacked) that
    the windows starting at rows ``starts`` belong to. A target still in
    every window counts in them all (it has no other errors). None where
    nothing is left out.
    """
    out = still_of_windows(still, lengths, starts)
    if out is None:
        return None
    out &= ~out.all(axis=0)
    return out if out.any() else None


def still_of_windows(still, lengths, starts):
    """Return the still targets ``(n_windows, n_targets)`` of training windows.

    Of the series (``still``, ``(n_series, n_targets)``, or None: None) of
    ``lengths`` rows (stacked) that the windows starting at rows ``starts``
    belong to: they keep their value in those windows (:func:`held`).
    """
    if still is None:
        return None
    return still[np.searchsorted(np.cumsum(lengths), starts, side="right")]


def still_targets(fitted, index):
    """Return which targets of the fitted series ``index`` are still, ``(k,)``.

    None of a series new at ``predict`` (``index`` None). A model saved
    before targets were still one at a time flags whole series.
    """
    k = fitted.roles.n_targets
    if index is None or fitted.still is None:
        return np.zeros(k, bool)
    return np.broadcast_to(fitted.still[index], (k,)).copy()


def still_series(fitted, index):
    """Return whether every target of the fitted series ``index`` is still."""
    return bool(still_targets(fitted, index).all())


def hold_still(fitted, last_rows, still, transformed, unit, heads=None):
    """Return forecasts with held targets at their last value, of unit 0.

    ``last_rows`` are the last rows of the windows forecast from (role
    order, in units, ``(n, n_columns)``), ``still`` which of their targets
    to hold (``(n, n_targets)``, :func:`held`; None: none); ``transformed``,
    ``unit`` and ``heads`` are :meth:`FittedForecaster.forecast`'s. A unit
    of 0 gives intervals and quantiles of no width around the value.
    """
    if still is None or not still.any():
        return transformed, unit, heads
    k = fitted.roles.n_targets
    rows = still.any(axis=1)
    value = np.zeros((len(still), 1, k))
    value[rows] = fitted.values.transform(np.asarray(last_rows)[rows][:, None])[..., :k]
    mask = still[:, None, :]
    transformed = np.where(mask, value, transformed)
    unit = np.where(mask, 0.0, unit)
    if heads is not None:
        heads = np.where(mask[..., None], value[..., None], heads)
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
