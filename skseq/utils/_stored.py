"""Sequences that stay in their store and are read a block at a time.

A numpy memmap, a zarr array, a Dask array or an HDF5 dataset can hold more
sequences than memory. :class:`StoredSequences` describes such a store (its
array and the sequences' lengths) and reads from it only what is asked for:
the sequences of one batch, or a block of consecutive steps for a pass over
the data (checks, statistics). Nothing here keeps a copy of the store.
"""

import copy

import numpy as np

from ._warnings import warn

__all__ = [
    "PaddingInside",
    "StoredSequences",
    "as_stored",
    "block_steps",
    "warn_read_in_memory",
]

# values read per block by a pass over stored data (and standardised at a
# time in memory): bounds each float64 copy at 32 MB
_BLOCK_VALUES = 2**22

# the array libraries whose arrays are read lazily, by module
_LAZY_MODULES = ("zarr", "dask", "h5py")


class PaddingInside(ValueError):
    """Padding steps lie before a stored sequence's last real step."""


def warn_read_in_memory(stored):
    """Warn that a stored array padded inside its sequences is read into memory."""
    size = np.prod(stored.values.shape) * stored.dtype.itemsize
    warn(
        f"X ({size / 1e9:.2g} GB) has padding steps inside its sequences, which "
        "a store cannot cut without a copy: it is read into memory. Store the "
        "sequences without that padding (with their lengths, "
        "skseq.io.StoredSequences) to read it out of core.",
    )


def block_steps(n_features):
    """Return the steps of ``n_features`` values that make one block."""
    return max(1, _BLOCK_VALUES // max(1, n_features))


def _is_lazy_array(X):
    """Whether ``X`` is an array kept on disk or computed on demand."""
    if isinstance(X, np.memmap):
        return True
    module = type(X).__module__.split(".")[0]
    return module in _LAZY_MODULES and hasattr(X, "shape") and hasattr(X, "dtype")


def as_stored(X):
    """Return ``X`` as :class:`StoredSequences` if it is a stored array, else None."""
    if isinstance(X, StoredSequences):
        return X
    if _is_lazy_array(X):
        return StoredSequences(X)
    return None


def _read_rows(array, rows):
    """Return ``array[rows]`` (sorted unique ints along axis 0) as an ndarray."""
    if isinstance(array, np.ndarray):
        return np.asarray(array[rows])
    oindex = getattr(array, "oindex", None)  # zarr: orthogonal selection
    if oindex is not None:
        return np.asarray(oindex[rows])
    return np.asarray(array[rows])  # Dask computes, h5py reads


def _as_float(block):
    """Floats as skseq reads them: float32 and float64 kept, the rest float64."""
    if block.dtype in (np.float32, np.float64):
        return block
    return block.astype(np.float64)


class StoredSequences:
    """Sequences read from where they are stored, a batch at a time.

    skseq's ``RNNClassifier``, ``RNNRegressor``, ``RNNStepRegressor`` and
    ``RNNTagger`` read a numpy memmap, a zarr array, a Dask array or an HDF5
    dataset given as ``X`` without loading it (``SequenceForecaster`` such a
    ``y``, one series per sequence). This class adds what such an array
    alone does not say: the lengths of sequences padded at their end, or
    sequences stored one after another (``flat=True``, as
    :func:`skseq.io.read_parquet` writes them).

    Parameters
    ----------
    values : array-like
        ``(n_sequences, n_timesteps)`` or ``(n_sequences, n_timesteps,
        n_features)``, each sequence padded after its ``lengths`` steps; or,
        with ``flat=True``, ``(total_steps,)`` or ``(total_steps, n_features)``:
        every step of every sequence, sequence after sequence. Anything with
        ``shape``, ``dtype`` and numpy-style indexing along the first axis.
    lengths : array-like of int, default=None
        Valid steps per sequence. Required with ``flat=True``; by default
        every sequence has ``n_timesteps`` steps.
    flat : bool, default=False
        Whether ``values`` holds the sequences one after another.
    ids : array-like of shape (n_sequences,), default=None
        The sequences' ids: a ``y`` Series indexed by them is aligned to the
        sequences, as for a long DataFrame (a forecaster's series need
        distinct ones).

    Attributes
    ----------
    lengths : ndarray of shape (n_sequences,)
        Valid steps per sequence (int64).
    n_features : int
        Features per step.
    n_steps : int
        Valid steps of all sequences.
    shape : tuple
        ``(n_sequences, longest length, n_features)``: the shape of the
        sequences padded, so that scikit-learn counts and splits them.

    Notes
    -----
    ``stored[index]`` (integers, a slice or a boolean mask) returns the
    sequences at ``index`` as a new ``StoredSequences`` over the same store,
    reading nothing: scikit-learn's splitters and ``cross_validate`` split
    it as they split an array.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.io import StoredSequences
    >>> values = np.arange(12.0).reshape(3, 4)  # a memmap in practice
    >>> stored = StoredSequences(values, lengths=[4, 2, 3])
    >>> steps, lengths = stored.read([2, 1])
    >>> steps.ravel().tolist(), lengths.tolist()
    ([8.0, 9.0, 10.0, 4.0, 5.0], [3, 2])
    >>> len(stored), stored[1:].lengths.tolist()
    (3, [2, 3])
    """

    ndim = 3

    def __init__(self, values, lengths=None, *, flat=False, ids=None):
        if any(not np.isfinite(n) for n in values.shape):
            raise ValueError(
                f"The stored values have shape {values.shape}, whose size is not "
                "known (a Dask array of unknown chunks); compute the chunk sizes "
                "first (X.compute_chunk_sizes())."
            )
        shape = tuple(int(n) for n in values.shape)
        kind = np.dtype(values.dtype).kind
        if kind not in "fiub":
            raise ValueError(
                f"The stored values hold {values.dtype} data; skseq reads real "
                "numbers (floats or integers)."
            )
        if len(shape) not in ((1, 2) if flat else (2, 3)) or 0 in shape:
            expected = (
                "(total_steps,) or (total_steps, n_features)"
                if flat
                else "(n_sequences, n_timesteps) or (n_sequences, n_timesteps, "
                "n_features)"
            )
            raise ValueError(
                f"The stored values have shape {shape}; expected a non-empty "
                f"{expected} array."
            )
        if flat and lengths is None:
            raise ValueError("flat=True needs the lengths of the stored sequences.")
        self.values, self.flat, self.dtype = values, flat, np.dtype(values.dtype)
        self.univariate = len(shape) == (1 if flat else 2)
        self.n_features = 1 if self.univariate else shape[-1]
        self.width = None if flat else shape[1]
        n = None if flat else shape[0]
        if lengths is None:
            lengths = np.full(n, shape[1], dtype=np.int64)
        lengths = self._check_lengths(lengths, n, shape)
        self.explicit_lengths = flat or not np.all(lengths == shape[1])
        if ids is not None and len(ids) != len(lengths):
            raise ValueError(
                f"ids holds {len(ids)} values for {len(lengths)} sequences."
            )
        self.ids = ids
        # the stored sequences this one reads (a subset: stored[index]), and
        # where each stored sequence starts in a flat store
        self.rows = np.arange(len(lengths))
        self._store_starts = np.cumsum(lengths) - lengths
        self._whole = True  # every stored sequence, in order
        self._set_lengths(lengths)

    def _set_lengths(self, lengths):
        """Set the lengths and what follows from them."""
        self.lengths = lengths
        self.ends = np.cumsum(lengths)
        self.starts = self.ends - lengths
        self.n_steps = int(self.ends[-1])
        self.shape = (len(lengths), int(lengths.max()), self.n_features)

    def __len__(self):
        return len(self.lengths)

    def __iter__(self):
        raise TypeError(
            "StoredSequences are not iterated: read() reads sequences, blocks() "
            "their steps a block at a time."
        )

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "StoredSequences are not read into an array whole; read() reads "
            "sequences, blocks() their steps a block at a time."
        )

    def __getitem__(self, key):
        """Return the sequences at ``key`` as a StoredSequences (read nothing).

        ``key`` indexes the sequences: an int array, a list, a slice or a
        boolean mask, optionally followed by ``...`` (as scikit-learn indexes
        an array's rows).
        """
        if isinstance(key, tuple):
            if len(key) != 2 or key[1] is not Ellipsis:
                raise IndexError(
                    "StoredSequences are indexed along their sequences only."
                )
            key = key[0]
        picked = np.arange(len(self))[key]
        if picked.ndim != 1 or not len(picked):
            raise IndexError(
                "StoredSequences[key] needs a key that picks one or more "
                f"sequences (ints, a slice or a boolean mask), got {key!r}."
            )
        subset = copy.copy(self)
        subset.rows = self.rows[picked]
        subset._whole = np.array_equal(subset.rows, np.arange(len(self._store_starts)))
        if self.ids is not None:
            ids = list(self.ids)  # as given: ints, strings, tuples
            subset.ids = [ids[i] for i in picked]
        subset._set_lengths(self.lengths[picked])
        return subset

    def _check_lengths(self, lengths, n, shape):
        lengths = np.asarray(lengths)
        if lengths.ndim != 1 or lengths.dtype.kind not in "iu" or not len(lengths):
            raise ValueError(
                "lengths must be a non-empty 1-D array of integers, got "
                f"{lengths.dtype} of shape {lengths.shape}."
            )
        lengths = lengths.astype(np.int64)
        if self.flat and lengths.sum() != shape[0]:
            raise ValueError(
                f"lengths sum to {lengths.sum()}, but the stored values hold "
                f"{shape[0]} steps."
            )
        if not self.flat and len(lengths) != n:
            raise ValueError(
                f"lengths holds {len(lengths)} values for {n} stored sequences."
            )
        if lengths.min() < 1 or (not self.flat and lengths.max() > shape[1]):
            top = "" if self.flat else f" and at most {shape[1]} (n_timesteps)"
            raise ValueError(f"lengths must be at least 1{top}.")
        return lengths

    @property
    def layout(self):
        """The input form the same array has in memory (see InputSpec)."""
        if self.flat or self.explicit_lengths:
            return "ragged"
        return "tabular" if self.univariate else "dense"

    @property
    def n_sequences(self):
        """Number of stored sequences."""
        return len(self.lengths)

    def _steps_of(self, block, lengths):
        """Return the valid steps of padded sequences ``block``, as 2-D floats."""
        block = _as_float(block)
        if self.univariate:
            block = block[..., None]
        if np.all(lengths == block.shape[1]):
            return block.reshape(-1, self.n_features)
        return block[np.arange(block.shape[1]) < lengths[:, None]]

    def read(self, index):
        """Return the valid steps of the sequences at ``index``, and their lengths.

        Parameters
        ----------
        index : array-like of int
            Sequences to read, in the order wanted.

        Returns
        -------
        steps : ndarray of shape (sum of lengths, n_features)
            float32 or float64 (other numbers become float64), sequence after
            sequence in the order of ``index``.
        lengths : ndarray of shape (len(index),)
        """
        index = np.asarray(index, dtype=np.int64)
        lengths = self.lengths[index]
        # each stored row read once, in ascending order (as stores read best)
        rows, first, inverse = np.unique(
            self.rows[index], return_index=True, return_inverse=True
        )
        if self.flat:
            parts = [
                _as_float(np.asarray(self.values[start : start + n]))
                for start, n in zip(self._store_starts[rows], lengths[first])
            ]
            parts = [p[:, None] if self.univariate else p for p in parts]
            return np.concatenate([parts[i] for i in inverse]), lengths
        block = _read_rows(self.values, rows)[inverse]
        return self._steps_of(block, lengths), lengths

    def sequence_steps(self, index, start, stop):
        """Return steps ``start:stop`` of sequence ``index`` alone, as 2-D floats.

        Reads those steps only, whatever the store's layout (a subset's
        sequence, a padded row).
        """
        row = int(self.rows[index])
        stop = min(stop, int(self.lengths[index]))
        if self.flat:
            offset = int(self._store_starts[row])
            block = np.asarray(self.values[offset + start : offset + stop])
        else:
            block = np.asarray(self.values[row, start:stop])
        block = _as_float(block)
        return block[:, None] if self.univariate else block

    def steps(self, start, stop):
        """Return the valid steps ``start:stop`` of all sequences, concatenated.

        Padded stores are read a bounded number of rows at a time, however
        short the sequences are against the padded width.
        """
        if self.flat and self._whole:
            block = _as_float(np.asarray(self.values[start:stop]))
            return block[:, None] if self.univariate else block
        first = int(np.searchsorted(self.ends, start, side="right"))
        last = int(np.searchsorted(self.ends, stop - 1, side="right")) + 1
        width = self.width or self.shape[1]
        rows = max(1, _BLOCK_VALUES // (width * self.n_features))
        if self._whole:
            parts = [
                self._steps_of(
                    np.asarray(self.values[row : min(row + rows, last)]),
                    self.lengths[row : min(row + rows, last)],
                )
                for row in range(first, last, rows)
            ]
        else:  # a subset's sequences need not lie next to each other
            parts = [
                self.read(np.arange(row, min(row + rows, last)))[0]
                for row in range(first, last, rows)
            ]
        steps = parts[0] if len(parts) == 1 else np.concatenate(parts)
        offset = start - self.starts[first]
        return steps[offset : offset + stop - start]

    def blocks(self):
        """Yield the valid steps in consecutive blocks of :func:`block_steps`."""
        size = block_steps(self.n_features)
        for start in range(0, self.n_steps, size):
            yield self.steps(start, min(start + size, self.n_steps))

    def checked(self, check, mask_value=None):
        """Return the store with its padding steps cut off, after one pass.

        Parameters
        ----------
        check : callable
            Called on every block of valid steps (finiteness, say).
        mask_value : float, default=None
            Steps whose features all equal it are padding. In a store they
            must come after a sequence's last real step: the lengths then
            end there, and nothing is copied.

        Returns
        -------
        StoredSequences
            ``self`` when no step is padding, else the same values with
            shorter lengths.

        Raises
        ------
        ValueError
            When padding steps lie before a real step, fill a whole sequence,
            or lie in a flat store.
        """
        padding = np.zeros(self.n_sequences, dtype=np.int64)
        last_real = np.full(self.n_sequences, -1, dtype=np.int64)
        start = 0
        for block in self.blocks():
            check(block)
            if mask_value is not None:
                pad = np.all(block == block.dtype.type(mask_value), axis=1)
                position = start + np.arange(len(block))
                owner = np.searchsorted(self.ends, position, side="right")
                padding += np.bincount(owner[pad], minlength=self.n_sequences)
                real, where = owner[~pad], position[~pad] - self.starts[owner[~pad]]
                if len(real):
                    last = np.flatnonzero(np.diff(real, append=-1) != 0)
                    last_real[real[last]] = where[last]
            start += len(block)
        if not padding.any():
            return self
        reason = f"steps whose features all equal mask_value={mask_value!r}"
        if self.flat:
            raise ValueError(
                f"The stored sequences hold {reason}; a flat store holds real "
                "steps only. Leave them out, or set mask_value=None."
            )
        empty = np.flatnonzero(last_real < 0)
        if len(empty):
            raise ValueError(
                f"Sequence {self.rows[empty[0]]} of X has no valid time step: "
                "every step is padding. Every sequence needs at least 1 time step."
            )
        lengths = last_real + 1
        if np.any(self.lengths - lengths != padding):
            bad = self.rows[np.flatnonzero(self.lengths - lengths != padding)[0]]
            raise PaddingInside(
                f"Stored sequence {bad} of X has {reason} before its last real "
                "step; stored sequences are read with padding at their end only. "
                "Give their lengths with skseq.io.StoredSequences instead."
            )
        cut = copy.copy(self)
        cut.explicit_lengths = True
        cut._set_lengths(lengths)
        return cut

    def __repr__(self):
        return (
            f"StoredSequences({type(self.values).__name__}, "
            f"n_sequences={self.n_sequences}, n_features={self.n_features})"
        )
