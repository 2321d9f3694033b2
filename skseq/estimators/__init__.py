"""The skseq estimators."""

from ..forecasting import SequenceForecaster
from ._classifier import RNNClassifier
from ._regressor import RNNRegressor

__all__ = ["RNNClassifier", "RNNRegressor", "SequenceForecaster"]
