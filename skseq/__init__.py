"""skseq: recurrent neural networks as scikit-learn estimators.

RNN, GRU and LSTM networks (PyTorch, trained through skorch) behind the
scikit-learn estimator API, with transformers for sequences.
"""

from ._persistence import VersionMismatchWarning, load, save
from .estimators import RNNClassifier, RNNRegressor, SequenceForecaster
from .utils import MASK_VALUE

__version__ = "0.1.0.dev0"

__all__ = [
    "MASK_VALUE",
    "RNNClassifier",
    "RNNRegressor",
    "SequenceForecaster",
    "VersionMismatchWarning",
    "__version__",
    "load",
    "save",
]
