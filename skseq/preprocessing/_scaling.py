"""SequenceScaler: per-feature scaling over the valid steps of all sequences."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_feature_names_in,
    _fit_context,
)
from ..utils.validation import (
    MASK_VALUE,
    check_sequences,
    remember_input,
    unpad,
    valid_steps,
)
from ._output import SequenceOutputMixin

__all__ = ["SequenceScaler"]


class SequenceScaler(SequenceOutputMixin, TransformerMixin, BaseEstimator):
    """Scale each feature of sequences, fitted on all valid time steps.

    Unlike scikit-learn's scalers, which scale each column of a table, the
    statistics are those of a feature over every valid step of every
    sequence: all steps of a univariate sequence share one mean and scale.
    Padding steps (all features equal to ``mask_value``) are ignored at fit
    and kept as they are, so the output can still be masked.

    Parameters
    ----------
    method : {"standard", "minmax"}, default="standard"
        Zero mean and unit variance, or a linear map onto ``feature_range``.
    feature_range : tuple (min, max), default=(0, 1)
        Range of the "minmax" method.
    mask_value : finite float or None, default=MASK_VALUE
        Steps whose features all equal it are padding. None: no padding.

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,)
        Per-feature mean ("standard").
    scale_ : ndarray of shape (n_channels,)
        Per-feature scaling factor: the output is ``(x - mean_) / scale_``
        for "standard" and ``x * scale_ + min_`` for "minmax".
    min_ : ndarray of shape (n_channels,)
        Per-feature shift ("minmax").
    n_features_in_ : int
        Features seen during fit (the columns of a 2-D ``X``, as scikit-learn
        counts them, else the features per time step).

    See Also
    --------
    sklearn.preprocessing.StandardScaler : Scaling of the columns of a table.

    Notes
    -----
    :meth:`get_feature_names_out` names the output's columns: with pandas
    output (a long frame, a row per step) the features of a step (``["x0"]``
    for a 2-D ``X``, whose columns are steps); otherwise the input's columns.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.preprocessing import SequenceScaler
    >>> X = [np.array([1.0, 2.0, 3.0]), np.array([5.0])]
    >>> scaler = SequenceScaler().fit(X)
    >>> float(scaler.mean_[0])
    2.75
    >>> [np.round(x.astype(float), 2).tolist() for x in scaler.transform(X)]
    [[-1.18, -0.51, 0.17], [1.52]]
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"standard", "minmax"})],
        "feature_range": [tuple],
        "mask_value": [Interval(Real, None, None, closed="neither"), None],
    }

    def __init__(
        self, method="standard", *, feature_range=(0, 1), mask_value=MASK_VALUE
    ):
        self.method = method
        self.feature_range = feature_range
        self.mask_value = mask_value

    def _valid(self, sequences):
        """Boolean ``(n_samples, max_length)`` of the steps that are not padding."""
        valid = valid_steps(sequences.lengths, sequences.max_length)
        if self.mask_value is not None:
            values = sequences.values
            is_padding = np.all(values == values.dtype.type(self.mask_value), axis=2)
            valid &= ~is_padding
        return valid

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn each feature's statistics over all valid steps.

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Sequences, in any form the skseq estimators accept.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.
        """
        low_high = self.feature_range
        if self.method == "minmax" and not (
            len(low_high) == 2
            and all(isinstance(v, Real) and np.isfinite(v) for v in low_high)
            and low_high[0] < low_high[1]
        ):
            raise ValueError(
                "feature_range must be a pair (min, max) of finite numbers with min "
                f"< max, got {low_high!r}."
            )
        sequences = check_sequences(X, estimator=self, reset=True)
        steps = sequences.values[self._valid(sequences)].astype(np.float64)
        if len(steps) == 0:
            raise ValueError("X holds no valid time step: every step is padding.")
        if self.method == "standard":
            scaler = StandardScaler().fit(steps)
            self.mean_, self.scale_ = scaler.mean_, scaler.scale_
            self.min_ = None
        else:
            scaler = MinMaxScaler(feature_range=self.feature_range).fit(steps)
            self.mean_, self.scale_, self.min_ = None, scaler.scale_, scaler.min_
        self._scaler = scaler
        remember_input(self, sequences)
        return self

    def _apply(self, X, method, check_names=True, dtype=np.float32):
        check_is_fitted(self)
        function = getattr(self._scaler, method)
        sequences = check_sequences(
            X, estimator=self, reset=False, check_names=check_names
        )
        valid = self._valid(sequences)
        values = sequences.values  # scaled in float64: 1e8 + 1 is not 1e8
        out = np.empty(values.shape, dtype=dtype)
        out[~valid] = values[~valid]
        out[valid] = function(values[valid].astype(np.float64)).astype(dtype)
        if sequences.layout == "ragged":
            return unpad(out, sequences.lengths, sequences.item_ndim), sequences
        return (out[:, :, 0] if sequences.item_ndim == 1 else out), sequences

    def transform(self, X):
        """Scale the valid steps; padding steps are kept.

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Sequences.

        Returns
        -------
        ndarray or list of ndarray
            Scaled float32 sequences in the form of ``X`` (a list for a list
            or a long DataFrame).
        """
        scaled, read = self._apply(X, "transform")
        return self._sequence_output(scaled, read.index, read.reordered)

    def inverse_transform(self, X):
        """Undo the scaling of the valid steps.

        Parameters
        ----------
        X : array-like or list of array-like
            Scaled sequences.

        Returns
        -------
        ndarray or list of ndarray
            float64 sequences on the original scale, in the form of ``X``
            (float32 there would round 1e8 + 1 to 1e8, and overflow past
            3.4e38).
        """
        # scaled sequences carry no input names (nor does the long frame,
        # once read): as for scikit-learn's scalers, they are not checked
        X = self._from_sequence_output(X)
        out, _ = self._apply(X, "inverse_transform", False, dtype=np.float64)
        return out

    def _array_names(self, input_features=None):
        """Name the columns of the output without pandas: the input's."""
        return _check_feature_names_in(self, input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
