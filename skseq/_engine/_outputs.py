"""What the skorch net's ``predict`` gives, so skorch's scorers read it right.

skorch's ``EpochScoring("accuracy")`` scores ``net.predict`` against the
targets of the batches: the network's outputs are class logits or
standardised values, and a weighted batch's target is ``(target, weight)``.
:class:`NetOutputs` tells the net what its outputs mean: its ``predict``
then gives class indices or values in the target's units, its
``predict_proba`` probabilities, and :meth:`NetOutputs.scoring_target`
turns a batch's target into what the scorer compares them with. The work
is done once per epoch, on the outputs skorch caches; none per batch.

A per-step network gives ``(batch, steps, k)`` outputs, padded to each
batch's longest sequence; its targets are ``{"target", "weight",
"lengths"}``. :meth:`NetOutputs.valid_steps` keeps the rows of the valid
steps, sequence after sequence, of both, so that the scorers compare the
steps the estimator's ``score`` does and none of the padding.

A scorer that reads the classes from the targets (``"neg_log_loss"``,
``"neg_brier_score"``) fails on a batch or split that lacks a class the
probabilities have a column for; :meth:`NetOutputs.scorer` gives it every
class, as ``log_loss(..., labels=classes_)`` does.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import softmax
from sklearn.metrics import brier_score_loss, log_loss, make_scorer
from skorch.callbacks.scoring import ScoringBase, convert_sklearn_metric_function
from skorch.utils import to_numpy

from ..modules import valid_mask

__all__ = ["NetOutputs", "check_scoring_callbacks", "without_validation_readers"]

# scorer names whose metric infers the classes from y_true unless given labels
_PROBABILITY_LOSSES = {"neg_log_loss": log_loss, "neg_brier_score": brier_score_loss}


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
    per_step : bool, default=False
        The network gives an output at every step: :meth:`valid_steps`
        keeps those of the valid steps.
    """

    n_classes: int | None = None
    target: object = None
    per_step: bool = False

    @staticmethod
    def valid_steps(values, lengths):
        """Return the rows of the valid steps of padded ``(batch, steps, ...)``."""
        mask = valid_mask(lengths.to(values.device), values.shape[1])
        return values[mask]

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

    def scorer(self, scoring):
        """Return the scorer of ``scoring``, told every class where it needs them.

        ``"neg_log_loss"`` and ``"neg_brier_score"`` of class outputs become
        the same scorer with ``labels`` all the classes' indices: a split
        without one of them is scored, not refused for "different number of
        classes". Anything else is returned as given.
        """
        if self.n_classes is None or not isinstance(scoring, str):
            return scoring
        metric = _PROBABILITY_LOSSES.get(scoring)
        if metric is None:
            return scoring
        return make_scorer(
            metric,
            greater_is_better=False,
            response_method="predict_proba",
            labels=np.arange(self.n_classes),
        )

    def scoring_target(self, y):
        """Return a batch's target as scorers compare it with :meth:`predict`.

        skseq's batches hold ``(target, weight)`` when trained with weights,
        per-step ones ``{"target", "weight", "lengths"}``; the scorers see
        the target alone (skorch passes them no weights), of the valid steps.
        """
        if isinstance(y, dict):
            y = self.valid_steps(y["target"], y["lengths"])
        if isinstance(y, tuple):
            y = y[0]
        y = to_numpy(y)
        if self.target is not None and self.n_classes is None:
            return self.target.inverse_transform(y)
        return y


def _scorer_text(scoring):
    """Return how a scikit-learn scorer was given, for a message; else None.

    A scorer name, a scorer object (``make_scorer``, ``get_scorer``) and a
    metric function that skorch turns into a scorer (``r2_score``) all score
    the net's ``predict``/``predict_proba`` against skorch's targets.
    """
    if isinstance(scoring, str):
        return repr(scoring)
    if hasattr(scoring, "_score_func"):  # make_scorer's, get_scorer's objects
        return repr(scoring)
    if convert_sklearn_metric_function(scoring) is not scoring:
        return scoring.__name__
    return None


def check_scoring_callbacks(
    callbacks, outputs, estimator, validation=True, can_validate=True
):
    """Refuse skorch callbacks that would not score, or not run, right.

    Scoring callbacks by scorer must score what the estimator predicts; and
    without a validation split, callbacks that read the validation results
    (skorch's EarlyStopping, Checkpoint, scorers with ``on_train=False``)
    would fail in the middle of training or record nothing.

    Parameters
    ----------
    callbacks : sequence of (name, Callback)
        The user's callbacks.
    outputs : NetOutputs or None
        What the net's ``predict`` gives; None: the network's raw outputs.
    estimator : str
        The estimator's name, for the message.
    validation : bool, default=True
        Whether the net is trained with a validation split.
    can_validate : bool, default=True
        Whether the estimator can hold one out (``early_stopping``): the
        message then says how.
    """
    on_train = _training_names(callbacks)
    for _, callback in callbacks:
        if isinstance(callback, ScoringBase):
            _check_scorer(callback, outputs, estimator)
        if not validation:
            _check_reads_training(callback, on_train, estimator, can_validate)


def _reads_validation(callback, on_train):
    """Return how ``callback`` reads validation results, and what reads none.

    ``(the callback as named, what it reads, the alternative)``, or None for
    a callback that reads none. ``on_train``: names of the scores the user's
    callbacks compute on the training data (``valid_*`` ones too).
    """
    given = type(callback).__name__
    monitor = getattr(callback, "monitor", None)
    read = isinstance(monitor, str) and monitor.removesuffix("_best") not in on_train
    if read and monitor.startswith("valid_"):
        reads = f"reads {monitor!r}"
        return f"{given}(monitor={monitor!r})", reads, "monitor 'train_loss'"
    if isinstance(callback, ScoringBase) and not callback.on_train:
        given = f"{given}({_scorer_text(callback.scoring) or repr(callback.name)})"
        return given, "scores the validation split", "pass on_train=True"
    return None


def _training_names(callbacks):
    return {
        callback.name
        for _, callback in callbacks
        if isinstance(callback, ScoringBase) and callback.on_train
    }


def without_validation_readers(callbacks):
    """Return ``(name, callback)`` pairs less those that read validation results.

    For a refit on every sample (the forecaster's), which has nothing to
    validate on: its first fit read them.
    """
    on_train = _training_names(callbacks)
    return tuple(
        (name, callback)
        for name, callback in callbacks
        if _reads_validation(callback, on_train) is None
    )


def _check_reads_training(callback, on_train, estimator, can_validate):
    """Refuse a callback that reads validation results, where there are none."""
    found = _reads_validation(callback, on_train)
    if found is not None:
        given, reads, instead = found
        hold = "hold out a validation split (early_stopping=True, validation_fraction"
        advice = f"{hold} > 0), or {instead}" if can_validate else instead
        raise ValueError(
            f"{given} {reads}, but {estimator} trains this network without a "
            f"validation split, so there is none: {advice} to read the training "
            "data."
        )


def _check_scorer(callback, outputs, estimator):
    """Refuse a scoring callback whose scorer would not score the predictions."""
    if callback.scoring is None:
        named = (
            'a scorer name (e.g. "accuracy", "r2") or ' if outputs is not None else ""
        )
        raise ValueError(
            f"{type(callback).__name__}(scoring=None) is not supported by "
            f"{estimator}: skorch would call the net's 'score' method, which "
            f"it has not. Pass {named}a scoring function of your own "
            "(scoring=callable(net, X, y))."
        )
    scoring = _scorer_text(callback.scoring)
    if scoring is None:
        return
    given = f"{type(callback).__name__}({scoring})"
    if outputs is None:
        raise ValueError(
            f"{given} is not supported by {estimator}: a scikit-learn scorer "
            f"would score the network's raw outputs, not {estimator}'s "
            "predictions. Remove the callback, or pass a scoring function of "
            "your own (scoring=callable(net, X, y))."
        )
    if not callback.use_caching:
        raise ValueError(
            f"{given} with use_caching=False is not supported by {estimator}: "
            "the scorer would get no targets (EpochScoring) or a batch the "
            "net cannot predict again (BatchScoring). Keep use_caching=True "
            "(the default), which scores the predictions made during the epoch."
        )
