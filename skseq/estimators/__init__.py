"""The skseq estimators."""

from ._forecaster import SequenceForecaster
from ._rnn import RNNClassifier, RNNRegressor

__all__ = ["RNNClassifier", "RNNRegressor", "SequenceForecaster"]
