"""Transformers of sequences: padding, windowing, encoding, scaling, lag tables.

No torch import here: these transformers also serve models other than
skseq's networks.
"""

from ._encoding import SequenceOneHotEncoder, SequenceOrdinalEncoder
from ._lags import LagsToSequences, darts_lags_to_sequences
from ._padding import SequencePadder
from ._scaling import SequenceScaler
from ._windowing import SequenceWindower, make_windows

__all__ = [
    "LagsToSequences",
    "SequenceOneHotEncoder",
    "SequenceOrdinalEncoder",
    "SequencePadder",
    "SequenceScaler",
    "SequenceWindower",
    "darts_lags_to_sequences",
    "make_windows",
]
