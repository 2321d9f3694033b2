"""What both detectors share: labels from p-values, as scikit-learn's outliers."""

import numpy as np
from sklearn.base import OutlierMixin

__all__ = ["PValueDetector", "flag_offset"]


def flag_offset(false_alarm_rate):
    """Return the ``offset_`` that flags the p-values at most ``false_alarm_rate``.

    The next float above the rate: scikit-learn flags a negative
    ``decision_function = score_samples - offset_``, while conformal
    p-values keep their promise, ``P(p <= rate) <= rate``, up to the rate
    itself. An offset of the rate would flag none of ``n`` held-out scores'
    p-values ``k / (n + 1)`` that equals it (with 19 held out and a rate of
    0.05, no sample at all).
    """
    return float(np.nextafter(float(false_alarm_rate), np.inf))


class PValueDetector(OutlierMixin):
    """``decision_function`` and ``predict`` of a detector whose scores are p-values.

    The subclass sets ``offset_`` (:func:`flag_offset` of its
    ``false_alarm_rate``) in ``fit`` and defines ``score_samples``; a sample
    is an outlier when its p-value is below ``offset_``. It names the
    parameter that holds its network, None by default, in ``_network`` and
    an example of one in ``_network_example``, for :meth:`set_params`.
    """

    _network: str
    _network_example: str

    def set_params(self, **params):
        """Set the parameters of this detector (and of its network).

        The network's own parameters, ``<network>__<name>``, exist once the
        network is given: with the default None (the network is made at
        fit) they are refused, as scikit-learn refuses unknown parameters.

        Parameters
        ----------
        **params : dict
            Parameters and their values.

        Returns
        -------
        self : estimator instance
            This detector.
        """
        name = self._network
        nested = [key for key in params if key.startswith(f"{name}__")]
        if nested and params.get(name, getattr(self, name)) is None:
            raise ValueError(
                f"Invalid parameter {nested[0]!r} for estimator "
                f"{type(self).__name__}: {name} is None (the default network, "
                f"made at fit), which has no parameters to set. Give {name} "
                f"explicitly, e.g. {name}={self._network_example}, with them "
                f"(in a grid, {{{name!r}: [...], {nested[0]!r}: [...]}})."
            )
        return super().set_params(**params)

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
