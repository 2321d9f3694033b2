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
