"""What the skorch net's ``predict`` gives, so skorch's scorers read it right.

skorch's ``EpochScoring("accuracy")`` scores ``net.predict`` against the
targets of the batches: the network's outputs are class logits or
standardised values, and a weighted batch's target is ``(target, weight)``.
:class:`NetOutputs` tells the net what its outputs mean: its ``predict``
then gives class indices or values in the target's units, its
``predict_proba`` probabilities, and :meth:`NetOutputs.scoring_target`
turns a batch's target into what the scorer compares them with. The work
is done once per epoch, on the outputs skorch caches; none per batch.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import softmax
from skorch.utils import to_numpy

__all__ = ["NetOutputs"]


@dataclass(frozen=True)
class NetOutputs:
    """The meaning of a network's outputs.

    Parameters
    ----------
    n_classes : int or None, default=None
        The outputs are the logits of this many classes: ``predict_proba``
        gives softmax probabilities and ``predict`` the index of the most
        probable class (its position in the estimator's ``classes_``).
    target : object or None, default=None
        Anything with ``inverse_transform(outputs)`` that maps outputs, and
        the training targets the network learned, back to the target's
        units (a regressor's ``TargetScaling``).
    """

    n_classes: int | None = None
    target: object = None

    def values(self, outputs):
        """Return the probabilities or values of ``outputs`` (a 2-D array)."""
        if self.n_classes is not None:
            return softmax(outputs.astype(np.float64), axis=1)
        if self.target is not None:
            return self.target.inverse_transform(outputs)
        return outputs

    def predict(self, outputs):
        """Return the class index or value of each row of ``outputs``."""
        if self.n_classes is not None:
            return outputs.argmax(axis=1)
        return self.values(outputs)

    def scoring_target(self, y):
        """Return a batch's target as scorers compare it with :meth:`predict`.

        skseq's batches hold ``(target, weight)`` when trained with weights;
        the scorers see the target alone (skorch passes them no weights).
        """
        if isinstance(y, tuple):
            y = y[0]
        y = to_numpy(y)
        if self.target is not None and self.n_classes is None:
            return self.target.inverse_transform(y)
        return y
