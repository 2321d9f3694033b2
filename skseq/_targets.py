"""The targets ``y`` of sequences: given, one per sequence, lined up by id.

A ``y`` Series or DataFrame indexed by the ids of a long-frame ``X`` is
reordered like its sequences (:func:`align_to_ids`); the classifier,
regressor, per-step estimators and sequence-to-sequence pairs read it so.
"""

import pandas as pd

from .utils._long import is_long_frame
from .utils._warnings import warn

__all__ = [
    "align_to_ids",
    "check_same_length",
    "check_y_given",
    "long_target_ids",
    "warn_if_reordered",
]


def check_y_given(estimator, y):
    """Refuse a missing ``y`` in scikit-learn's words."""
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y "
            "is None."
        )


def check_same_length(sequences, y):
    """One target per sequence."""
    if len(y) != sequences.n_samples:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: X has "
            f"{sequences.n_samples} sequences but y has {len(y)} targets; give one "
            "target per sequence."
        )


def long_target_ids(ids, index, n_sequences, ordered=False):
    """Return the ids a long-frame ``y`` must have: ``X``'s, as ``X`` orders them.

    ``ids`` are ``y``'s sequence ids (level 0 of its index, each once), in
    ``X``'s order where ``ordered`` (else in any); ``index`` and
    ``n_sequences`` are ``X``'s ids (None where ``X``'s sequences are known
    by position only: then ``y``'s ids are the positions) and its number of
    sequences.
    """
    expected = pd.RangeIndex(n_sequences) if index is None else index
    if ordered:
        if pd.Index(ids).equals(expected):
            return expected
    elif len(ids) == len(expected) and set(ids) == set(expected):
        return expected
    what = (
        "the ids of X's sequences"
        if index is not None
        else f"the positions 0 to {n_sequences - 1}, as X's sequences have no ids "
        "(X is not a long frame, or one whose ids are positions, as "
        "to_long_format makes it without ids)"
    )
    fix = (
        "Give y the ids of X"
        if index is not None
        else f"Give y the ids 0 to {n_sequences - 1} (X's sequences in order)"
    )
    raise ValueError(
        f"y is a long frame indexed by (sequence id, time), so y's ids must be "
        f"{what}; they differ, and targets would be paired with the wrong "
        f"sequences. {fix}, or y as a list in the order of X's sequences."
    )


def warn_if_reordered(sequences):
    """Warn that targets or weights given without ids are paired in id order.

    A long-frame ``X`` is read one sequence per id in sorted id order (as
    ``predict`` returns them); where its ids first appear in another order,
    a ``y`` in the frame's order would be paired with the wrong sequences.
    ``sequences`` is what ``X`` was read into (its ``reordered`` flag).
    """
    if sequences.reordered:
        ids = ", ".join(map(repr, sequences.index[:3].tolist()))
        warn(
            f"X's sequences are read in sorted id order ({ids}, ...), which is not "
            "the order in which their ids first appear in X; a y or sample_weight "
            "without ids (an array, a list) is paired with them in sorted id order, "
            "right only if it is in that order. Pass y (and sample_weight) as a "
            "pandas Series indexed by the sequence ids to pair them by id."
        )


def align_to_ids(y, sequences):
    """Order the rows of a ``y`` indexed by sequence ids like the sequences.

    ``y`` is a Series or a DataFrame (one column per output). A ``y``
    indexed by some of the ids, not the same ones (a fold of ``y`` in another
    order than ``X``), is refused; integer labels against integer ids are
    positions (folds of a plain ``pd.Series(y)``), paired so, as are integer
    labels none of which is an id. Other labels that are no id, and the ids
    in another type (as strings, or string ids as integers), are refused:
    pairing them by position would ignore the order they give. A ``y``
    paired by position with the sequences of a long frame whose ids are not
    in sorted order is warned about (:func:`warn_if_reordered`).
    """
    if sequences.index is None or y is None:
        return y
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        warn_if_reordered(sequences)
        return y
    if is_long_frame(y):  # its own ids, read later
        return y
    ids, labels = set(sequences.index), set(y.index)
    if y.index.is_unique and labels == ids:
        return y.reindex(sequences.index)

    def integer(index):  # by value: positions of an object dtype count
        return pd.api.types.infer_dtype(index, skipna=False) == "integer"

    common = labels & ids
    if not common and set(map(str, labels)) == set(map(str, ids)):
        raise ValueError(
            f"y is indexed by X's sequence ids in another type ({y.index.dtype} "
            f"labels, {sequences.index.dtype} ids), so it cannot be lined up with "
            "them; convert y's index to the ids' type."
        )
    if common and not (integer(y.index) and integer(sequences.index)):
        raise ValueError(
            "y is indexed by ids of X's sequences, but not by the same ones: "
            f"{len(labels - ids)} of its labels are not ids of X and "
            f"{len(ids - labels)} ids of X have no target. Give one target per "
            "sequence (in cross-validation, y in the order of X's sequences)."
        )
    if not common and not integer(y.index):
        first = sequences.index[:1].tolist()[0]
        raise ValueError(
            f"y is indexed by labels of dtype {y.index.dtype}, none of which is an "
            f"id of X's sequences (dtype {sequences.index.dtype}, e.g. "
            f"{first!r}), so it cannot be lined up with them. Index y "
            "by X's ids, or give it without an index (in the order of X's "
            "sequences)."
        )
    warn_if_reordered(sequences)
    return y
