"""Anomaly detection in scikit-learn's outlier-detector form.

:class:`ForecastAnomalyDetector` flags the unusual points of a time series,
:class:`SequenceAnomalyDetector` the unusual sequences of a set; both score
with conformal p-values, so that a threshold is a false-alarm rate.
"""

from ._detector import ForecastAnomalyDetector
from ._sequences import SequenceAnomalyDetector

__all__ = ["ForecastAnomalyDetector", "SequenceAnomalyDetector"]
