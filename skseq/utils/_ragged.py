"""Sequences of different lengths: padding, unpadding, long frames, masks.

The low-level half of skseq's input conversion (:mod:`skseq.utils.validation`
is the other): post-padded arrays and lengths are the one representation of
ragged sequences inside skseq.
"""

import types
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.sparse import issparse
from sklearn.utils.validation import check_array

from ._values import check_values

# a long frame's attribute: its ids are positions, not ids to align y with
POSITIONAL_IDS = "skseq_positional_ids"
ONE_DIMENSIONAL = "skseq_one_dimensional"
# ... and: it was made of one array (sequences of one length), read as one
ONE_ARRAY = "skseq_one_array"

__all__ = [
    "POSITIONAL_IDS",
    "from_long_format",
    "to_long_format",
    "pad_ragged",
    "unpad",
    "valid_steps",
]


def from_long_format(frame):
    """Split a long DataFrame into one array per sequence id.

    Parameters
    ----------
    frame : pandas.DataFrame
        Indexed by a MultiIndex whose first level is the sequence id and whose
        last level is the time; one row per (id, time), columns are features.

    Returns
    -------
    sequences : list of ndarray
        One ``(n_steps, n_features)`` array per id, rows in time order.
    ids : pandas.Index
        The ids, sorted, in the order of ``sequences``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.utils import from_long_format
    >>> index = pd.MultiIndex.from_tuples([("b", 0), ("a", 1), ("a", 0)])
    >>> frame = pd.DataFrame({"x": [5.0, 2.0, 1.0]}, index=index)
    >>> sequences, ids = from_long_format(frame)
    >>> list(ids), [s.ravel().tolist() for s in sequences]
    (['a', 'b'], [[1.0, 2.0], [5.0]])
    """
    values, lengths, ids, _ = _split_long_frame(frame, estimator=None, input_name="X")
    ends = np.cumsum(lengths)[:-1]
    return np.split(values, ends), ids


def to_long_format(sequences, columns=None, ids=None):
    """Stack sequences into a long DataFrame, one row per step.

    The inverse of :func:`from_long_format`, and the form of the pandas
    output of skseq's sequence transformers.

    Parameters
    ----------
    sequences : list of ndarray, or a 2-D or 3-D array
        One ``(n_steps,)`` or ``(n_steps, n_features)`` array per sequence; a
        2-D array holds univariate sequences, a 3-D one multivariate ones.
    columns : sequence of str or None, default=None
        Names of the features; by default ``x0, x1, ...``.
    ids : pandas.Index or None, default=None
        The sequences' ids; by default their positions, which skseq's
        estimators then read as positions (a ``y`` Series is not aligned to
        them by its index).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(sequence, step)``: the sequence's id (or position) and
        the step from 0; one column per feature, in the sequences' dtype.
        Made of an array, it is read as a 3-D array, so that estimators with
        an output at every step return arrays for it, as they would for the
        array (see :func:`check_sequences`).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils import to_long_format
    >>> frame = to_long_format([np.array([1.0, 2.0]), np.array([5.0])])
    >>> frame.index.tolist(), frame["x0"].tolist()
    ([(0, 0), (0, 1), (1, 0)], [1.0, 2.0, 5.0])
    """
    one_array = isinstance(sequences, np.ndarray) and sequences.dtype != object
    sequences = [np.asarray(s) for s in sequences]
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    flat = np.concatenate([s.reshape(len(s), -1) for s in sequences])
    if columns is None:
        columns = [f"x{j}" for j in range(flat.shape[1])]
    if len(columns) != flat.shape[1]:
        raise ValueError(
            f"columns has {len(columns)} names for {flat.shape[1]} features."
        )
    positions = ids is None
    if positions:
        ids = pd.RangeIndex(len(lengths), name="sequence")
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(np.asarray(ids), lengths),
            np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths),
        ],
        names=[ids.name or "sequence", "step"],
    )
    frame = pd.DataFrame(flat, index=index, columns=list(columns))
    frame.attrs[POSITIONAL_IDS] = positions
    # 1-D sequences (rows of a 2-D array): what _from_sequence_output restores
    frame.attrs[ONE_DIMENSIONAL] = all(s.ndim == 1 for s in sequences)
    frame.attrs[ONE_ARRAY] = one_array
    return frame


def read_long_frame(frame, estimator, input_name, tokens):
    """Return a long frame's ``(steps, lengths, ids, layout, reordered)``.

    ``ids`` is None where they are positions (:func:`to_long_format`'s
    default); the layout is "dense" for a frame made of one array, which
    reads as that array, else "ragged"; ``reordered`` says whether the ids,
    read in sorted order, first appear in ``frame`` in another order.
    """
    steps, lengths, ids, reordered = _split_long_frame(
        frame, estimator, input_name, tokens
    )
    positions = frame.attrs.get(POSITIONAL_IDS)
    one_array = frame.attrs.get(ONE_ARRAY) and np.unique(lengths).size == 1
    layout = "dense" if one_array else "ragged"
    if positions:  # ids of the frame's own making: no order to keep
        return steps, lengths, None, layout, False
    return steps, lengths, ids, layout, reordered


def _check_index_values(index, input_name):
    """Refuse a long frame's missing (NaN) sequence ids and times."""
    for level, what in ((0, "sequence id"), (index.nlevels - 1, "time")):
        missing = np.flatnonzero(index.codes[level] == -1)
        if len(missing):
            entry = ", ".join(str(value) for value in index[missing[0]])
            raise ValueError(
                f"{input_name} has no {what} (NaN) in row {missing[0]}, index "
                f"entry ({entry}); every row needs a sequence id and a time."
            )


def _sorted_frame(frame, input_name):
    """Sort a long frame by id, then time; refuse ids or times that do not sort."""
    levels = [0, frame.index.nlevels - 1]
    try:
        return frame.sort_index(level=levels, sort_remaining=False)
    except TypeError:
        pass
    for level, what in zip(levels, ("sequence ids", "times"), strict=True):
        examples = {}  # a value of each type
        for value in frame.index.levels[level]:
            value = value.item() if isinstance(value, np.generic) else value
            examples.setdefault(type(value).__name__, value)
        if len(examples) > 1:
            mixed = " and ".join(f"{v!r} ({k})" for k, v in examples.items())
            raise ValueError(
                f"{input_name}'s {what} must be of one sortable type, but they mix "
                f"{mixed}; convert them to one type (e.g. all to str)."
            )
    return frame.sort_index(level=levels, sort_remaining=False)  # its TypeError


def _split_long_frame(frame, estimator, input_name, tokens=False):
    index = frame.index
    if tokens and frame.shape[1] != 1:
        raise ValueError(
            f"{input_name} is a long DataFrame of {frame.shape[1]} columns; token "
            "ids come as one integer column (as SequenceOrdinalEncoder's pandas "
            "output holds them)."
        )
    if not isinstance(index, pd.MultiIndex) or index.nlevels < 2:
        raise ValueError(
            f"{input_name} must be indexed by a (sequence id, time) MultiIndex, "
            f"got a {type(index).__name__}."
        )
    if index.nlevels > 2:
        raise ValueError(
            f"{input_name} is indexed by {index.nlevels} levels {list(index.names)}; "
            "a long frame is indexed by (sequence id, time). Combine the levels "
            "that identify a sequence into one id first (e.g. with "
            "frame.index.droplevel or a tuple id)."
        )
    _check_index_values(index, input_name)
    if index.has_duplicates:
        duplicated = index[index.duplicated()].unique()
        raise ValueError(
            f"{input_name} has {len(duplicated)} duplicated (id, time) index "
            f"entries, the first is {duplicated[0]!r}; each sequence needs one row "
            "per time step."
        )
    appearance = index.levels[0][pd.unique(index.codes[0])]  # as they first appear
    frame = _sorted_frame(frame, input_name)
    checks = dict(estimator=estimator, input_name=input_name)
    if tokens and all(pd.api.types.is_integer_dtype(d) for d in frame.dtypes):
        # pandas may lend a read-only view; torch wants its own
        values = check_array(frame, dtype="numeric", copy=True, **checks)
    elif tokens:  # ids as floats or objects, checked later; else the advice
        try:
            values = check_array(frame, dtype=[np.float64, np.float32], **checks)
        except (TypeError, ValueError):
            values = check_values(frame, tokens=True, allow_nd=False, **checks)
    else:
        values = check_values(frame, tokens=False, allow_nd=False, **checks)
    # ids in the order the sorted frame holds them (categorical ids sort by
    # their categories, not by value)
    codes, ids = pd.factorize(frame.index.get_level_values(0))
    lengths = np.bincount(codes).astype(np.int64)
    ids = pd.Index(ids, name=index.names[0])
    return values, lengths, ids, not appearance.equals(ids)


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


_ITEMS = (list, tuple, np.ndarray, pd.Series, pd.DataFrame)


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
        if not all(isinstance(cell, _ITEMS[:4]) for cell in cells):
            raise ValueError(
                f"{input_name} is a DataFrame of sequences, but row {position} "
                "has a cell that holds none; a nested DataFrame holds a sequence "
                "in every cell (numbers go in a long DataFrame indexed by "
                "(sequence id, time))."
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
