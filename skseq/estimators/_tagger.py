"""RNNTagger: a label at every step (part-of-speech tagging, named entities)."""

import numpy as np
from scipy.special import softmax
from sklearn.metrics import accuracy_score
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._docstrings import fill_doc
from .._engine import PROCESSES_CONSTRAINT, NetOutputs
from .._targets import check_y_given
from ..utils._sklearn_compat import StrOptions, _fit_context
from ..utils.validation import MASK_VALUE
from ._labels import refuse_missing_labels
from ._steps import StepEstimator, flat_step_targets, per_sequence
from ._weights import class_weighted, normalised, step_weights

__all__ = ["RNNTagger"]


@fill_doc
class RNNTagger(StepEstimator):
    """Recurrent network that labels every step of a sequence.

    Sequence labelling: a part-of-speech tag for every word, an entity tag
    for every token, a state for every time step. A (by default
    bidirectional) GRU reads each sequence and a linear head maps the state
    at every step to class probabilities, ``y_t = softmax(V h_t)``.

    Parameters
    ----------
    %(network_tagger)s
    %(convolution_steps)s
    %(tokens_and_scaling)s
    %(training)s
    %(early_stopping)s
    %(stopping_rule)s
    %(warm_start)s
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, ``{label: weight}`` (missing
        labels weigh 1), or "balanced" for weights inversely proportional to
        the class frequencies over all steps (with ``warm_start``, over the
        classes present in this ``y``).
    %(runtime)s
    %(processes)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen at fit, over all steps.
    %(fitted_network)s
    %(fitted_input)s

    See Also
    --------
    RNNStepRegressor : A value at every step.
    RNNClassifier : One label per sequence.

    Notes
    -----
    ``y`` holds a label for every step of ``X``: a list of arrays, one per
    sequence (the form for sequences of different lengths; a pandas Series of
    them indexed by a long ``X``'s sequence ids is paired by id), or a 2-D
    array or DataFrame ``(n_samples, n_steps)`` for fixed-length ``X``, or a
    long Series indexed like a long ``X``. Predictions come in the same
    form: an array for an array ``X`` (also through a Pipeline with pandas
    output, whose long frame made of that array reads as the array), else a
    list of arrays. Steps that ``X`` marks as padding (``mask_value``, token
    id 0) get no label and take none from ``y``.
    ``score`` is the accuracy over all steps.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RNNTagger
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=n) for n in rng.integers(3, 9, size=40)]
    >>> y = [np.where(x > 0, "up", "down") for x in X]
    >>> tagger = RNNTagger(max_epochs=5, random_state=0).fit(X, y)
    >>> tagger.predict([X[0]])[0].shape == X[0].shape
    True
    >>> tagger.predict_proba([X[0]])[0].shape == (len(X[0]), 2)
    True
    """

    _parameter_constraints: dict = {
        **StepEstimator._parameter_constraints,
        "processes": PROCESSES_CONSTRAINT,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _fitted_attributes = {
        **StepEstimator._fitted_attributes,
        "classes_": np.ndarray,
    }

    def __init__(
        self,
        cell="gru",
        hidden_size=64,
        *,
        num_layers=1,
        bidirectional=True,
        dropout=0.0,
        conv_layers=0,
        conv_channels=64,
        conv_kernel_size=5,
        conv_pool=1,
        conv_mode="features",
        embedding_dim=None,
        vocab_size=None,
        categorical_features=None,
        standardize=True,
        mask_value=MASK_VALUE,
        max_epochs=100,
        batch_size=32,
        lr=0.01,
        optimizer="adam",
        optimizer_kwargs=None,
        weight_decay=0.0,
        clip_grad_norm=1.0,
        lr_schedule=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        class_weight=None,
        module=None,
        callbacks=None,
        device="cpu",
        mixed_precision=False,
        n_threads=1,
        random_state=None,
        verbose=0,
        processes=1,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.conv_layers = conv_layers
        self.conv_channels = conv_channels
        self.conv_kernel_size = conv_kernel_size
        self.conv_pool = conv_pool
        self.conv_mode = conv_mode
        self.embedding_dim = embedding_dim
        self.vocab_size = vocab_size
        self.categorical_features = categorical_features
        self.standardize = standardize
        self.mask_value = mask_value
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_kwargs = optimizer_kwargs
        self.weight_decay = weight_decay
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.mixed_precision = mixed_precision
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.processes = processes

    def _net_spec(self):
        return self._sequence_net_spec(len(self.classes_), "cross_entropy")

    def _net_outputs(self):
        return NetOutputs(n_classes=len(self.classes_), per_step=True)

    def _labels(self, y, sequences):
        """Return the labels of every step, checked and flat."""
        labels = flat_step_targets(y, sequences)
        if labels.ndim != 1:
            raise ValueError(
                f"y must hold one label per step; its steps have shape "
                f"{labels.shape[1:]}."
            )
        ends = np.cumsum(sequences.lengths)

        def locate(step):
            sequence = int(np.searchsorted(ends, step, side="right"))
            start = ends[sequence - 1] if sequence else 0
            return f"step {step - start} of sequence {sequence}"

        refuse_missing_labels(labels, "steps", "give every step a label", locate)
        check_classification_targets(labels)
        return labels

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on sequences ``X`` with a label for every step.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (as for :class:`RNNClassifier`).
        y : list of array-like, array-like or long Series
            A label for every step of ``X`` (see Notes of the class).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss (given to its every step) and
            in the statistics that scale numeric inputs, so that a weight of
            0 leaves a sequence out (a Series indexed by sequence ids is lined
            up with a long-format ``X`` by id).

        Returns
        -------
        self : RNNTagger
            The fitted tagger.
        """
        sequences = self._check_X(X, reset=True)
        check_y_given(self, y)
        labels = self._labels(y, sequences)
        warm = self._warm_state()
        if warm is None:
            classes, index = np.unique(labels, return_inverse=True)
        else:
            classes = warm["classes_"]
            unseen = np.setdiff1d(labels, classes)
            if len(unseen):
                raise ValueError(
                    f"warm_start=True continues a network trained on the classes "
                    f"{classes.tolist()}, but y holds {unseen.tolist()}; set "
                    "warm_start=False to start over."
                )
            index = np.searchsorted(classes, labels)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes over the steps, "
                f"but y holds only {classes.tolist()[0]!r}."
            )
        given, weights = step_weights(sample_weight, sequences)
        weights = class_weighted(weights, self.class_weight, labels, classes, index)
        state, trained = self._fit_network(
            sequences,
            index.astype(np.int64),
            normalised(weights),
            given,  # class weights weigh the loss, not the input's scaling
            len(classes),
            "cross_entropy",
            per_step=True,
            outputs=NetOutputs(n_classes=len(classes), per_step=True),
        )
        state["classes_"] = classes
        self._set_fitted(state, trained)
        return self

    def _probabilities(self, X):
        outputs, state, sequences = self._forward(X)
        return softmax(outputs.astype(np.float64), axis=1), state, sequences

    def predict_proba(self, X):
        """Class probabilities at every step of ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        proba : ndarray or list of ndarray
            ``(n_samples, n_steps, n_classes)`` for an array ``X``, else one
            ``(n_steps, n_classes)`` array per sequence; columns in the order
            of ``classes_``.
        """
        proba, _, sequences = self._probabilities(X)
        return per_sequence(proba, sequences)

    def predict(self, X):
        """Predict the label of every step of ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        y : ndarray or list of ndarray
            ``(n_samples, n_steps)`` for an array ``X``, else one array of
            labels per sequence.
        """
        proba, state, sequences = self._probabilities(X)
        return per_sequence(state["classes_"][proba.argmax(axis=1)], sequences)

    def score(self, X, y, sample_weight=None):
        """Accuracy over every step of ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.
        y : list of array-like, array-like or long Series
            The true label of every step.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (given to its every step); a Series
            indexed by sequence ids is lined up with a long-format ``X`` by
            id, as in ``fit``.

        Returns
        -------
        score : float
            Share of steps labelled right.
        """
        check_is_fitted(self)
        proba, state, sequences = self._probabilities(X)
        labels = self._labels(y, sequences)
        weights = step_weights(sample_weight, sequences)[1]
        predicted = state["classes_"][proba.argmax(axis=1)]
        return float(accuracy_score(labels, predicted, sample_weight=weights))
