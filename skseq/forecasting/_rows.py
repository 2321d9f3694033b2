"""The rows of the training series, in memory or in their store, read as windows.

A forecaster's windows are index views over its series, stacked one after
another. :class:`SeriesRows` holds those rows: an array in memory (the
series' values in role order), or a store that stays on disk
(:class:`~skseq.io.StoredSequences`: a numpy memmap, zarr, Dask or HDF5
array, or a table from :func:`skseq.io.read_parquet`), read a block at a
time for its checks and statistics and a batch of windows at a time for
training. Both give the same values and statistics: a pass over either reads
blocks of the same rows (C-ordered float64), so that a fit from a store
equals a fit on the same series in memory.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..utils._series import TimeSeries, refuse_huge
from ..utils._stored import StoredSequences, _is_lazy_array, block_steps
from ..utils._windows import cut_windows
from ._scaling import ValueScaler
from ._units import UnitSums, divided

__all__ = [
    "SeriesRows",
    "Windows",
    "in_memory",
    "recent_steps",
    "stored_check",
    "stored_series",
]

# windows of a store lying within this many times their own rows of one
# another, and within _RANGE values, are read as one range, not one by one
_SPREAD = 4
_RANGE = 2**22


@dataclass(frozen=True)
class SeriesRows:
    """The stacked rows of the training series.

    Attributes
    ----------
    values : ndarray or StoredSequences
        In memory: ``(n_rows, n_columns)`` float64, columns in role order.
        A store: the series' steps, columns in their stored order.
    lengths : ndarray of int
        Rows of each series, in stacking order.
    order : list of int or None
        The stored columns in role order (None in memory).
    scaler : ValueScaler or None
        The transform every read applies (None: raw values).
    target_mean, target_std : ndarray of shape (n_targets,) or None
        The transformed targets' mean and deviation over the rows (of the
        series not still: :meth:`scaled`).
    units : ndarray of shape (n_series, n_targets) or None
        What a store's rows of each series are divided by as they are read
        (:meth:`in_units`; rows in memory are divided once).
    """

    values: object
    lengths: np.ndarray
    order: list | None = None
    scaler: ValueScaler | None = None
    target_mean: np.ndarray | None = None
    target_std: np.ndarray | None = None
    units: np.ndarray | None = None

    @classmethod
    def in_memory(cls, raw):
        """Rows of series in memory: ``raw`` holds each one's values (role order).

        One series is not copied (unless it is not C-ordered).
        """
        values = np.ascontiguousarray(raw[0]) if len(raw) == 1 else np.concatenate(raw)
        return cls(values, np.array([len(v) for v in raw]))

    @classmethod
    def stored(cls, store, order):
        """Rows of the sequences of ``store``, columns read in role ``order``."""
        return cls(store, store.lengths, list(order))

    def in_units(self, n_targets, check=None):
        """Return the rows with each series' targets in its own unit, units, still.

        ``still``: which targets of each series never change, ``(n_series,
        n_targets)``.

        :class:`~skseq.forecasting._units.UnitSums` of each series, summed a block
        of rows at a time (``check`` called on each raw block, as
        :meth:`scaled` would); in memory the rows are divided now, from a
        store as they are read.
        """
        ends = np.cumsum(self.lengths)
        sums = [UnitSums(n_targets) for _ in ends]
        for start, rows in self.blocks():
            if check is not None:
                check(rows, start)
            for i, lo, hi in _owned(ends, start, start + len(rows)):
                sums[i].add(rows[lo:hi, :n_targets])
        units = np.stack([one.unit() for one in sums])
        still = np.array([one.still() for one in sums])
        if self.is_stored:
            return replace(self, units=units), units, still
        values = divided(self.values, np.repeat(units, self.lengths, axis=0))
        return replace(self, values=values), units, still

    def share_at_edge(self, n_targets, length, edge, still=None):
        """Return the share of series (and targets) that end at their edge.

        A series ends at its edge where the mean of its last ``length`` rows
        lies above, or below, all but a share ``edge`` of its earlier values
        (a trend, or a level the series never had); with fewer than ``1 /
        edge`` earlier values, where "all but" would be all, it does not.
        The last rows are read a series at a time, the earlier ones a block
        at a time. Targets flagged ``still`` (``(n_series, n_targets)``,
        :mod:`._units`) are not counted.
        """
        ends = np.cumsum(self.lengths)
        last = np.stack(
            [
                self.read(end - min(length, n), end)[:, :n_targets].mean(axis=0)
                for end, n in zip(ends, self.lengths, strict=True)
            ]
        )
        below, above = np.zeros_like(last), np.zeros_like(last)
        earlier = np.zeros(len(ends))
        for start, rows in self.blocks():
            for i, lo, hi in _owned(ends, start, start + len(rows)):
                hi = min(hi, ends[i] - length - start)  # not the last rows
                if hi > lo:
                    part = rows[lo:hi, :n_targets]
                    below[i] += (part < last[i]).sum(axis=0)
                    above[i] += (part > last[i]).sum(axis=0)
                    earlier[i] += hi - lo
        most = (1 - edge) * earlier[:, None]  # ties count on neither side
        at_edge = ((below >= most) | (above >= most)) & (earlier >= 1 / edge)[:, None]
        if still is None or still.all():
            return float(np.mean(at_edge))
        return float(np.mean(at_edge[~still]))

    @property
    def is_stored(self):
        """Whether the rows stay in their store."""
        return isinstance(self.values, StoredSequences)

    @property
    def n_columns(self):
        """Columns of every row."""
        return len(self.order) if self.is_stored else self.values.shape[1]

    @property
    def n_rows(self):
        """Rows of all series together."""
        return int(self.lengths.sum())

    def read(self, start, stop):
        """Return rows ``start:stop`` (raw, role order) as C-ordered float64.

        From a store, each series' part of the rows is read on its own (a
        window never spans two series; a block may).
        """
        if not self.is_stored:
            return self.values[start:stop]
        store, ends = self.values, self.values.ends
        stop = min(stop, self.n_rows)
        if stop <= start:
            return np.empty((0, self.n_columns))
        first = int(np.searchsorted(ends, start, side="right"))
        last = int(np.searchsorted(ends, stop - 1, side="right"))
        parts = []
        for i in range(first, last + 1):
            begin = int(ends[i] - self.lengths[i])
            part = store.sequence_steps(i, max(start, begin) - begin, stop - begin)
            parts.append(part)
        rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
        # C order: column sums then add in the order of rows in memory
        rows = np.ascontiguousarray(rows[:, self.order], dtype=np.float64)
        if self.units is None:
            return rows
        counts = [len(part) for part in parts]
        return divided(rows, np.repeat(self.units[first : last + 1], counts, axis=0))

    def blocks(self):
        """Yield ``(start, rows)``: the raw rows a bounded block at a time."""
        size = block_steps(self.n_columns)
        for start in range(0, self.n_rows, size):
            yield start, self.read(start, min(start + size, self.n_rows))

    def scaled(self, n_targets, log, check=None, lagged=(), still=None):
        """Return the rows with their :class:`ValueScaler` and target moments.

        Two passes over the blocks: sums, then squared deviations. The
        covariates' mean and deviation are of their raw values, the targets'
        of their transformed values (logarithm with ``log``); the targets a
        season back (``lagged`` positions) are transformed as the targets.
        ``check`` is called on each block of the first pass with its first
        row. Of the targets flagged ``still`` (``(n_series, n_targets)``,
        :mod:`._units`) no value counts, nor any row of a series whose
        targets all are, which trains nothing; all count where every target
        of every series is still, and a target's where it is still in every
        series (its moments were NaN: the network diverged).
        """
        k, ends = n_targets, np.cumsum(self.lengths)
        skip = still is not None and still.any() and not still.all()
        # a target still in every series counts (it has no other values)
        everywhere = still.all(axis=0) if skip else None

        def columns(start, rows):
            out = np.array(rows, dtype=np.float64, order="C")
            if log:
                out[:, :k] = np.log(out[:, :k])
            counted = np.ones(out.shape, bool)
            if skip:  # the values that count
                for i, lo, hi in _owned(ends, start, start + len(out)):
                    left_out = np.flatnonzero(still[i] & ~everywhere)
                    counted[lo:hi, slice(None) if still[i].all() else left_out] = False
            return out, counted

        total = counts = 0
        for start, rows in self.blocks():
            if check is not None:
                check(rows, start)
            out, counted = columns(start, rows)
            total = total + np.where(counted, out, 0.0).sum(axis=0)
            counts = counts + counted.sum(axis=0)
        mean = total / counts
        squares = 0
        for start, rows in self.blocks():
            out, counted = columns(start, rows)
            squares = squares + np.where(counted, (out - mean) ** 2, 0.0).sum(axis=0)
        std = np.sqrt(squares / counts)
        scaler = ValueScaler.from_moments(k, log, mean[k:], std[k:], lagged)
        return replace(self, scaler=scaler, target_mean=mean[:k], target_std=std[:k])

    def with_lag(self, lag, panel):
        """Return the rows in memory with the columns of ``lag`` filled (or as is).

        ``panel`` holds the series, whose time stamps set the steps back.
        """
        if lag is None:
            return self
        backs = [lag.backs(one.index) for one in panel]
        return replace(self, values=lag.fill(self.values, self.lengths, backs))

    def windows(self, span, transformed=True):
        """Return the :class:`Windows` of ``span`` rows (transformed by default)."""
        return Windows(self, span, self.scaler if transformed else None)

    def tails(self, length):
        """Return the last ``length`` raw rows of each stored series (stored order).

        As :class:`~skseq.utils._series.TimeSeries` of arrays (steps 0, 1, ...),
        what ``predict`` forecasts from by default.
        """
        tails, last = [], _last_steps(self.values, length)
        for values, n in zip(last, self.lengths, strict=True):
            values = np.array(values, dtype=np.float64)
            index = pd.RangeIndex(n - len(values), n)
            columns = list(range(values.shape[1]))
            tails.append(TimeSeries(values, index, 1, columns, "array"))
        return tuple(tails)


class Windows:
    """Every window of ``span`` rows of :class:`SeriesRows`, read when indexed.

    ``windows[starts]`` returns the windows starting at rows ``starts``
    ``(n, span, n_columns)``, float64 in role order: gathered from a strided
    view of rows in memory, or read from the store (one range when the
    windows lie close together, else one read per window), then transformed
    by ``scaler`` (None: raw). Element by element, so a window does not
    depend on what else is read with it.
    """

    def __init__(self, rows, span, scaler=None):
        self.rows, self.span, self.scaler = rows, span, scaler
        self._view = None if rows.is_stored else cut_windows(rows.values, span)

    def __getitem__(self, starts):
        starts = np.asarray(starts, dtype=np.int64)
        if self._view is not None:
            block = self._view[starts]
        elif starts.size == 0:
            block = np.empty((*starts.shape, self.span, self.rows.n_columns))
        else:
            block = self._read(starts)
        return block if self.scaler is None else self.scaler.transform(block)

    def _read(self, starts):
        span, flat = self.span, starts.reshape(-1)
        low, high = int(flat.min()), int(flat.max()) + span
        rows = high - low
        if rows <= _SPREAD * span * len(flat) and rows * self.rows.n_columns <= _RANGE:
            block = cut_windows(self.rows.read(low, high), span)[flat - low]
        else:
            block = np.stack([self.rows.read(s, s + span) for s in flat])
        return block.reshape(*starts.shape, *block.shape[1:])


def stored_series(y):
    """Return ``(store, keys, form)`` for a stored ``y``, or None in memory.

    A stored array (numpy memmap, zarr, Dask, HDF5) of shape
    ``(n_timesteps,)`` or ``(n_timesteps, n_columns)`` is one series; a
    :class:`~skseq.io.StoredSequences` holds one series per sequence (keyed
    by its ids, else by position), as :func:`skseq.io.read_parquet` writes a
    long ``(id, time)`` table.
    """
    if isinstance(y, StoredSequences):
        if len(y) == 1 and y.ids is None:
            return y, None, "single"
        keys = list(range(len(y))) if y.ids is None else list(y.ids)
        index = pd.Index(keys)  # the series' keys (a subset may pick one twice)
        if index.has_duplicates:
            raise ValueError(
                f"y's ids holds the id {index[index.duplicated()][0]!r} more than "
                "once; every series of a panel needs an id of its own."
            )
        return y, keys, "dict"
    if not _is_lazy_array(y):
        return None
    try:
        shape = tuple(int(n) for n in y.shape)
    except (TypeError, ValueError):  # sizes not known (Dask): read into memory
        return None
    if len(shape) not in (1, 2):
        raise ValueError(
            "A stored y must be 1-D (n_timesteps,) or 2-D (n_timesteps, "
            f"n_columns), got an array of shape {shape}."
        )
    return StoredSequences(y, lengths=[shape[0]], flat=True), None, "single"


def _last_steps(store, length):
    """Return the last ``length`` steps (all, if fewer) of each stored series."""
    return [
        store.sequence_steps(i, max(n - length, 0), n)
        for i, n in enumerate(store.lengths)
    ]


def in_memory(y, length=None):
    """Return the last ``length`` steps (None: all) of a stored ``y`` in memory.

    An array for one series, a dict of arrays by id for a panel: the forms
    ``predict`` reads, which then check them as any other input. ``y`` in
    memory (or None) is returned as it is.
    """
    stored = None if y is None else stored_series(y)
    if stored is None:
        return y
    store, keys, _ = stored
    tails = _last_steps(store, int(store.lengths.max()) if length is None else length)
    tails = [tail[:, 0] if store.univariate else tail for tail in tails]
    return tails[0] if keys is None else dict(zip(keys, tails, strict=True))


def recent_steps(y, fitted):
    """Return the steps of a stored ``y`` that ``fitted`` reads, in memory, else ``y``.

    The last ``fitted.lookback`` steps; every step where the forecast has
    an exponential smoothing part (fitted on a series in memory), which
    reads the whole series, as for the same ``y`` in memory
    (:func:`in_memory`).
    """
    return in_memory(y, None if "smoothing" in fitted.method else fitted.lookback)


def _where(store, keys, row):
    """Name the series and step of stacked row ``row`` of a store."""
    owner = int(np.searchsorted(store.ends, row, side="right"))
    step = row - int(store.starts[owner])
    return ("y" if keys is None else f"y[{keys[owner]!r}]"), step


def stored_check(store, keys, n_targets, log):
    """Return the check of a stored series' blocks (role order) for ``scaled``.

    Refuses NaN and infinite values, values whose squares overflow, and
    targets that a log cannot take, naming the series (and step) of the first.
    """

    def check(rows, start):
        bad = ~np.isfinite(rows)
        if bad.any():
            first = int(np.flatnonzero(bad.any(axis=1))[0])
            where, step = _where(store, keys, start + first)
            what = "NaN" if np.isnan(rows[first]).any() else "infinite values"
            raise ValueError(
                f"{where} contains {what}, the first at step {step}. Fill them "
                "first: a stored series is read as it is."
            )
        if len(rows):  # the series of the largest value
            largest = int(np.abs(rows).max(axis=1).argmax())
            refuse_huge(rows[largest], _where(store, keys, start + largest)[0])
        if log and (rows[:, :n_targets] <= 0).any():
            first = int(np.flatnonzero((rows[:, :n_targets] <= 0).any(axis=1))[0])
            where, step = _where(store, keys, start + first)
            raise ValueError(
                f"transform='log' needs positive targets, but {where} holds "
                f"{rows[first, :n_targets].min()} at step {step}; use "
                "transform=None."
            )

    return check


def _owned(ends, start, stop):
    """Yield ``(i, lo, hi)``: the rows ``lo:hi`` of a block that series ``i`` owns.

    The block holds rows ``start:stop`` of the series ending at ``ends``;
    ``lo`` and ``hi`` are positions in it.
    """
    first = int(np.searchsorted(ends, start, side="right"))
    last = int(np.searchsorted(ends, stop - 1, side="right"))
    for i in range(first, last + 1):
        begin = 0 if i == 0 else int(ends[i - 1])
        yield i, max(begin, start) - start, min(int(ends[i]), stop) - start
