"""skseq: recurrent neural networks as scikit-learn estimators.

RNN, GRU and LSTM networks (PyTorch, trained through skorch) behind the
scikit-learn estimator API, with transformers for sequences.
"""

from ._persistence import load, save
from ._versions import VersionMismatchWarning, __version__
from .estimators import (
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
    RNNSeq2Seq,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from .exceptions import ExtrapolationWarning, TrainingInterrupted
from .utils import MASK_VALUE

__all__ = [
    "MASK_VALUE",
    "ExtrapolationWarning",
    "RNNClassifier",
    "RNNLanguageModel",
    "RNNRegressor",
    "RNNSeq2Seq",
    "RNNStepRegressor",
    "RNNTagger",
    "SequenceForecaster",
    "TrainingInterrupted",
    "VersionMismatchWarning",
    "__version__",
    "load",
    "save",
]
