"""What the exports read of a fitted estimator, and what they refuse."""

import copy
from dataclasses import dataclass

import numpy as np
from scipy.special import softmax
from sklearn.utils.validation import check_is_fitted

from .._input import FittedInput
from ..estimators import RNNClassifier, RNNRegressor, RNNStepRegressor, RNNTagger
from ..modules import RNNModule

__all__ = ["Fitted", "read_fitted"]

SUPPORTED = (RNNClassifier, RNNRegressor, RNNTagger, RNNStepRegressor)


@dataclass(frozen=True)
class Fitted:
    """A fitted estimator's network, input scaling and output decoding.

    Attributes
    ----------
    name : str
        The estimator's class name.
    module : RNNModule
        A float32 CPU copy of the network, in evaluation mode.
    input : FittedInput
        The input's standardisation and vocabularies.
    classes : ndarray or None
        The labels of a classifier or tagger; None for a regressor.
    target : TargetScaling or None
        The target scaling of a regressor; None for a classifier.
    feature_names : ndarray or None
        The estimator's ``feature_names_in_``, if it was fitted with them.
    """

    name: str
    module: RNNModule
    input: FittedInput
    classes: np.ndarray | None
    target: object
    feature_names: np.ndarray | None = None

    @property
    def tokens(self):
        """Whether the input is token ids."""
        return self.input.vocab_size is not None

    def decode(self, outputs):
        """Return ``(predictions, probabilities)`` of network outputs (NumPy).

        Probabilities are None for a regressor.
        """
        if self.classes is None:
            return self.target.inverse_transform(outputs), None
        proba = softmax(outputs.astype(np.float64), axis=-1)
        return self.classes[proba.argmax(axis=-1)], proba


def read_fitted(estimator, purpose):
    """Return the :class:`Fitted` state of ``estimator``, or refuse it.

    Other estimators, networks that are not skseq's own, and skseq's with a
    linear path are refused with an error that names ``purpose``.
    """
    if not isinstance(estimator, SUPPORTED):
        names = ", ".join(cls.__name__ for cls in SUPPORTED)
        raise TypeError(
            f"{purpose} takes a fitted {names}; got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    state = dict(estimator.__dict__)  # one read, as predict does
    module = state["net_"].module_
    if type(module) is not RNNModule:
        raise TypeError(
            f"{purpose} needs skseq's own network (RNNModule), but this "
            f"{type(estimator).__name__} was fitted with module="
            f"{type(module).__name__}; export it with torch.onnx.export."
        )
    if module.linear_path is not None:
        raise TypeError(
            f"{purpose} does not take a network with a linear path "
            f"(RNNModule(linear_path=True)), which this "
            f"{type(estimator).__name__}'s has; export it with torch.onnx.export."
        )
    module = copy.deepcopy(module).cpu().float().eval()
    module.autocast = None  # mixed precision runs in float32 here
    return Fitted(
        name=type(estimator).__name__,
        module=module,
        input=state["_input"],
        classes=state.get("classes_"),
        target=state.get("_target"),
        feature_names=state.get("feature_names_in_"),
    )
