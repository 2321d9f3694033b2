"""What a sequence estimator learns of its input, and how it feeds the network.

:class:`FittedInput` holds the form of ``X`` at fit, the standardisation of
its numeric features (float64), and the vocabularies of its token columns:
all of ``X`` (``embedding_dim`` alone: ``X`` holds token ids) or some of its
columns (``categorical_features``: a word id, a suffix id... next to numeric
features such as capitalisation flags). Each token column gets its own
embedding in the network.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from .utils._stored import StoredSequences, block_steps
from .utils.validation import InputSpec

__all__ = [
    "AUTO_LENGTH",
    "FittedInput",
    "check_token_ids",
    "is_long",
    "refuse_masked_steps",
    "safe_scale",
    "unequal_weights",
]

# numeric sequences this long (this share of them at fit) read as shapes
AUTO_LENGTH, AUTO_SHARE = 100, 0.25

# a learned vocabulary this large must be dense: ids up to 10x the ids used
_LARGE_VOCAB = 2**16


def is_long(sequences):
    """Whether ``X`` holds numeric sequences long enough to read as shapes.

    What the "auto" defaults of the classifier key on: a convolutional front
    end and per-sequence standardisation for such input, where a quarter of
    the sequences or more are long: a few long ones do not change how the
    short ones are read (one sequence of 100 steps among 120 of 5 to 19 had
    set held-out R2 from 0.99 to -0.25, their levels lost to per-sequence
    scaling), and a set of many long ones is not read raw (slowly).
    """
    if sequences.is_tokens:
        return False
    return np.mean(sequences.lengths >= AUTO_LENGTH) >= AUTO_SHARE


def safe_scale(std, mean=0.0):
    """Return ``std`` with the scales of constant values set to 1.

    A value is constant when its spread is zero up to float64 rounding of its
    mean; tiny but real spreads (1e-7) are kept and scaled.
    """
    std = np.asarray(std, dtype=np.float64)
    bound = 10 * np.finfo(np.float64).eps * np.abs(np.asarray(mean, dtype=np.float64))
    return np.where(std > np.maximum(bound, np.finfo(np.float64).tiny), std, 1.0)


def unequal_weights(weights):
    """Return ``weights`` (float64), or None where all are equal or None.

    Equal weights give the unweighted statistics, computed as without them.
    """
    if weights is None or np.ptp(weights) == 0:
        return None
    return np.asarray(weights, dtype=np.float64)


def column_stats(steps, weights=None, lengths=None):
    """Return the mean and standard deviation of each column of ``steps``.

    Computed in float64 a block (:func:`~skseq.utils._stored.block_steps`) at a time
    (blocks merged by Chan, Golub and LeVeque's update), so that in-memory
    and stored steps give the same figures without a full-size copy.
    ``weights`` (one per sequence of ``lengths`` steps, or None) weighs each
    sequence's steps: a sequence of weight 0 counts as if it were left out.
    """
    weights = unequal_weights(weights)
    if weights is not None:
        ends = np.cumsum(lengths)
    if isinstance(steps, StoredSequences):
        blocks = steps.blocks()
    else:
        size = block_steps(steps.shape[1])
        blocks = (steps[i : i + size] for i in range(0, len(steps), size))
    count, mean, m2, start = 0, None, None, 0
    for block in blocks:
        if weights is None:
            n = len(block)
            block_mean = block.mean(axis=0, dtype=np.float64)
            block_m2 = ((block - block_mean) ** 2).sum(axis=0)
        else:
            steps_at = np.arange(start, start + len(block))
            w = weights[np.searchsorted(ends, steps_at, side="right"), None]
            start, n = start + len(block), w.sum()
            if n == 0:
                continue
            block_mean = (block * w).sum(axis=0) / n
            block_m2 = (w * (block - block_mean) ** 2).sum(axis=0)
        if count == 0:
            count, mean, m2 = n, block_mean, block_m2
            continue
        delta, total = block_mean - mean, count + n
        mean = mean + delta * (n / total)
        m2 = m2 + block_m2 + delta**2 * (count * n / total)
        count = total
    return mean, np.sqrt(m2 / count)


def learned_vocab_size(ids, name="X"):
    """Largest id + 1, refused when the ids are too sparse to embed densely."""
    size = int(ids.max()) + 1 if ids.size else 2
    used = len(np.unique(ids))
    if size > _LARGE_VOCAB and size > 10 * used:
        raise ValueError(
            f"{name} holds token ids up to {size - 1} but only {used} distinct ones; "
            f"an embedding of {size} rows would be mostly unused memory. Number "
            "the tokens densely from 2 with skseq.preprocessing."
            "SequenceOrdinalEncoder, or set vocab_size explicitly."
        )
    return max(size, 2)


def check_token_ids(ids, vocab_size, name, where="X"):
    """Ids must lie below the vocabulary size of their embedding."""
    too_big = np.unique(ids[ids >= vocab_size])
    if len(too_big):
        shown = ", ".join(str(int(i)) for i in too_big[:5])
        more = f" and {len(too_big) - 5} more" if len(too_big) > 5 else ""
        raise ValueError(
            f"{where} holds token ids {shown}{more} that are not below "
            f"{name} ({vocab_size}). Token ids must lie in [0, {vocab_size - 1}]; "
            "map unseen tokens to the unknown id (1) with "
            "skseq.preprocessing.SequenceOrdinalEncoder, or set a larger "
            "vocab_size."
        )


def _column_vocab(ids, column, vocab_size):
    """Return a categorical column's vocabulary size: given, or learned."""
    if vocab_size is None:
        return learned_vocab_size(ids, f"column {column}")
    check_token_ids(ids, vocab_size, "vocab_size", where=f"Column {column} of X")
    return vocab_size


def categorical_ids(steps, column):
    """Return the ids of a token column of float steps (integers >= 0)."""
    values = steps[:, column]
    if not np.array_equal(values, np.round(values)) or (values < 0).any():
        raise ValueError(
            f"Column {column} of X is a categorical feature but holds values that "
            "are not integer ids >= 0 (0 meaning none); map categories to ids "
            "with skseq.preprocessing.SequenceOrdinalEncoder."
        )
    if values.size and values.max() >= 2**31:
        raise ValueError(f"Column {column} of X holds ids of 2**31 or more.")
    return values.astype(np.int64)


def refuse_masked_steps(sequences, mask_value):
    """pooling='flatten' reads every step: none may be ``mask_value`` padding."""
    if sequences.is_tokens or mask_value is None:
        return
    steps = sequences.steps
    blocks = steps.blocks() if isinstance(steps, StoredSequences) else [steps]
    if any(np.all(b == b.dtype.type(mask_value), axis=1).any() for b in blocks):
        raise ValueError(
            f"pooling='flatten' reads every step, padding included, but X has "
            f"steps padded with mask_value={mask_value}. Pad with a neutral "
            "value instead (SequencePadder(value=0.0)) or choose pooling='max'."
        )


def _check_float32(out, standardised=True):
    """Return ``out``, refused if the float32 cast overflowed."""
    if not np.isfinite(out).all():
        advice = (
            "even standardised: X lies far beyond the values the model was fitted on"
            if standardised
            else "set standardize=True or rescale X"
        )
        raise ValueError(
            "X holds values beyond the range of float32, which the network "
            f"computes in ({advice})."
        )
    return out


@dataclass(frozen=True)
class FittedInput:
    """What a fitted sequence estimator knows of its input.

    Attributes
    ----------
    spec : InputSpec
        The form of ``X`` at fit.
    mean, scale : ndarray of shape (n_channels,)
        Per-feature standardisation (zeros and ones when off, for tokens and
        for categorical columns).
    max_length : int or None
        The one sequence length of ``pooling="flatten"``.
    vocab_size : int or None
        Number of token ids when ``X`` holds token ids.
    categorical : tuple of int
        Columns of ``X`` that hold token ids, each embedded.
    categorical_sizes : tuple of int
        Number of ids of each of those columns.
    per_sequence : bool
        Whether each sequence is standardised by its own mean and standard
        deviation over its valid steps (``standardize="sequence"``).
    mask_value : float or None
        Steps whose features all equal it are padding (``mask_value`` at fit).
    """

    spec: InputSpec
    mean: np.ndarray
    scale: np.ndarray
    max_length: int | None = None
    vocab_size: int | None = None
    categorical: tuple = ()
    categorical_sizes: tuple = ()
    per_sequence: bool = False
    mask_value: float | None = None

    def __post_init__(self):
        shape = (self.spec.n_channels,)
        if np.shape(self.mean) != shape or np.shape(self.scale) != shape:
            raise ValueError(
                f"The input scaling must hold {shape[0]} values per feature, got "
                f"mean {np.shape(self.mean)} and scale {np.shape(self.scale)}."
            )
        if len(self.categorical) != len(self.categorical_sizes) or not all(
            0 <= c < shape[0] for c in self.categorical
        ):
            raise ValueError("Invalid categorical columns of the input.")

    @classmethod
    def fit(
        cls,
        sequences,
        *,
        standardize,
        vocab_size,
        categorical,
        keep_length,
        mask_value,
        sample_weight=None,
    ):
        """Learn the standardisation and the vocabularies from training input.

        ``sample_weight`` (one per sequence, or None) weighs each sequence's
        steps in the standardisation, as in the training loss.
        """
        n_features = sequences.n_channels
        mean, scale = np.zeros(n_features), np.ones(n_features)
        if standardize == "auto":
            standardize = "sequence" if is_long(sequences) else True
        per_sequence = standardize == "sequence" and not sequences.is_tokens
        if standardize and not per_sequence and not sequences.is_tokens:
            mean, std = column_stats(sequences.steps, sample_weight, sequences.lengths)
            scale = safe_scale(std, mean)
            mean[list(categorical)], scale[list(categorical)] = 0.0, 1.0
        token_vocab = None
        if sequences.is_tokens:
            token_vocab = vocab_size or learned_vocab_size(sequences.steps)
        names = sequences.feature_names
        sizes = tuple(
            _column_vocab(
                categorical_ids(sequences.steps, c),
                c if names is None else repr(names[c]),
                vocab_size,
            )
            for c in categorical
        )
        return cls(
            sequences.spec,
            mean,
            scale,
            sequences.max_length if keep_length else None,
            token_vocab,
            tuple(categorical),
            sizes,
            per_sequence,
            mask_value,
        )

    def upgraded(self, mask_value):
        """Return this input, given ``mask_value`` if it was pickled without one.

        A model pickled before the fitted input held it read ``X`` with its
        ``mask_value`` parameter (as format-2 files do; see skseq.load).
        """
        if "mask_value" in vars(self):
            return self
        return dataclasses.replace(self, mask_value=mask_value)

    def check(self, sequences, name="vocab_size_"):
        """Check the token ids of new input against the vocabularies."""
        if sequences.is_tokens:
            check_token_ids(sequences.steps, self.vocab_size, name)
        for column, size in zip(self.categorical, self.categorical_sizes, strict=True):
            ids = categorical_ids(sequences.steps, column)
            check_token_ids(ids, size, f"the vocabulary of column {column}")

    def module_params(self):
        """Return what the network needs to know of its input."""
        return {
            "input_size": self.spec.n_channels,
            "num_embeddings": self.vocab_size,
            "categorical_features": list(self.categorical) or None,
            "categorical_sizes": list(self.categorical_sizes) or None,
        }

    def scaled(self, sequences):
        """Return the steps standardised in float64, as float32 for the network."""
        if sequences.is_tokens:
            return sequences.steps
        if self.per_sequence:  # global mean and scale are 0 and 1 then
            return _check_float32(self._each_standardised(sequences))
        return self.scaled_steps(sequences.steps)

    def scale_rows(self, steps, lengths):
        """Return the steps of whole sequences as the network reads them.

        Parameters
        ----------
        steps : ndarray
            Valid steps of the sequences, raw, sequence after sequence.
        lengths : ndarray of int
            Their lengths.

        Returns
        -------
        ndarray
            float32 standardised steps (token ids unchanged), the same values
            :meth:`scaled` gives for these sequences.
        """
        if steps.ndim == 1:
            return steps
        if self.per_sequence:
            with np.errstate(over="ignore"):
                out = self._standardised_group(steps, lengths).astype(np.float32)
            return _check_float32(out)
        return self.scaled_steps(steps)

    def scaled_steps(self, steps):
        """Return numeric steps standardised globally, as float32 for the network.

        Parameters
        ----------
        steps : ndarray of shape (n_steps, n_features)
            Valid steps (no padding), raw.

        Raises
        ------
        ValueError
            When a standardised value lies beyond the range of float32.
        """
        if not self.mean.any() and np.all(self.scale == 1.0):
            with np.errstate(over="ignore"):
                return _check_float32(steps.astype(np.float32), standardised=False)
        out = np.empty(steps.shape, dtype=np.float32)
        size = block_steps(steps.shape[1])
        for start in range(0, len(steps), size):
            chunk = steps[start : start + size]
            with np.errstate(over="ignore"):
                out[start : start + size] = (chunk - self.mean) / self.scale
        return _check_float32(out)

    def _each_standardised(self, sequences):
        """Return float32 steps, each sequence's numeric features at mean 0, sd 1.

        Whole sequences are standardised in float64, a block of steps at a
        time (a longer sequence alone).
        """
        steps, lengths = sequences.steps, np.asarray(sequences.lengths)
        ends = np.cumsum(lengths)
        starts = ends - lengths
        out = np.empty(steps.shape, dtype=np.float32)
        first = 0
        while first < len(lengths):
            bound = starts[first] + block_steps(steps.shape[1])
            last = max(first + 1, int(np.searchsorted(ends, bound, side="right")))
            rows = slice(starts[first], ends[last - 1])
            out[rows] = self._standardised_group(steps[rows], lengths[first:last])
            first = last
        return out

    def _standardised_group(self, steps, lengths):
        steps = steps.astype(np.float64)
        owner = np.repeat(np.arange(len(lengths)), lengths)
        counts = np.maximum(lengths, 1)
        for column in range(steps.shape[1]):
            if column in self.categorical:
                continue
            values = steps[:, column]
            mean = np.bincount(owner, values, len(lengths)) / counts
            centred = values - mean[owner]
            std = np.sqrt(np.bincount(owner, centred**2, len(lengths)) / counts)
            steps[:, column] = centred / safe_scale(std, mean)[owner]
        return steps
