"""Sequences of different lengths: padding, unpadding, lists of arrays, masks.

The low-level half of skseq's input conversion (:mod:`skseq.utils.validation`
is the other): post-padded arrays and lengths are the one representation of
ragged sequences inside skseq. Long frames are read in :mod:`._long`.
"""

import types
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.sparse import issparse

__all__ = [
    "pad_ragged",
    "unpad",
    "valid_steps",
]


def pad_ragged(sequences, dtype=np.float32):
    """Post-pad 2-D arrays of different lengths into one 3-D array.

    Parameters
    ----------
    sequences : list of ndarray
        Arrays of shape ``(n_steps_i, n_features)``.
    dtype : dtype, default=np.float32
        Output dtype.

    Returns
    -------
    values : ndarray of shape (n_sequences, max_steps, n_features)
        Zero-padded after each sequence.
    lengths : ndarray of shape (n_sequences,)
        The ``n_steps_i``.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils import pad_ragged
    >>> values, lengths = pad_ragged([np.ones((1, 2)), np.ones((3, 2))])
    >>> values.shape, lengths.tolist()
    ((2, 3, 2), [1, 3])
    """
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    flat = np.concatenate(sequences).astype(dtype, copy=False)
    return _pad_flat(flat, lengths), lengths


def _pad_flat(flat, lengths, chunk=8192):
    """Scatter concatenated steps ``(total, ...)`` into a post-padded array."""
    values = np.zeros((len(lengths), int(lengths.max())) + flat.shape[1:], flat.dtype)
    ends = np.cumsum(lengths)
    # A boolean mask fills in row-major order: sequence by sequence, in step
    # order. Chunks of rows bound the index arrays numpy builds for it.
    for start in range(0, len(lengths), chunk):
        stop = min(start + chunk, len(lengths))
        first = ends[start - 1] if start else 0
        rows = values[start:stop]
        rows[valid_steps(lengths[start:stop], values.shape[1])] = flat[
            first : ends[stop - 1]
        ]
    return values


# what a sequence of a list may be; a cell of a nested frame holds one
# feature's steps, so no frame (which is still read as nested, and refused)
_CELLS = (list, tuple, np.ndarray, pd.Series)
_ITEMS = (*_CELLS, pd.DataFrame)


def _looks_ragged(X):
    """Whether ``X`` is a collection of separate sequences rather than an array.

    A DataFrame (not long) is, if it holds sequences in its cells (sktime's
    "nested_univ" form: a column per feature, a row per sequence).
    """
    if isinstance(X, pd.Series) and X.dtype == object:
        return _looks_ragged(X.to_numpy())
    if isinstance(X, pd.DataFrame):
        first = X.iloc[0] if len(X) and not isinstance(X.index, pd.MultiIndex) else ()
        return any(isinstance(cell, _ITEMS) for cell in first)
    if isinstance(X, np.ndarray):
        return (
            X.dtype == object
            and X.ndim == 1
            and len(X) > 0
            and all(isinstance(x, _ITEMS) for x in X)
        )
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    if any(isinstance(x, (np.ndarray, pd.Series, pd.DataFrame)) for x in X):
        return True
    try:
        np.asarray(X)
    except ValueError as exc:
        return "inhomogeneous" in str(exc)
    return False


def _refuse_unknown_containers(X, input_name):
    """Clear errors for inputs that are neither arrays nor lists of sequences."""
    if isinstance(X, types.GeneratorType) or (
        hasattr(X, "__next__") and not hasattr(X, "__len__")
    ):
        raise TypeError(
            f"{input_name} is a generator or iterator; pass a list of sequences "
            f"(list({input_name})) or an array."
        )
    if isinstance(X, Mapping) and not issparse(X):  # (scipy's dok is a dict)
        raise TypeError(
            f"{input_name} is a {type(X).__name__}; pass its sequences as a list "
            f"(list({input_name}.values()), y in the same order) or as a long "
            "DataFrame indexed by (sequence id, time)."
        )
    module = type(X).__module__.split(".")[0]
    if module in ("polars", "pyarrow"):
        raise TypeError(
            f"{input_name} is a {module} {type(X).__name__}; pass a list of arrays "
            f"(e.g. {input_name}.to_list()) or a pandas long DataFrame."
        )
    if isinstance(X, pd.Series) and isinstance(X.dtype, pd.ArrowDtype):
        raise TypeError(
            f"{input_name} is a pandas Series of Arrow lists; pass a list of arrays "
            f"({input_name}.to_list())."
        )


def _frame_columns(sequence, position, columns, input_name):
    """Return a DataFrame item's values, its columns ordered as ``columns``."""
    names = list(sequence.columns)
    if len(set(names)) < len(names):
        raise ValueError(
            f"Sequence {position} of {input_name} has duplicate column names "
            f"{names}; give each feature its own name."
        )
    if columns is None:
        return sequence.to_numpy(), names
    if set(names) != set(columns):
        raise ValueError(
            f"Sequence {position} of {input_name} has the columns {names}, but "
            f"the sequences are expected to have {list(columns)}; the feature "
            "names should match those that were passed during fit."
        )
    return sequence[list(columns)].to_numpy(), list(columns)


def _nested_rows(X, input_name):
    """Return the sequences of a nested DataFrame: each row's cells, stacked.

    One column gives 1-D sequences (as a Series of arrays does); several, a
    ``(n_steps, n_columns)`` array per row.
    """
    rows = []
    for position, cells in enumerate(X.itertuples(index=False, name=None)):
        if not all(isinstance(cell, _CELLS) for cell in cells):
            raise ValueError(
                f"{input_name} is a DataFrame of sequences, but row {position} "
                "has a cell that holds no 1-D sequence (a number, or a frame); a "
                "nested DataFrame holds one feature's sequence in every cell "
                "(numbers go in a long DataFrame indexed by (sequence id, time))."
            )
        cells = [np.asarray(cell) for cell in cells]
        if len({len(cell) for cell in cells}) > 1:
            raise ValueError(
                f"Sequence {position} of {input_name} (a row of the DataFrame) has "
                f"cells of lengths {[len(cell) for cell in cells]}; the cells of a "
                "row are the features of one sequence, of one length."
            )
        rows.append(cells[0] if len(cells) == 1 else np.column_stack(cells))
    return rows


def _ragged_to_flat(X, estimator, input_name, columns=None):
    """Concatenate separate sequences: ``(flat steps, lengths, item_ndim, names)``.

    DataFrame items are read by column name, in the order of ``columns``
    (the names seen at fit) or of the first item. A nested DataFrame's names
    are its columns, in their order.
    """
    sequences, widths, item_ndim, names = [], set(), 1, None
    if isinstance(X, pd.DataFrame):
        X, given = _nested_rows(X, input_name), list(X.columns)
    else:
        given = None
    for position, sequence in enumerate(X):
        if isinstance(sequence, pd.DataFrame):
            sequence, names = _frame_columns(
                sequence, position, columns if names is None else names, input_name
            )
        elif names is not None:
            raise ValueError(
                f"Sequence {position} of {input_name} is not a DataFrame, but "
                "the sequences are expected to be DataFrames with named columns."
            )
        try:
            sequence = np.asarray(sequence)
        except (TypeError, ValueError) as error:
            why = str(error)
            if "inhomogeneous" in why:
                why = "its steps have different numbers of features"
            raise ValueError(
                f"Sequence {position} of {input_name} is no array of steps: {why}; "
                "a sequence is (n_steps,) or (n_steps, n_features)."
            ) from error
        item_ndim = max(item_ndim, sequence.ndim)
        if sequence.ndim == 1:
            sequence = sequence.reshape(-1, 1)
        elif sequence.ndim != 2:
            raise ValueError(
                f"Sequence {position} of {input_name} has {sequence.ndim} dimensions; "
                "each sequence must be 1-D (n_steps,) or 2-D (n_steps, n_features)."
            )
        if len(sequence) == 0:
            raise ValueError(
                f"Sequence {position} of {input_name} has length 0; every sequence "
                "needs at least 1 time step."
            )
        widths.add(sequence.shape[1])
        if len(widths) > 1:
            raise ValueError(
                f"Sequence {position} of {input_name} has {sequence.shape[1]} "
                f"features per step but sequence 0 has {sequences[0].shape[1]}; all "
                "sequences need the same number of features."
            )
        sequences.append(sequence)
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    flat = np.concatenate(sequences)
    names = given if names is None else names
    if names is not None and not all(isinstance(n, str) for n in names):
        names = None  # scikit-learn keeps string feature names only
    return flat, lengths, item_ndim, names


def _drop_steps(steps, lengths, valid, input_name, reason):
    """Keep the ``valid`` steps of concatenated sequences; their new lengths."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    new_lengths = np.add.reduceat(valid.astype(np.int64), starts)
    empty = np.flatnonzero(new_lengths == 0)
    if len(empty):
        raise ValueError(
            f"Sequence {empty[0]} of {input_name} has no valid time step: {reason}. "
            "Every sequence needs at least 1 time step."
        )
    return steps[valid], new_lengths


def unpad(values, lengths, item_ndim=2):
    """Split a post-padded array into a list of sequences of their lengths.

    Parameters
    ----------
    values : ndarray of shape (n_samples, max_length, ...)
        Post-padded sequences.
    lengths : array-like of shape (n_samples,)
        Valid steps of each sequence.
    item_ndim : {1, 2}, default=2
        1 returns 1-D sequences (the last axis, of size 1, is dropped).

    Returns
    -------
    list of ndarray
        ``values[i, :lengths[i]]`` for each ``i`` (views, not copies).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils import unpad
    >>> values = np.array([[[1.0], [2.0]], [[3.0], [0.0]]])
    >>> [s.tolist() for s in unpad(values, [2, 1], item_ndim=1)]
    [[1.0, 2.0], [3.0]]
    """
    if item_ndim == 1 and values.ndim == 3:
        values = values[:, :, 0]
    return [row[:length] for row, length in zip(values, lengths, strict=True)]


def valid_steps(lengths, max_length):
    """Return a boolean ``(n_samples, max_length)`` mask of the valid steps.

    Parameters
    ----------
    lengths : array-like of shape (n_samples,)
        Number of valid steps of each sequence.
    max_length : int
        Padded length.

    Returns
    -------
    ndarray of bool
        ``mask[i, t]`` is True for ``t < lengths[i]``.

    Examples
    --------
    >>> from skseq.utils import valid_steps
    >>> valid_steps([2, 1], 3).astype(int).tolist()
    [[1, 1, 0], [1, 0, 0]]
    """
    return np.arange(max_length)[None, :] < np.asarray(lengths)[:, None]
