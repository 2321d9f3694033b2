"""The skseq estimators."""

from ..forecasting import SequenceForecaster
from ._classifier import RNNClassifier
from ._language_model import RNNLanguageModel
from ._regressor import RNNRegressor
from ._seq2seq import RNNSeq2Seq
from ._step_regressor import RNNStepRegressor
from ._tagger import RNNTagger

__all__ = [
    "RNNClassifier",
    "RNNLanguageModel",
    "RNNRegressor",
    "RNNSeq2Seq",
    "RNNStepRegressor",
    "RNNTagger",
    "SequenceForecaster",
]
