"""What both detectors share: labels from p-values, as scikit-learn's outliers."""

import numpy as np
from sklearn.base import OutlierMixin

__all__ = ["PValueDetector"]


class PValueDetector(OutlierMixin):
    """``decision_function`` and ``predict`` of a detector whose scores are p-values.

    The subclass sets ``offset_`` (its ``false_alarm_rate``) in ``fit`` and
    defines ``score_samples``; a sample is an outlier when its p-value is
    below ``offset_``.
    """

    def _labels(self, p_values):
        """Return -1 where ``p_values`` fall below ``offset_``, else 1."""
        return np.where(p_values - self.offset_ < 0, -1, 1)

    def decision_function(self, X):
        """Score minus ``offset_``: negative for the flagged samples.

        Parameters
        ----------
        X : array-like, list of array-like or pandas object
            What ``score_samples`` takes.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Label each sample: -1 for an anomaly, 1 for a normal one.

        Parameters
        ----------
        X : array-like, list of array-like or pandas object
            What ``score_samples`` takes.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return self._labels(self.score_samples(X))
