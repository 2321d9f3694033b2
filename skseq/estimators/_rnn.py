"""RNNClassifier and RNNRegressor: many-to-one recurrent networks."""

import numpy as np
import pandas as pd
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils import column_or_1d
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array

from .._base import _BaseSequenceNet, safe_scale
from ..utils._sklearn_compat import StrOptions, _check_sample_weight, _fit_context
from ..utils.validation import MASK_VALUE

__all__ = ["RNNClassifier", "RNNRegressor"]

_NETWORK_PARAMETERS = """
    cell : {"gru", "lstm", "rnn"}, default="gru"
        Recurrent cell: gated recurrent unit, long short-term memory, or the
        Elman RNN ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.
    hidden_size : int, default=64
        Size of the hidden state (of each direction).
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Also read each sequence backwards, within its own length; the state
        size doubles.
    dropout : float, default=0.0
        Dropout between stacked layers (not on the recurrent connection).
    pooling : {"max", "mean", "last", "attention", "flatten"}, default="max"
        How the states are summarised for the output head: their maximum or
        mean over the valid steps, the state after the last valid step, an
        attention-weighted sum over the valid steps, or all states flattened
        (sequences of one fixed length only, the Keras
        ``return_sequences=True`` + ``Flatten`` pattern).
    embedding_dim : int or None, default=None
        Read ``X`` as integer token ids (id 0 is padding) and feed them to an
        embedding of this size instead of using them as numbers.
    vocab_size : int or None, default=None
        Number of token ids (ids lie in ``[0, vocab_size)``) with
        ``embedding_dim``; learned at fit as the largest id + 1 when None.
    standardize : bool, default=True
        Standardise each input feature with the mean and standard deviation of
        all valid training steps (learned in ``fit``; not for token ids).
    mask_value : float or None, default=MASK_VALUE
        Steps whose features all equal ``mask_value`` are padding and are
        skipped, wherever they are, as with Keras' ``Masking``. The default,
        ``skseq.MASK_VALUE``, is the value skseq's padders write. None masks
        nothing.
"""

_TRAINING_PARAMETERS = """
    max_epochs : int, default=100
        Number of passes over the training data (fewer with early stopping).
    batch_size : int, default=32
        Sequences per training step.
    lr : float, default=0.01
        Learning rate.
    optimizer : {"adam", "adamw", "rmsprop", "adagrad", "sgd"} or class, \
            default="adam"
        Optimizer, by name or as a ``torch.optim.Optimizer`` subclass.
    optimizer_kwargs : dict or None, default=None
        Further options of the optimizer, e.g. ``{"momentum": 0.9}`` for SGD.
    weight_decay : float, default=0.0
        L2 penalty (the optimizer's ``weight_decay``).
    clip_grad_norm : float or None, default=1.0
        Clip the gradient norm to this value at each step; None turns it off.
    lr_schedule : {"step", "cosine", "plateau"} or None, default=None
        Learning-rate schedule: divide by 10 every third of ``max_epochs``,
        cosine annealing to 0 over ``max_epochs``, or halve it when the
        monitored loss (validation loss with early stopping, else training
        loss) has not improved for ``n_iter_no_change // 2`` epochs. For other
        schedules pass a ``skorch.callbacks.LRScheduler`` in ``callbacks``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data<STRATIFIED>, stop
        when its loss has not improved by ``tol`` for ``n_iter_no_change``
        epochs, and restore the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``.
    n_iter_no_change : int, default=10
        Epochs without improvement before early stopping.
    tol : float, default=1e-4
        Smallest decrease of the validation loss that counts as improvement.
    warm_start : bool, default=False
        When fitted already, ``fit`` continues training the network for
        ``max_epochs`` more epochs (keeping its input and target scaling and
        classes) instead of starting over; ``history_`` holds all epochs.
        With ``max_epochs`` as the resource of HalvingGridSearchCV there is no
        need for it: each round refits from scratch.
"""

_CLASSIFIER_TRAINING = _TRAINING_PARAMETERS.replace("<STRATIFIED>", ", stratified")
_REGRESSOR_TRAINING = _TRAINING_PARAMETERS.replace("<STRATIFIED>", "")

_RUNTIME_PARAMETERS = """
    module : class or callable or None, default=None
        Your own ``torch.nn.Module`` class instead of skseq's network. Its
        ``forward(X, lengths)`` takes a post-padded batch ``(batch,
        max_length, n_features)`` (or token ids ``(batch, max_length)``) and
        the number of valid steps of each row, and returns ``(batch,
        output_size)``. It is built with those of ``input_size, output_size,
        cell, hidden_size, num_layers, dropout, bidirectional, pooling,
        num_embeddings, embedding_dim, max_length`` that its signature takes.
    callbacks : list or None, default=None
        skorch callbacks (or ``(name, callback)`` pairs) added to training,
        e.g. ``skorch.callbacks.EpochScoring`` or ``Checkpoint``.
    device : str or torch.device, default="cpu"
        "cpu", "cuda" (or "cuda:1", ...), or "auto" for CUDA when available.
    mixed_precision : bool, default=False
        Run skseq's network under ``torch.autocast`` in bfloat16 (faster on
        recent GPUs; bfloat16 needs no loss scaling). Not applied to your own
        ``module``, which can use ``torch.autocast`` itself.
    n_threads : int or None, default=1
        torch intra-op threads used inside ``fit`` and ``predict``, restored
        afterwards. One thread is fastest for small recurrent networks on a
        CPU; None keeps torch's process-wide setting.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the validation split, shuffling and
        dropout. An int gives bit-identical models on the same machine and
        versions; the global torch random state is left untouched.
    verbose : int, default=0
        1 prints a table of the losses of each epoch, 2 adds a progress bar.
"""

_COMMON_ATTRIBUTES = """
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : skorch.History
        Per-epoch records: ``history_[:, "train_loss"]``, and
        ``"valid_loss"`` with early stopping.
    n_iter_ : int
        Number of epochs run.
    interrupted_ : bool
        Whether training was stopped by Ctrl-C (KeyboardInterrupt). The model
        trained so far is kept, and the interrupt is raised again.
    vocab_size_ : int
        Number of token ids the embedding holds (with ``embedding_dim``).
    n_features_in_ : int
        Number of features seen during fit: the number of time steps for a
        2-D ``X`` (as scikit-learn reads its columns), else the number of
        features per time step.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` was a DataFrame.
"""

_INPUT_NOTES = """
    ``X`` is one of: a 3-D array ``(n_samples, n_timesteps, n_features)``; a
    2-D array ``(n_samples, n_timesteps)`` of univariate sequences, whose
    length must be the same at predict time since scikit-learn reads its
    columns as features; a list of ``(n_steps,)`` or ``(n_steps, n_features)``
    arrays of different lengths. Sequences of different lengths give the same
    output as each one run alone: padding is never seen by the network.
    Values are computed in float32. A long DataFrame indexed by
    ``(sequence id, time)`` gives one sample per id, in sorted id order; a
    ``y`` Series indexed by the ids is aligned to them. Cross-validation
    splitters need the list form: see :func:`skseq.utils.from_long_format`.
"""


def _sample_weights(sample_weight, n_samples):
    """Validate ``sample_weight`` (float64); None stays None."""
    if sample_weight is None:
        return None
    return _check_sample_weight(
        sample_weight,
        np.empty((n_samples, 0)),
        dtype=np.float64,
        ensure_non_negative=True,
    )


def _normalised(weights):
    """Scale weights to mean 1 (float32), so their scale does not act as a lr."""
    if weights is None:
        return None
    return (weights / weights.mean()).astype(np.float32)


def _check_same_length(sequences, y):
    if len(y) != sequences.n_samples:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: X has "
            f"{sequences.n_samples} sequences but y has {len(y)} targets; give one "
            "target per sequence."
        )


def _align_to_ids(y, sequences):
    """Order a ``y`` Series indexed by sequence ids like the sequences."""
    if (
        sequences.index is not None
        and isinstance(y, pd.Series)
        and y.index.is_unique
        and set(y.index) == set(sequences.index)
    ):
        return y.reindex(sequences.index)
    return y


class RNNClassifier(ClassifierMixin, _BaseSequenceNet):
    __doc__ = f"""Recurrent neural network classifier of sequences.

    Reads each sequence with a GRU, LSTM or Elman RNN, summarises its states
    (max pooling over the valid steps by default) and maps the summary to
    class probabilities. Trained with skorch; works in Pipeline, GridSearchCV
    and cross_val_score like any scikit-learn classifier.

    Parameters
    ----------{_NETWORK_PARAMETERS}{_CLASSIFIER_TRAINING}
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, ``{{label: weight}}`` (missing
        labels weigh 1), or "balanced" for weights inversely proportional to
        the class frequencies. Multiplied with ``sample_weight``.{_RUNTIME_PARAMETERS}
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

    _parameter_constraints: dict = {
        **_BaseSequenceNet._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        cell="gru",
        hidden_size=64,
        *,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="max",
        embedding_dim=None,
        vocab_size=None,
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
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.vocab_size = vocab_size
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
        y = check_array(
            _align_to_ids(y, sequences), ensure_2d=False, dtype=None, input_name="y"
        )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        _check_same_length(sequences, y)
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
        weights = _sample_weights(sample_weight, len(y))
        if self.class_weight is not None:
            per_class = compute_class_weight(self.class_weight, classes=classes, y=y)
            weights = per_class[y_index] * (1.0 if weights is None else weights)
        state, interrupt = self._fit_network(
            sequences,
            y_index.astype(np.int64),
            _normalised(weights),
            len(classes),
            "cross_entropy",
            stratify=y_index,
        )
        state["classes_"] = classes
        self._set_fitted(state, sequences.feature_names, interrupt)
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


class RNNRegressor(RegressorMixin, _BaseSequenceNet):
    __doc__ = f"""Recurrent neural network regressor of sequences.

    Reads each sequence with a GRU, LSTM or Elman RNN, summarises its states
    (max pooling over the valid steps by default) and maps the summary to one
    or several values. Targets are standardised inside and predictions are
    returned on the original scale.

    Parameters
    ----------{_NETWORK_PARAMETERS}{_REGRESSOR_TRAINING}
    loss : {{"squared_error", "absolute_error", "huber"}}, default="squared_error"
        Loss on the standardised targets; "huber" is quadratic within one
        standard deviation of the target and linear beyond.{_RUNTIME_PARAMETERS}
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

    _parameter_constraints: dict = {
        **_BaseSequenceNet._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber"})],
    }

    def __init__(
        self,
        cell="gru",
        hidden_size=64,
        *,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="max",
        embedding_dim=None,
        vocab_size=None,
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
        loss="squared_error",
        module=None,
        callbacks=None,
        device="cpu",
        mixed_precision=False,
        n_threads=1,
        random_state=None,
        verbose=0,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.vocab_size = vocab_size
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
        self.loss = loss
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.mixed_precision = mixed_precision
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

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
            _align_to_ids(y, sequences),
            ensure_2d=False,
            dtype=np.float64,
            input_name="y",
            estimator=self,
        )
        if y.ndim > 2:
            raise ValueError(
                f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs), got "
                f"shape {y.shape}."
            )
        _check_same_length(sequences, y)
        target = y.reshape(len(y), -1)
        warm = self._warm_state()
        if warm is None:
            y_mean = target.mean(axis=0)
            y_scale = safe_scale(target.std(axis=0), y_mean)
        elif target.shape[1] != warm["n_outputs_"]:
            raise ValueError(
                f"warm_start=True continues a network with {warm['n_outputs_']} "
                f"outputs, but y has {target.shape[1]}; set warm_start=False to "
                "start over."
            )
        else:  # keep the target scaling the network learned with
            y_mean, y_scale = warm["_y_mean"], warm["_y_scale"]
        state, interrupt = self._fit_network(
            sequences,
            ((target - y_mean) / y_scale).astype(np.float32),
            _normalised(_sample_weights(sample_weight, len(y))),
            target.shape[1],
            self.loss,
        )
        state.update(
            n_outputs_=target.shape[1],
            _y_mean=y_mean,
            _y_scale=y_scale,
            _y_ndim=y.ndim,
        )
        self._set_fitted(state, sequences.feature_names, interrupt)
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
