"""RNNClassifier: a recurrent network that labels whole sequences."""

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array

from .._base import _BaseSequenceEstimator
from .._docstrings import fill_doc
from .._engine import PROCESSES_CONSTRAINT, NetOutputs
from .._targets import align_to_ids, check_same_length, check_y_given
from ..utils._sklearn_compat import StrOptions, _fit_context
from ..utils.validation import MASK_VALUE
from ._labels import refuse_missing_labels
from ._weights import class_weighted, normalised, sample_weights

__all__ = ["RNNClassifier"]


@fill_doc
class RNNClassifier(ClassifierMixin, _BaseSequenceEstimator):
    """Recurrent neural network classifier of sequences.

    Reads each sequence with a GRU, LSTM or Elman RNN, summarises its states
    (max pooling over the valid steps by default) and maps the summary to
    class probabilities. Trained with skorch; works in Pipeline, GridSearchCV
    and cross_val_score like any scikit-learn classifier.

    Parameters
    ----------
    %(network)s
    %(convolution_auto)s
    %(pooling_max)s
    %(tokens_and_scaling_auto)s
    %(training_auto)s
    %(early_stopping_stratified)s
    %(stopping_rule)s
    %(warm_start)s
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, ``{label: weight}`` (missing
        labels weigh 1), or "balanced" for weights inversely proportional to
        the class frequencies in ``y`` (with ``warm_start``, over the classes
        present in this ``y``). Multiplied with ``sample_weight``.
    %(runtime)s
    %(processes)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    %(fitted_network)s
    %(fitted_input)s

    See Also
    --------
    RNNRegressor : The same network for continuous targets.

    Notes
    -----
    %(input_notes)s

    Examples
    --------
    >>> from skseq import RNNClassifier
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint()
    >>> clf = RNNClassifier(max_epochs=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _reads_stored = True

    _parameter_constraints: dict = {
        **_BaseSequenceEstimator._parameter_constraints,
        "processes": PROCESSES_CONSTRAINT,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _fitted_attributes = {
        **_BaseSequenceEstimator._fitted_attributes,
        "classes_": np.ndarray,
    }

    def __init__(
        self,
        cell="gru",
        hidden_size=64,
        *,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        conv_layers="auto",
        conv_channels=64,
        conv_kernel_size=5,
        conv_pool=4,
        conv_mode="both",
        pooling="max",
        embedding_dim=None,
        vocab_size=None,
        categorical_features=None,
        standardize="auto",
        mask_value=MASK_VALUE,
        max_epochs="auto",
        batch_size=32,
        lr="auto",
        optimizer="auto",
        optimizer_kwargs=None,
        weight_decay="auto",
        clip_grad_norm=1.0,
        lr_schedule="auto",
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
        self.pooling = pooling
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
        return NetOutputs(n_classes=len(self.classes_))

    def _check_labels(self, y, sequences):
        """Return the checked labels, the classes, and each label's class index."""
        y = align_to_ids(y, sequences)
        refuse_missing_labels(y)
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        check_same_length(sequences, y)
        warm = self._warm_state()
        if warm is None:
            classes, y_index = np.unique(y, return_inverse=True)
        else:  # continue with the classes of the network being trained on
            classes = warm["classes_"]
            unseen = np.setdiff1d(y, classes)
            if len(unseen):
                raise ValueError(
                    f"warm_start=True continues a network trained on the classes "
                    f"{classes.tolist()}, but y holds {unseen.tolist()}; set "
                    "warm_start=False to start over."
                )
            y_index = np.searchsorted(classes, y)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but the data contains only one class: {classes.tolist()[0]!r}. "
                "Check how y was built or split (a stratified split keeps every class)."
            )
        return y, classes, y_index

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on sequences ``X`` with labels ``y``.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (see Notes of the class).
        y : array-like of shape (n_samples,)
            Class labels (int, str, bool, ...).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss and of the statistics that scale
            the inputs, so that a weight of 0 leaves a sequence out (a Series
            indexed by sequence ids is lined up with a long-format ``X`` by
            id, as ``y`` is).

        Returns
        -------
        self : RNNClassifier
            The fitted classifier.
        """
        sequences = self._check_X(X, reset=True)
        check_y_given(self, y)
        y, classes, y_index = self._check_labels(y, sequences)
        given = sample_weights(align_to_ids(sample_weight, sequences), len(y))
        weights = class_weighted(given, self.class_weight, y, classes, y_index)
        state, trained = self._fit_network(
            sequences,
            y_index.astype(np.int64),
            normalised(weights),
            given,  # class weights weigh the loss, not the input's scaling
            len(classes),
            "cross_entropy",
            stratify=y_index,
            outputs=NetOutputs(n_classes=len(classes)),
        )
        state["classes_"] = classes
        self._set_fitted(state, trained)
        return self

    def predict_proba(self, X):
        """Class probabilities of sequences ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities (float64), columns in the order of ``classes_``.
        """
        return softmax(self._forward(X)[0].astype(np.float64), axis=1)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities of sequences ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities (float64).
        """
        return log_softmax(self._forward(X)[0].astype(np.float64), axis=1)

    def predict(self, X):
        """Predict the class of each sequence of ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels, of the type of the training labels.
        """
        outputs, state, _ = self._forward(X)
        return state["classes_"][outputs.argmax(axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy of the predictions of ``X`` against the labels ``y``.

        As in ``fit``, a ``y`` (and ``sample_weight``) indexed by sequence
        ids is lined up with a long-format ``X`` by id.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy (scikit-learn's ``accuracy_score``).
        """
        outputs, state, sequences = self._forward(X)
        y = align_to_ids(y, sequences)
        refuse_missing_labels(y)
        return float(
            accuracy_score(
                y,
                state["classes_"][outputs.argmax(axis=1)],
                sample_weight=align_to_ids(sample_weight, sequences),
            )
        )
