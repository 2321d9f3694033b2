"""Tensors built once per fit, and batches gathered from them.

skorch's default path builds every batch from per-sample ``__getitem__``
calls and a collate step; on small recurrent networks that is a large part of
an epoch. Here a :class:`SequenceDataset` holds every step of every sequence
in one tensor, and :class:`BatchIterator` (handed to skorch as
``iterator_train`` and ``iterator_valid``) yields each batch as one gather
from it, padded to the batch's own longest sequence.

Memory follows each batch's own length: sequences of similar lengths are
batched together (within chunks of a hundred batches, sorted by length), and
a batch whose padded size would exceed twice what a typical batch holds is
split, so one very long sequence does not pad a whole batch to its length.
"""

import math

import numpy as np
import torch
from torch.utils.data import Dataset

__all__ = [
    "BatchIterator",
    "FixedSplit",
    "SequenceDataset",
    "budget_batches",
    "sort_by_length",
    "step_budget",
]

# batches per chunk that is sorted by length: big enough that batches hold
# similar lengths, small enough that batch contents still vary between epochs
_BUCKET_BATCHES = 100


class SequenceDataset(Dataset):
    """Sequences (their steps, concatenated), lengths, targets and weights.

    Parameters
    ----------
    steps : ndarray or torch.Tensor
        Every step of every sequence, sequence after sequence:
        ``(total_steps, n_features)`` float32 or ``(total_steps,)`` int64.
    lengths : ndarray or torch.Tensor of shape (n,)
        Steps per sequence.
    y : ndarray or torch.Tensor, default=None
        Targets: first axis ``n`` (one per sequence), or ``total_steps``
        (one per step, aligned with ``steps``) with ``per_step``.
    sample_weight : ndarray or torch.Tensor, default=None
        Weights of the loss, one per target.
    per_step : bool, default=False
        Whether ``y`` and ``sample_weight`` hold one value per step; batches
        then pad them like the steps and give the loss the lengths.
    """

    def __init__(self, steps, lengths, y=None, sample_weight=None, per_step=False):
        self.lengths = torch.as_tensor(lengths, dtype=torch.int64)
        self.per_step = per_step
        self.fixed_length = bool((self.lengths == self.lengths[0]).all())
        self.offsets = torch.cumsum(self.lengths, 0) - self.lengths
        self.X = self._store(steps)
        self.y = None if y is None else torch.as_tensor(y)
        self.sample_weight = (
            None if sample_weight is None else torch.as_tensor(sample_weight)
        )
        if per_step:
            self.y = None if y is None else self._store(self.y)
            self.sample_weight = (
                None if sample_weight is None else self._store(self.sample_weight)
            )

    def _store(self, flat):
        """Hold per-step values: one padded tensor if all lengths are equal."""
        if isinstance(flat, np.ndarray) and not flat.flags.writeable:
            flat = np.array(flat)  # read-only (a memmap): torch needs its own
        flat = torch.as_tensor(flat)
        if not self.fixed_length:
            return flat
        return flat.reshape((len(self.lengths), int(self.lengths[0])) + flat.shape[1:])

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, index):
        return self.batch(torch.as_tensor([index]))

    def _padded(self, stored, index):
        """Return the per-step values at ``index``, zero-padded to the longest."""
        if self.fixed_length:
            return stored[index]
        lengths = self.lengths[index]
        position = torch.arange(int(lengths.max()))
        valid = position < lengths.unsqueeze(1)
        rows = torch.where(valid, self.offsets[index].unsqueeze(1) + position, 0)
        values = stored[rows]
        mask = valid.reshape(valid.shape + (1,) * (values.ndim - 2))
        return values.masked_fill_(~mask, 0)

    def padded(self, index):
        """Return the sequences at ``index``, post-padded to the longest."""
        return self._padded(self.X, index)

    def batch(self, index):
        """Return ``(X, y)`` for the samples at ``index`` as skorch expects.

        ``X`` is the dict ``{"X": ..., "lengths": ...}`` given to the module
        as keyword arguments, padded to the longest sequence of the batch.
        ``y`` is the target, ``(target, weight)`` when there are weights, or
        None.
        """
        lengths = self.lengths[index]
        inputs = {"X": self.padded(index), "lengths": lengths}
        if self.per_step:
            if self.y is None:
                return inputs, None
            weight = self.sample_weight
            return inputs, {
                "target": self._padded(self.y, index),
                "weight": None if weight is None else self._padded(weight, index),
                "lengths": lengths,
            }
        y = None if self.y is None else self.y[index]
        if self.sample_weight is not None:
            y = (y, self.sample_weight[index])
        return inputs, y

    def _flat(self, stored, index, rows):
        """Return the per-step values of the samples at ``index``, concatenated."""
        if stored is None:
            return None
        if self.fixed_length:
            return stored[index].reshape((-1,) + tuple(stored.shape[2:]))
        return stored[rows]

    def subset(self, index):
        """Return a new dataset holding the samples at ``index``."""
        index = torch.as_tensor(index, dtype=torch.int64)
        lengths = self.lengths[index]
        shift = self.offsets[index] - (torch.cumsum(lengths, 0) - lengths)
        rows = torch.repeat_interleave(shift, lengths) + torch.arange(
            int(lengths.sum())
        )
        if self.per_step:
            y = self._flat(self.y, index, rows)
            weight = self._flat(self.sample_weight, index, rows)
        else:
            y = None if self.y is None else self.y[index]
            weight = None if self.sample_weight is None else self.sample_weight[index]
        return SequenceDataset(
            self._flat(self.X, index, rows), lengths, y, weight, self.per_step
        )


def step_budget(lengths, batch_size):
    """Return the padded steps a batch may hold: twice a typical full batch.

    Typical is the 99th percentile, so only batches that hold sequences far
    longer than nearly all others are split.
    """
    typical = float(np.quantile(np.asarray(lengths), 0.99))
    return int(batch_size * max(2 * typical, 1))


def budget_batches(order, lengths, batch_size, max_steps):
    """Cut ``order`` into batches of ``batch_size``, split where too big.

    A batch whose size times its longest length exceeds ``max_steps`` is cut
    into consecutive pieces that fit (a single sequence always forms a batch
    of its own), so the order is kept.
    """
    batches = []
    for batch in torch.split(order, batch_size):
        batch_lengths = lengths[batch]
        if len(batch) * int(batch_lengths.max()) <= max_steps:
            batches.append(batch)
            continue
        start, longest = 0, 0
        for end, length in enumerate(batch_lengths.tolist()):
            longest = max(longest, length)
            if end > start and (end - start + 1) * longest > max_steps:
                batches.append(batch[start:end])
                start, longest = end, length
        batches.append(batch[start:])
    return batches


class BatchIterator:
    """Iterate over a :class:`SequenceDataset` in batches.

    skorch calls ``iterator(dataset, batch_size=..., **iterator_kwargs)`` once
    per fit and loops over it once per epoch; each loop draws a new order from
    torch's global generator (seeded by the estimator).

    Parameters
    ----------
    dataset : SequenceDataset
        The data.
    batch_size : int, default=32
        Sequences per batch (the last one may be smaller; batches holding far
        longer sequences than the rest are smaller too).
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
        self.max_steps = (
            None
            if dataset.fixed_length
            else step_budget(dataset.lengths.numpy(), self.batch_size)
        )
        # set by the net in data-parallel training: yield this rank's share,
        # ordered by a generator of the iterator's own (dropout draws from
        # the global one as much as each rank's batches ask, so it differs)
        self.world = None
        self.generator = None

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def _batches(self):
        n, size = len(self.dataset), self.batch_size
        order = (
            torch.randperm(n, generator=self.generator)
            if self.shuffle
            else torch.arange(n)
        )
        if self.max_steps is None:
            return list(torch.split(order, size))
        lengths = self.dataset.lengths
        if not self.bucket:
            return budget_batches(order, lengths, size, self.max_steps)
        batches = []
        for part in torch.split(order, size * _BUCKET_BATCHES):
            part = part[torch.argsort(lengths[part], stable=True)]
            batches.extend(budget_batches(part, lengths, size, self.max_steps))
        return [
            batches[i] for i in torch.randperm(len(batches), generator=self.generator)
        ]

    def __iter__(self):
        batches = self._batches()
        if self.world is not None:
            batches = self.world.share(batches)
        for index in batches:
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
