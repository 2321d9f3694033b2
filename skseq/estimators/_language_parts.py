"""Pieces of :class:`RNNLanguageModel`: its training streams and its sampling.

The streams are a skorch dataset, iterator and callback that read the
training text as parallel streams, chunk after chunk, with the state carried
on; :func:`sample_token` draws one token of :meth:`RNNLanguageModel.generate`.
:class:`Vocabulary` is what its fitted encoder knows, as ``skseq.save``
writes it.
"""

from dataclasses import dataclass

import numpy as np
import torch
from skorch.callbacks import Callback
from torch.utils.data import Dataset

from ..preprocessing import SequenceOrdinalEncoder

__all__ = ["InOrder", "ResetState", "StreamDataset", "Vocabulary", "sample_token"]


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
    the allowed tokens uniformly. One float64 copy of the logits is worked on
    in place.
    """
    weights = np.array(logits, dtype=np.float64)
    weights[never] = -np.inf
    weights -= weights.max()
    with np.errstate(over="ignore", invalid="ignore"):  # a tiny temperature: -inf
        weights /= temperature
    weights[never] = -np.inf  # an infinite temperature made them -inf/inf: NaN
    np.exp(weights, out=weights)
    cumulative = np.cumsum(weights, out=weights)
    # "right": a draw of exactly 0 still falls on a token of non-zero weight
    draw = rng.random() * cumulative[-1]
    return int(np.searchsorted(cumulative, draw, side="right"))


def _check_distinct_sorted(tokens, name):
    if not isinstance(tokens, np.ndarray) or tokens.ndim != 1 or not len(tokens):
        raise ValueError(f"{name} must be a non-empty 1-D array.")
    if not all(isinstance(t, str) for t in tokens):
        raise ValueError(f"{name} must be strings.")
    if list(tokens) != sorted(set(tokens)):
        raise ValueError(f"{name} must be sorted and distinct.")


@dataclass(frozen=True)
class Vocabulary:
    """What a language model's fitted text encoder knows, without the encoder.

    A :class:`~skseq.preprocessing.SequenceOrdinalEncoder` fitted on text,
    with its defaults but ``split`` and ``min_frequency``, maps tokens to ids
    by its sorted tokens and the infrequent ones among them alone: the
    frequent tokens take the ids from 2 in order, the infrequent ones share
    the next, unknown ones 1. :meth:`encoder` refits one that maps alike.

    Attributes
    ----------
    split : {"char", "word"}
        How strings were cut into tokens.
    tokens : ndarray of str
        Every token seen at fit, sorted (the encoder's ``categories_``).
    infrequent : ndarray of str or None
        Those rarer than ``min_frequency`` (``infrequent_categories_``):
        some of the tokens, distinct and sorted (None where none is).
    """

    split: str
    tokens: np.ndarray
    infrequent: np.ndarray | None = None

    def __post_init__(self):
        if self.split not in ("char", "word"):
            raise ValueError(f"split must be 'char' or 'word', got {self.split!r}.")
        # each is one mapping of tokens to ids, as the encoder's fit makes it:
        # a token repeated (in either) or out of order would shift the ids
        _check_distinct_sorted(self.tokens, "tokens")
        rare = self.infrequent
        if rare is not None:
            _check_distinct_sorted(rare, "infrequent")
            if not set(rare) <= set(self.tokens):
                raise ValueError("infrequent must be some of the tokens.")

    @classmethod
    def of(cls, encoder):
        """Return the vocabulary of a fitted ``SequenceOrdinalEncoder``.

        Raises TypeError for one that it would not refit alike (other
        options than ``split`` and ``min_frequency``, or fitted on a 2-D
        array).
        """
        options = encoder.get_params()
        if (
            options["handle_unknown"] != "use_unknown"
            or options["max_categories"] is not None
            or hasattr(encoder, "n_features_in_")
        ):
            raise TypeError(
                "Cannot save a SequenceOrdinalEncoder with max_categories, "
                "handle_unknown='error' or fitted on a 2-D array."
            )
        rare = encoder.infrequent_categories_
        return cls(
            encoder.split,
            np.asarray(encoder.categories_, dtype=object),
            None if rare is None else np.asarray(rare, dtype=object),
        )

    def encoder(self):
        """Return a ``SequenceOrdinalEncoder`` that maps tokens as the fitted one.

        Fitted on the tokens, each frequent one twice and each infrequent one
        once, with ``min_frequency=2`` (None without infrequent tokens): the
        same sorted tokens, the same infrequent ones, so the same ids.
        """
        rare = [] if self.infrequent is None else list(self.infrequent)
        infrequent = set(rare)
        frequent = [token for token in self.tokens if token not in infrequent]
        encoder = SequenceOrdinalEncoder(
            split=self.split, min_frequency=2 if rare else None
        )
        return encoder.fit([np.array(frequent * 2 + rare, dtype=object)])
