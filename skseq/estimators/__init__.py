"""The skseq estimators."""

from ._rnn import RNNClassifier, RNNRegressor

__all__ = ["RNNClassifier", "RNNRegressor"]
