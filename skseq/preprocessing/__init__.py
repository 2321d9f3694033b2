"""Transformers of sequences: padding, windowing, encoding and scaling.

No torch import here: these transformers also serve models other than
skseq's networks.
"""

from ._encoding import SequenceOneHotEncoder, SequenceOrdinalEncoder
from ._padding import SequencePadder
from ._scaling import SequenceScaler
from ._windowing import SequenceWindower, make_windows

__all__ = [
    "SequenceOneHotEncoder",
    "SequenceOrdinalEncoder",
    "SequencePadder",
    "SequenceScaler",
    "SequenceWindower",
    "make_windows",
]
