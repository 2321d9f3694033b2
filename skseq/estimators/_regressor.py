"""RNNRegressor: a recurrent network that maps whole sequences to values."""

from dataclasses import dataclass

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array

from .._base import _BaseSequenceEstimator
from .._docstrings import fill_doc
from .._engine import PROCESSES_CONSTRAINT, NetOutputs
from .._input import safe_scale, unequal_weights
from .._targets import align_to_ids, check_same_length, check_y_given
from ..modules import REGRESSION_LOSSES
from ..utils._sklearn_compat import StrOptions, _fit_context
from ..utils.validation import MASK_VALUE
from ._labels import nan_for_missing
from ._weights import normalised, sample_weights

__all__ = ["RNNRegressor", "TargetScaling"]


@dataclass(frozen=True)
class TargetScaling:
    """The standardisation of a regressor's targets, and their shape.

    Attributes
    ----------
    mean, scale : ndarray of shape (n_outputs,)
        The network learns ``(y - mean) / scale``.
    ndim : {1, 2}
        Dimensions of the training ``y``; predictions take the same shape.
    """

    mean: np.ndarray
    scale: np.ndarray
    ndim: int

    def __post_init__(self):
        if self.ndim not in (1, 2) or np.shape(self.mean) != np.shape(self.scale):
            raise ValueError(
                f"Invalid target scaling: ndim {self.ndim}, mean "
                f"{np.shape(self.mean)}, scale {np.shape(self.scale)}."
            )

    @classmethod
    def fit(cls, target, ndim, weights=None):
        """Learn the mean and scale of each column of ``target`` (2-D).

        ``weights`` (one per row, or None) weighs the rows, as the loss does:
        a row of weight 0 counts as if it were left out. Each column is
        divided by the power of 2 just below its largest magnitude (exactly) for
        the statistics, so that targets near the ends of float64 (1e200,
        1e-200) give a finite, nonzero scale: their squares would overflow.
        """
        weights = unequal_weights(weights)
        counted = target if weights is None else target[np.asarray(weights) > 0]
        top = np.max(np.abs(counted), axis=0, initial=0.0)
        power = np.ldexp(1.0, np.frexp(np.where(np.isfinite(top), top, 1.0))[1] - 1)
        unit = target / power
        if weights is None:
            mean, std = unit.mean(axis=0), unit.std(axis=0)
        else:
            mean = np.average(unit, axis=0, weights=weights)
            variance = np.average((unit - mean) ** 2, axis=0, weights=weights)
            std = np.sqrt(variance)
        mean = mean * power
        return cls(mean, safe_scale(std * power, mean), ndim)

    def transform(self, target, name="y"):
        """Standardised targets (float32) for the network; ``name`` for errors."""
        with np.errstate(over="ignore", invalid="ignore"):
            standard = ((target - self.mean) / self.scale).astype(np.float32)
        if not np.isfinite(standard).all():
            raise ValueError(
                f"{name} cannot be standardised for the network (float32): its "
                f"values reach {np.max(np.abs(target)):.3g}, beyond float64 once "
                "centred or far beyond the spread of the rows that are weighted; "
                f"rescale {name} or drop the extreme values."
            )
        return standard

    def inverse_transform(self, outputs):
        """Network outputs back to the targets' units and shape (float64)."""
        values = outputs.astype(np.float64) * self.scale + self.mean
        return values.ravel() if self.ndim == 1 else values


@fill_doc
class RNNRegressor(RegressorMixin, _BaseSequenceEstimator):
    """Recurrent neural network regressor of sequences.

    Reads each sequence with a GRU, LSTM or Elman RNN, summarises its states
    (its state after the last valid step by default) and maps it to one
    or several values. Targets are standardised inside and predictions are
    returned on the original scale.

    Parameters
    ----------
    %(network)s
    %(convolution_auto)s
    %(pooling_last)s
    %(tokens_and_scaling_auto)s
    %(training_auto)s
    %(early_stopping_auto)s
    %(stopping_rule)s
    %(warm_start)s
    %(regression_loss)s
    %(runtime)s
    %(processes)s

    Attributes
    ----------
    n_outputs_ : int
        Number of regression targets.
    %(fitted_network)s
    %(fitted_input)s

    See Also
    --------
    RNNClassifier : The same network for class labels.

    Notes
    -----
    %(input_notes)s

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

    _reads_stored = True

    _parameter_constraints: dict = {
        **_BaseSequenceEstimator._parameter_constraints,
        "processes": PROCESSES_CONSTRAINT,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
    }
    _fitted_attributes = {
        **_BaseSequenceEstimator._fitted_attributes,
        "n_outputs_": int,
        "_target": TargetScaling,
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
        pooling="last",
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
        early_stopping="auto",
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
        self.loss = loss
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.mixed_precision = mixed_precision
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.processes = processes

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _net_spec(self):
        return self._sequence_net_spec(self.n_outputs_, self.loss)

    def _net_outputs(self):
        return NetOutputs(target=self._target)

    def _target_scaling(self, y, weights=None):
        """Return the target scaling: learned, or the warm-started network's."""
        target = y.reshape(len(y), -1)
        warm = self._warm_state()
        if warm is None:
            return TargetScaling.fit(target, y.ndim, weights)
        fitted = warm["_target"]
        if target.shape[1] != len(fitted.mean):
            raise ValueError(
                f"warm_start=True continues a network with {len(fitted.mean)} "
                f"outputs, but y has {target.shape[1]}; set warm_start=False to "
                "start over."
            )
        return TargetScaling(fitted.mean, fitted.scale, y.ndim)

    def _check_targets(self, y, sequences):
        """Return ``y`` lined up with the sequences, checked (float64)."""
        y = check_array(
            nan_for_missing(align_to_ids(y, sequences)),
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
        check_same_length(sequences, y)
        return y

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
            Per-sample weights of the loss and of the statistics that scale
            inputs and targets, so that a weight of 0 leaves a sequence out (a
            Series indexed by sequence ids is lined up with a long-format
            ``X`` by id, as ``y`` is).

        Returns
        -------
        self : RNNRegressor
            The fitted regressor.
        """
        sequences = self._check_X(X, reset=True)
        check_y_given(self, y)
        y = self._check_targets(y, sequences)
        weights = sample_weights(align_to_ids(sample_weight, sequences), len(y))
        scaling = self._target_scaling(y, weights)
        state, trained = self._fit_network(
            sequences,
            scaling.transform(y.reshape(len(y), -1)),
            normalised(weights),
            weights,
            len(scaling.mean),
            self.loss,
            outputs=NetOutputs(target=scaling),
        )
        state.update(n_outputs_=len(scaling.mean), _target=scaling)
        self._set_fitted(state, trained)
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
        outputs, state, _ = self._forward(X)
        return state["_target"].inverse_transform(outputs)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of the predictions of ``X``.

        As in ``fit``, a ``y`` (and ``sample_weight``) indexed by sequence
        ids is lined up with a long-format ``X`` by id.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R² (scikit-learn's ``r2_score``, outputs averaged uniformly).
        """
        outputs, state, sequences = self._forward(X)
        return float(
            r2_score(
                self._check_targets(y, sequences),
                state["_target"].inverse_transform(outputs),
                sample_weight=align_to_ids(sample_weight, sequences),
            )
        )
