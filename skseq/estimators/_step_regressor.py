"""RNNStepRegressor: a value at every step (denoising, per-step estimation)."""

import numpy as np
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_is_fitted

from .._docstrings import fill_doc
from .._engine import PROCESSES_CONSTRAINT, NetOutputs
from .._targets import check_y_given
from ..modules import REGRESSION_LOSSES
from ..utils._sklearn_compat import StrOptions, _fit_context
from ..utils.validation import MASK_VALUE
from ._labels import nan_for_missing
from ._regressor import TargetScaling
from ._steps import StepEstimator, flat_step_targets, per_sequence
from ._weights import normalised, step_weights

__all__ = ["RNNStepRegressor"]


@fill_doc
class RNNStepRegressor(StepEstimator):
    """Recurrent network that predicts a value (or several) at every step.

    Per-step regression: a clean signal from a noisy one, a quantity at every
    time step from the readings so far (and after, when bidirectional).
    Targets are standardised inside and predictions returned on their scale.

    Parameters
    ----------
    %(network_tagger)s
    %(convolution_steps)s
    %(tokens_and_scaling)s
    %(training)s
    %(early_stopping)s
    %(stopping_rule)s
    %(warm_start)s
    %(regression_loss)s
    %(runtime)s
    %(processes)s

    Attributes
    ----------
    n_outputs_ : int
        Values predicted at every step.
    %(fitted_network)s
    %(fitted_input)s

    See Also
    --------
    RNNTagger : A label at every step.
    RNNRegressor : One value per sequence.

    Notes
    -----
    ``y`` holds a value (or a row of values) for every step of ``X``: a list
    of arrays, one per sequence (a pandas Series of them indexed by a long
    ``X``'s sequence ids is paired by id), an array ``(n_samples, n_steps[,
    n_outputs])`` for fixed-length ``X`` (a DataFrame for one output), or a
    long Series or DataFrame indexed like a long ``X``. Predictions come in
    the same form (an array for an array ``X``, also through a Pipeline with
    pandas output).
    ``score`` is the R² over all steps (averaged over outputs).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RNNStepRegressor
    >>> rng = np.random.default_rng(0)
    >>> clean = [np.sin(np.arange(n) / 3) for n in rng.integers(10, 30, size=40)]
    >>> noisy = [c + 0.3 * rng.normal(size=len(c)) for c in clean]
    >>> model = RNNStepRegressor(max_epochs=5, random_state=0).fit(noisy, clean)
    >>> model.predict(noisy[:1])[0].shape == clean[0].shape
    True
    """

    _parameter_constraints: dict = {
        **StepEstimator._parameter_constraints,
        "processes": PROCESSES_CONSTRAINT,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
    }
    _fitted_attributes = {
        **StepEstimator._fitted_attributes,
        "n_outputs_": int,
        "_target": TargetScaling,
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

    def _net_spec(self):
        return self._sequence_net_spec(self.n_outputs_, self.loss)

    def _net_outputs(self):
        return NetOutputs(target=self._target, per_step=True)

    def _values(self, y, sequences):
        """Return the targets of every step, checked, as ``(total_steps, k)``."""
        values = nan_for_missing(flat_step_targets(y, sequences))
        values = check_array(
            values, ensure_2d=False, dtype=np.float64, input_name="y", estimator=self
        )
        if values.ndim > 2:
            raise ValueError(
                f"y must hold a value or a row of values per step; its steps have "
                f"shape {values.shape[1:]}."
            )
        return values

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on sequences ``X`` with a target at every step.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (as for :class:`RNNRegressor`).
        y : list of array-like or array-like
            A value (or row of values) for every step of ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss (given to its every step) and
            in the statistics that scale inputs and targets, so that a weight
            of 0 leaves a sequence out (a Series indexed by sequence ids is
            lined up with a long-format ``X`` by id).

        Returns
        -------
        self : RNNStepRegressor
            The fitted regressor.
        """
        sequences = self._check_X(X, reset=True)
        check_y_given(self, y)
        values = self._values(y, sequences)
        target = values.reshape(len(values), -1)
        warm = self._warm_state()
        ndim = 1 if values.ndim == 1 else 2
        given, weights = step_weights(sample_weight, sequences)
        if warm is None:
            scaling = TargetScaling.fit(target, ndim, weights)
        else:
            fitted = warm["_target"]
            if target.shape[1] != len(fitted.mean):
                raise ValueError(
                    f"warm_start=True continues a network with {len(fitted.mean)} "
                    f"outputs, but y has {target.shape[1]}; set warm_start=False."
                )
            scaling = TargetScaling(fitted.mean, fitted.scale, ndim)
        state, trained = self._fit_network(
            sequences,
            scaling.transform(target),
            normalised(weights),
            given,
            target.shape[1],
            self.loss,
            per_step=True,
            outputs=NetOutputs(target=scaling, per_step=True),
        )
        state.update(n_outputs_=target.shape[1], _target=scaling)
        self._set_fitted(state, trained)
        return self

    def _flat_predictions(self, X):
        outputs, state, sequences = self._forward(X)
        return state["_target"].inverse_transform(outputs), sequences

    def predict(self, X):
        """Predict the target at every step of ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.

        Returns
        -------
        y : ndarray or list of ndarray
            ``(n_samples, n_steps[, n_outputs])`` for an array ``X``, else one
            array per sequence (float64).
        """
        predictions, sequences = self._flat_predictions(X)
        return per_sequence(predictions, sequences)

    def score(self, X, y, sample_weight=None):
        """R² over every step of ``X`` (averaged over the outputs).

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.
        y : list of array-like or array-like
            The true target at every step.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (given to its every step); a Series
            indexed by sequence ids is lined up with a long-format ``X`` by
            id, as in ``fit``.

        Returns
        -------
        score : float
            Coefficient of determination.
        """
        check_is_fitted(self)
        predictions, sequences = self._flat_predictions(X)
        values = self._values(y, sequences)
        weights = step_weights(sample_weight, sequences)[1]
        return float(r2_score(values, predictions, sample_weight=weights))
