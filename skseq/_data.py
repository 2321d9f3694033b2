"""Tensors built once per fit, and batches sliced from them.

skorch's default path builds every batch from per-sample ``__getitem__``
calls and a collate step; on small recurrent networks that is a large part of
an epoch. Here a :class:`SequenceDataset` holds the whole padded tensor, and
:class:`BatchIterator` (handed to skorch as ``iterator_train`` and
``iterator_valid``) yields each batch as one index into it.

Ragged data is bucketed: within chunks of a few dozen batches, sequences are
sorted by length, so a batch of short sequences is cut to its own longest
length instead of the data set's.
"""

import math

import numpy as np
import torch
from torch.utils.data import Dataset

__all__ = [
    "BatchIterator",
    "FixedSplit",
    "SequenceDataset",
    "WindowDataset",
    "sort_by_length",
]

# batches per chunk that is sorted by length: big enough that batches hold
# similar lengths, small enough that batch contents still vary between epochs
_BUCKET_BATCHES = 100


class SequenceDataset(Dataset):
    """Padded sequences, their lengths and optional targets and weights.

    Parameters
    ----------
    values : ndarray or torch.Tensor
        ``(n, max_length, n_features)`` float32 or ``(n, max_length)`` int64,
        post-padded.
    lengths : ndarray or torch.Tensor of shape (n,)
        Valid steps per sequence.
    y : ndarray or torch.Tensor, default=None
        Targets, first axis ``n``.
    sample_weight : ndarray or torch.Tensor of shape (n,), default=None
        Per-sample weights for the loss.
    """

    def __init__(self, values, lengths, y=None, sample_weight=None):
        self.X = torch.as_tensor(values)
        self.lengths = torch.as_tensor(lengths, dtype=torch.int64)
        self.y = None if y is None else torch.as_tensor(y)
        self.sample_weight = (
            None if sample_weight is None else torch.as_tensor(sample_weight)
        )
        self.fixed_length = bool((self.lengths == self.X.shape[1]).all())

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, index):
        return self.batch(torch.as_tensor([index]))

    def batch(self, index):
        """Return ``(X, y)`` for the samples at ``index`` as skorch expects.

        ``X`` is the dict ``{"X": ..., "lengths": ...}`` given to the module
        as keyword arguments, cut to the longest sequence of the batch. ``y``
        is the target, ``(target, weight)`` when there are weights, or None.
        """
        lengths = self.lengths[index]
        if self.fixed_length:
            X = self.X[index]
        else:  # copy only the steps up to the batch's longest sequence
            X = self.X[index, : int(lengths.max())]
        y = None if self.y is None else self.y[index]
        if self.sample_weight is not None:
            y = (y, self.sample_weight[index])
        return {"X": X, "lengths": lengths}, y

    def subset(self, index):
        """Return a new dataset holding the samples at ``index``."""
        index = torch.as_tensor(index, dtype=torch.int64)
        return SequenceDataset(
            self.X[index],
            self.lengths[index],
            None if self.y is None else self.y[index],
            None if self.sample_weight is None else self.sample_weight[index],
        )


class WindowDataset(Dataset):
    """Forecasting windows cut on the fly from series held in one tensor.

    Rows ``start .. start + window_length - 1`` of ``series`` are a window;
    the ``horizon`` rows after it hold its targets. No window is stored: a
    batch gathers its rows by index, so a long series costs the memory of
    one copy, however many windows it holds.

    The target columns (the first ``n_targets``) of each window are made
    relative to a reference (its last value, its mean, or ``target_mean``),
    divided by the window's own standard deviation with ``normalize=
    "standard"``, and by ``input_scale``; targets are made relative to the
    same reference and divided by the same window scale and ``target_scale``.
    Other columns are covariates, already standardised in ``series``. With
    ``n_future`` known-future covariates (the last columns), the input runs
    ``horizon`` steps past the window: those steps carry the future
    covariates, zeros for the targets and the past covariates, and a flag
    column set to 1.

    Parameters
    ----------
    series : torch.Tensor of shape (n_rows, n_columns)
        One or several series, stacked (float32).
    starts : torch.Tensor of shape (n_windows,)
        Row of ``series`` where each window starts.
    window_length, horizon, n_targets, n_future : int
        Window geometry and column roles.
    normalize : {"last", "mean", "standard", None}
        Reference of each window's target columns ("standard": the mean, and
        the window's standard deviation as its scale).
    target_mean : torch.Tensor of shape (n_targets,)
        Reference when ``normalize`` is None.
    input_scale : torch.Tensor of shape (n_targets,)
        Scale of the relative target columns of the input.
    target_scale : torch.Tensor of shape (horizon, n_targets)
        Scale of the relative targets.
    scale_floor : torch.Tensor of shape (n_targets,), default=None
        Smallest window scale with ``normalize="standard"``, so that flat
        windows are not blown up (by default 1e-6).
    with_targets : bool, default=True
        Whether the rows after each window hold targets to return.
    """

    def __init__(
        self,
        series,
        starts,
        *,
        window_length,
        horizon,
        n_targets,
        n_future,
        normalize,
        target_mean,
        input_scale,
        target_scale,
        scale_floor=None,
        with_targets=True,
    ):
        self.series = series
        self.scale_floor = (
            torch.full((n_targets,), 1e-6) if scale_floor is None else (scale_floor)
        )
        self.starts = torch.as_tensor(starts, dtype=torch.int64)
        self.window_length = window_length
        self.horizon = horizon
        self.n_targets = n_targets
        self.n_future = n_future
        self.normalize = normalize
        self.target_mean = target_mean
        self.input_scale = input_scale
        self.target_scale = target_scale
        self.with_targets = with_targets
        self.input_length = window_length + (horizon if n_future else 0)
        self.lengths = torch.full((len(self.starts),), self.input_length)
        self.fixed_length = True

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, index):
        return self.batch(torch.as_tensor([index]))

    def reference(self, target_window):
        """Return the reference of each window's targets, ``(batch, n_targets)``."""
        if self.normalize == "last":
            return target_window[:, -1]
        if self.normalize in ("mean", "standard"):
            return target_window.mean(dim=1)
        return self.target_mean.expand(len(target_window), -1)

    def window_scale(self, target_window):
        """Return each window's own scale, ``(batch, n_targets)``.

        It is 1 except with ``normalize="standard"``.
        """
        if self.normalize != "standard":
            return torch.ones(len(target_window), target_window.shape[2])
        return torch.maximum(target_window.std(dim=1), self.scale_floor)

    def batch(self, index):
        """Return ``({"X": ..., "lengths": ...}, y)`` for the windows at ``index``."""
        w, k = self.window_length, self.n_targets
        span = self.input_length + (
            self.horizon if self.with_targets and not self.n_future else 0
        )
        rows = self.starts[index].unsqueeze(1) + torch.arange(span)
        block = self.series[rows]
        reference = self.reference(block[:, :w, :k]).unsqueeze(1)
        scale = self.window_scale(block[:, :w, :k]).unsqueeze(1)
        X = block[:, : self.input_length].clone()
        X[:, :w, :k] = (block[:, :w, :k] - reference) / (scale * self.input_scale)
        if self.n_future:
            X[:, w:, : X.shape[2] - self.n_future] = 0.0
            flag = torch.zeros(X.shape[0], X.shape[1], 1)
            flag[:, w:] = 1.0
            X = torch.cat([X, flag], dim=2)
        lengths = self.lengths[: len(X)]
        if not self.with_targets:
            return {"X": X, "lengths": lengths}, None
        future = block[:, w : w + self.horizon, :k]
        y = (future - reference) / (scale * self.target_scale)
        y = y.reshape(len(X), -1)
        return {"X": X, "lengths": lengths}, y

    def subset(self, index):
        """Return a dataset of the windows at ``index``."""
        copy = object.__new__(WindowDataset)
        copy.__dict__.update(self.__dict__)
        copy.starts = self.starts[torch.as_tensor(index, dtype=torch.int64)]
        copy.lengths = torch.full((len(copy.starts),), self.input_length)
        return copy


class BatchIterator:
    """Iterate over a :class:`SequenceDataset` in batches, by slicing.

    skorch calls ``iterator(dataset, batch_size=..., **iterator_kwargs)`` once
    per fit and loops over it once per epoch; each loop draws a new order from
    torch's global generator (seeded by the estimator).

    Parameters
    ----------
    dataset : SequenceDataset
        The data.
    batch_size : int, default=32
        Sequences per batch (the last one may be smaller).
    shuffle : bool, default=False
        Draw a new random order each epoch.
    bucket : bool, default=True
        With ``shuffle`` and ragged data, group sequences of similar length
        into batches. Without ``shuffle`` the order is kept (predictions come
        back in it); sort the dataset by length first to get the same gain.
    """

    def __init__(self, dataset, batch_size=32, shuffle=False, bucket=True):
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.bucket = bucket and shuffle and not dataset.fixed_length

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def _batches(self):
        n, size = len(self.dataset), self.batch_size
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        if not self.bucket:
            return list(torch.split(order, size))
        lengths = self.dataset.lengths
        batches = []
        for part in torch.split(order, size * _BUCKET_BATCHES):
            part = part[torch.argsort(lengths[part], stable=True)]
            batches.extend(torch.split(part, size))
        return [batches[i] for i in torch.randperm(len(batches))]

    def __iter__(self):
        for index in self._batches():
            yield self.dataset.batch(index)


class FixedSplit:
    """skorch ``train_split`` that holds out fixed sample indices.

    The estimator draws the indices (stratified for a classifier) with its own
    seed; the validation part is sorted by length so that its batches waste
    no work on padding.

    Parameters
    ----------
    valid_index : array-like of int
        Indices of the validation samples.
    """

    def __init__(self, valid_index):
        self.valid_index = np.asarray(valid_index, dtype=np.int64)

    def __call__(self, dataset, y=None, **fit_params):
        """Return the training and validation datasets."""
        is_valid = np.zeros(len(dataset), dtype=bool)
        is_valid[self.valid_index] = True
        lengths = dataset.lengths.numpy()
        valid = self.valid_index[np.argsort(lengths[self.valid_index], kind="stable")]
        return dataset.subset(np.flatnonzero(~is_valid)), dataset.subset(valid)


def sort_by_length(lengths):
    """Return the permutation that sorts ``lengths`` and its inverse."""
    order = np.argsort(lengths, kind="stable")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return order, inverse
