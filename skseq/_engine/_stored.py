"""Batches read from stored sequences, scaled as they are read.

In memory, a :class:`~skseq._engine.SequenceDataset` holds every step,
standardised once per fit. Out of core, :class:`StoredDataset` holds only the
lengths, targets and weights: each batch reads its sequences from the
:class:`~skseq.io.StoredSequences` and standardises them then, with the same
arithmetic, so that a model trained from a store equals one trained from the
same data in memory (same seed, same batches, same values).
"""

import numpy as np
import torch

from ..utils._stored import StoredSequences
from ._data import SequenceDataset

__all__ = ["StoredDataset", "input_dataset"]


class StoredDataset(SequenceDataset):
    """Sequences read from their store a batch at a time.

    Parameters
    ----------
    store : StoredSequences
        The sequences.
    scale : callable
        ``scale(steps, lengths)`` returns the raw steps of whole sequences as
        the network reads them (:meth:`skseq._input.FittedInput.scale_rows`).
    y, sample_weight : ndarray, default=None
        One target and weight per sequence of ``index``; with ``per_step``,
        one per step of those sequences, sequence after sequence (in memory:
        one value per step, where a step holds many features).
    index : ndarray of int, default=None
        The stored sequences this dataset holds, in its order (all of them by
        default).
    per_step : bool, default=False
        Whether ``y`` and ``sample_weight`` hold one value per step.
    """

    def __init__(
        self, store, scale, y=None, sample_weight=None, index=None, per_step=False
    ):
        self.store, self.scale, self.per_step = store, scale, per_step
        if index is None:
            index = np.arange(store.n_sequences)
        self.index = np.asarray(index, dtype=np.int64)
        self.lengths = torch.as_tensor(store.lengths[self.index])
        self.fixed_length = bool((self.lengths == self.lengths[0]).all())
        self.offsets = torch.cumsum(self.lengths, 0) - self.lengths
        self.y = None if y is None else torch.as_tensor(y)
        self.sample_weight = (
            None if sample_weight is None else torch.as_tensor(sample_weight)
        )
        if per_step:  # held as SequenceDataset holds them
            self.y = None if y is None else self._store(self.y)
            if sample_weight is not None:
                self.sample_weight = self._store(self.sample_weight)

    def padded(self, index):
        """Return the sequences at ``index``, read, scaled and post-padded."""
        index = torch.as_tensor(index).reshape(-1).numpy()
        steps, lengths = self.store.read(self.index[index])
        batch = SequenceDataset(self.scale(steps, lengths), lengths)
        return batch.padded(torch.arange(len(lengths)))

    def subset(self, index):
        """Return a new dataset holding the samples at ``index``."""
        index = torch.as_tensor(index, dtype=torch.int64)
        if self.per_step:
            lengths = self.lengths[index]
            shift = self.offsets[index] - (torch.cumsum(lengths, 0) - lengths)
            rows = torch.repeat_interleave(shift, lengths) + torch.arange(
                int(lengths.sum())
            )
            y = self._flat(self.y, index, rows)
            weight = self._flat(self.sample_weight, index, rows)
        else:
            y = None if self.y is None else self.y[index]
            weight = None if self.sample_weight is None else self.sample_weight[index]
        return StoredDataset(
            self.store, self.scale, y, weight, self.index[index.numpy()], self.per_step
        )


def input_dataset(fitted_input, sequences, y=None, sample_weight=None, per_step=False):
    """Return the dataset the network reads ``sequences`` from.

    Parameters
    ----------
    fitted_input : FittedInput
        The standardisation.
    sequences : Sequences
        Validated input, in memory or stored (its ``steps`` a
        :class:`~skseq.io.StoredSequences`).
    y, sample_weight : ndarray, default=None
        Targets and weights (one per sequence, or per step with ``per_step``).
    per_step : bool, default=False
        Whether the targets are per step.

    Returns
    -------
    SequenceDataset or StoredDataset
    """
    if isinstance(sequences.steps, StoredSequences):
        return StoredDataset(
            sequences.steps,
            fitted_input.scale_rows,
            y,
            sample_weight,
            per_step=per_step,
        )
    return SequenceDataset(
        fitted_input.scaled(sequences), sequences.lengths, y, sample_weight, per_step
    )
