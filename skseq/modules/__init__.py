"""Plain PyTorch modules behind the skseq estimators.

Nothing here knows about scikit-learn: :class:`RNNModule` takes a batch of
post-padded sequences and their lengths and returns one output row per
sequence. It can be used on its own, as any ``torch.nn.Module``.

Padding never reaches the output. For a unidirectional network this holds
because post-padding comes after every valid step, so the states at valid
steps are those of the sequence run alone; pooling then reads valid steps
only. The backward direction of a bidirectional network reads each sequence
reversed *within its own length* (see :func:`reverse_padded`), so it too
starts at the last valid step, never in the padding. The convolutional front
end (:class:`ConvFrontEnd`) zeroes the padding before every convolution, so
a valid step sees exactly the zero padding it would see alone.
"""

from ._conv import CONV_MODES, ConvFrontEnd, MaskedBatchNorm1d
from ._decoding import beam_search, generate_values
from ._language import LanguageModule
from ._linear import RowwiseLinear
from ._loss import (
    LOSSES,
    REGRESSION_LOSSES,
    PinballLoss,
    SquaredErrorAndEndLoss,
    WeightedLoss,
)
from ._masks import valid_mask
from ._rnn import CELLS, POOLINGS, RNNModule, reverse_padded
from ._seq2seq import ATTENTIONS, Attention, Seq2SeqModule

__all__ = [
    "ATTENTIONS",
    "CELLS",
    "CONV_MODES",
    "LOSSES",
    "POOLINGS",
    "REGRESSION_LOSSES",
    "Attention",
    "ConvFrontEnd",
    "LanguageModule",
    "MaskedBatchNorm1d",
    "PinballLoss",
    "RNNModule",
    "RowwiseLinear",
    "Seq2SeqModule",
    "SquaredErrorAndEndLoss",
    "WeightedLoss",
    "beam_search",
    "generate_values",
    "reverse_padded",
    "valid_mask",
]
