"""Pieces of :class:`RNNLanguageModel`: its training streams and its sampling.

The streams are a skorch dataset, iterator and callback that read the
training text as parallel streams, chunk after chunk, with the state carried
on; :func:`sample_token` draws one token of :meth:`RNNLanguageModel.generate`.
"""

import numpy as np
import torch
from skorch.callbacks import Callback
from torch.utils.data import Dataset

__all__ = ["InOrder", "ResetState", "StreamDataset", "sample_token"]


class StreamDataset(Dataset):
    """Parallel streams cut into consecutive chunks of ``bptt_steps``."""

    def __init__(self, stream, n_streams, bptt_steps):
        length = (len(stream) - 1) // n_streams
        stream = torch.as_tensor(stream[: n_streams * length + 1])
        self.inputs = stream[:-1].reshape(n_streams, length)
        self.targets = stream[1:].reshape(n_streams, length)
        self.bptt_steps = bptt_steps
        self.lengths = torch.full((len(self),), n_streams)
        self.fixed_length = True

    def __len__(self):
        return -(-self.inputs.shape[1] // self.bptt_steps)

    def batch(self, index):
        start = int(index[0]) * self.bptt_steps
        chunk = slice(start, start + self.bptt_steps)
        X, y = self.inputs[:, chunk], self.targets[:, chunk]
        lengths = torch.full((len(X),), X.shape[1])
        return {"X": X, "lengths": lengths}, {
            "target": y,
            "weight": None,
            "lengths": lengths,
        }


class InOrder:
    """skorch iterator over a stream's chunks, in order (the state carries on)."""

    def __init__(self, dataset, **kwargs):
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    def __iter__(self):
        for index in range(len(self.dataset)):
            yield self.dataset.batch([index])


class ResetState(Callback):
    """Each epoch reads the streams from their start."""

    def on_epoch_begin(self, net, **kwargs):
        net.module_.reset_state()


def sample_token(logits, temperature, never, rng):
    """Draw a token id with probabilities ``softmax(logits / temperature)``.

    ``never`` lists the ids never drawn; ``rng`` is a numpy ``Generator``.
    The largest allowed logit is subtracted before dividing by the
    temperature, so that a temperature near 0 picks the likeliest token
    instead of overflowing (``inf - inf`` is NaN), and an infinite one draws
    the allowed tokens uniformly.
    """
    logits = np.asarray(logits, dtype=np.float64)
    allowed = np.ones(len(logits), dtype=bool)
    allowed[never] = False
    with np.errstate(over="ignore"):  # a tiny temperature: -inf, weight 0
        scaled = (logits - logits[allowed].max()) / temperature
    scaled[~allowed] = -np.inf
    cumulative = np.cumsum(np.exp(scaled))
    # "right": a draw of exactly 0 still falls on a token of non-zero weight
    draw = rng.random() * cumulative[-1]
    return int(np.searchsorted(cumulative, draw, side="right"))
