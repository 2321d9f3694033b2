"""The two sides of a sequence-to-sequence task: how each reads and writes.

A side is text (strings cut into characters or words), token sequences
(lists of strings), or numeric sequences (as the other estimators read
them: steps of :data:`skseq.MASK_VALUE` are padding). :class:`SideForm` is
what a fitted :class:`RNNSeq2Seq` keeps of each side: its vocabulary (token
ids from 2; 0 is padding, 1 an unknown token) or the standardisation of its
values, and the form outputs take.
:class:`PairDataset` batches sources with their targets for the engine.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch
from torch.utils.data import Dataset

from .._engine import SequenceDataset
from .._targets import align_to_ids, long_target_ids
from ..preprocessing import SequenceOrdinalEncoder
from ..preprocessing._tokens import check_token_sequences, join_tokens
from ..utils import MASK_VALUE, check_sequences
from ..utils._long import is_long_frame
from ..utils._sklearn_compat import validate_parameter_constraints
from ._regressor import TargetScaling

__all__ = [
    "PairDataset",
    "SideForm",
    "decoding_limits",
    "read_pairs",
    "read_side",
    "scored_targets",
    "teacher_pairs",
]

KINDS = ("text", "tokens", "values")


def _is_token_input(values):
    """Whether ``values`` holds strings, or sequences of strings."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "US":
            return True
        if values.dtype != object or values.ndim != 1:
            return False  # numbers (an object array may hold ragged numbers)
    elif not isinstance(values, (list, tuple)):
        return False
    # the first item that says: a string, a typed array or a non-empty
    # sequence (an empty list reads as float64, which says nothing)
    for item in values:
        if isinstance(item, str):
            return True
        item = np.asarray(item)
        if item.dtype.kind in "OUS":
            return True
        if item.size:
            return False
    return False


class Side(NamedTuple):
    """One side of the pairs as read from the user's input.

    Its kind, its steps (tokens come as one object array) and lengths,
    whether numeric sequences had one value per step (1-D), the sequence ids
    of a long DataFrame (else None), in the sequences' order, and whether
    those ids first appear in another order.
    """

    kind: str
    steps: np.ndarray
    lengths: np.ndarray
    flat: bool
    index: pd.Index | None = None
    reordered: bool = False


def read_side(values, name, estimator, form=None):
    """Return the :class:`Side` read from ``values``, of ``form``'s kind.

    Strings are cut by the fitted ``form``'s unit, else by the estimator's.
    """
    side = _read_side(values, name, estimator, form)
    if form is not None and side.kind != form.kind:
        _refuse_kind(name, side.kind, form.kind)
    return side


def _token_kind(values):
    """Return "text" or "tokens" for token input, else None (numbers)."""
    if not _is_token_input(values):
        return None
    return "text" if all(isinstance(v, str) for v in values) else "tokens"


def _refuse_kind(name, kind, fitted):
    kinds = {"text": "strings", "tokens": "token sequences", "values": "numbers"}
    raise ValueError(
        f"{name} holds {kinds[kind]}, but the model was fitted on {kinds[fitted]}."
    )


def _read_side(values, name, estimator, form):
    unit = estimator.unit if form is None else form.unit or estimator.unit
    if isinstance(values, str):
        raise ValueError(
            f"{name} is a single string; pass a list of strings (one sequence each)."
        )
    kind = _token_kind(values)
    if kind is not None:
        flat, lengths, _ = check_token_sequences(
            list(values),
            unit,
            estimator,
            reset=False,
            allow_nan=False,
            input_name=name,
        )
        return Side(kind, flat, lengths, False)
    try:
        # steps padded with MASK_VALUE are padding, as for the other estimators
        sequences = check_sequences(values, mask_value=MASK_VALUE, input_name=name)
    except TypeError as exc:
        raise ValueError(
            f"{name} must hold strings, sequences of string tokens, or numeric "
            f"sequences; got {type(values).__name__} ({exc})."
        ) from exc
    steps = sequences.steps.astype(np.float64)
    flat = sequences.item_ndim == 1
    return Side(
        "values", steps, sequences.lengths, flat, sequences.index, sequences.reordered
    )


def decoding_limits(estimator):
    """Return the beam width and the most output steps that predict uses.

    Both are read at predict time, where ``set_params`` may have changed
    them since ``fit`` checked them: they are checked again, in
    scikit-learn's words. A ``max_output_length`` of None is the fitted
    ``max_output_length_``.
    """
    names = ("beam_width", "max_output_length")
    validate_parameter_constraints(
        {name: estimator._parameter_constraints[name] for name in names},
        {name: getattr(estimator, name) for name in names},
        caller_name=type(estimator).__name__,
    )
    limit = estimator.max_output_length or estimator.max_output_length_
    return estimator.beam_width, limit


def read_pairs(estimator, X, y):
    """Return the sides of ``X`` and ``y``, paired in order, for training.

    A long-frame ``X`` gives one source per id, in sorted id order; a ``y``
    Series indexed by the ids is lined up with them by id (see
    :func:`skseq._targets.align_to_ids`), another ``y`` is taken in that order.
    A long-frame ``y`` has the ids of ``X`` (positions where ``X`` has none).
    """
    source = read_side(X, "X", estimator)
    return source, paired_target(estimator, source, y)


def paired_target(estimator, source, y, form=None):
    """Return the side of ``y`` paired with the ``source`` side (:func:`read_pairs`).

    ``form``: the fitted target side's, where ``y`` is scored.
    """
    target = read_side(align_to_ids(y, source), "y", estimator, form)
    n_sources, n_targets = len(source.lengths), len(target.lengths)
    if n_sources != n_targets:
        raise ValueError(
            f"X and y must hold as many sequences; got {n_sources} and {n_targets}."
        )
    if target.index is not None:  # a long frame's ids, sorted as X's
        long_target_ids(target.index, source.index, n_sources, ordered=True)
    return target


def scored_targets(estimator, y, read):
    """Return ``score``'s true outputs: ``y`` lined up with ``X``'s sequences.

    ``read`` is the source side of ``X`` as read. Numeric targets (a long
    frame by (sequence id, step), arrays padded with :data:`MASK_VALUE`...)
    are read as ``fit`` reads them (:func:`paired_target`), padding dropped,
    one array per sequence, 1-D where the model's outputs are (a long frame's
    one column is one value a step). Token targets are taken as they are,
    once their kind is the fitted one (strings are never equal to lists).
    ``y`` is given (``score`` checks it before decoding).
    """
    form = estimator.target_
    if form.is_tokens and not is_long_frame(y):
        y = align_to_ids(y, read)
        kind = _token_kind(y)
        if kind != form.kind:
            _refuse_kind("y", kind or "values", form.kind)
        return y
    target = paired_target(estimator, read, y, form)
    parts = np.split(target.steps, np.cumsum(target.lengths)[:-1])
    flat = estimator.target_.scaling.ndim == 1 and target.steps.shape[1:] == (1,)
    return [part.reshape(len(part)) if flat else part for part in parts]


@dataclass(frozen=True)
class SideForm:
    """What a fitted model keeps of one side of its pairs.

    Attributes
    ----------
    kind : {"text", "tokens", "values"}
        Strings, token sequences, or numeric sequences.
    unit : {"char", "word"} or None
        How strings were cut into tokens (text sides).
    tokens : ndarray or None
        The known tokens: token ``tokens[i]`` has id ``i + 2``.
    scaling : TargetScaling or None
        Standardisation of numeric steps, per feature, and whether the
        sequences were 1-D (``ndim`` 1: one value per step).
    rare : bool
        Some tokens were rarer than ``min_frequency``: they became the
        unknown token, which is then a token like the others.
    """

    kind: str
    unit: str | None = None
    tokens: np.ndarray | None = None
    scaling: TargetScaling | None = None
    rare: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}.")
        if (self.kind == "values") == (self.tokens is not None) or (
            self.kind == "values"
        ) == (self.scaling is None):
            raise ValueError("token sides have tokens, numeric sides a scaling.")

    @classmethod
    def fit(cls, side, unit, min_frequency, name):
        """Learn the vocabulary (through the ordinal encoder) or the scaling.

        Of ``side``, a :class:`Side` as :func:`read_side` reads it.
        """
        kind, steps = side.kind, side.steps
        if kind == "values":
            return cls(kind, scaling=TargetScaling.fit(steps, 1 if side.flat else 2))
        encoder = SequenceOrdinalEncoder(split=unit, min_frequency=min_frequency)
        encoder.fit([steps])
        rare = encoder.infrequent_categories_
        tokens = encoder.categories_
        if rare is not None:
            tokens = tokens[~np.isin(tokens, rare)]
        if not len(tokens):
            raise ValueError(
                f"No token of {name} is seen at least min_frequency={min_frequency} "
                "times; lower min_frequency."
            )
        return cls(
            kind,
            unit=unit if kind == "text" else None,
            tokens=np.asarray(tokens, dtype=object),
            rare=rare is not None and len(rare) > 0,
        )

    @property
    def is_tokens(self):
        """Whether the side holds tokens."""
        return self.kind != "values"

    @property
    def size(self):
        """Ids in use (padding, unknown, tokens), or values per step."""
        return len(self.tokens) + 2 if self.is_tokens else len(self.scaling.mean)

    def encode(self, steps, name):
        """Token ids (unknown tokens get 1), or standardised float32 values."""
        if self.is_tokens:
            codes = pd.Index(self.tokens).get_indexer(steps)
            return np.where(codes < 0, 1, codes + 2).astype(np.int64)
        if steps.shape[1] != self.size:
            raise ValueError(
                f"{name} has {steps.shape[1]} features per step, but the model was "
                f"fitted on {self.size}."
            )
        return self.scaling.transform(steps, name)

    def decode(self, ids):
        """One output in the user's form, from ids or standardised values."""
        if not self.is_tokens:
            return self.scaling.inverse_transform(ids)
        known = np.asarray(ids) - 2
        tokens = [self.tokens[i] if i >= 0 else None for i in known.tolist()]
        if self.kind == "tokens":
            return np.array(tokens, dtype=object)
        return join_tokens(tokens, self.unit)


class PairDataset(Dataset):
    """Sources and, for training, their targets, batched together.

    ``target`` holds the decoder inputs as steps and the outputs to learn as
    per-step targets (a :class:`SequenceDataset` with ``per_step=True``).
    """

    def __init__(self, source, target=None):
        self.source = source
        self.target = target
        self.lengths = source.lengths
        self.fixed_length = source.fixed_length

    def __len__(self):
        return len(self.source)

    def batch(self, index):
        """Return ``(inputs, target)`` of the pairs at ``index``."""
        index = torch.as_tensor(index)
        inputs = {"X": self.source.padded(index), "lengths": self.lengths[index]}
        if self.target is None:
            return inputs, None
        decoder, target = self.target.batch(index)
        inputs.update(y_in=decoder["X"], y_lengths=decoder["lengths"])
        return inputs, target

    def __getitem__(self, index):
        return self.batch([index])

    def subset(self, index):
        """Return the pairs at ``index``."""
        target = None if self.target is None else self.target.subset(index)
        return PairDataset(self.source.subset(index), target)


def teacher_pairs(form, encoded, lengths, start, end):
    """Return the decoder inputs and outputs of each target, one step apart.

    Token targets read ``start, y_1, ..., y_n`` and learn ``y_1, ..., y_n,
    end``; numeric ones read the previous step (a start flag first) and learn
    each step with an end flag that is 1 at the last.
    """
    offsets = np.cumsum(lengths) - lengths
    if form.is_tokens:
        inputs = np.insert(encoded, offsets, start)
        outputs = np.insert(encoded, offsets + lengths, end)
        return SequenceDataset(inputs, lengths + 1, outputs, per_step=True)
    width = encoded.shape[1]
    outputs = np.zeros((len(encoded), width + 1), dtype=np.float32)
    outputs[:, :width] = encoded
    outputs[offsets + lengths - 1, width] = 1.0
    inputs = np.roll(outputs, 1, axis=0)
    inputs[:, width] = 0.0
    inputs[offsets] = 0.0
    inputs[offsets, width] = 1.0
    return SequenceDataset(inputs, lengths, outputs, per_step=True)
