"""RNNClassifier and RNNRegressor: many-to-one recurrent networks."""

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_consistent_length

from .._base import _BaseSequenceNet
from ..utils._sklearn_compat import _check_sample_weight, _fit_context
from ..utils.validation import MASK_VALUE

__all__ = ["RNNClassifier", "RNNRegressor"]

_COMMON_PARAMETERS = """
    cell : {"gru", "lstm", "rnn"}, default="gru"
        Recurrent cell: gated recurrent unit, long short-term memory, or the
        Elman RNN ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.
    hidden_size : int, default=64
        Size of the hidden state.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    dropout : float, default=0.0
        Dropout between stacked layers (not on the recurrent connection).
    pooling : {"max", "mean", "last"}, default="max"
        How the states of the valid steps are summarised for the output head:
        their maximum, their mean, or the state after the last valid step.
    standardize : bool, default=True
        Standardise each input feature with the mean and standard deviation of
        all valid training steps (learned in ``fit``).
    mask_value : float or None, default=MASK_VALUE
        Steps whose features all equal ``mask_value`` are padding and are
        skipped, wherever they are, as with Keras' ``Masking``. The default,
        ``skseq.MASK_VALUE``, is the value :class:`~skseq.preprocessing.
        SequencePadder` pads with. None masks nothing.
    max_epochs : int, default=100
        Number of passes over the training data.
    batch_size : int, default=32
        Sequences per training step.
    lr : float, default=0.01
        Learning rate.
    optimizer : {"adam", "adamw", "rmsprop", "adagrad", "sgd"} or class, \\
            default="adam"
        Optimizer, by name or as a ``torch.optim.Optimizer`` subclass.
    clip_grad_norm : float or None, default=1.0
        Clip the gradient norm to this value at each step; None turns it off.
    n_threads : int or None, default=1
        torch intra-op threads used inside ``fit`` and ``predict``, restored
        afterwards. One thread is fastest for small recurrent networks on a
        CPU; None keeps torch's process-wide setting.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout. An int gives
        bit-identical models on the same machine and versions; the global
        torch random state is left untouched.
    verbose : int, default=0
        1 prints a table of the losses of each epoch.
"""

_COMMON_ATTRIBUTES = """
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : skorch.History
        Per-epoch records (``history_[:, "train_loss"]``).
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        Number of features seen during fit: the number of time steps for a
        2-D ``X`` (as scikit-learn reads its columns), else the number of
        features per time step.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during fit, when ``X`` was a DataFrame.
"""

_INPUT_NOTES = """
    ``X`` is one of: a 3-D array ``(n_samples, n_timesteps, n_features)``; a
    2-D array ``(n_samples, n_timesteps)`` of univariate sequences, whose
    length must be the same at predict time since scikit-learn reads its
    columns as features; a list of ``(n_steps,)`` or ``(n_steps, n_features)``
    arrays of different lengths. Sequences of different lengths give the same
    output as each one run alone: padding is never seen by the network.
    Values are computed in float32.
"""


class _SequenceNetMixin:
    """Constructor shared by the classifier and the regressor."""

    def __init__(
        self,
        cell="gru",
        hidden_size=64,
        *,
        num_layers=1,
        dropout=0.0,
        pooling="max",
        standardize=True,
        mask_value=MASK_VALUE,
        max_epochs=100,
        batch_size=32,
        lr=0.01,
        optimizer="adam",
        clip_grad_norm=1.0,
        n_threads=1,
        random_state=None,
        verbose=0,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.pooling = pooling
        self.standardize = standardize
        self.mask_value = mask_value
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose


def _normalised_weights(sample_weight, n_samples):
    """Validate sample weights and scale them to mean 1 (None stays None)."""
    if sample_weight is None:
        return None
    weights = _check_sample_weight(
        sample_weight,
        np.empty((n_samples, 0)),
        dtype=np.float64,
        ensure_non_negative=True,
    )
    return (weights / weights.mean()).astype(np.float32)


class RNNClassifier(ClassifierMixin, _SequenceNetMixin, _BaseSequenceNet):
    __doc__ = f"""Recurrent neural network classifier of sequences.

    Reads each sequence with a GRU, LSTM or Elman RNN, summarises its states
    (max pooling over the valid steps by default) and maps the summary to
    class probabilities. Trained with skorch; works in Pipeline, GridSearchCV
    and cross_val_score like any scikit-learn classifier.

    Parameters
    ----------{_COMMON_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.{_COMMON_ATTRIBUTES}
    See Also
    --------
    RNNRegressor : The same network for continuous targets.

    Notes
    -----{_INPUT_NOTES}
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
            Per-sample weights of the loss.

        Returns
        -------
        self : RNNClassifier
            The fitted classifier.
        """
        sequences = self._check_X(X, reset=True)
        self._check_y_given(y)
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        check_consistent_length(sequences.lengths, y)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but the data contains only one class: {classes[0]!r}."
            )
        weights = _normalised_weights(sample_weight, len(y))
        state = self._fit_network(
            sequences, y_index.astype(np.int64), weights, len(classes), "cross_entropy"
        )
        state["classes_"] = classes
        self._set_fitted(state, sequences.feature_names)
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
        outputs, state = self._forward(X)
        return state["classes_"][outputs.argmax(axis=1)]


class RNNRegressor(RegressorMixin, _SequenceNetMixin, _BaseSequenceNet):
    __doc__ = f"""Recurrent neural network regressor of sequences.

    Reads each sequence with a GRU, LSTM or Elman RNN, summarises its states
    (max pooling over the valid steps by default) and maps the summary to one
    or several values. Targets are standardised inside and predictions are
    returned on the original scale.

    Parameters
    ----------{_COMMON_PARAMETERS}
    Attributes
    ----------
    n_outputs_ : int
        Number of regression targets.{_COMMON_ATTRIBUTES}
    See Also
    --------
    RNNClassifier : The same network for class labels.

    Notes
    -----{_INPUT_NOTES}
    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 10, 2))
    >>> y = X[:, :, 0].sum(axis=1)
    >>> reg = RNNRegressor(max_epochs=5, random_state=0).fit(X, y)
    >>> reg.predict(X[:4]).shape
    (4,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on sequences ``X`` with targets ``y``.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (see Notes of the class).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : RNNRegressor
            The fitted regressor.
        """
        sequences = self._check_X(X, reset=True)
        self._check_y_given(y)
        y = check_array(
            y, ensure_2d=False, dtype=np.float64, input_name="y", estimator=self
        )
        if y.ndim > 2:
            raise ValueError(
                f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs), got "
                f"shape {y.shape}."
            )
        check_consistent_length(sequences.lengths, y)
        target = y.reshape(len(y), -1)
        y_mean = target.mean(axis=0)
        y_scale = target.std(axis=0)
        y_scale[y_scale < 10 * np.finfo(np.float32).eps] = 1.0
        weights = _normalised_weights(sample_weight, len(y))
        state = self._fit_network(
            sequences,
            ((target - y_mean) / y_scale).astype(np.float32),
            weights,
            target.shape[1],
            "squared_error",
        )
        state.update(
            n_outputs_=target.shape[1],
            _y_mean=y_mean,
            _y_scale=y_scale,
            _y_ndim=y.ndim,
        )
        self._set_fitted(state, sequences.feature_names)
        return self

    def predict(self, X):
        """Predict the target of each sequence of ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions (float64), with the shape of the training ``y``.
        """
        outputs, state = self._forward(X)
        predictions = outputs.astype(np.float64) * state["_y_scale"] + state["_y_mean"]
        return predictions.ravel() if state["_y_ndim"] == 1 else predictions
