"""The weights of the training samples in the loss: sample and class weights."""

from numbers import Real

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from .._targets import align_to_ids
from ..utils._sklearn_compat import _check_sample_weight

__all__ = ["class_weighted", "normalised", "sample_weights", "step_weights"]

# weights whose largest lies in this range are used as given (see _in_range)
_LOWEST, _HIGHEST = 2.0**-256, 2.0**256


def _in_range(weights):
    """Return ``weights`` scaled by a power of 2 where they near float64's ends.

    Only relative weights matter (the loss, and the statistics that scale
    inputs and targets, are weighted averages), and a scale by a power of 2
    is exact. Weights near the top of float64 (1e308) summed to inf, and
    inf / inf = NaN; weights near its bottom (1e-320) lost their digits in
    the products of the averages. Weights in between are returned as they
    are.
    """
    top = np.max(weights, initial=0.0)
    if top == 0 or _LOWEST <= top <= _HIGHEST:
        return weights
    return np.ldexp(weights, -int(np.frexp(top)[1]))


def sample_weights(sample_weight, n_samples):
    """Validate ``sample_weight`` (float64, see _in_range); None stays None."""
    if sample_weight is None:
        return None
    return _in_range(
        _check_sample_weight(
            sample_weight,
            np.empty((n_samples, 0)),
            dtype=np.float64,
            ensure_non_negative=True,
        )
    )


def step_weights(sample_weight, sequences):
    """Validate ``sample_weight`` per sequence; return it and it per step.

    Both are None without weights; a sequence's weight goes to its every step.
    A Series indexed by sequence ids is lined up with a long-format ``X`` by
    id (as for the estimators with one output per sequence).
    """
    given = sample_weights(align_to_ids(sample_weight, sequences), sequences.n_samples)
    if given is None:
        return None, None
    return given, np.repeat(given, sequences.lengths)


def _check_class_weight(class_weight, classes):
    """Class weights must be finite and non-negative, for classes of y.

    scikit-learn refuses labels that are no classes only while some class has
    no weight of its own, and its message then names those classes, not the
    labels at fault: the same cases are refused here, naming the labels.
    """
    if not isinstance(class_weight, dict):
        return
    bad = {
        label: weight
        for label, weight in class_weight.items()
        if not isinstance(weight, Real) or not np.isfinite(weight) or weight < 0
    }
    if bad:
        raise ValueError(
            f"class_weight must map labels to finite weights >= 0; got {bad}."
        )
    known = set(classes.tolist())
    unknown = [label for label in class_weight if label not in known]
    if unknown and not known <= set(class_weight):
        raise ValueError(
            f"class_weight has weights for {unknown}, which are not classes of "
            f"y ({classes.tolist()}); the classes left out weigh 1."
        )


def class_weighted(weights, class_weight, labels, classes, index):
    """Multiply the sample ``weights`` (or None) by the weights of the classes.

    ``labels`` are the training labels, ``index`` their positions in
    ``classes``. "balanced" weighs the classes present in ``labels`` (a warm
    start may train on some of the fitted classes only; the others have no
    sample to weigh). Weights that sum to zero are refused: nothing would be
    learnt.
    """
    if class_weight is None:
        return weights
    _check_class_weight(class_weight, classes)
    balanced = isinstance(class_weight, str)
    present = np.unique(index) if balanced else np.arange(len(classes))
    per_class = np.zeros(len(classes))
    per_class[present] = compute_class_weight(
        class_weight, classes=classes[present], y=labels
    )
    given = 1.0 if weights is None else weights
    weighted = _in_range(_in_range(per_class)[index] * given)
    if not weighted.any():
        names = "class_weight" if weights is None else "class_weight and sample_weight"
        raise ValueError(
            f"The weights of the training samples sum to zero: with {names}, "
            "every sample of y weighs 0, so there is nothing to learn. Give "
            "some samples a weight > 0."
        )
    return weighted


def normalised(weights):
    """Scale weights to mean 1 (float32), so their scale does not act as a lr."""
    if weights is None:
        return None
    return (weights / weights.mean()).astype(np.float32)
