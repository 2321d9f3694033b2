"""Deployment: ONNX export of fitted estimators, and step-by-step prediction.

:func:`export_onnx` writes a fitted estimator as an ONNX model that takes
post-padded values and their lengths, with the estimator's standardisation
inside and its predictions out (probabilities and class indices, or values in
the targets' units). :class:`StreamingPredictor` feeds a fitted unidirectional
network one time step at a time, carrying its state, for streaming use.
"""

from ._onnx import export_onnx
from ._streaming import StreamingPredictor

__all__ = ["StreamingPredictor", "export_onnx"]
