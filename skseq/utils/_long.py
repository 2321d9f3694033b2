"""Long frames: sequences as the rows of a DataFrame indexed by (id, time).

:func:`to_long_format` and :func:`from_long_format` convert between them and
lists of arrays; :func:`read_long_frame` reads one as an estimator's ``X``
(sorted by id, then time; missing or unsortable ids refused).
"""

from numbers import Number

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from ._values import _name, check_values

# a long frame's attribute: its ids are positions, not ids to align y with
POSITIONAL_IDS = "skseq_positional_ids"
ONE_DIMENSIONAL = "skseq_one_dimensional"
# ... and: it was made of one array (sequences of one length), read as one
ONE_ARRAY = "skseq_one_array"

__all__ = [
    "ONE_DIMENSIONAL",
    "from_long_format",
    "is_long_frame",
    "read_long_frame",
    "to_long_format",
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


# what pandas' infer_dtype names an object level of values of one sortable kind
_ONE_KIND = (
    "string",
    "bytes",
    "integer",
    "floating",
    "mixed-integer-float",
    "decimal",
    "boolean",
)


def is_long_frame(X):
    """Return whether ``X`` is a long Series or DataFrame, indexed by (id, time)."""
    return isinstance(X, (pd.Series, pd.DataFrame)) and isinstance(
        X.index, pd.MultiIndex
    )


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
    """Sort a long frame by id, then time; refuse ids or times that do not sort.

    Mixed types are refused whatever pandas does with them (pandas 3 raises
    a TypeError, earlier ones sort them by their own rule).
    """
    index, levels = frame.index, [0, frame.index.nlevels - 1]
    for level, what in zip(levels, ("sequence ids", "times"), strict=True):
        # the values rows use (a filtered frame keeps others in its levels)
        values = index.levels[level][pd.unique(index.codes[level])]
        if values.dtype != object or pd.api.types.infer_dtype(values) in _ONE_KIND:
            continue  # pandas tells one kind apart in C, not a loop over values
        examples = {}  # a value of each kind: numbers sort together, strings too
        for value in values:
            value = value.item() if isinstance(value, np.generic) else value
            kind = next(
                (k for k in (bool, Number, str, bytes) if isinstance(value, k)),
                type(value),
            )
            if isinstance(value, pd.Timestamp):  # naive and aware do not compare
                kind = (kind, value.tz is None)
            examples.setdefault(kind, value)
        if len(examples) > 1:
            mixed = " and ".join(
                f"{v!r} ({type(v).__name__})" for v in examples.values()
            )
            raise ValueError(
                f"{input_name}'s {what} must be of one sortable type, but they mix "
                f"{mixed}; convert them to one type (e.g. all to str)."
            )
    try:
        return frame.sort_index(level=levels, sort_remaining=False)
    except TypeError:  # values no row uses (a filtered frame), or do not sort
        frame = frame.set_axis(index.remove_unused_levels())
    try:
        return frame.sort_index(level=levels, sort_remaining=False)
    except TypeError as exc:  # naive beside aware times, say
        raise ValueError(
            f"{input_name}'s sequence ids or times do not sort: {exc}."
        ) from exc


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
    if frame.shape[1] == 0:  # numpy's error: "at least one array or dtype"
        raise ValueError(
            f"Found array with 0 feature(s) (shape={frame.shape}) while a minimum "
            f"of 1 is required{' by ' * (estimator is not None) + _name(estimator)}: "
            f"{input_name} is a long DataFrame without columns."
        )
    _check_index_values(index, input_name)
    if index.has_duplicates:
        duplicated = index[index.duplicated()].unique()
        raise ValueError(
            f"{input_name} has {len(duplicated)} duplicated (id, time) index "
            f"entries, the first is {duplicated[0]!r}; each sequence needs one row "
            "per time step."
        )
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
    appearance = index.levels[0][pd.unique(index.codes[0])]  # as ids first appear
    return values, lengths, ids, not appearance.equals(ids)
