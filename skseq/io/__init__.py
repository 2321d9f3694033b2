"""Sequences stored out of core: fit and predict without loading them.

``RNNClassifier``, ``RNNRegressor``, ``RNNStepRegressor`` and ``RNNTagger``
read a numpy memmap, a zarr array, a Dask array or an HDF5 dataset given as
``X`` a batch at a time, and ``SequenceForecaster`` such a ``y``;
:class:`StoredSequences` adds the lengths of post-padded or flat stores, and
:func:`read_parquet` streams a long ``(id, time)`` Parquet table into one.
"""

from ..utils._stored import StoredSequences
from ._parquet import read_parquet

__all__ = ["StoredSequences", "read_parquet"]
