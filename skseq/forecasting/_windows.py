"""Forecasting windows: which ones train and calibrate, and what the network reads.

Every window is an index into the stacked rows of the series
(:class:`~skseq.forecasting._rows.Windows`); :class:`WindowDataset` gathers a
batch of them and :func:`network_inputs` scales them (through the
:class:`~skseq.forecasting._scaling.WindowScaler`) into the network's input.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset

from ..utils._warnings import warn
from ._units import some_still

__all__ = ["WindowDataset", "WindowSplit", "WindowsAt", "network_inputs"]

# what intervals read without held-out windows (:mod:`._calibrating`)
_NAIVE = (
    "intervals, where there are at least two windows and no quantile heads, "
    "from the naive forecast's errors"
)


def network_inputs(block, window_length, n_future, scaler, n_targets):
    """Return the network's input for windows of transformed rows.

    Parameters
    ----------
    block : ndarray of shape (n, length, n_columns)
        Each window's ``window_length`` rows (float64, transformed, role
        order), followed (with ``n_future`` known-future covariates, the last
        columns) by the forecast steps, whose future covariates the network
        reads too.
    window_length, n_future, n_targets : int
    scaler : WindowScaler

    Returns
    -------
    X : torch.Tensor of shape (n, length, n_columns [+ 1])
        float32: the target columns of the window relative to it (scaled in
        float64), past covariates as they are. Over the forecast steps, only
        the future covariates and a flag column set to 1 (zeros elsewhere);
        the targets a season back (``scaler.lagged``) only there, relative
        to the window as its targets.
    reference, scale : ndarray of shape (n, n_targets)
        Each window's statistics, for the inverse transform.
    """
    w, k = window_length, n_targets
    reference, scale = scaler.statistics(block[:, :w, :k])
    X = np.array(block, dtype=np.float64)
    X[:, :w, :k] = scaler.inputs(block[:, :w, :k], reference, scale)
    at = list(scaler.lagged)  # the targets a season back
    if at:  # read at the forecast steps, relative to the window
        X[:, :w, at] = 0.0
        X[:, w:, at] = scaler.inputs(block[:, w:, at], reference, scale)
    if n_future:
        X[:, w:, : X.shape[2] - n_future] = 0.0
        flag = np.zeros(X.shape[:2] + (1,))
        flag[:, w:] = 1.0
        X = np.concatenate([X, flag], axis=2)
    return torch.as_tensor(X.astype(np.float32)), reference, scale


@dataclass(frozen=True)
class WindowSplit:
    """Where the windows of stacked series start, and which are held out.

    Attributes
    ----------
    train : ndarray of int
        Starts of the training windows.
    held_out : ndarray of int
        Starts of the latest windows of each series, held out to calibrate
        intervals and for early stopping.
    every : ndarray of int
        Starts of all windows (a refit trains on them).
    """

    train: np.ndarray
    held_out: np.ndarray
    every: np.ndarray

    @classmethod
    def make(
        cls,
        lengths,
        span,
        validation_fraction,
        train_horizon,
        step=1,
        counts=None,
        first=0,
    ):
        """Split the windows of series of ``lengths`` rows, stacked.

        A window starts every ``step`` rows, counted back from the latest
        one of each series. The training windows of a series end before the
        targets of its held-out ones begin: a window starting ``t`` trains
        when ``t + train_horizon`` is at most the first held-out start.
        ``counts`` gives each series' number of held-out windows instead of
        ``validation_fraction``: shorter windows with the same targets as
        another split's (:meth:`held_counts`). No window of a series starts
        before its row ``first`` (whose forecast steps have a season before
        them: :mod:`._lags`).
        """
        offsets = np.cumsum([0, *lengths])
        train, held_out, every = [], [], []
        for i, (offset, length) in enumerate(zip(offsets, lengths, strict=False)):
            latest = length - span
            starts = np.arange(latest % step, latest + 1, step)
            starts = offset + starts[starts >= first]
            every.append(starts)
            if counts is None:
                n_held = int(math.floor(validation_fraction * len(starts)))
            else:
                n_held = int(counts[i])
            held = starts[len(starts) - n_held :]
            if n_held:
                train.append(starts[starts + train_horizon <= held[0]])
            else:
                train.append(starts)
            held_out.append(held)
        return cls(
            np.concatenate(train), np.concatenate(held_out), np.concatenate(every)
        )

    def held_counts(self, lengths):
        """Return each series' number of held-out windows, ``(n_series,)``."""
        return np.diff(np.searchsorted(self.held_out, np.cumsum([0, *lengths])))

    def without(self, lengths, still):
        """Return the split without the windows of the ``still`` series.

        ``still`` (``(n_series,)`` bool, or None) flags the series of
        ``lengths`` rows (stacked) whose windows neither train nor are held
        out (:mod:`._units`); where none or every series is, the split as it
        is.
        """
        if not some_still(still):
            return self
        ends = np.cumsum(lengths)

        def kept(starts):
            return starts[~still[np.searchsorted(ends, starts, side="right")]]

        return type(self)(kept(self.train), kept(self.held_out), kept(self.every))

    def trainable(self, validation_fraction):
        """Return the split, or every window training where none would.

        Held-out windows whose targets overlap every earlier window (a
        horizon about as long as the series) leave none to train on: the
        series is then too short to hold any out, as one whose
        ``validation_fraction`` rounds to no window, and every window trains
        (no early stopping, intervals from the naive forecast's errors),
        with a warning.
        """
        if not len(self.held_out):
            if validation_fraction and len(self.every):
                warn(
                    f"validation_fraction={validation_fraction} of the "
                    f"{len(self.every)} windows rounds to no held-out window: "
                    f"training on every window (no early stopping; {_NAIVE}); "
                    "a longer series, a shorter window or horizon, "
                    "or a larger validation_fraction holds windows out.",
                )
            return self
        if len(self.train):
            return self
        warn(
            f"validation_fraction={validation_fraction} leaves no training window: "
            "the held-out windows' targets overlap every other window's. "
            "Training on every window without holding any out (no early "
            f"stopping; {_NAIVE}); a longer series or a shorter horizon "
            "holds windows out.",
        )
        return type(self)(self.every, self.every[:0], self.every)


# held-out windows are gathered and forecast this many at a time (a multiple
# of the forecaster's prediction batch, so that chunks batch as one pass would)
_CHUNK_WINDOWS = 2048


@dataclass(frozen=True)
class WindowsAt:
    """Raw windows of a strided view at some starts, gathered a chunk at a time.

    Forecasting every held-out window (or every origin of a rolling
    forecast) at once would copy each of them, and each copy again in every
    transform; a chunk at a time, memory grows with the chunk, not with the
    series.

    Attributes
    ----------
    view : ndarray of shape (n_windows, length, n_columns) or Windows
        Every window of the raw series: a strided view
        (:func:`skseq.utils._windows.cut_windows`), or the raw
        :class:`~skseq.forecasting._rows.Windows` of the training series.
    starts : ndarray of int
        The windows meant.
    """

    view: np.ndarray
    starts: np.ndarray

    def __len__(self):
        return len(self.starts)

    def map(self, function, *along):
        """Return ``function(windows)`` over the chunks, joined along the windows.

        ``function`` takes raw windows ``(n, length, n_columns)`` and returns an
        array, or a tuple of arrays (or None) with one row per window. With
        no window it is called once with none (``n = 0``); the forecasts
        cannot take that, so their callers check for windows first. Each of
        ``along`` (a row per window, or None) comes as a further argument,
        its rows of the chunk.
        """

        def chunk(rows):
            parts = (None if one is None else one[rows] for one in along)
            return function(self.view[self.starts[rows]], *parts)

        parts = [
            chunk(slice(start, start + _CHUNK_WINDOWS))
            for start in range(0, len(self.starts), _CHUNK_WINDOWS)
        ] or [chunk(slice(0, 0))]  # no window: empty results
        if not isinstance(parts[0], tuple):
            return np.concatenate(parts)
        return tuple(
            None if pieces[0] is None else np.concatenate(pieces)
            for pieces in zip(*parts, strict=True)
        )


# windows up to this many float32 values are scaled once per training and
# sliced per batch; beyond, each batch gathers and scales its own
_CACHE_VALUES = 16 * 2**20


class WindowDataset(Dataset):
    """Training windows gathered by batch from one view of the series.

    A batch gathers its windows from the series (a strided view in memory,
    reads from a store), so a long series costs no more than its rows,
    however many windows it holds. When all scaled windows fit in
    64 MiB they are made once and batches slice them (what a hand-written
    loop over pre-made tensors does); each window is scaled the same way
    either way.

    Parameters
    ----------
    series : SeriesRows
        One or several series, stacked and scaled (in memory or stored).
    starts : array-like of int
        Row where each window starts.
    window_length, horizon, n_targets, n_future : int
        Window geometry and column roles; ``horizon`` target steps follow
        each window.
    scaler : WindowScaler
        How each window is scaled.
    """

    def __init__(
        self, series, starts, *, window_length, horizon, n_targets, n_future, scaler
    ):
        self.windows = series.windows(window_length + horizon)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.window_length = window_length
        self.horizon = horizon
        self.n_targets = n_targets
        self.n_future = n_future
        self.scaler = scaler
        self.input_length = window_length + (horizon if n_future else 0)
        # the columns, and a flag of the forecast steps' rows where they come
        self.input_width = series.n_columns + (1 if n_future else 0)
        self.lengths = torch.full((len(self.starts),), self.input_length)
        self.fixed_length = True
        self._made = None
        size = len(self.starts) * (window_length + horizon) * series.n_columns
        if size <= _CACHE_VALUES:
            self._made = self._make_all()

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, index):
        return self.batch(torch.as_tensor([index]))

    def batch(self, index):
        """Return ``({"X": ..., "lengths": ...}, y)`` for the windows at ``index``."""
        if self._made is None:
            return self._make(np.asarray(index))
        X, y = self._made
        return {"X": X[index], "lengths": self.lengths[: len(index)]}, y[index]

    def _make_all(self):
        """Return the inputs and targets of every window, made a chunk at a time.

        Each window is scaled on its own, so the chunks give what one pass
        would; only the float32 result is kept whole, not the float64
        intermediates of every window.
        """
        X = y = None
        for start in range(0, len(self.starts), _CHUNK_WINDOWS):
            index = np.arange(start, min(start + _CHUNK_WINDOWS, len(self.starts)))
            inputs, targets = self._make(index)
            if X is None:
                X = inputs["X"].new_empty((len(self.starts), *inputs["X"].shape[1:]))
                y = targets.new_empty((len(self.starts), *targets.shape[1:]))
            X[index] = inputs["X"]
            y[index] = targets
        return X, y

    def _make(self, index):
        w, k = self.window_length, self.n_targets
        block = self.windows[self.starts[index]]
        X, reference, scale = network_inputs(
            block[:, : self.input_length], w, self.n_future, self.scaler, k
        )
        y = self.scaler.targets(block[:, w : w + self.horizon, :k], reference, scale)
        y = torch.as_tensor(y.reshape(len(X), -1).astype(np.float32))
        return {"X": X, "lengths": self.lengths[: len(X)]}, y

    def subset(self, index):
        """Return a dataset of the windows at ``index``."""
        copy = object.__new__(WindowDataset)
        copy.__dict__.update(self.__dict__)
        index = np.asarray(index, dtype=np.int64)
        copy.starts = self.starts[index]
        copy.lengths = torch.full((len(copy.starts),), self.input_length)
        if self._made is not None:
            X, y = self._made
            copy._made = (X[index], y[index])
        return copy
