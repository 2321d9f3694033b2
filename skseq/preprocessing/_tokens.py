"""Sequences of tokens: read, flattened into one column and cut back, joined.

Strings are cut into characters or words; a 2-D array holds fixed-length
rows of tokens. The encoders (:mod:`._encoding`) encode the flattened
tokens; the text estimators read and write them through the same functions.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from ..utils._long import read_long_frame
from ..utils._sklearn_compat import _check_feature_names

__all__ = [
    "check_token_sequences",
    "is_text_or_ragged",
    "join_tokens",
    "read_long_tokens",
    "split_flat",
    "split_string",
]


def split_string(text, split):
    return list(text) if split == "char" else text.split()


def join_tokens(tokens, split):
    """Write tokens back as one string; an unknown token (None) is "?"."""
    joiner = "" if split == "char" else " "
    return joiner.join("?" if token is None else str(token) for token in tokens)


def is_text_or_ragged(X):
    """Whether ``X`` is a collection of separate sequences (strings, lists)."""
    if isinstance(X, pd.Series):
        return True
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and X.dtype.kind in "OUS"
    return isinstance(X, (list, tuple))


def check_token_sequences(X, split, estimator, reset, allow_nan, input_name="X"):
    """Flatten sequences of tokens.

    A list of strings or of token sequences (of any lengths), or a pandas
    Series or 1-D array of strings, is read sequence by sequence; anything
    else must be a 2-D array of fixed-length rows, read
    with scikit-learn's ``check_array`` (its ``n_features_in_`` is the number
    of steps, as for the estimators). Returns the tokens of all sequences in
    one object array, the length of each sequence, and whether ``X`` was such
    a 2-D array.
    """
    if isinstance(X, str):
        raise ValueError(
            f"{input_name} is a single string; pass a list of strings (one "
            "sequence each)."
        )
    if not is_text_or_ragged(X):
        values = validate_data(
            estimator,
            X,
            reset=reset,
            dtype=None,
            ensure_all_finite="allow-nan" if allow_nan else True,
        )
        lengths = np.full(len(values), values.shape[1], dtype=np.int64)
        return values.astype(object).ravel(), lengths, True
    if reset:
        _forget_columns(estimator)
    else:  # after a fit on a DataFrame, scikit-learn's warning of no names
        _check_feature_names(estimator, X, reset=False)
    sequences = []
    for position, row in enumerate(X):
        if isinstance(row, str):
            row = split_string(row, split)
        elif np.ndim(row) != 1:
            raise ValueError(
                f"Sequence {position} of {input_name} is not a 1-D sequence of "
                "tokens; pass strings, or lists / 1-D arrays of tokens."
            )
        if len(row) == 0:
            raise ValueError(
                f"Sequence {position} of {input_name} has length 0; every sequence "
                "needs at least 1 token."
            )
        sequences.append(np.asarray(row, dtype=object))
    if not sequences:
        raise ValueError(
            f"Found 0 sequences in {input_name} while a minimum of 1 is required "
            f"by {type(estimator).__name__}."
        )
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    flat = np.concatenate(sequences)
    _refuse_nan(flat, allow_nan, estimator, input_name)
    return flat, lengths, False


def read_long_tokens(X, estimator, reset, allow_nan, input_name="X"):
    """Flatten a long DataFrame of tokens: one column (a Series), a token per row.

    Its index is read as any long frame's (sequences in sorted id order,
    steps in time order). Returns the tokens of all sequences in one object
    array, the length of each sequence, their ids (None where the ids are
    positions, as :func:`~skseq.utils.to_long_format` writes them by default)
    and whether they first appear out of sorted order.
    """
    X = X.to_frame() if isinstance(X, pd.Series) else X
    if X.shape[1] != 1:
        raise ValueError(
            f"{input_name} is a long DataFrame of {X.shape[1]} columns "
            f"{list(X.columns)}; the tokens of a step come as one column."
        )
    # the positions of the rows, read (index checked and sorted) as a long
    # frame of ids is, give the order of the tokens
    rows = pd.DataFrame({"row": np.arange(len(X), dtype=np.int64)}, index=X.index)
    rows.attrs.update(X.attrs)
    order, lengths, ids, _, reordered = read_long_frame(
        rows, estimator, input_name, tokens=True
    )
    if reset:
        _forget_columns(estimator)
    flat = X.iloc[:, 0].to_numpy(dtype=object)[order[:, 0]]
    _refuse_nan(flat, allow_nan, estimator, input_name)
    return flat, lengths, ids, reordered


def _forget_columns(estimator):
    """Drop what a fit on a 2-D X set: sequences have no fixed columns."""
    estimator.__dict__.pop("n_features_in_", None)
    estimator.__dict__.pop("feature_names_in_", None)


def _refuse_nan(flat, allow_nan, estimator, input_name):
    if not allow_nan and pd.isna(flat).any():
        raise ValueError(
            f"Input {input_name} contains NaN tokens; {type(estimator).__name__} "
            "does not accept missing values. Replace them with a token of their "
            "own (e.g. '<missing>') first."
        )


def split_flat(flat, lengths, fixed):
    """Cut an array of concatenated steps back into sequences."""
    if fixed:
        return flat.reshape(len(lengths), lengths[0], *flat.shape[1:])
    return np.split(flat, np.cumsum(lengths)[:-1])
