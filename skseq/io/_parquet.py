"""A long ``(id, time)`` table in Parquet files, as stored sequences.

:func:`read_parquet` streams the table a record batch at a time (pyarrow)
into a ``.npy`` file of every step, sequence after sequence, and returns it
as :class:`~skseq.io.StoredSequences` over a memory map of that file: the
table is never in memory at once, and the estimators then read it a batch at
a time.
"""

import os
import tempfile

import numpy as np
import pandas as pd

from ..utils._stored import StoredSequences

__all__ = ["read_parquet"]

# rows read from the Parquet file at a time
_ROWS = 2**16


def _parquet_file(path):
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError(
            "read_parquet needs pyarrow: pip install 'skseq[store]'."
        ) from exc
    return pq.ParquetFile(path)


def _value_columns(schema, id_column, time_column, columns):
    names = list(schema.names)
    # a pandas index written as columns (a RangeIndex is only metadata)
    index = (schema.pandas_metadata or {}).get("index_columns", [])
    index = [name for name in index if isinstance(name, str)]
    for name, what in ((id_column, "id_column"), (time_column, "time_column")):
        if name not in names:
            raise ValueError(f"{what}={name!r} is not a column of the file: {names}.")
    if id_column == time_column:
        raise ValueError(
            f"id_column and time_column must be two columns; both are {id_column!r}."
        )
    if columns is None:
        skipped = {id_column, time_column, *index}
        columns = [n for n in names if n not in skipped]
    elif isinstance(columns, str):  # one column, not its letters
        columns = [columns]
    else:  # a list, or an Index or array of names (frame.columns[2:])
        columns = list(columns)
    missing = [c for c in columns if c not in names]
    if missing or not columns:
        raise ValueError(
            f"columns must name value columns of the file ({names}); got {columns}."
        )
    other = [c for c in columns if not _is_number(schema.field(c).type)]
    if other:
        kinds = ", ".join(f"{c!r} ({schema.field(c).type})" for c in other)
        raise ValueError(
            f"The value columns must hold numbers; these do not: {kinds}. Name the "
            "numeric ones in columns=, or encode categories as integer ids "
            "first (skseq.preprocessing.SequenceOrdinalEncoder)."
        )
    return list(columns)


def _is_number(kind):
    """Whether an Arrow type converts to the stored float values."""
    import pyarrow as pa

    return any(
        test(kind)
        for test in (
            pa.types.is_integer,
            pa.types.is_floating,
            pa.types.is_boolean,
            pa.types.is_decimal,
        )
    )


class _Order:
    """Checks, batch after batch, that rows come grouped by id, in time order."""

    def __init__(self):
        self.ids, self.lengths, self.seen = [], [], set()
        self.last_time = None

    def add(self, ids, times):
        """Take the next rows' ids and times."""
        for values, what in ((ids, "id"), (times, "time")):
            if pd.isna(values).any():
                raise ValueError(f"The {what} column holds missing values.")
        n = len(ids)
        same = np.empty(n, dtype=bool)  # row i continues the sequence before it
        same[0] = bool(self.ids) and ids[0] == self.ids[-1]
        same[1:] = ids[1:] == ids[:-1]
        before = np.concatenate([times[:1], times[:-1]])
        if same[0]:
            before[0] = self.last_time
        backwards = same & (times <= before)
        if backwards.any():
            where = int(np.flatnonzero(backwards)[0])
            raise ValueError(
                f"The rows of id {ids[where]!r} are not in increasing time order; "
                "write the table sorted by (id, time)."
            )
        starts = np.flatnonzero(~same)
        if same[0]:
            self.lengths[-1] += int(starts[0]) if len(starts) else n
        bounds = np.append(starts, n)
        for start, end in zip(bounds[:-1], bounds[1:], strict=True):
            key = ids[start]
            if key in self.seen:
                raise ValueError(
                    f"The rows of id {key!r} are not all together; write the table "
                    "sorted by (id, time)."
                )
            self.seen.add(key)
            self.ids.append(key)
            self.lengths.append(int(end - start))
        self.last_time = times[-1]


def read_parquet(
    path,
    *,
    id_column,
    time_column,
    columns=None,
    dtype=np.float32,
    directory=None,
):
    """Read a long ``(id, time)`` Parquet table as stored sequences.

    The rows of one id must lie together, in time order (as a long
    DataFrame sorted by its index writes them). The values are streamed into
    ``values.npy`` (every step, sequence after sequence), with ``lengths.npy``
    and ``ids.npy`` beside it.

    Parameters
    ----------
    path : str or path-like
        A Parquet file.
    id_column, time_column : str
        The columns holding the sequence id and the time.
    columns : str or array-like of str, default=None
        The value columns (the features), in order; by default all others
        (the id and time columns, and a pandas index, aside). They must hold
        numbers (integers, floats, booleans or decimals).
    dtype : dtype, default=np.float32
        Type of the stored values.
    directory : str or path-like, default=None
        Where the ``.npy`` files go (reopen them with ``np.load(...,
        mmap_mode="r")``). By default a temporary file of ``$TMPDIR``
        (which may be in memory, as a tmpfs ``/tmp`` is: give a directory
        on disk for data larger than memory), removed once mapped: its pages
        live as long as the returned object.

    Returns
    -------
    StoredSequences
        ``flat`` sequences, with ``ids`` (a ``y`` Series indexed by id is
        aligned to them).

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from skseq.io import read_parquet
    >>> frame = pd.DataFrame({"id": ["a", "a", "b"], "t": [0, 1, 0],
    ...                       "x": [1.0, 2.0, 3.0]})
    >>> path = os.path.join(tempfile.mkdtemp(), "long.parquet")
    >>> frame.to_parquet(path)
    >>> stored = read_parquet(path, id_column="id", time_column="t")
    >>> stored.lengths.tolist(), list(stored.ids)
    ([2, 1], ['a', 'b'])
    """
    source = _parquet_file(path)
    columns = _value_columns(source.schema_arrow, id_column, time_column, columns)
    n_rows = source.metadata.num_rows
    if n_rows == 0:
        raise ValueError(f"{path} holds no rows.")
    keep = directory is not None
    directory = str(directory) if keep else tempfile.mkdtemp(prefix="skseq-")
    file = os.path.join(directory, "values.npy")
    order, row = _Order(), 0
    try:
        values = np.lib.format.open_memmap(
            file, mode="w+", dtype=dtype, shape=(n_rows, len(columns))
        )
        for batch in source.iter_batches(
            batch_size=_ROWS, columns=[id_column, time_column, *columns]
        ):
            # columns as stored: pandas' metadata would turn some into an index
            table = batch.to_pandas(ignore_metadata=True)
            order.add(table[id_column].to_numpy(), table[time_column].to_numpy())
            values[row : row + len(table)] = table[columns].to_numpy(dtype=dtype)
            row += len(table)
        values.flush()
        del values
        lengths = np.asarray(order.lengths, dtype=np.int64)
        ids = pd.Index(order.ids)
        if keep:
            np.save(os.path.join(directory, "lengths.npy"), lengths)
            ids_file = os.path.join(directory, "ids.npy")
            np.save(ids_file, ids.to_numpy(), allow_pickle=True)
        stored = np.load(file, mmap_mode="r")
    finally:
        if not keep:  # the mapping outlives the name
            if os.path.exists(file):
                os.remove(file)
            os.rmdir(directory)
    return StoredSequences(stored, lengths, flat=True, ids=ids)
